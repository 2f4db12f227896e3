"""Job leases in the database: who runs a job, since which attempt, until when.

A service instance (``owner``: host, pid and a random suffix) holds the lease of every job it
queued or runs and renews it with a heartbeat (``heartbeat_at``, ``lease_expires_at``). Every
write of a job's worker is conditional on ``owner`` and ``attempt`` (``Holder``): once another
instance took the job over (a new attempt) or the lease was released, a worker left over from
the old instance changes nothing. A job whose lease lapsed (its instance crashed) is taken over
by the next instance, up to ``max_attempts`` attempts; a job released by an orderly shutdown
(owner NULL) is taken over at once and does not count against the limit.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from api.db import write_session
from api.tables import Job, utcnow

OPEN = ("queued", "running")


def new_owner() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class Holder:
    """The lease a write must hold: the job, its owner and attempt."""

    job_id: int
    owner: str
    attempt: int

    def where(self) -> Any:
        return (
            (col(Job.id) == self.job_id)
            & (col(Job.owner) == self.owner)
            & (col(Job.attempt) == self.attempt)
        )


def fenced_update(session: Session, holder: Holder, **values: Any) -> bool:
    """``UPDATE job SET values WHERE`` the lease is still ``holder``'s; whether it was."""
    result = session.execute(update(Job).where(holder.where()).values(**values))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def lease_values(owner: str, lease_s: float, now: datetime | None = None) -> dict[str, Any]:
    now = now or utcnow()
    return {
        "owner": owner,
        "heartbeat_at": now,
        "lease_expires_at": now + timedelta(seconds=lease_s),
    }


def heartbeat(engine: Engine, owner: str, lease_s: float) -> int:
    """Renew the lease of every open job of ``owner``; the number renewed."""
    with write_session(engine) as session:
        result = session.execute(
            update(Job)
            .where(col(Job.owner) == owner, col(Job.status).in_(OPEN))
            .values(**lease_values(owner, lease_s))
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


def claimable(engine: Engine, owner: str) -> list[Job]:
    """Open jobs nobody holds: released (owner NULL) or whose lease lapsed (not ``owner``'s)."""
    now = utcnow()
    query = select(Job).where(
        col(Job.status).in_(OPEN),
        or_(
            col(Job.owner).is_(None), (col(Job.owner) != owner) & (col(Job.lease_expires_at) < now)
        ),
    )
    with Session(engine) as session:
        return list(session.exec(query.order_by(col(Job.id))).all())


def take_over(
    engine: Engine, job: Job, owner: str, lease_s: float, max_attempts: int
) -> int | None:
    """Claim ``job`` (as seen by ``claimable``) for a new attempt; its attempt number, or None
    when another instance was faster or the retry limit is reached (the job then ends
    ``interrupted``)."""
    assert job.id is not None
    lapsed = job.owner is not None
    seen = (col(Job.id) == job.id) & (col(Job.attempt) == job.attempt)
    seen &= col(Job.owner).is_(None) if job.owner is None else col(Job.owner) == job.owner
    with write_session(engine) as session:
        if lapsed and job.attempt >= max_attempts:
            message = (f"service stopped during attempt {job.attempt}; retry limit reached "
                       f"(job_max_attempts={max_attempts})")  # fmt: skip
            session.execute(update(Job).where(seen).values(
                status="interrupted", finished_at=utcnow(), updated_at=utcnow(), message=message,
                owner=None, lease_expires_at=None))  # fmt: skip
            return None
        values = dict(lease_values(owner, lease_s), status="queued", attempt=job.attempt + 1,
                      stop_requested=False, worker_pid=None, updated_at=utcnow(),
                      message=_queued_message(job, lapsed))  # fmt: skip
        result = session.execute(update(Job).where(seen).values(**values))
        return job.attempt + 1 if result.rowcount else None  # type: ignore[attr-defined]


def _queued_message(job: Job, lapsed: bool) -> str:
    if job.attempt == 0:
        return "queued"
    if not lapsed and job.message.startswith("run again"):
        return f"{job.message} (attempt {job.attempt + 1})"
    why = "its service stopped" if lapsed else "it was handed back"
    return f"re-queued after {why} (attempt {job.attempt + 1})"


def release(engine: Engine, owner: str, message: str) -> int:
    """At shutdown: hand every open job of ``owner`` back (queued, no owner), so the next
    instance runs it at once; workers still running it can no longer write to it."""
    with write_session(engine) as session:
        result = session.execute(
            update(Job)
            .where(col(Job.owner) == owner, col(Job.status).in_(OPEN))
            .values(status="queued", owner=None, lease_expires_at=None, worker_pid=None,
                    stop_requested=False, message=message[:500], updated_at=utcnow())
        )  # fmt: skip
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


def request_stop(engine: Engine, owner: str) -> int:
    """Ask every running job of ``owner`` to stop early and keep its best result."""
    with write_session(engine) as session:
        result = session.execute(
            update(Job)
            .where(col(Job.owner) == owner, col(Job.status) == "running")
            .values(stop_requested=True)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


def finish_if_held(engine: Engine, holder: Holder, status: str, error: str) -> None:
    """Close a job its worker could not close itself (worker death), if still ``holder``'s."""
    with write_session(engine) as session:
        job = session.get(Job, holder.job_id)
        if job is None or job.status not in OPEN:
            return
        fenced_update(session, holder, status=status, error=error[:2000], message=error[:500],
                      finished_at=utcnow(), updated_at=utcnow(), lease_expires_at=None)  # fmt: skip
