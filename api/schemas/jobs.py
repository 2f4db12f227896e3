"""Jobs: status and progress of background work."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import (
    BaseModel,
    Field,
)

from api.schemas.common import Page
from api.schemas.imports import ImportProblem

JobStatus = Literal["queued", "running", "succeeded", "failed", "cancelled", "interrupted"]


class JobRead(BaseModel):
    id: int
    kind: str
    status: JobStatus
    progress: float
    message: str
    objective: float | None
    best_bound: float | None
    gap: float | None
    seconds: float | None
    cancel_requested: bool
    params: dict[str, Any]
    errors: list[ImportProblem] | None
    error: str | None
    result_kind: str | None
    result_id: int | None
    result_url: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    updated_at: datetime | None
    attempt: int = Field(
        default=0,
        description="1 for the first run; a job taken over after "
        "its service stopped, or run again by its Idempotency-Key, counts up",
    )
    has_checkpoint: bool = Field(
        default=False,
        description="an earlier attempt stored a "
        "checkpoint (e.g. a roster) that the next attempt resumes from",
    )


class JobList(Page):
    items: list[JobRead]
