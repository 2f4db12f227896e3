"""Column helpers shared by the table modules: UTC instants, JSON, cascading foreign keys."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    TypeDecorator,
)
from sqlmodel import Field, SQLModel


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as naive UTC, always returned tz-aware (UTC)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; Staffwise stores tz-aware instants only")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def ts_field(nullable: bool = False, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


def created_field() -> Any:
    return Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


def json_field(nullable: bool = False) -> Any:
    return Field(default=None, sa_column=Column(JSON, nullable=nullable))


def fk_field(target: str, *, nullable: bool = False, index: bool = True) -> Any:
    column = Column(Integer, ForeignKey(target, ondelete="CASCADE"), nullable=nullable, index=index)
    return Field(default=None, sa_column=column)


def queue_key() -> Any:
    """``queue_id`` as the first part of a composite primary key (rows go with their queue)."""
    column = Column(Integer, ForeignKey("queue.id", ondelete="CASCADE"), primary_key=True)
    return Field(sa_column=column)


def instant_key() -> Any:
    """A UTC instant as part of a composite primary key (an interval's or a span's start)."""
    return Field(sa_column=Column(UTCDateTime(), primary_key=True))


class ImportCounts(SQLModel):
    """What an upload of a file did (not a table): its hash, name and row counts. Shared by
    the history and the actuals import records, which add their own keys and instants."""

    file_sha256: str = Field(max_length=64)
    filename: str | None = Field(default=None, max_length=300)
    rows: int
    inserted: int
    updated: int
    unchanged: int
