"""Time-off requests (docs/schedule.md, "Time off"): an agent's request (days or hours,
reason) is ``requested`` until a planner approves it (its days become the agent's time off,
which every later roster of those weeks respects) or refuses it. Before deciding, the planner
reads its predicted effect on a roster version's week and may start a cover proposal: a
re-optimisation around the absence, the other agents locked on the other days (a new draft
version)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from sqlmodel import Session, col, select

from api.auth import CurrentAccess
from api.convert import roster_edits as ce
from api.convert import time_off as ct
from api.deps import ReadSession, SettingsDep, WriteSession, commit, get_or_404
from api.errors import ID_MAX, ApiError
from api.routes.jobs import StartJob
from api.routes.roster_edits import check_version, editable
from api.routes.roster_locks import reoptimise_params
from api.schemas import JobRead
from api.schemas.schedule_changes import (
    CoverCreate,
    TimeOffDecision,
    TimeOffImpact,
    TimeOffRequestCreate,
    TimeOffRequestList,
    TimeOffRequestRead,
)
from api.tables import Agent, Roster, TimeOff, TimeOffRequest, utcnow

router = APIRouter(tags=["time off"])
RequestId = Annotated[int, Path(ge=1, le=ID_MAX)]
BASE = "/v1/agents/{agent_id}/time-off-requests"


def _read(row: TimeOffRequest) -> TimeOffRequestRead:
    return TimeOffRequestRead.model_validate(row, from_attributes=True)


def _request(session: Session, agent_id: int, request_id: int) -> TimeOffRequest:
    row = session.get(TimeOffRequest, request_id)
    if row is None or row.agent_id != agent_id:
        raise ApiError(404, "not-found", f"agent {agent_id} has no time-off request {request_id}")
    return row


@router.post(BASE, status_code=201, operation_id="createTimeOffRequest")
def create_request(
    agent_id: int, body: TimeOffRequestCreate, session: WriteSession, who: CurrentAccess,
    response: Response,
) -> TimeOffRequestRead:  # fmt: skip
    get_or_404(session, Agent, agent_id, "agent")
    row = TimeOffRequest(
        agent_id=agent_id, first_day=body.first_day, last_day=body.last_day or body.first_day,
        start_minute=body.start_minute, end_minute=body.end_minute, reason=body.reason,
        author=who.principal.name,
    )  # fmt: skip
    session.add(row)
    commit(session)
    session.refresh(row)
    response.headers["Location"] = f"/v1/agents/{agent_id}/time-off-requests/{row.id}"
    return _read(row)


@router.get(BASE, operation_id="listTimeOffRequests")
def list_requests(agent_id: int, session: ReadSession) -> TimeOffRequestList:
    get_or_404(session, Agent, agent_id, "agent")
    query = select(TimeOffRequest).where(col(TimeOffRequest.agent_id) == agent_id)
    rows = session.exec(query.order_by(col(TimeOffRequest.id))).all()
    return TimeOffRequestList(items=[_read(r) for r in rows])


@router.get(BASE + "/{request_id}", operation_id="getTimeOffRequest")
def get_request(agent_id: int, request_id: RequestId, session: ReadSession) -> TimeOffRequestRead:
    return _read(_request(session, agent_id, request_id))


def _week_of(
    session: Session, agent_id: int, request_id: int, roster_id: int
) -> tuple[TimeOffRequest, Roster, list[dict[str, Any]]]:
    request = _request(session, agent_id, request_id)
    agent = get_or_404(session, Agent, agent_id, "agent")
    row = editable(session, roster_id)
    if row.site_id != agent.site_id:
        raise ApiError(409, "other-site", f"roster {roster_id} is not of agent {agent_id}'s site")
    return request, row, ct.week_absences(request, agent, row)


@router.get(BASE + "/{request_id}/impact", operation_id="timeOffRequestImpact")
def request_impact(
    agent_id: int, request_id: RequestId, session: ReadSession,
    roster_id: Annotated[int, Query(ge=1, le=ID_MAX)],
    version: Annotated[int | None, Query(ge=1, le=ID_MAX)] = None,
) -> TimeOffImpact:  # fmt: skip
    """The request's predicted effect on a roster version's week (default: its current
    version): the shifts it takes away, KPIs (cost, under/over coverage, predicted service
    level) and staffed agent-intervals per day, before and after."""
    request, row, absences = _week_of(session, agent_id, request_id, roster_id)
    number = version or ce.current_number(session, roster_id)
    found = ct.impact(session, row, number, absences, pending=request.status == "requested")
    return TimeOffImpact(
        request_id=request_id, roster_id=roster_id, version=number, agent=absences[0]["agent"],
        days=[a["day"] for a in absences], **found,
    )  # fmt: skip


@router.post(BASE + "/{request_id}/cover", status_code=202, operation_id="coverTimeOffRequest",
             response_model=JobRead)  # fmt: skip
def cover_request(
    agent_id: int, request_id: RequestId, body: CoverCreate, session: ReadSession,
    who: CurrentAccess, settings: SettingsDep, start: StartJob,
) -> Any:  # fmt: skip
    """A cover proposal: a ``reoptimise`` job on the roster's current version with the
    absence applied, the agent's shifts it takes away removed, and the other agents locked
    on every day without the absence (the absent agent's week and the absent days are solved
    again). Its result is a new draft version."""
    request, row, absences = _week_of(session, agent_id, request_id, body.roster_id)
    if request.status == "refused":
        raise ApiError(409, "refused", f"time-off request {request_id} was refused")
    check_version(session, row, body.version, None)
    whole = {a["day"] for a in absences if a["hours"] is None}
    query = select(Agent.code).where(col(Agent.site_id) == row.site_id)
    others = [c for c in session.exec(query).all() if c != absences[0]["agent"]]
    options = {
        "locks": [{"agent": c, "day": d} for c in others for d in range(7) if d not in whole],
        "absences": absences if request.status == "requested" else [],
        "clear": [[a["agent"], a["day"]] for a in absences if a["hours"] is None],
        "time_limit_s": body.time_limit_s, "workers": settings.solver_workers,
        "seed": body.seed, "edit": {"op": "cover", "time_off_request_id": request_id},
    }  # fmt: skip
    return start.submit(session, "reoptimise", reoptimise_params(row, body.version, who, options))


@router.post(BASE + "/{request_id}/decision", operation_id="decideTimeOffRequest")
def decide_request(
    agent_id: int, request_id: RequestId, body: TimeOffDecision, session: WriteSession,
    who: CurrentAccess,
) -> TimeOffRequestRead:  # fmt: skip
    """Approve (its days become the agent's time off; 409 when one of them already is) or
    refuse a request that is still ``requested`` (else 409 ``already-decided``)."""
    request = _request(session, agent_id, request_id)
    if request.status != "requested":
        raise ApiError(409, "already-decided", f"time-off request {request_id} is already "
                       f"{request.status}")  # fmt: skip
    if body.status == "approved":
        days = ct.request_days(request)
        taken = session.exec(select(col(TimeOff.day)).where(
            col(TimeOff.agent_id) == agent_id, col(TimeOff.day).in_(days))).all()  # fmt: skip
        if taken:
            raise ApiError(409, "conflict", f"agent {agent_id} already has time off on "
                           f"{', '.join(str(d) for d in sorted(taken))}")  # fmt: skip
        session.add_all(ct.approve(session, request))
    request.status, request.decided_by, request.decided_at = (
        body.status,
        who.principal.name,
        utcnow(),
    )
    session.add(request)
    commit(session)
    session.refresh(request)
    return _read(request)
