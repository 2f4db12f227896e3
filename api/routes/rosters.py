"""Roster jobs and rosters: coverage, per-agent schedule, KPIs, solver report, exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlmodel import col, select

from api import bodies, fast_reads
from api.bodies import key_digest
from api.convert.roster import check_objective, roster_header
from api.convert.rules import check_grid
from api.deps import Limit, Offset, ReadSession, SettingsDep, get_or_404, page
from api.errors import ApiError, not_found
from api.fingerprint import INPUTS_KEY, roster_inputs
from api.routes.jobs import StartJob, solver_job_params
from api.schemas import (
    AgentSchedule,
    JobRead,
    RosterJobCreate,
    RosterList,
    RosterRead,
    RosterSummary,
    SimulatedKpisRead,
    minute_to_hhmm,
)
from api.simulated import SimulationParams, simulated_read
from api.tables import Agent, Contract, Requirement, Roster
from optimizer.roster.io import roster_schema

router = APIRouter(tags=["rosters"])
RosterSource = Literal["roster_job", "hiring_scenario", "all"]


@router.post("/v1/roster-jobs", status_code=202, operation_id="createRosterJob",
             response_model=JobRead)  # fmt: skip
def create_roster_job(
    body: RosterJobCreate, session: ReadSession, settings: SettingsDep, start: StartJob
) -> Any:
    """Start a roster solve (202 + ``Location: /v1/jobs/{id}``); poll the job, then read
    ``result_url``. Unsolvable inputs (no agents, week outside the requirement, the
    ``service_level`` objective without calls, rules or contracts off the queue's interval
    grid) are a 422 now. An ``Idempotency-Key`` re-sent after the inputs changed is a 409
    naming them (``changed``)."""
    get_or_404(session, Requirement, body.requirement_id, "requirement")
    header = roster_header(session, body)  # the problem itself is built by the worker
    check_grid(header)
    check_objective(header, body.objective)
    params = solver_job_params(body, settings)
    params[INPUTS_KEY] = roster_inputs(session, body.requirement_id, body.week_start)
    return start.submit_fresh(session, "roster", params, "a roster", "/v1/roster-jobs")


def is_invalid(report: dict[str, Any]) -> bool:
    """A roster whose report is ``INVALID`` or lists violations (also rosters stored before
    the ``INVALID`` status existed)."""
    return report.get("status") == "INVALID" or bool(report.get("violations"))


def _refuse_invalid(row: Roster, allow_invalid: bool) -> None:
    if allow_invalid or not is_invalid(row.report):
        return
    count = len(row.report.get("violations") or [])
    raise ApiError(
        409, "roster-invalid",
        f"roster {row.id} is INVALID ({count} rule violations, report.violations): not "
        "exported; pass allow_invalid=true to export it with every row marked INVALID",
    )  # fmt: skip


AllowInvalid = Annotated[
    bool, Query(description="export an INVALID roster anyway, every row marked INVALID")
]


def _summary(row: Roster) -> RosterSummary:
    assert row.id is not None
    return RosterSummary(
        id=row.id, job_id=row.job_id, site_id=row.site_id, requirement_id=row.requirement_id,
        week_start=row.week_start, source=row.source, report=row.report, kpis=row.kpis,
        created_at=row.created_at,
    )  # fmt: skip


def _site_contracts(session: ReadSession, site_id: int) -> dict[str, str]:
    query = select(Agent.code, Contract.code).join(Contract, col(Agent.contract_id) == Contract.id)
    return dict(session.exec(query.where(col(Agent.site_id) == site_id)).all())


def _contracts(session: ReadSession, row: Roster) -> dict[str, str]:
    """Contract code per agent code; hires of a hiring scenario carry theirs in the report."""
    return {**row.report.get("agent_contracts", {}), **_site_contracts(session, row.site_id)}


def shift_paid_minutes(row: Roster) -> list[int]:
    """Paid minutes of each of ``row.shifts``: the core's figure (``Shift.paid_min`` under the
    rules solved with, ``report.shift_paid_minutes``); rosters stored before that figure was
    kept count lunch unpaid and breaks paid (the default rules)."""
    stored = row.report.get("shift_paid_minutes")
    if isinstance(stored, list) and len(stored) == len(row.shifts):
        return [int(m) for m in stored]
    return [
        s["end"] - s["start"]
        - sum(a["end"] - a["start"] for a in s["activities"] if a["kind"] == "lunch")
        for s in row.shifts
    ]  # fmt: skip


def _by_agent(row: Roster) -> list[tuple[str, list[tuple[dict[str, Any], int]]]]:
    """(agent, [(shift, paid minutes)]) per agent in agent order, shifts in stored order."""
    by_agent: dict[str, list[tuple[dict[str, Any], int]]] = {}
    for shift, paid in zip(row.shifts, shift_paid_minutes(row), strict=True):
        by_agent.setdefault(shift["agent"], []).append((shift, paid))
    return sorted(by_agent.items())


def schedule(row: Roster, contracts: dict[str, str]) -> list[AgentSchedule]:
    """Shifts grouped per agent with paid minutes (:func:`shift_paid_minutes`) and days
    worked."""
    return [
        AgentSchedule(
            agent=agent, contract=contracts.get(agent),
            paid_minutes=sum(paid for _, paid in items),
            days_worked=len({s["day"] for s, _ in items}), shifts=[s for s, _ in items],
        )
        for agent, items in _by_agent(row)
    ]  # fmt: skip


@router.get("/v1/rosters/{roster_id}", operation_id="getRoster", response_model=RosterRead)
def get_roster(roster_id: int, session: ReadSession, request: Request) -> Response:
    """The roster. Sent with an ``ETag`` (``If-None-Match`` -> 304) and gzip when accepted;
    its serialised body is cached (api.bodies): a roster never changes, its agents' contract
    codes may, so they are part of the cache key."""
    notes = fast_reads.notes_of(request.app)
    generation = notes.generation()  # before any row is read: a change since forgets the note
    query = select(Roster.site_id, Roster.created_at).where(col(Roster.id) == roster_id)
    found = session.exec(query).first()
    if found is None:
        raise not_found("roster", roster_id)
    contracts = _site_contracts(session, found[0])

    def build() -> RosterRead:
        row = get_or_404(session, Roster, roster_id, "roster")
        return RosterRead(
            **_summary(row).model_dump(), coverage=row.coverage,
            schedule=schedule(row, {**row.report.get("agent_contracts", {}), **contracts}),
            explanations=row.explanations,
        )  # fmt: skip

    key = ("roster", roster_id, found[1], key_digest(sorted(contracts.items())))
    body = bodies.cache_of(request).get(key, build)
    notes.note((str(request.app.state.engine.url), roster_id), found[0], body, generation)
    return bodies.answer(request, body)


@router.get("/v1/rosters", operation_id="listRosters")
def list_rosters(
    session: ReadSession,
    requirement_id: int | None = None,
    site_id: int | None = None,
    source: RosterSource = "roster_job",
    limit: Limit = 100,
    offset: Offset = 0,
) -> RosterList:
    """Rosters of roster jobs (``source=roster_job``, the default), the base and scenario
    rosters of hiring scenarios (``source=hiring_scenario``) or both (``all``)."""
    query = select(Roster)
    if source != "all":
        query = query.where(col(Roster.source) == source)
    if requirement_id is not None:
        query = query.where(col(Roster.requirement_id) == requirement_id)
    if site_id is not None:
        query = query.where(col(Roster.site_id) == site_id)
    total, rows = page(session, query, col(Roster.id), limit, offset)
    return RosterList(total=total, limit=limit, offset=offset, items=[_summary(r) for r in rows])


INVALID_409: dict[int | str, dict[str, Any]] = {
    409: {
        "description": "The roster is INVALID (report.violations): pass allow_invalid=true",
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }
}


@router.get("/v1/rosters/{roster_id}/export.json", operation_id="exportRosterJson",
            responses=INVALID_409)  # fmt: skip
def export_roster_json(
    roster_id: int, session: ReadSession, allow_invalid: AllowInvalid = False
) -> JSONResponse:
    """The ``staffwise-roster/1`` document (``/2`` with overnight shifts; times in minutes
    after local midnight of the shift's day); an
    INVALID roster is a 409 unless ``allow_invalid=true`` (the document then says
    ``"status": "INVALID"`` and lists the violations)."""
    row = get_or_404(session, Roster, roster_id, "roster")
    _refuse_invalid(row, allow_invalid)
    marks = {"status": "INVALID", "violations": row.report.get("violations") or []}
    doc = {
        **(marks if is_invalid(row.report) else {}),
        "schema": roster_schema(row.shifts),
        "instance": row.report.get("instance"),
        "week_start": row.week_start.isoformat(),
        "solver": {"name": "staffwise-cp-sat", "seconds": row.report.get("seconds")},
        "shifts": row.shifts,
    }
    headers = {"Content-Disposition": f'attachment; filename="roster-{roster_id}.json"'}
    return JSONResponse(doc, headers=headers)


@router.get("/v1/rosters/{roster_id}/export.csv", operation_id="exportRosterCsv",
            response_class=Response, responses=INVALID_409)  # fmt: skip
def export_roster_csv(
    roster_id: int, session: ReadSession, allow_invalid: AllowInvalid = False
) -> Response:
    """One line per shift: agent, contract, local date, start, end, paid minutes, activities.

    An INVALID roster is a 409 unless ``allow_invalid=true``; then every line carries a last
    column ``status`` = ``INVALID``."""
    row = get_or_404(session, Roster, roster_id, "roster")
    _refuse_invalid(row, allow_invalid)
    mark = ["INVALID"] if is_invalid(row.report) else []
    contracts = _contracts(session, row)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["agent", "contract", "date", "start", "end", "paid_minutes", "break",
                     "lunch"] + (["status"] if mark else []))  # fmt: skip
    for agent, items in _by_agent(row):
        for shift, paid in items:
            acts = {a["kind"]: f"{minute_to_hhmm(a['start'])}-{minute_to_hhmm(a['end'])}"
                    for a in shift["activities"]}  # fmt: skip
            day = row.week_start + dt.timedelta(days=shift["day"])
            writer.writerow([agent, contracts.get(agent) or "", day.isoformat(),
                             minute_to_hhmm(shift["start"]), minute_to_hhmm(shift["end"]),
                             paid, acts.get("break", ""),
                             acts.get("lunch", ""), *mark])  # fmt: skip
    headers = {"Content-Disposition": f'attachment; filename="roster-{roster_id}.csv"'}
    return Response(buffer.getvalue(), media_type="text/csv", headers=headers)


@router.get("/v1/rosters/{roster_id}/simulated-kpis", operation_id="getRosterSimulatedKpis")
def get_roster_simulated_kpis(
    roster_id: int, session: ReadSession, params: Annotated[SimulationParams, Query()]
) -> SimulatedKpisRead:
    """Discrete-event simulation of the rostered agents (on the phone) against the calls."""
    row = get_or_404(session, Roster, roster_id, "roster")
    requirement = get_or_404(session, Requirement, row.requirement_id, "requirement")
    return simulated_read(
        session, row.coverage, "staffed", requirement.queue_id, params, site_id=row.site_id
    )
