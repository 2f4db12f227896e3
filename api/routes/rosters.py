"""Roster jobs and rosters: coverage, per-agent schedule, KPIs, solver report, exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse
from sqlmodel import col, select

from api.deps import EngineDep, Limit, Offset, ReadSession, RunnerDep, SettingsDep, get_or_404, page
from api.routes.jobs import IdempotencyKey, solver_job_params, submit_job
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
from api.simulated import SimulationParams, simulated_kpis
from api.tables import Agent, Contract, Queue, Requirement, Roster, Site
from api.tasks.roster import check_objective, load_input
from optimizer.roster.io import ROSTER_SCHEMA

router = APIRouter(tags=["rosters"])
RosterSource = Literal["roster_job", "hiring_scenario", "all"]


@router.post("/v1/roster-jobs", status_code=202, operation_id="createRosterJob")
def create_roster_job(
    body: RosterJobCreate,
    session: ReadSession,
    engine: EngineDep,
    runner: RunnerDep,
    settings: SettingsDep,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> JobRead:
    """Start a roster solve (202 + ``Location: /v1/jobs/{id}``); poll the job, then read
    ``result_url``. Unsolvable inputs (no agents, week outside the requirement, the
    ``service_level`` objective without calls) are a 422 now."""
    get_or_404(session, Requirement, body.requirement_id, "requirement")
    check_objective(load_input(session, body).problem, body.objective)
    params = solver_job_params(body, settings)
    session.close()  # release the read connection before the job is written
    return submit_job(engine, runner, "roster", params, idempotency_key, response)


def _summary(row: Roster) -> RosterSummary:
    assert row.id is not None
    return RosterSummary(
        id=row.id, job_id=row.job_id, site_id=row.site_id, requirement_id=row.requirement_id,
        week_start=row.week_start, source=row.source, report=row.report, kpis=row.kpis,
        created_at=row.created_at,
    )  # fmt: skip


def _contracts(session: ReadSession, row: Roster) -> dict[str, str]:
    """Contract code per agent code; hires of a hiring scenario carry theirs in the report."""
    query = select(Agent.code, Contract.code).join(Contract, col(Agent.contract_id) == Contract.id)
    rows = session.exec(query.where(col(Agent.site_id) == row.site_id)).all()
    return {**row.report.get("agent_contracts", {}), **dict(rows)}


def schedule(shifts: list[dict[str, Any]], contracts: dict[str, str]) -> list[AgentSchedule]:
    """Shifts grouped per agent with paid minutes (lunch unpaid) and days worked."""
    by_agent: dict[str, list[dict[str, Any]]] = {}
    for shift in shifts:
        by_agent.setdefault(shift["agent"], []).append(shift)
    out = []
    for agent, items in sorted(by_agent.items()):
        unpaid = sum(a["end"] - a["start"] for s in items for a in s["activities"]
                     if a["kind"] == "lunch")  # fmt: skip
        paid = sum(s["end"] - s["start"] for s in items) - unpaid
        days = len({s["day"] for s in items})
        out.append(
            AgentSchedule(
                agent=agent,
                contract=contracts.get(agent),
                paid_minutes=paid,
                days_worked=days,
                shifts=items,
            )
        )
    return out


@router.get("/v1/rosters/{roster_id}", operation_id="getRoster")
def get_roster(roster_id: int, session: ReadSession) -> RosterRead:
    row = get_or_404(session, Roster, roster_id, "roster")
    return RosterRead(
        **_summary(row).model_dump(), coverage=row.coverage,
        schedule=schedule(row.shifts, _contracts(session, row)),
        explanations=row.explanations,
    )  # fmt: skip


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


@router.get("/v1/rosters/{roster_id}/export.json", operation_id="exportRosterJson")
def export_roster_json(roster_id: int, session: ReadSession) -> JSONResponse:
    """The ``staffwise-roster/1`` document (times in minutes after local midnight)."""
    row = get_or_404(session, Roster, roster_id, "roster")
    doc = {
        "schema": ROSTER_SCHEMA,
        "instance": row.report.get("instance"),
        "week_start": row.week_start.isoformat(),
        "solver": {"name": "staffwise-cp-sat", "seconds": row.report.get("seconds")},
        "shifts": row.shifts,
    }
    headers = {"Content-Disposition": f'attachment; filename="roster-{roster_id}.json"'}
    return JSONResponse(doc, headers=headers)


@router.get("/v1/rosters/{roster_id}/export.csv", operation_id="exportRosterCsv",
            response_class=Response)  # fmt: skip
def export_roster_csv(roster_id: int, session: ReadSession) -> Response:
    """One line per shift: agent, contract, local date, start, end, paid minutes, activities."""
    row = get_or_404(session, Roster, roster_id, "roster")
    contracts = _contracts(session, row)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["agent", "contract", "date", "start", "end", "paid_minutes", "break",
                     "lunch"])  # fmt: skip
    for item in schedule(row.shifts, contracts):
        for shift in item.shifts:
            acts = {a["kind"]: f"{minute_to_hhmm(a['start'])}-{minute_to_hhmm(a['end'])}"
                    for a in shift["activities"]}  # fmt: skip
            unpaid = sum(a["end"] - a["start"] for a in shift["activities"] if a["kind"] == "lunch")
            day = row.week_start + dt.timedelta(days=shift["day"])
            writer.writerow([item.agent, item.contract or "", day.isoformat(),
                             minute_to_hhmm(shift["start"]), minute_to_hhmm(shift["end"]),
                             shift["end"] - shift["start"] - unpaid, acts.get("break", ""),
                             acts.get("lunch", "")])  # fmt: skip
    headers = {"Content-Disposition": f'attachment; filename="roster-{roster_id}.csv"'}
    return Response(buffer.getvalue(), media_type="text/csv", headers=headers)


@router.get("/v1/rosters/{roster_id}/simulated-kpis", operation_id="getRosterSimulatedKpis")
def get_roster_simulated_kpis(
    roster_id: int, session: ReadSession, params: Annotated[SimulationParams, Query()]
) -> SimulatedKpisRead:
    """Discrete-event simulation of the rostered agents (on the phone) against the calls."""
    row = get_or_404(session, Roster, roster_id, "roster")
    requirement = get_or_404(session, Requirement, row.requirement_id, "requirement")
    queue = get_or_404(session, Queue, requirement.queue_id, "queue")
    site = get_or_404(session, Site, row.site_id, "site")
    cov = row.coverage
    result = simulated_kpis(
        pd.Series(cov["interval_start"]), np.asarray(cov["calls"], dtype=float),
        np.asarray(cov["aht_s"], dtype=float), np.asarray(cov["staffed"], dtype=np.int64),
        site.zone, queue, params,
    )  # fmt: skip
    return SimulatedKpisRead(**result)
