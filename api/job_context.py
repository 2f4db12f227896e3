"""What a job handler sees and returns: ``JobContext``, ``JobOutcome`` and ``Handler``.

Kept apart from ``api.jobs`` (the runner) so the handlers in ``api.tasks`` and the runner
both import these types and neither imports the other's module in a circle: the runner looks
a handler up in ``api.tasks``; the handlers import only this module.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col

from api.db import write_session
from api.leases import Holder, fenced_update
from api.tables import Job, utcnow
from api.workers import orphaned

_PROGRESS_EVERY_S = 0.5
_CANCEL_POLL_EVERY_S = 0.25
SERVICE_GONE = "service gone"
SHUTTING_DOWN = "service shutting down"


class LeaseLost(RuntimeError):
    """The job was taken over or released: this worker may no longer write to it."""


@dataclass
class JobContext:
    """What a job handler sees: its parameters, progress reporting, the stop flag and the
    checkpoint of an earlier attempt (``resume``)."""

    engine: Engine
    job_id: int
    kind: str
    params: dict[str, Any]
    holder: Holder | None = None
    resume: dict[str, Any] | None = None
    attempt: int = 1
    _last_progress: float = 0.0
    _last_poll: float = 0.0
    _stop: bool = False
    stop_reason: str = ""
    lost: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def _write(self, **values: Any) -> bool:
        """A write to the job row, only while this worker holds the lease."""
        if self.lost:
            return False
        with write_session(self.engine) as session:
            if self.holder is None:
                session.execute(update(Job).where(col(Job.id) == self.job_id).values(**values))
                return True
            if not fenced_update(session, self.holder, **values):
                self.lost, self._stop, self.stop_reason = True, True, "lease lost"
        return not self.lost

    def report(
        self,
        progress: float,
        message: str = "",
        *,
        objective: float | None = None,
        best_bound: float | None = None,
        gap: float | None = None,
        seconds: float | None = None,
        force: bool = False,
    ) -> None:
        now = time.monotonic()
        if not force and now - self._last_progress < _PROGRESS_EVERY_S:
            return
        self._last_progress = now
        values: dict[str, Any] = {"progress": max(0.0, min(progress, 1.0)), "updated_at": utcnow()}
        if message:
            values["message"] = message[:500]
        figures = {"objective": objective, "best_bound": best_bound, "gap": gap, "seconds": seconds}
        values.update({k: float(v) for k, v in figures.items() if v is not None})
        self._write(**values)

    def fence(self, session: Session) -> None:
        """Inside a handler's own write transaction: raise ``LeaseLost`` (rolling it back)
        unless this worker still holds the job's lease."""
        if self.holder is not None and not fenced_update(session, self.holder, updated_at=utcnow()):
            self.lost, self._stop, self.stop_reason = True, True, "lease lost"
            raise LeaseLost(f"job {self.job_id}: lease lost")

    def checkpoint(self, data: dict[str, Any]) -> bool:
        """Store ``data`` (JSON) for a later attempt of this job; whether it was stored."""
        return self._write(checkpoint=data, updated_at=utcnow())

    def should_stop(self) -> bool:
        """True once a cancel or a shutdown asked to stop, or the lease was lost (polled from
        the database, throttled)."""
        now = time.monotonic()
        if self._stop or now - self._last_poll < _CANCEL_POLL_EVERY_S:
            return self._stop
        self._last_poll = now
        with Session(self.engine) as session:
            job = session.get(Job, self.job_id)
        if orphaned():
            self._stop, self.stop_reason = True, SERVICE_GONE
        elif job is None or job.cancel_requested:
            self._stop, self.stop_reason = True, "cancelled"
        elif job.stop_requested:
            self._stop, self.stop_reason = True, SHUTTING_DOWN
        elif self.holder is not None and (job.owner, job.attempt) != (
            self.holder.owner,
            self.holder.attempt,
        ):
            self._stop, self.lost, self.stop_reason = True, True, "lease lost"
        return self._stop


@dataclass(frozen=True)
class JobOutcome:
    """A handler's result: the row to store and a summary for the job.

    ``related`` rows (e.g. the rosters of a hiring scenario) are stored first, in the same
    transaction; once they have their ids, ``link(row, related)`` lets the result row point
    at them.
    """

    row: SQLModel | None
    kind: str | None
    message: str = ""
    stopped_early: bool = False
    objective: float | None = None
    best_bound: float | None = None
    gap: float | None = None
    seconds: float | None = None
    related: tuple[SQLModel, ...] = ()
    link: Callable[[SQLModel, tuple[SQLModel, ...]], None] | None = None
    result_id: int | None = None  # a result the handler stored itself (no ``row``)


Handler = Callable[[JobContext], JobOutcome]
