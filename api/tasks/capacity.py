"""Job ``capacity_plan``: projection or optimisation of a hiring plan (scenarios.capacity)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd
from sqlmodel import Session

from api.convert.capacity import hire_classes, plan_input
from api.frames import frame_columns
from api.jobs import JobContext, JobOutcome
from api.schemas import CapacityPlanCreate
from api.tables import CapacityPlan
from scenarios import capacity, capacity_milp


def _result(projection: capacity.CapacityProjection, classes: Any) -> dict[str, Any]:
    return {
        "classes": [dataclasses.asdict(c) for c in classes],
        "cost": {**dataclasses.asdict(projection.cost), "total": projection.cost.total},
        "weekly": frame_columns(projection.weekly),
        "hires": frame_columns(projection.hires),
        "cohorts": frame_columns(projection.cohorts),
    }


def run(ctx: JobContext) -> JobOutcome:
    body = CapacityPlanCreate.model_validate(ctx.params)
    with Session(ctx.engine) as session:
        inp = plan_input(session, body)
    ctx.report(0.05, f"{body.mode} over {len(inp.need_hours)} weeks", force=True)
    report: dict[str, Any] | None = None
    if body.mode == "projection":
        classes = hire_classes(body)
        result = _result(capacity.project_plan(inp, classes), capacity.merge_classes(classes))
    else:
        settings = capacity_milp.MilpSettings(time_limit_s=body.time_limit_s)
        plan = capacity_milp.optimise_plan(inp, settings)
        result = _result(plan.projection, plan.classes)
        report = frame_columns(pd.DataFrame([dataclasses.asdict(plan.report)]))
        report = {k: v[0] for k, v in report.items()}
    row = CapacityPlan(
        job_id=ctx.job_id, name=body.name, mode=body.mode, inputs=ctx.params, report=report,
        result=result,
    )  # fmt: skip
    return JobOutcome(
        row=row,
        kind="capacity_plan",
        message=f"{len(result['classes'])} class(es), cost {result['cost']['total']:.0f}",
        objective=None if report is None else report["objective"],
        best_bound=None if report is None else report["bound"],
        gap=None if report is None else report["gap"],
    )
