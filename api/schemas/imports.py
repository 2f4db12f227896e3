"""History imports (ACD CSV uploads) and the stored history."""

from __future__ import annotations

from datetime import datetime

from pydantic import (
    BaseModel,
    Field,
)

from api.schemas.common import Page


class ImportProblem(BaseModel):
    row: int | None
    field: str | None
    code: str
    message: str


class ImportReport(BaseModel):
    """Result of a history upload; with ``dry_run`` nothing was stored."""

    id: int | None = None
    queue_id: int
    dry_run: bool
    file_sha256: str
    filename: str | None
    rows: int
    valid: bool
    problems: list[ImportProblem]
    warnings: list[ImportProblem] = Field(default_factory=list)
    truncated: bool = False
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    first_interval: datetime | None = None
    last_interval: datetime | None = None
    already_imported: bool = False
    created_at: datetime | None = None


class ImportList(Page):
    items: list[ImportReport]


class HistoryRead(BaseModel):
    queue_id: int
    interval_start: list[datetime]
    offered: list[float]
    handled: list[float | None]
    abandoned: list[float | None]
    aht_s: list[float | None]
    next_cursor: str | None = Field(
        default=None, description="more intervals follow: pass this as ``cursor``"
    )
