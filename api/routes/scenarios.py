"""Scenarios (named, versioned what-if changes of a queue's plan) and their comparisons."""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from sqlmodel import col, func, select

from api.convert.goals import is_deferred
from api.convert.scenarios import base_plan, load_scenarios, scenario_core
from api.crud import add_children_list, add_get, created
from api.deps import ReadSession, WriteSession, get_or_404
from api.routes.jobs import StartJob
from api.schemas import (
    ComparisonCreate,
    ComparisonRead,
    JobRead,
    ScenarioCreate,
    ScenarioList,
    ScenarioRead,
)
from api.tables import Comparison, Forecast, Queue, Scenario
from forecasting.errors import InvalidInput, Problem

router = APIRouter(tags=["scenarios"])


def scenario_read(row: Scenario) -> ScenarioRead:
    return ScenarioRead.model_validate(row, from_attributes=True)


@router.post("/v1/queues/{queue_id}/scenarios", status_code=status.HTTP_201_CREATED,
             operation_id="createScenario")  # fmt: skip
def create_scenario(
    queue_id: int, body: ScenarioCreate, session: WriteSession, response: Response
) -> ScenarioRead:
    """Store a scenario; a name used before gets the next version (older versions are kept)."""
    queue = get_or_404(session, Queue, queue_id, "queue")
    if body.changes.deadline_minutes is not None and not is_deferred(queue):
        message = f"queue {queue_id} answers live contacts: deadline_minutes is for e-mail queues"
        raise InvalidInput([Problem(None, "changes.deadline_minutes", "live_queue", message)])
    where = (col(Scenario.queue_id) == queue_id, col(Scenario.name) == body.name)
    latest = session.exec(select(func.max(Scenario.version)).where(*where)).one()
    changes = body.changes.model_dump(mode="json", exclude_none=True)
    row = Scenario(queue_id=queue_id, name=body.name, version=(latest or 0) + 1, changes=changes)
    scenario_core(row)  # the core validates the changes (422 naming the field)
    conflict = f"scenario {body.name!r} was created concurrently; retry"
    return scenario_read(created(session, row, response, "/v1/scenarios", conflict))


add_get(router, "/v1/scenarios/{scenario_id}", "getScenario", Scenario, scenario_read)
add_children_list(router, "/v1/queues/{queue_id}/scenarios", "listScenarios",
                  (Queue, Scenario), scenario_read, ScenarioList)  # fmt: skip


@router.post("/v1/comparisons", status_code=202, operation_id="createComparison")
def create_comparison(body: ComparisonCreate, session: ReadSession, start: StartJob) -> JobRead:
    """Start a comparison job: the base plan and each scenario, side by side in one table (an
    e-mail queue's: the level of agents keeping its backlog within the deadline, and the
    backlog; docs/scenarios.md)."""
    forecast = get_or_404(session, Forecast, body.forecast_id, "forecast")
    base_plan(session, body)
    load_scenarios(session, body.scenario_ids, forecast.queue_id)
    params = body.model_dump(mode="json")
    return start.submit(session, "comparison", params)


@router.get("/v1/comparisons/{comparison_id}", operation_id="getComparison")
def get_comparison(comparison_id: int, session: ReadSession) -> ComparisonRead:
    row = get_or_404(session, Comparison, comparison_id, "comparison")
    assert row.id is not None
    return ComparisonRead(
        id=row.id, job_id=row.job_id, forecast_id=row.forecast_id, scenario_ids=row.scenario_ids,
        table=row.result["table"], results=row.result["results"], created_at=row.created_at,
    )  # fmt: skip
