"""Tables of what happened (imported actuals, attendance) and of the clients reported on.

Registered on ``SQLModel.metadata`` through :mod:`api.tables`, which re-exports them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Column,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from api.table_columns import (
    ImportCounts,
    UTCDateTime,
    created_field,
    fk_field,
    instant_key,
    queue_key,
    ts_field,
)


class ActualImport(ImportCounts, table=True):
    """One import of actuals for a queue: ``kind`` "intervals" or "attendance" (migration 0007)."""

    __tablename__ = "actual_import"
    __table_args__ = (
        UniqueConstraint("queue_id", "kind", "file_sha256", name="uq_actual_import_hash"),
    )
    id: int | None = Field(default=None, primary_key=True)
    queue_id: int = fk_field("queue.id")
    kind: str = Field(max_length=16)
    first_instant: datetime | None = ts_field(nullable=True)
    last_instant: datetime | None = ts_field(nullable=True)
    created_at: datetime = created_field()


class ActualInterval(SQLModel, table=True):
    """Actual service of a queue's interval (actuals.types: the interval-actuals columns);
    a deferred queue's rows may leave the call counts out and give the resolution counts
    (migration 0014)."""

    __tablename__ = "actual_interval"
    queue_id: int = queue_key()
    interval_start: datetime = instant_key()
    offered: float
    answered: float | None = None
    abandoned: float | None = None
    abandoned_short: float
    answered_within: float | None = None
    aht_s: float | None = None
    asa_s: float | None = None
    agents_staffed: float | None = None
    resolved: float | None = None
    resolved_within_deadline: float | None = None
    backlog: float | None = None
    import_id: int | None = fk_field("actual_import.id", nullable=True, index=False)


class AttendanceSpan(SQLModel, table=True):
    """An agent logged in and available for a queue over ``[start, end)`` (natural key: queue,
    agent, start)."""

    __tablename__ = "attendance_span"
    queue_id: int = queue_key()
    agent: str = Field(sa_column=Column(String(200), primary_key=True))
    start: datetime = instant_key()
    end: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    import_id: int | None = fk_field("actual_import.id", nullable=True, index=False)


class Client(SQLModel, table=True):
    """A client the centre reports to, with its service targets (migration 0013); its queues
    are linked by ``client_queue`` (a queue belongs to at most one client)."""

    __tablename__ = "client"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    service_level: float
    answer_within_s: float
    max_asa_s: float | None = None
    max_abandon_rate: float | None = None
    created_at: datetime = created_field()


class ClientQueue(SQLModel, table=True):
    """A queue owned by a client (migration 0013)."""

    __tablename__ = "client_queue"
    client_id: int = Field(
        sa_column=Column(Integer, ForeignKey("client.id", ondelete="CASCADE"), primary_key=True)
    )
    queue_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("queue.id", ondelete="CASCADE"), primary_key=True, unique=True
        )
    )
