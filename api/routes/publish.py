"""Publishing a roster week and the published schedule (docs/schedule.md).

``POST /v1/rosters/{roster_id}/publications`` freezes a valid version as its site's schedule
for the roster's week; versions never change, so later edits make new drafts and the schedule
stays until the week is published again, with the change list since the previous
publication. ``POST /v1/site-rosters/{site_roster_id}/publications`` does the same for a site
roster. A site's week is its publications laid over each other, each replacing its own agents'
weeks (:func:`api.convert.last_week.week_schedule`): that is what agents see, as JSON (local
times of the site's zone), CSV or an iCalendar file per agent."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from fastapi.responses import HTMLResponse
from sqlmodel import col, select

from api.auth import CurrentAccess, token_hash
from api.convert import publish as cp
from api.convert import roster_edits as ce
from api.convert.last_week import overlay, week_schedule
from api.convert.roster import queue_agents
from api.convert.schedule_print import agent_teams, team_schedule_html
from api.deps import ReadSession, WriteSession, commit, get_or_404
from api.errors import ID_MAX, ID_MIN, ApiError, not_found
from api.schemas.roster_edits import (
    AgentScheduleView,
    PublicationRead,
    PublishCreate,
    ScheduleLinkCreated,
    ScheduleLinkRead,
)
from api.tables import (
    Agent,
    AgentScheduleLink,
    Requirement,
    Roster,
    SchedulePublication,
    SiteRosterRow,
    utcnow,
)
from forecasting.errors import Problem

router = APIRouter(tags=["published schedules"])
WeekStart = Annotated[
    dt.date | None, Query(description="local first day of the week (default: the newest)")
]


def _read(row: SchedulePublication) -> PublicationRead:
    assert row.id is not None
    return PublicationRead(
        id=row.id, roster_id=row.roster_id, site_roster_id=row.site_roster_id,
        site_id=row.site_id, week_start=row.week_start, version=row.version, author=row.author,
        published_at=row.published_at, changes=row.changes, agents=row.agents,
    )  # fmt: skip


def _refuse_invalid(what: str, violations: list[Any]) -> None:
    if not violations:
        return
    problems = [Problem(None, "violations", str(v.get("rule")),
                        f"{v.get('agent')} day {v.get('day')}: {v.get('message')}")
                for v in violations[:50]]  # fmt: skip
    raise ApiError(409, "roster-invalid", f"{what} breaks {len(violations)} rules: fix them "
                   "before publishing", errors=problems)  # fmt: skip


def _publication(
    session: Any, who: Any, site_id: int, week_start: dt.date, agents: set[str],
    shifts: list[Any], **source: Any,
) -> SchedulePublication:  # fmt: skip
    """The publication (of ``source``: a roster's version or a site roster, whose ``shifts``
    these are) of ``agents``' weeks, with what moves in the site's schedule of the week (null:
    the week's first): the week before it, and that week with it laid on top."""
    speaks = sorted(agents | {s["agent"] for s in shifts})
    before = week_schedule(session, site_id, week_start)
    changes = None
    if before is not None:
        after = overlay([(None, before.shifts), (speaks, shifts)])
        changes = ce.shift_changes(before.shifts, after)
    return SchedulePublication(
        site_id=site_id, week_start=week_start, author_token_id=who.principal.token_id,
        author=who.principal.name, agents=speaks, changes=changes, **source,
    )  # fmt: skip


def _created(session: Any, publication: SchedulePublication, response: Response) -> PublicationRead:
    session.add(publication)
    commit(session)
    response.headers["Location"] = f"/v1/published-schedules/{publication.site_id}"
    return _read(publication)


@router.post("/v1/rosters/{roster_id}/publications", status_code=201,
             operation_id="publishRosterWeek")  # fmt: skip
def publish(
    roster_id: int, body: PublishCreate, session: WriteSession, who: CurrentAccess,
    response: Response,
) -> PublicationRead:  # fmt: skip
    """Publish version ``version`` (default: the current one) as the site's schedule for the
    roster's week; a version breaking rules is a 409 naming them. A re-publication carries
    ``changes``: the shifts added, removed or changed since the previous one."""
    row = get_or_404(session, Roster, roster_id, "roster")
    assert row.id is not None
    number = body.version if body.version is not None else ce.current_number(session, row.id)
    version = ce.version_of(session, row, number)
    _refuse_invalid(f"version {number} of roster {roster_id}", version.violations)
    requirement = get_or_404(session, Requirement, row.requirement_id, "requirement")
    agents = {a.code for a in queue_agents(session, row.site_id, requirement.queue_id)}
    publication = _publication(session, who, row.site_id, row.week_start, agents,
                               version.shifts, roster_id=row.id, version=number)  # fmt: skip
    return _created(session, publication, response)


@router.get("/v1/rosters/{roster_id}/publications", operation_id="listRosterPublications")
def list_publications(roster_id: int, session: ReadSession) -> list[PublicationRead]:
    """The roster's publications, oldest first, with their change lists."""
    get_or_404(session, Roster, roster_id, "roster")
    query = select(SchedulePublication).where(col(SchedulePublication.roster_id) == roster_id)
    return [_read(r) for r in session.exec(query.order_by(col(SchedulePublication.id))).all()]


@router.post("/v1/site-rosters/{site_roster_id}/publications", status_code=201,
             operation_id="publishSiteRosterWeek")  # fmt: skip
def publish_site_roster(
    site_roster_id: int, session: WriteSession, who: CurrentAccess, response: Response
) -> PublicationRead:
    """Publish a site roster (every queue of the site planned together) as the site's
    schedule for its week: it replaces the weeks of every agent in it in the week's earlier
    publications (``changes`` lists what moved). A site roster breaking rules is a 409 naming them;
    a cross-training what-if (skills the agents do not have yet) is a 409 ``not-publishable``.
    Site rosters have no versions: the publication's ``version`` is 1."""
    row = get_or_404(session, SiteRosterRow, site_roster_id, "site roster")
    assert row.id is not None
    if row.what_if is not None:
        raise ApiError(409, "not-publishable", f"site roster {site_roster_id} is a "
                       "cross-training what-if: it gives agents skills they do not have yet; "
                       "publish a site roster solved without cross_training")  # fmt: skip
    _refuse_invalid(f"site roster {site_roster_id}", list(row.report.get("violations") or []))
    publication = _publication(session, who, row.site_id, row.week_start, set(row.skills),
                               list(row.shifts), site_roster_id=row.id, version=1)  # fmt: skip
    return _created(session, publication, response)


@router.get("/v1/site-rosters/{site_roster_id}/publications",
            operation_id="listSiteRosterPublications")  # fmt: skip
def list_site_roster_publications(
    site_roster_id: int, session: ReadSession
) -> list[PublicationRead]:
    """The site roster's publications, oldest first, with their change lists."""
    get_or_404(session, SiteRosterRow, site_roster_id, "site roster")
    query = select(SchedulePublication).where(
        col(SchedulePublication.site_roster_id) == site_roster_id
    )
    return [_read(r) for r in session.exec(query.order_by(col(SchedulePublication.id))).all()]


@router.get("/v1/published-schedules/{site_id}/export.csv", response_class=Response,
            operation_id="exportPublishedScheduleCsv")  # fmt: skip
def export_csv(site_id: int, session: ReadSession, week_start: WeekStart = None) -> Response:
    """The published week: one line per shift (local date and times of the site)."""
    found = cp.published(session, site_id, week_start)
    name = f"schedule-{site_id}-{found.publication.week_start}.csv"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(cp.schedule_csv(found), media_type="text/csv", headers=headers)


@router.get("/v1/published-schedules/{site_id}/print.html", response_class=HTMLResponse,
            operation_id="printPublishedSchedule")  # fmt: skip
def print_schedule(
    site_id: int, session: ReadSession, week_start: WeekStart = None,
    team: Annotated[str | None, Query(max_length=200, description="one team only")] = None,
) -> HTMLResponse:  # fmt: skip
    """The published week as a printable page: a table per team (the agents sharing a
    contract), an agent per row, a day per column, shifts with their break and lunch in the
    site's local time (A4 landscape, a team per page)."""
    found = cp.published(session, site_id, week_start)
    return HTMLResponse(team_schedule_html(found, agent_teams(session, site_id), team))


@router.get("/v1/published-schedules/{site_id}/agents/{agent_code}",
            operation_id="getAgentPublishedSchedule")  # fmt: skip
def agent_view(
    site_id: int, agent_code: str, session: ReadSession, week_start: WeekStart = None
) -> AgentScheduleView:
    """One agent's published shifts, breaks and lunches in the site's local time (read only)."""
    found = cp.published(session, site_id, week_start, agent_code)
    pub = found.publication
    assert pub.id is not None
    return AgentScheduleView(
        site_id=site_id, agent=agent_code, zone=found.site.zone, week_start=pub.week_start,
        publication_id=pub.id, version=pub.version, published_at=pub.published_at,
        shifts=cp.agent_shifts(found, agent_code),  # type: ignore[arg-type]
    )  # fmt: skip


@router.get("/v1/published-schedules/{site_id}/agents/{agent_code}/calendar.ics",
            response_class=Response, operation_id="getAgentCalendar")  # fmt: skip
def agent_calendar(
    site_id: int, agent_code: str, session: ReadSession, week_start: WeekStart = None
) -> Response:
    """The agent's published week as an iCalendar file (RFC 5545, UTC times)."""
    found = cp.published(session, site_id, week_start, agent_code)
    name = f"{agent_code}-{found.publication.week_start}.ics"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(cp.agent_calendar(found, agent_code), media_type="text/calendar",
                    headers=headers)  # fmt: skip


# ---- per-agent links: the agent's view without a token ---------------------------------------

public_router = APIRouter(tags=["published schedules"])
LINK_PREFIX = "sl_"


def _link_read(row: AgentScheduleLink) -> dict[str, Any]:
    assert row.id is not None
    return {"id": row.id, "agent_id": row.agent_id, "hint": row.hint,
            "created_at": row.created_at, "revoked_at": row.revoked_at}  # fmt: skip


@router.post("/v1/agents/{agent_id}/schedule-links", status_code=201,
             operation_id="createScheduleLink")  # fmt: skip
def create_link(agent_id: int, session: WriteSession, response: Response) -> ScheduleLinkCreated:
    """A read-only link to the agent's published schedule; its secret is shown once (only its
    SHA-256 is stored). Anyone holding the link sees that agent's published weeks."""
    get_or_404(session, Agent, agent_id, "agent")
    secret = LINK_PREFIX + secrets.token_urlsafe(32)
    row = AgentScheduleLink(agent_id=agent_id, secret_sha256=token_hash(secret),
                            hint=secret[: len(LINK_PREFIX) + 4])  # fmt: skip
    session.add(row)
    commit(session)
    response.headers["Location"] = f"/v1/agents/{agent_id}/schedule-links/{row.id}"
    url = f"/v1/my-schedule/{secret}"
    return ScheduleLinkCreated(**_link_read(row), secret=secret, url=url,
                               calendar_url=f"{url}/calendar.ics")  # fmt: skip


@router.get("/v1/agents/{agent_id}/schedule-links", operation_id="listScheduleLinks")
def list_links(agent_id: int, session: ReadSession) -> list[ScheduleLinkRead]:
    get_or_404(session, Agent, agent_id, "agent")
    query = select(AgentScheduleLink).where(col(AgentScheduleLink.agent_id) == agent_id)
    rows = session.exec(query.order_by(col(AgentScheduleLink.id))).all()
    return [ScheduleLinkRead(**_link_read(r)) for r in rows]


@router.delete("/v1/agents/{agent_id}/schedule-links/{link_id}", status_code=204,
               operation_id="revokeScheduleLink")  # fmt: skip
def revoke_link(agent_id: int, link_id: int, session: WriteSession) -> Response:
    """Revoke a link: it answers 404 from now on."""
    row = session.get(AgentScheduleLink, link_id) if ID_MIN <= link_id <= ID_MAX else None
    if row is None or row.agent_id != agent_id:
        raise not_found("schedule link", link_id)
    row.revoked_at = row.revoked_at or utcnow()
    session.add(row)
    commit(session)
    return Response(status_code=204)


@public_router.get("/v1/my-schedule/{secret}", operation_id="getMySchedule")
def my_schedule(
    secret: str, session: ReadSession, week_start: WeekStart = None
) -> AgentScheduleView:
    """The link's agent's published schedule (as ``getAgentPublishedSchedule``), no token."""
    agent = cp.link_agent(session, secret)
    return agent_view(agent.site_id, agent.code, session, week_start)


@public_router.get("/v1/my-schedule/{secret}/calendar.ics", response_class=Response,
                   operation_id="getMyCalendar")  # fmt: skip
def my_calendar(secret: str, session: ReadSession, week_start: WeekStart = None) -> Response:
    """The link's agent's published week as iCalendar (a calendar client can subscribe)."""
    agent = cp.link_agent(session, secret)
    return agent_calendar(agent.site_id, agent.code, session, week_start)
