"""Job ``comparison``: run stored scenarios against a base plan (scenarios.whatif) in one table."""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd
from sqlmodel import Session

from api.frames import frame_columns
from api.jobs import JobContext, JobOutcome
from api.routes.requirements import core_goal, queue_goal
from api.schemas import ComparisonCreate
from api.tables import Comparison, Forecast, Queue, Scenario, Site
from forecasting.errors import InvalidInput, Problem
from optimizer import requirements as req
from scenarios import whatif, whatif_model
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
            "goal": vars_of(core_goal(queue_goal(queue))),
            "model": {"kind": queue.model, "patience_s": queue.patience_s},
            "shrinkage": queue.shrinkage,
            **body.settings.model_dump(),
        }
    )
    return whatif.Base(forecast=frame, zone=site.zone, interval_min=queue.interval_min,
                       settings=settings, week_start_day=site.week_start_day)  # fmt: skip


def vars_of(goal: req.ServiceGoal) -> dict[str, Any]:
    return dataclasses.asdict(goal)


def result_plain(result: whatif.ScenarioResult) -> dict[str, Any]:
    kpis = dataclasses.asdict(result.kpis)
    return {
        "name": result.name,
        "version": result.version,
        "kpis": {k: v[0] for k, v in frame_columns(pd.DataFrame([kpis])).items()},
        "daily": frame_columns(result.daily),
        "weekly": frame_columns(result.weekly),
        "provenance": dataclasses.asdict(result.provenance),
    }


def load_scenarios(session: Session, ids: list[int], queue_id: int) -> list[whatif_model.Scenario]:
    out = []
    for i, scenario_id in enumerate(ids):
        row = session.get(Scenario, scenario_id)
        if row is None or row.queue_id != queue_id:
            message = f"queue {queue_id} has no scenario {scenario_id}"
            raise InvalidInput([Problem(i, "scenario_ids", "unknown", message)])
        out.append(scenario_core(row))
    return out


def run(ctx: JobContext) -> JobOutcome:
    body = ComparisonCreate.model_validate(ctx.params)
    with Session(ctx.engine) as session:
        base = base_plan(session, body)
        forecast = session.get(Forecast, body.forecast_id)
        assert forecast is not None
        scenarios = load_scenarios(session, body.scenario_ids, forecast.queue_id)
    results = [whatif.run_scenario(base, whatif_model.Scenario(whatif.BASE_NAME))]
    for i, scenario in enumerate(scenarios):
        ctx.report((i + 1) / (len(scenarios) + 1), f"scenario {scenario.name}")
        results.append(whatif.run_scenario(base, scenario))
    table = whatif.compare(results).reset_index()
    row = Comparison(
        job_id=ctx.job_id, forecast_id=body.forecast_id, scenario_ids=body.scenario_ids,
        result={"table": frame_columns(table), "results": [result_plain(r) for r in results]},
    )  # fmt: skip
    return JobOutcome(row=row, kind="comparison", message=f"{len(results)} plans compared")
