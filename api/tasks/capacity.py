"""Job ``capacity_plan``: projection or optimisation of a hiring plan (scenarios.capacity);
with ``queue_id`` the need is built from the queue's history first (scenarios.capacity_hr)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd
from sqlmodel import Session

from api.convert.capacity import hire_classes, need_spec, plan_input
from api.frames import frame_columns
from api.jobs import JobContext, JobOutcome
from api.schemas import CapacityPlanCreate
from api.tables import CapacityPlan
from forecasting.errors import InsufficientHistoryError, InvalidInput, Problem
from forecasting.longrange_fit import monthly_totals
from forecasting.longrange_interval import BANDS
from scenarios import capacity, capacity_hr, capacity_milp


def _result(projection: capacity.CapacityProjection, classes: Any) -> dict[str, Any]:
    return {
        "classes": [dataclasses.asdict(c) for c in classes],
        "cost": {**dataclasses.asdict(projection.cost), "total": projection.cost.total},
        "weekly": frame_columns(projection.weekly),
        "hires": frame_columns(projection.hires),
        "cohorts": frame_columns(projection.cohorts),
    }


def _report(plan: capacity_milp.CapacityPlan) -> dict[str, Any]:
    report = frame_columns(pd.DataFrame([dataclasses.asdict(plan.report)]))
    return {k: v[0] for k, v in report.items()}


def _hr_extras(hr: capacity_hr.HrPlan) -> dict[str, Any]:
    """The need, forecast, shortfall, reasons and risk of a plan built from a queue."""
    fc = hr.forecast
    labels = hr.inp.week_labels
    return {
        "need": frame_columns(hr.need.frame),
        "monthly": frame_columns(monthly_totals(fc)),
        "forecast": {
            "method": fc.method, "coverage": fc.coverage, "history_weeks": fc.history_weeks,
            "yearly": fc.yearly, "event_share": fc.event_share, "basis": hr.basis,
            "selection": [dataclasses.asdict(s) for s in fc.selection],
            "bands": [{"weeks": list(b), "method": m, "interval_scale": float(x)}
                      for b, m, x in zip(BANDS, fc.band_methods, fc.interval_scale, strict=False)],
            "carry": fc.carry,
        },
        "shortfall": {
            "weeks": list(hr.shortfall.weeks), "fte_weeks": hr.shortfall.fte_weeks,
            "labels": [labels[w] for w in hr.shortfall.weeks],
        },
        "reasons": [dataclasses.asdict(r) | {"weeks": list(r.weeks)} for r in hr.reasons],
        "risk": {"paths": hr.risk.paths, "scenarios": frame_columns(hr.risk.risk),
                 "weekly": frame_columns(hr.risk.supply)},
    }  # fmt: skip


def _from_queue(ctx: JobContext, body: CapacityPlanCreate, inp: Any) -> tuple[dict[str, Any], Any]:
    with Session(ctx.engine) as session:
        history, spec = need_spec(session, body)
    ctx.report(0.05, f"long-range forecast of {body.horizon_weeks} weeks", force=True)
    try:
        forecast, need = capacity_hr.need_from_history(history, spec)
    except InsufficientHistoryError as exc:
        raise InvalidInput([Problem(None, "history", "insufficient_history", str(exc))]) from exc
    ctx.report(0.2, "need built; optimising the plan", force=True)
    settings = capacity_milp.MilpSettings(time_limit_s=body.time_limit_s)
    hr = capacity_hr.plan_for_need(
        inp, forecast, need, basis=body.need_basis, settings=settings,
        progress=lambda step: ctx.report(0.5, f"re-solving: {step}"),
    )  # fmt: skip
    result = _result(hr.plan.projection, hr.plan.classes) | _hr_extras(hr)
    return result, _report(hr.plan)


def run(ctx: JobContext) -> JobOutcome:
    body = CapacityPlanCreate.model_validate(ctx.params)
    with Session(ctx.engine) as session:
        inp = plan_input(session, body)
    ctx.report(0.05, f"{body.mode} over {len(inp.need_hours)} weeks", force=True)
    report: dict[str, Any] | None = None
    if body.queue_id is not None:
        result, report = _from_queue(ctx, body, inp)
    elif body.mode == "projection":
        classes = hire_classes(body)
        result = _result(capacity.project_plan(inp, classes), capacity.merge_classes(classes))
    else:
        settings = capacity_milp.MilpSettings(time_limit_s=body.time_limit_s)
        plan = capacity_milp.optimise_plan(inp, settings)
        result = _result(plan.projection, plan.classes)
        report = _report(plan)
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
