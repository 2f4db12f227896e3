"""Job ``comparison``: run stored scenarios against a base plan (scenarios.whatif) in one table."""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd
from sqlmodel import Session

from api.convert.scenarios import base_plan, load_scenarios
from api.frames import frame_columns
from api.job_context import JobContext, JobOutcome
from api.schemas import ComparisonCreate
from api.tables import Comparison, Forecast
from scenarios import whatif, whatif_model


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
