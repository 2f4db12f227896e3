"""Site roster jobs and site rosters: the queues of a site planned together (agents' skills)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlmodel import col, select

from api.convert.site_roster import load_site_input, site_inputs
from api.deps import Limit, Offset, ReadSession, SettingsDep, get_or_404, page
from api.fingerprint import INPUTS_KEY
from api.routes.jobs import StartJob, solver_job_params
from api.schemas import JobRead
from api.schemas.site_rosters import (
    SiteAgentSchedule,
    SiteRosterJobCreate,
    SiteRosterList,
    SiteRosterRead,
    SiteRosterSummary,
)
from api.tables import Site, SiteRosterRow

router = APIRouter(tags=["site rosters"])


@router.post("/v1/site-roster-jobs", status_code=202, operation_id="createSiteRosterJob",
             response_model=JobRead)  # fmt: skip
def create_site_roster_job(
    body: SiteRosterJobCreate, session: ReadSession, settings: SettingsDep, start: StartJob
) -> Any:
    """Start a site roster solve (202 + ``Location: /v1/jobs/{id}``); poll the job, then read
    ``result_url`` (``/v1/site-rosters/{id}``). Inputs no roster can be built from (a queue
    without a requirement or forecast for the week, an e-mail queue without
    ``deadline_minutes``, queues on different grids, no skilled agent, an unknown
    cross-training queue or agent) are a 422 naming the field now. An ``Idempotency-Key``
    re-sent after the inputs changed is a 409 naming them (``changed``)."""
    get_or_404(session, Site, body.site_id, "site")
    data = load_site_input(session, body)  # the checks; the worker builds it again
    params = solver_job_params(body, settings)
    params[INPUTS_KEY] = site_inputs(session, data, body.week_start)
    return start.submit_fresh(
        session, "site_roster", params, "a site roster", "/v1/site-roster-jobs"
    )


def _summary(row: SiteRosterRow) -> SiteRosterSummary:
    assert row.id is not None
    return SiteRosterSummary(
        id=row.id, job_id=row.job_id, site_id=row.site_id, week_start=row.week_start,
        queues=row.queues, requirement_ids=row.requirement_ids, report=row.report,
        what_if=row.what_if, created_at=row.created_at,
    )  # fmt: skip


def schedule(row: SiteRosterRow) -> list[SiteAgentSchedule]:
    """Shifts per agent (agent order), with the agent's skills and paid minutes."""
    by_agent: dict[str, list[dict[str, Any]]] = {}
    for shift in row.shifts:
        by_agent.setdefault(shift["agent"], []).append(shift)
    return [
        SiteAgentSchedule(
            agent=agent, skills=row.skills.get(agent, []),
            paid_minutes=sum(int(s.get("paid_minutes", 0)) for s in shifts), shifts=shifts,
        )
        for agent, shifts in sorted(by_agent.items())
    ]  # fmt: skip


@router.get("/v1/site-rosters/{site_roster_id}", operation_id="getSiteRoster")
def get_site_roster(site_roster_id: int, session: ReadSession) -> SiteRosterRead:
    """The site roster: per-queue coverage and requirement, backlog curve of each deferred
    queue, share of deferred work finished within its deadline, the report (status, exact
    cost, LP bound, gap), each agent's skills and shifts with their allocation blocks."""
    row = get_or_404(session, SiteRosterRow, site_roster_id, "site roster")
    return SiteRosterRead(
        **_summary(row).model_dump(), skills=row.skills, cost=row.cost, schedule=schedule(row),
        explanations=row.explanations,
    )  # fmt: skip


@router.get("/v1/site-rosters", operation_id="listSiteRosters")
def list_site_rosters(
    session: ReadSession, site_id: int | None = None, limit: Limit = 100, offset: Offset = 0
) -> SiteRosterList:
    """Site rosters (newest last), of one site with ``site_id``."""
    given = [(col(SiteRosterRow.site_id), site_id)]
    total, rows = page(session, select(SiteRosterRow), col(SiteRosterRow.id), limit, offset, given)
    return SiteRosterList(
        total=total, limit=limit, offset=offset, items=[_summary(r) for r in rows]
    )
