"""Jobs: the executor seam and the job runner.

Long work (forecast fits, requirements, roster solves, what-if comparisons, capacity plans)
runs as a job. The API writes a ``job`` row (status ``queued``) and submits
``run_job(database_url, job_id)`` to one ``concurrent.futures.Executor``:

* ``process`` (default): a local ``ProcessPoolExecutor`` using the ``spawn`` start method, so
  every worker opens its own database engine;
* ``dask``: ``dask.distributed.Client(address).get_executor(pure=False)`` when
  ``STAFFWISE_DASK_SCHEDULER`` is set;
* ``thread``: an in-process thread pool (tests, debugging).

``run_job`` is the same function on every executor. It reads its inputs from the database and
writes progress (objective, bound, gap so far) and the result back itself, so job state
survives a restart of the API; cancellation is a flag on the job row that the running solve
polls (``should_stop``) and answers by stopping with its best solution so far.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import multiprocessing
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, select

from api.db import make_engine, write_session
from api.errors import conflict
from api.settings import Settings
from api.tables import Job, utcnow
from forecasting.errors import InvalidInput

log = logging.getLogger(__name__)

FINISHED = frozenset({"succeeded", "failed", "cancelled", "interrupted"})
_PROGRESS_EVERY_S = 0.5
_CANCEL_POLL_EVERY_S = 0.25


# ---- executor seam -----------------------------------------------------------------------


@dataclass
class JobExecutor:
    """The one executor of a service instance, and how to close it."""

    executor: Executor
    kind: str
    close: Callable[[], None]


def make_executor(settings: Settings) -> JobExecutor:
    """The executor named by ``settings`` (Dask when a scheduler address is configured)."""
    kind = settings.executor_kind
    if kind == "dask":
        from dask.distributed import Client

        client = Client(settings.dask_scheduler, set_as_default=False)
        executor = client.get_executor(pure=False)

        def close_dask() -> None:
            executor.shutdown(wait=False)
            client.close()

        return JobExecutor(executor, "dask", close_dask)
    if kind == "thread":
        threads = ThreadPoolExecutor(max_workers=settings.workers, thread_name_prefix="job")
        return JobExecutor(threads, "thread", lambda: threads.shutdown(wait=True))
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=settings.workers, mp_context=context)
    return JobExecutor(pool, "process", lambda: pool.shutdown(wait=True, cancel_futures=True))


# ---- job rows (API side) -----------------------------------------------------------------


def request_hash(kind: str, params: dict[str, Any]) -> str:
    canonical = json.dumps({"kind": kind, "params": params}, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def create_job(
    engine: Engine, kind: str, params: dict[str, Any], idempotency_key: str | None
) -> tuple[Job, bool]:
    """Insert a queued job, or return the job created earlier with the same idempotency key.

    Returns ``(job, created)``. A key reused with a different request is a 409.
    """
    digest = request_hash(kind, params)
    if idempotency_key is not None:
        existing = _job_by_key(engine, idempotency_key)
        if existing is not None:
            return _same_request(existing, digest), False
    job = Job(
        kind=kind,
        status="queued",
        params=params,
        idempotency_key=idempotency_key,
        request_sha256=digest,
    )
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


def mark_interrupted(engine: Engine) -> int:
    """At start-up: jobs that were queued or running in a previous life become ``interrupted``."""
    with write_session(engine) as session:
        result = session.execute(
            update(Job)
            .where(Job.status.in_(("queued", "running")))  # type: ignore[attr-defined]
            .values(status="interrupted", finished_at=utcnow(), message="service restarted")
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


def finish_if_open(engine: Engine, job_id: int, status: str, error: str) -> None:
    """Close a job the worker could not close itself (worker crash, lost Dask worker)."""
    with write_session(engine) as session:
        job = session.get(Job, job_id)
        if job is not None and job.status not in FINISHED:
            job.status, job.error, job.finished_at = status, error[:2000], utcnow()
            session.add(job)


class JobRunner:
    """Submits jobs to the executor and closes jobs whose worker died."""

    def __init__(self, settings: Settings, engine: Engine) -> None:
        self.database_url = engine.url.render_as_string(hide_password=False)
        self.engine = engine
        self.backend = make_executor(settings)
        self.futures: dict[int, Future[Any]] = {}

    def submit(self, job_id: int) -> None:
        try:
            future = self.backend.executor.submit(run_job, self.database_url, job_id)
        except RuntimeError as exc:  # executor shut down or broken
            finish_if_open(self.engine, job_id, "failed", f"could not start: {exc}")
            return
        self.futures[job_id] = future
        future.add_done_callback(functools.partial(self._done, job_id))

    def _done(self, job_id: int, future: Future[Any]) -> None:
        self.futures.pop(job_id, None)
        if future.cancelled():
            finish_if_open(self.engine, job_id, "cancelled", "cancelled before it started")
            return
        exc = future.exception()
        if exc is not None:
            log.error("job %s: worker failed: %r", job_id, exc)
            finish_if_open(self.engine, job_id, "failed", f"worker failed: {exc!r}")

    def cancel_queued(self, job_id: int) -> None:
        future = self.futures.get(job_id)
        if future is not None:
            future.cancel()

    def close(self) -> None:
        self.backend.close()


# ---- worker side -------------------------------------------------------------------------


@dataclass
class JobContext:
    """What a job handler sees: its parameters, progress reporting and the cancel flag."""

    engine: Engine
    job_id: int
    kind: str
    params: dict[str, Any]
    _last_progress: float = 0.0
    _last_poll: float = 0.0
    _stop: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

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
        for name, value in (
            ("objective", objective),
            ("best_bound", best_bound),
            ("gap", gap),
            ("seconds", seconds),
        ):
            if value is not None:
                values[name] = float(value)
        with write_session(self.engine) as session:
            session.execute(update(Job).where(Job.id == self.job_id).values(**values))  # type: ignore[arg-type]

    def should_stop(self) -> bool:
        """True once a cancel was requested (polled from the database, throttled)."""
        now = time.monotonic()
        if self._stop or now - self._last_poll < _CANCEL_POLL_EVERY_S:
            return self._stop
        self._last_poll = now
        with Session(self.engine) as session:
            job = session.get(Job, self.job_id)
            self._stop = job is None or job.cancel_requested
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


Handler = Callable[[JobContext], JobOutcome]


def handler_for(kind: str) -> Handler:
    from api import tasks

    return tasks.handler(kind)


def run_job(database_url: str, job_id: int) -> str:
    """Run one job to its end; the same function on every executor. Returns the final status."""
    engine = make_engine(database_url)
    try:
        ctx = _start(engine, job_id)
        if ctx is None:
            return "skipped"
        return _execute(ctx)
    finally:
        engine.dispose()


def _start(engine: Engine, job_id: int) -> JobContext | None:
    with write_session(engine) as session:
        job = session.get(Job, job_id)
        if job is None or job.status != "queued":
            return None
        if job.cancel_requested:
            job.status, job.finished_at = "cancelled", utcnow()
            session.add(job)
            return None
        job.status, job.started_at, job.updated_at = "running", utcnow(), utcnow()
        session.add(job)
        return JobContext(engine=engine, job_id=job_id, kind=job.kind, params=dict(job.params))


def _execute(ctx: JobContext) -> str:
    started = time.monotonic()
    try:
        outcome = handler_for(ctx.kind)(ctx)
    except InvalidInput as exc:
        problems = [
            {"row": p.row, "field": p.field, "code": p.code, "message": p.message}
            for p in exc.problems
        ]
        return _fail(ctx, str(exc), problems)
    except Exception as exc:
        log.exception("job %s failed", ctx.job_id)
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        return _fail(ctx, f"internal error: {detail}", None)
    return _succeed(ctx, outcome, time.monotonic() - started)


def _fail(ctx: JobContext, error: str, problems: list[dict[str, Any]] | None) -> str:
    """Close the job as failed, or as cancelled when a cancel made it stop without a result."""
    with write_session(ctx.engine) as session:
        job = session.get(Job, ctx.job_id)
        if job is None:
            return "failed"
        status = "cancelled" if job.cancel_requested else "failed"
        job.status, job.error, job.problems = status, error[:2000], problems
        job.finished_at = job.updated_at = utcnow()
        session.add(job)
        return status


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
        cancelled = job.cancel_requested and outcome.stopped_early
        job.status = "cancelled" if cancelled else "succeeded"
        job.progress = 1.0
        job.message = outcome.message[:500] or job.message
        job.result_kind, job.result_id = outcome.kind, getattr(outcome.row, "id", None)
        job.objective = outcome.objective if outcome.objective is not None else job.objective
        job.best_bound = outcome.best_bound if outcome.best_bound is not None else job.best_bound
        job.gap = outcome.gap if outcome.gap is not None else job.gap
        job.seconds = outcome.seconds if outcome.seconds is not None else elapsed_s
        job.finished_at = job.updated_at = utcnow()
        session.add(job)
        return job.status
