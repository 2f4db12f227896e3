"""Jobs: status, progress, objective / bound / gap so far, errors, cancel."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Protocol

from fastapi import APIRouter, Depends, Header, Query, Response, status
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from api.auth import Visible
from api.crud import from_row
from api.deps import (
    EngineDep,
    Limit,
    Offset,
    ReadSession,
    RunnerDep,
    WriteSession,
    get_or_404,
    page,
)
from api.errors import problem_response
from api.fingerprint import changed_inputs
from api.jobs import FINISHED, JobRunner, create_job, draining_error
from api.schemas import ImportProblem, JobList, JobRead, JobStatus
from api.settings import Settings
from api.tables import Job, utcnow

router = APIRouter(prefix="/v1/jobs", tags=["jobs"])

RESULT_PATHS = {
    "forecast": "/v1/forecasts/{id}",
    "requirement": "/v1/requirements/{id}",
    "roster": "/v1/rosters/{id}",
    "site_roster": "/v1/site-rosters/{id}",
    "comparison": "/v1/comparisons/{id}",
    "capacity_plan": "/v1/capacity-plans/{id}",
    "hiring_scenario": "/v1/hiring-scenarios/{id}",
    "history_import": "/v1/history-imports/{id}",
}


def job_read(job: Job) -> JobRead:
    assert job.id is not None
    url = None
    if job.result_kind in RESULT_PATHS and job.result_id is not None:
        url = RESULT_PATHS[job.result_kind].format(id=job.result_id)
    errors = None if job.problems is None else [ImportProblem(**p) for p in job.problems]
    checkpoint = job.checkpoint is not None
    return from_row(JobRead, job, errors=errors, result_url=url, has_checkpoint=checkpoint)


@router.get("", operation_id="listJobs")
def list_jobs(
    session: ReadSession,
    visible: Visible,
    status_: Annotated[JobStatus | None, Query(alias="status")] = None,
    kind: str | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> JobList:
    query = visible.restrict(session, select(Job), Job)  # a site-bound token: its sites' jobs
    given = [(col(Job.status), status_), (col(Job.kind), kind)]
    total, rows = page(session, query, col(Job.id), limit, offset, given)
    return JobList(total=total, limit=limit, offset=offset, items=[job_read(j) for j in rows])


@router.get("/{job_id}", operation_id="getJob")
def get_job(job_id: int, session: ReadSession) -> JobRead:
    return job_read(get_or_404(session, Job, job_id, "job"))


def _cancel(job_id: int, session: Session, runner: RunnerDep) -> JobRead:
    job = get_or_404(session, Job, job_id, "job")
    if job.status in FINISHED:
        return job_read(job)
    job.cancel_requested = True
    if job.status == "queued":
        job.status, job.finished_at = "cancelled", utcnow()
        job.message = "cancelled before it started"
    session.add(job)
    session.commit()
    if job.status == "cancelled":
        runner.cancel_queued(job_id)
    return job_read(job)


@router.delete("/{job_id}", status_code=status.HTTP_202_ACCEPTED, operation_id="cancelJob")
def cancel_job(job_id: int, session: WriteSession, runner: RunnerDep) -> JobRead:
    """Stop a job. A running solve stops at its next check and keeps its best roster so far."""
    return _cancel(job_id, session, runner)


@router.post(
    "/{job_id}/cancel", status_code=status.HTTP_202_ACCEPTED, operation_id="cancelJobAction"
)
def cancel_job_action(job_id: int, session: WriteSession, runner: RunnerDep) -> JobRead:
    """Same as ``DELETE /v1/jobs/{id}``, for clients that cannot send DELETE."""
    return _cancel(job_id, session, runner)


def accepted(job: Job, response: Response) -> JobRead:
    """The 202 answer of every job-creating endpoint."""
    response.status_code = status.HTTP_202_ACCEPTED
    response.headers["Location"] = f"/v1/jobs/{job.id}"
    return job_read(job)


def submit_job(
    engine: Engine,
    runner: JobRunner,
    kind: str,
    params: dict[str, Any],
    idempotency_key: str | None,
    response: Response,
) -> JobRead:
    """Create (or find, by ``Idempotency-Key``) a job, start it, answer 202 + ``Location``.

    While the service shuts down: 503. A key whose job ended ``failed`` or ``interrupted``
    runs that job again."""
    if runner.draining:
        raise draining_error()
    job, created = create_job(engine, kind, params, idempotency_key)
    assert job.id is not None
    if created:
        runner.submit(job.id)
    return accepted(job, response)


class SolverRequest(Protocol):
    """A request body that may set the solver's time limit and workers."""

    @property
    def time_limit_s(self) -> float | None: ...
    @property
    def workers(self) -> int | None: ...
    def model_dump(self, *, mode: str) -> dict[str, Any]: ...


def solver_job_params(body: SolverRequest, settings: Settings) -> dict[str, Any]:
    """Parameters of a solver job: the body, and its time limit and workers or the service's
    defaults."""
    return {
        "body": body.model_dump(mode="json"),
        "time_limit_s": body.time_limit_s or settings.solver_time_limit_s,
        "workers": body.workers or settings.solver_workers,
    }


IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", max_length=200,
           description="repeat a job request safely: the same key returns the same job"),
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class JobStart:
    """What a job-creating endpoint needs to start its job once the request is checked."""

    engine: Engine
    runner: JobRunner
    response: Response
    idempotency_key: str | None

    def submit(self, session: Session, kind: str, params: dict[str, Any]) -> JobRead:
        """Release ``session``'s read connection, then :func:`submit_job`."""
        session.close()  # release the read connection before the job is written
        key = self.idempotency_key
        return submit_job(self.engine, self.runner, kind, params, key, self.response)

    def submit_fresh(
        self, session: Session, kind: str, params: dict[str, Any], what: str, instance: str
    ) -> Any:
        """:meth:`submit`, or a 409 ``inputs-changed`` naming the inputs (``params``'
        fingerprints) that changed since the ``Idempotency-Key`` was used for ``what``."""
        session.close()  # release the read connection before the inputs are compared
        key = self.idempotency_key
        changed = changed_inputs(self.engine, key, params) if key else []
        if not changed:
            return self.submit(session, kind, params)
        detail = (
            f"Idempotency-Key was used for {what} of earlier inputs; since then changed: "
            f"{', '.join(changed)}. Send a new key to roster the current inputs."
        )
        extra = {"changed": changed}
        return problem_response(409, "inputs-changed", detail, instance=instance, extra=extra)


def job_start(
    engine: EngineDep, runner: RunnerDep, response: Response, idempotency_key: IdempotencyKey = None
) -> JobStart:
    return JobStart(engine, runner, response, idempotency_key)


StartJob = Annotated[JobStart, Depends(job_start)]
