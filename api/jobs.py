"""Jobs: the executor seam, the job runner and leases.

Long work (forecast fits, requirements, roster solves, what-if comparisons, capacity plans,
large history imports) runs as a job. The API writes a ``job`` row (status ``queued``); the
runner takes its lease (``api.leases``: owner, attempt, heartbeat) and submits
``run_job(database_url, job_id, owner, attempt)`` to one ``concurrent.futures.Executor``:

* ``process`` (default): ``api.workers.WorkerPool``, ``spawn`` processes of which a dead one
  (kill -9, out of memory) fails only its own job; the slot gets a fresh process;
* ``dask``: ``dask.distributed.Client(address).get_executor(pure=False)`` when
  ``STAFFWISE_DASK_SCHEDULER`` is set;
* ``thread``: an in-process thread pool (tests, debugging).

``run_job`` is the same function on every executor. It reads its inputs from the database and
writes progress and the result back itself, every write conditional on still holding the
lease, so a worker of a dead service instance cannot overwrite a job that was taken over.
Cancellation (``cancel_requested``) and the shutdown's stop request (``stop_requested``) are
flags on the job row that the running solve polls (``should_stop``) and answers by stopping
with its best solution so far. A handler may store a checkpoint (``ctx.checkpoint``) that the
next attempt finds in ``ctx.resume``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import threading
import time
import traceback
from concurrent.futures import Future
from typing import Any

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, col, select

from api import leases, tasks
from api.db import make_engine, write_session
from api.errors import ApiError, conflict
from api.job_context import (  # the handlers' types, re-exported for existing imports
    SERVICE_GONE,
    SHUTTING_DOWN,
    Handler,
    JobContext,
    JobOutcome,
    LeaseLost,
)
from api.leases import Holder, fenced_update, finish_if_held
from api.settings import Settings
from api.tables import Job, utcnow
from api.workers import WorkerDied, make_executor
from forecasting.errors import InvalidInput

log = logging.getLogger(__name__)

FINISHED = frozenset({"succeeded", "failed", "cancelled", "interrupted"})
RERUNNABLE = ("failed", "interrupted")


# ---- executor seam -----------------------------------------------------------------------


# ---- job rows (API side) -----------------------------------------------------------------


def request_hash(kind: str, params: dict[str, Any]) -> str:
    canonical = json.dumps({"kind": kind, "params": params}, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def create_job(
    engine: Engine, kind: str, params: dict[str, Any], idempotency_key: str | None
) -> tuple[Job, bool]:
    """Insert a queued job, or return the job created earlier with the same idempotency key.

    Returns ``(job, to_run)``. A key reused with a different request is a 409; a key whose
    job ended ``failed`` or ``interrupted`` queues that job again (``to_run`` true).
    """
    digest = request_hash(kind, params)
    if idempotency_key is not None:
        existing = _job_by_key(engine, idempotency_key)
        if existing is not None:
            return _again(engine, _same_request(existing, digest))
    job = Job(kind=kind, status="queued", params=params, idempotency_key=idempotency_key,
              request_sha256=digest)  # fmt: skip
    try:
        with write_session(engine) as session:
            session.add(job)
    except IntegrityError:
        existing = _job_by_key(engine, idempotency_key) if idempotency_key else None
        if existing is None:
            raise
        return _same_request(existing, digest), False
    return job, True


def _job_by_key(engine: Engine, key: str) -> Job | None:
    with Session(engine) as session:
        return session.exec(select(Job).where(Job.idempotency_key == key)).first()


def _same_request(job: Job, digest: str) -> Job:
    if job.request_sha256 != digest:
        raise conflict(
            "Idempotency-Key was already used for a different request", "idempotency-key-reused"
        )
    return job


def _again(engine: Engine, job: Job) -> tuple[Job, bool]:
    """Queue a failed or interrupted job again (its checkpoint is kept); others as they are."""
    if job.status not in RERUNNABLE:
        return job, False
    with write_session(engine) as session:
        result = session.execute(
            update(Job)
            .where(col(Job.id) == job.id, col(Job.status).in_(RERUNNABLE))
            .values(status="queued", owner=None, lease_expires_at=None, progress=0.0,
                    message=f"run again (Idempotency-Key re-posted after {job.status})",
                    error=None, problems=None, cancel_requested=False, stop_requested=False,
                    started_at=None, finished_at=None, updated_at=utcnow())
        )  # fmt: skip
        rerun = bool(result.rowcount)  # type: ignore[attr-defined]
        fresh = session.get(Job, job.id)
        assert fresh is not None
        session.expunge(fresh)
    return fresh, rerun


class JobRunner:
    """Leases jobs, submits them to the executor, closes jobs whose worker died, renews its
    leases, takes over jobs whose lease lapsed, and drains on shutdown."""

    def __init__(self, settings: Settings, engine: Engine) -> None:
        self.database_url = engine.url.render_as_string(hide_password=False)
        self.engine = engine
        self.settings = settings
        self.owner = leases.new_owner()
        self.backend = make_executor(settings)
        self.futures: dict[int, Future[Any]] = {}
        self.draining = False
        self._drain_started = 0.0
        self._stopped = threading.Event()
        self._ticker = threading.Thread(target=self._tick_loop, daemon=True, name="job-leases")

    # -- lifecycle
    def start(self) -> None:
        """Take over jobs of earlier instances, then renew leases in the background."""
        self.take_over_lapsed()
        self._ticker.start()

    def _tick_loop(self) -> None:
        every = max(0.2, self.settings.job_lease_s / 3)
        while not self._stopped.wait(every):
            try:
                leases.heartbeat(self.engine, self.owner, self.settings.job_lease_s)
                if not self.draining:
                    self.take_over_lapsed()
            except OperationalError as exc:  # e.g. a long write lock; the next tick retries
                log.warning("job lease heartbeat failed: %s", exc)

    def take_over_lapsed(self) -> int:
        """Re-queue open jobs nobody holds (lapsed lease, released) up to the retry limit."""
        taken = 0
        for job in leases.claimable(self.engine, self.owner):
            taken += self._claim_and_run(job)
        return taken

    def begin_drain(self) -> None:
        """Refuse new jobs (503) and ask running solves to stop with their best result."""
        if self.draining:
            return
        self.draining, self._drain_started = True, time.monotonic()
        asked = leases.request_stop(self.engine, self.owner)
        log.warning("draining: %d running job(s) asked to stop", asked)

    def close(self, grace_s: float | None = None) -> None:
        """Drain: stop running jobs (they keep their best result), wait up to ``grace_s``,
        hand unfinished jobs back to the queue, stop the workers."""
        grace_s = self.settings.drain_grace_s if grace_s is None else grace_s
        self.begin_drain()
        deadline = self._drain_started + grace_s
        while self.futures and time.monotonic() < deadline:
            time.sleep(0.05)
        self._stopped.set()
        released = leases.release(self.engine, self.owner, "service shut down; re-queued")
        if released:
            log.warning("shutdown: %d unfinished job(s) handed back to the queue", released)
        self.backend.kill()
        self.backend.close()

    def state(self) -> dict[str, Any]:
        state = {"kind": self.backend.kind, **self.backend.state()}
        state["accepting"] = bool(state.get("accepting", True)) and not self.draining
        state["running_jobs"] = len(self.futures)
        return state

    # -- submitting
    def submit(self, job_id: int) -> None:
        with Session(self.engine) as session:
            job = session.get(Job, job_id)
        if job is not None and job.owner is None and job.status == "queued":
            self._claim_and_run(job)

    def _claim_and_run(self, job: Job) -> int:
        assert job.id is not None
        s = self.settings
        attempt = leases.take_over(self.engine, job, self.owner, s.job_lease_s, s.job_max_attempts)
        if attempt is None:
            return 0
        self._dispatch(Holder(job.id, self.owner, attempt))
        return 1

    def _dispatch(self, holder: Holder) -> None:
        try:
            future = self.backend.executor.submit(
                run_job, self.database_url, holder.job_id, holder.owner, holder.attempt
            )
        except RuntimeError as exc:  # executor shut down
            finish_if_held(self.engine, holder, "failed", f"could not start: {exc}")
            return
        self.futures[holder.job_id] = future
        future.add_done_callback(functools.partial(self._done, holder))

    def _done(self, holder: Holder, future: Future[Any]) -> None:
        self.futures.pop(holder.job_id, None)
        if future.cancelled():
            if not self.draining:
                finish_if_held(self.engine, holder, "cancelled", "cancelled before it started")
            return
        exc = future.exception()
        if exc is None:
            return
        log.error("job %s: worker failed: %r", holder.job_id, exc)
        if isinstance(exc, WorkerDied):
            error = (f"{exc}; only this job failed and the worker was replaced; re-post the "
                     "Idempotency-Key (or the request) to run it again")  # fmt: skip
        else:
            error = f"worker failed: {exc!r}"
        finish_if_held(self.engine, holder, "failed", error)

    def cancel_queued(self, job_id: int) -> None:
        future = self.futures.get(job_id)
        if future is not None:
            future.cancel()


def draining_error() -> ApiError:
    return ApiError(503, "service-unavailable",
                    "the service is shutting down and accepts no new jobs; retry shortly",
                    headers={"Retry-After": "5"})  # fmt: skip


# ---- worker side -------------------------------------------------------------------------


def handler_for(kind: str) -> Handler:
    return tasks.handler(kind)


def run_job(database_url: str, job_id: int, owner: str | None = None, attempt: int = 0) -> str:
    """Run one job to its end; the same function on every executor. Returns the final status
    (``lease-lost`` when the job was taken over meanwhile: nothing was written)."""
    engine = make_engine(database_url)
    holder = None if owner is None else Holder(job_id, owner, attempt)
    try:
        ctx = _start(engine, job_id, holder)
        if ctx is None:
            return "skipped"
        return _execute(ctx)
    finally:
        engine.dispose()


def _start(engine: Engine, job_id: int, holder: Holder | None) -> JobContext | None:
    with write_session(engine) as session:
        job = session.get(Job, job_id)
        if job is None or job.status != "queued":
            return None
        if holder is not None and (job.owner, job.attempt) != (holder.owner, holder.attempt):
            return None
        if job.cancel_requested:
            job.status, job.finished_at = "cancelled", utcnow()
            session.add(job)
            return None
        job.status, job.started_at, job.updated_at = "running", utcnow(), utcnow()
        job.worker_pid = os.getpid()
        session.add(job)
        return JobContext(engine=engine, job_id=job_id, kind=job.kind, params=dict(job.params),
                          holder=holder, resume=job.checkpoint, attempt=job.attempt)  # fmt: skip


def _execute(ctx: JobContext) -> str:
    started = time.monotonic()
    try:
        outcome = handler_for(ctx.kind)(ctx)
    except Exception as exc:
        if ctx.stop_reason in (SERVICE_GONE, SHUTTING_DOWN):  # e.g. stopped before a first
            return "abandoned"  # roster: left open, handed back or taken over, run again
        return _failed(ctx, exc)
    if ctx.stop_reason == SERVICE_GONE:  # leave the job open: the next instance resumes it
        return "abandoned"
    try:
        return _succeed(ctx, outcome, time.monotonic() - started)
    except LeaseLost:
        return "lease-lost"


def _failed(ctx: JobContext, exc: Exception) -> str:
    """Close the job after its handler raised ``exc``."""
    if isinstance(exc, LeaseLost):
        return "lease-lost"
    if isinstance(exc, InvalidInput):
        problems = [
            {"row": p.row, "field": p.field, "code": p.code, "message": p.message}
            for p in exc.problems
        ]
        return _fail(ctx, str(exc), problems)
    log.error("job %s failed", ctx.job_id, exc_info=exc)
    detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return _fail(ctx, f"internal error: {detail}", None)


def _close(session: Session, ctx: JobContext, **values: Any) -> None:
    values.update(finished_at=utcnow(), updated_at=utcnow(), lease_expires_at=None)
    if ctx.holder is None:
        session.execute(update(Job).where(col(Job.id) == ctx.job_id).values(**values))
    elif not fenced_update(session, ctx.holder, **values):
        raise LeaseLost(f"job {ctx.job_id}: lease lost")


def _fail(ctx: JobContext, error: str, problems: list[dict[str, Any]] | None) -> str:
    """Close the job as failed, or as cancelled when a cancel made it stop without a result."""
    try:
        with write_session(ctx.engine) as session:
            job = session.get(Job, ctx.job_id)
            if job is None:
                return "failed"
            status = "cancelled" if job.cancel_requested else "failed"
            _close(session, ctx, status=status, error=error[:2000], problems=problems)
            return status
    except LeaseLost:
        return "lease-lost"


def _final_message(ctx: JobContext, outcome: JobOutcome, job: Job) -> str:
    message = outcome.message[:500] or job.message
    if outcome.stopped_early and job.stop_requested and not job.cancel_requested:
        message = f"stopped early (service shutting down): {message}"[:500]
    return message


def _succeed(ctx: JobContext, outcome: JobOutcome, elapsed_s: float) -> str:
    with write_session(ctx.engine) as session:
        if outcome.related:
            session.add_all(outcome.related)
            session.flush()
        if outcome.row is not None:
            if outcome.link is not None:
                outcome.link(outcome.row, outcome.related)
            session.add(outcome.row)
            session.flush()
        job = session.get(Job, ctx.job_id)
        if job is None:
            return "failed"
        status = "cancelled" if job.cancel_requested and outcome.stopped_early else "succeeded"
        figures = {name: getattr(outcome, name) for name in ("objective", "best_bound", "gap")
                   if getattr(outcome, name) is not None}  # fmt: skip
        _close(session, ctx, status=status, progress=1.0,
               message=_final_message(ctx, outcome, job), result_kind=outcome.kind,
               result_id=getattr(outcome.row, "id", outcome.result_id),
               seconds=outcome.seconds if outcome.seconds is not None else elapsed_s,
               **figures)  # fmt: skip
        return status
