"""Hiring and attrition scenarios on a roster week ("what if we hire 10 part-timers", "what is
the fewest hires for 80 % SL", "what if we lose 8 % of staff"): a job, then an immutable
result with the hires, the solver's bound and gap, per-day coverage / SL change and the rosters.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from sqlmodel import col, select

from api.convert.hiring import check_hiring_input
from api.crud import from_row
from api.deps import Limit, Offset, ReadSession, SettingsDep, get_or_404, page
from api.routes.jobs import StartJob, solver_job_params
from api.schemas import (
    HiringScenarioCreate,
    HiringScenarioList,
    HiringScenarioRead,
    HiringScenarioSummary,
    JobRead,
)
from api.tables import HiringScenario, Requirement

router = APIRouter(tags=["hiring scenarios"])


@router.post("/v1/hiring-scenarios", status_code=202, operation_id="createHiringScenario")
def create_hiring_scenario(
    body: HiringScenarioCreate, session: ReadSession, settings: SettingsDep, start: StartJob
) -> JobRead:
    """Start a hiring (``hire``, ``minimum_hires``) or ``attrition`` scenario: 202 +
    ``Location: /v1/jobs/{id}``; the job's ``result_url`` is ``/v1/hiring-scenarios/{id}``.
    Unknown contracts or agents, shares outside [0, 1], a missing target... are a 422 now."""
    get_or_404(session, Requirement, body.requirement_id, "requirement")
    check_hiring_input(session, body)  # the problem itself is built by the worker
    params = solver_job_params(body, settings)
    return start.submit(session, "hiring_scenario", params)


def _summary(row: HiringScenario) -> HiringScenarioSummary:
    assert row.id is not None
    computed = {name: row.result[name] for name in ("hires_by_contract", "total_hires", "removed")}
    return from_row(HiringScenarioSummary, row, **computed)


def _rosters(row: HiringScenario) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for role, ident in (("base", row.base_roster_id), ("scenario", row.roster_id)):
        figures = row.result["rosters"].get(role)
        if figures is not None:
            url = None if ident is None else f"/v1/rosters/{ident}"
            out[role] = {"id": ident, "url": url, **figures}
    return out


@router.get("/v1/hiring-scenarios/{scenario_id}", operation_id="getHiringScenario")
def get_hiring_scenario(scenario_id: int, session: ReadSession) -> HiringScenarioRead:
    row = get_or_404(session, HiringScenario, scenario_id, "hiring scenario")
    result = {k: v for k, v in row.result.items() if k not in HiringScenarioSummary.model_fields}
    result["rosters"] = _rosters(row)
    return HiringScenarioRead(**_summary(row).model_dump(), inputs=row.inputs["body"], **result)


@router.get("/v1/hiring-scenarios", operation_id="listHiringScenarios")
def list_hiring_scenarios(
    session: ReadSession,
    requirement_id: int | None = None,
    site_id: int | None = None,
    kind: Literal["hire", "minimum_hires", "attrition"] | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> HiringScenarioList:
    table = HiringScenario
    given = [(col(table.requirement_id), requirement_id), (col(table.site_id), site_id),
             (col(table.kind), kind)]  # fmt: skip
    total, rows = page(session, select(table), col(table.id), limit, offset, given)
    items = [_summary(r) for r in rows]
    return HiringScenarioList(total=total, limit=limit, offset=offset, items=items)
