"""What-if inputs: the base plan of a stored forecast and the core scenarios of stored rows."""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd
from sqlmodel import Session

from api.convert.goals import core_goal, is_deferred
from api.schemas import ComparisonCreate
from api.tables import Forecast, Queue, Scenario, Site
from forecasting.errors import InvalidInput, Problem
from optimizer import requirements as req
from scenarios import whatif, whatif_deferred, whatif_model
from scenarios.whatif_deferred import DeferredStage
from scenarios.whatif_model import scenario_from_dict


def scenario_core(row: Scenario) -> whatif_model.Scenario:
    """The core scenario of a stored row (validated by the core)."""
    return scenario_from_dict({"name": row.name, "version": row.version, **row.changes})


def base_plan(session: Session, body: ComparisonCreate) -> whatif.Base:
    forecast = session.get(Forecast, body.forecast_id)
    if forecast is None:
        message = f"forecast {body.forecast_id} does not exist"
        raise InvalidInput([Problem(None, "forecast_id", "unknown", message)])
    queue = session.get(Queue, forecast.queue_id)
    site = session.get(Site, queue.site_id) if queue else None
    assert queue is not None and site is not None
    frame = pd.DataFrame(
        {
            "interval_start": pd.to_datetime(forecast.intervals["interval_start"], utc=True),
            "calls": forecast.intervals["calls"],
            "aht_s": forecast.intervals["aht_s"],
        }
    )
    settings = whatif_model.settings_from_dict(
        {
            "goal": vars_of(core_goal(queue)),
            "model": {"kind": queue.model, "patience_s": queue.patience_s},
            "shrinkage": queue.shrinkage,
            **body.settings.model_dump(),
        }
    )
    return whatif.Base(forecast=frame, zone=site.zone, interval_min=queue.interval_min,
                       settings=settings, week_start_day=site.week_start_day,
                       deferred=deferred_stage(queue, site))  # fmt: skip


def deferred_stage(queue: Queue, site: Site) -> DeferredStage | None:
    """An e-mail queue's deadline and its site's opening hours (None for a live queue); a 422
    naming ``deadline_minutes`` when the queue has none."""
    if not is_deferred(queue):
        return None
    if queue.deadline_minutes is None:
        message = (f"e-mail queue {queue.id} ({queue.name}) needs deadline_minutes for a what-if "
                   f"(PATCH /v1/queues/{queue.id})")  # fmt: skip
        raise InvalidInput([Problem(None, "deadline_minutes", "missing", message)])
    return whatif_deferred.deferred_stage(queue.deadline_minutes, site.opening_hours)


def vars_of(goal: req.ServiceGoal) -> dict[str, Any]:
    return dataclasses.asdict(goal)


def load_scenarios(session: Session, ids: list[int], queue_id: int) -> list[whatif_model.Scenario]:
    out = []
    for i, scenario_id in enumerate(ids):
        row = session.get(Scenario, scenario_id)
        if row is None or row.queue_id != queue_id:
            message = f"queue {queue_id} has no scenario {scenario_id}"
            raise InvalidInput([Problem(i, "scenario_ids", "unknown", message)])
        out.append(scenario_core(row))
    return out
