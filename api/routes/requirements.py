"""Requirements: agents per interval from a stored forecast and the queue's service goal.

Computed synchronously (the Erlang engine is vectorised: a week of intervals takes
milliseconds) and stored as an immutable resource.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, Query, Response, status

from api.convert.goals import core_goal, queue_goal, refuse_deferred
from api.crud import add_children_list, add_get, created
from api.deps import ReadSession, WriteSession, get_or_404
from api.schemas import (
    RequirementCreate,
    RequirementIntervals,
    RequirementList,
    RequirementRead,
    RequirementSummary,
    SimulatedKpisRead,
)
from api.simulated import SimulationParams, simulated_read
from api.tables import Forecast, Queue, Requirement
from optimizer import requirements as req

router = APIRouter(tags=["requirements"])
INTERVAL_COLUMNS = (
    "agents_fractional", "agents", "scheduled_fractional", "scheduled", "service_level",
    "asa_s", "abandon_rate", "occupancy",
)  # fmt: skip


def _finite(values: Any) -> list[float | None]:
    return [float(v) if math.isfinite(v) else None for v in np.asarray(values, dtype=float)]


def compute(forecast: Forecast, queue: Queue, body: RequirementCreate) -> Requirement:
    """Call the Erlang engine on the forecast; raises the core's ``InputError`` on bad input."""
    goal = body.goal or queue_goal(queue)
    model = req.StaffingModel(
        kind=body.model or queue.model,  # type: ignore[arg-type]
        patience_s=body.patience_s if body.patience_s is not None else queue.patience_s,
    )
    shrinkage = body.shrinkage if body.shrinkage is not None else queue.shrinkage
    calls = np.asarray(forecast.intervals["calls"], dtype=float)
    aht = (
        np.asarray(forecast.intervals["aht_s"], dtype=float)
        if body.aht_source == "forecast"
        else np.full(calls.size, queue.aht_s)
    )
    result = req.required_agents(
        calls, aht, interval_min=queue.interval_min, goal=core_goal(goal), model=model,
        shrinkage=shrinkage,
    )  # fmt: skip
    intervals: dict[str, list[Any]] = {
        "interval_start": list(forecast.intervals["interval_start"]),
        "calls": calls.tolist(),
        "aht_s": aht.tolist(),
    }
    for name in INTERVAL_COLUMNS:
        values = getattr(result, name)
        intervals[name] = values.tolist() if values.dtype.kind == "i" else _finite(values)
    hours = queue.interval_min / 60.0
    summary = {
        "model": result.model,
        "shrinkage": shrinkage,
        "intervals": int(calls.size),
        "calls": float(calls.sum()),
        "agent_hours": float(result.agents.sum() * hours),
        "agent_hours_fractional": float(result.agents_fractional.sum() * hours),
        "scheduled_hours": float(result.scheduled.sum() * hours),
        "peak_agents": int(result.agents.max(initial=0)),
        "peak_scheduled": int(result.scheduled.max(initial=0)),
    }
    assert forecast.id is not None and queue.id is not None
    stored_goal = {**goal.model_dump(), "model": model.kind, "patience_s": model.patience_s}
    return Requirement(
        queue_id=queue.id, forecast_id=forecast.id, goal=stored_goal, summary=summary,
        intervals=intervals,
    )  # fmt: skip


def requirement_summary(row: Requirement) -> RequirementSummary:
    assert row.id is not None
    return RequirementSummary(
        id=row.id, queue_id=row.queue_id, forecast_id=row.forecast_id, goal=row.goal,
        summary=row.summary, created_at=row.created_at,
    )  # fmt: skip


def requirement_read(row: Requirement) -> RequirementRead:
    intervals = RequirementIntervals.model_validate(row.intervals)
    return RequirementRead(**requirement_summary(row).model_dump(), intervals=intervals)


@router.post("/v1/requirements", status_code=status.HTTP_201_CREATED,
             operation_id="createRequirement")  # fmt: skip
def create_requirement(
    body: RequirementCreate, session: WriteSession, response: Response
) -> RequirementRead:
    """Agents per interval of the forecast's queue for its goal (Erlang C or A). An e-mail
    queue's work is due within its deadline, not answered in seconds: it has no per-interval
    requirement (422, field ``forecast_id``); a site roster plans it with the site's other
    queues and keeps its backlog within the deadline."""
    forecast = get_or_404(session, Forecast, body.forecast_id, "forecast")
    queue = get_or_404(session, Queue, forecast.queue_id, "queue")
    refuse_deferred(queue, "forecast_id")
    row = compute(forecast, queue, body)
    return requirement_read(created(session, row, response, "/v1/requirements"))


add_get(router, "/v1/requirements/{requirement_id}", "getRequirement", Requirement,
        requirement_read)  # fmt: skip
add_children_list(router, "/v1/queues/{queue_id}/requirements", "listRequirements",
                  (Queue, Requirement), requirement_summary, RequirementList)  # fmt: skip


@router.get("/v1/requirements/{requirement_id}/simulated-kpis",
            operation_id="getRequirementSimulatedKpis")  # fmt: skip
def get_requirement_simulated_kpis(
    requirement_id: int, session: ReadSession, params: Annotated[SimulationParams, Query()]
) -> SimulatedKpisRead:
    """Discrete-event simulation of the requirement's integer agents against its calls."""
    row = get_or_404(session, Requirement, requirement_id, "requirement")
    return simulated_read(session, row.intervals, "agents", row.queue_id, params)
