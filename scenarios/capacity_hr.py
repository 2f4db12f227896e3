"""From a queue's interval history to a hiring plan in HR's terms, in one call.

history -> long-range weekly forecast (:mod:`forecasting.longrange_fit`) -> weekly need in
productive hours with its band (:mod:`scenarios.need`) -> capacity plan on the need (P50, or
P80 with ``basis="p80"``) optimised (:mod:`scenarios.capacity_milp`) -> why it stays short
(:mod:`scenarios.capacity_reasons`) -> risk against the need's upper bound and attrition
scenarios (:mod:`scenarios.capacity_risk`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from forecasting.longrange import KnownDays
from forecasting.longrange_fit import LongRangeForecast, forecast_weekly
from optimizer.requirements import ServiceGoal, StaffingModel
from scenarios.capacity_milp import CapacityPlan, MilpSettings, optimise_plan
from scenarios.capacity_model import CapacityPlanInput
from scenarios.capacity_reasons import Reason, Shortfall, explain_shortfall, shortfall_of
from scenarios.capacity_risk import PlanRisk, plan_risk
from scenarios.need import ContractShare, WeeklyNeed, interval_profile, weekly_need

__all__ = ["HrPlan", "NeedSpec", "hiring_calendar_csv", "need_from_history", "plan_for_need"]

Basis = Literal["p50", "p80"]


@dataclass(frozen=True, slots=True)
class NeedSpec:
    """How to build a queue's weekly need: ``weeks`` from ``first_week`` (default: the week
    after the history), the queue's goal, model, interval and planned AHT (used where the
    history has none), the known calendar and the forecast's interval coverage."""

    weeks: int
    zone: str
    interval_min: int
    goal: ServiceGoal
    model: StaffingModel = field(default_factory=StaffingModel)
    aht_s: float | None = None
    week_start_day: int = 0
    known: KnownDays = field(default_factory=KnownDays)
    coverage: float = 0.8
    first_week: dt.date | None = None
    shrinkage: float = 0.0
    fte_hours: float = 40.0
    mix: tuple[ContractShare, ...] = ()
    deferred_occupancy: float | None = None  # e-mail queues: workload need (scenarios.need)


@dataclass(frozen=True, slots=True)
class HrPlan:
    """The forecast, need, plan input (need on ``basis``), plan, shortfall, reasons and risk."""

    forecast: LongRangeForecast
    need: WeeklyNeed
    basis: Basis
    inp: CapacityPlanInput
    plan: CapacityPlan
    shortfall: Shortfall
    reasons: tuple[Reason, ...]
    risk: PlanRisk


def need_from_history(
    history: pd.DataFrame, spec: NeedSpec
) -> tuple[LongRangeForecast, WeeklyNeed]:
    """Long-range forecast and weekly need of one queue's interval history."""
    forecast = forecast_weekly(
        history, spec.weeks, zone=spec.zone, week_start_day=spec.week_start_day,
        known=spec.known, coverage=spec.coverage, first_week=spec.first_week,
    )  # fmt: skip
    profile = interval_profile(history, zone=spec.zone, interval_min=spec.interval_min)
    need = weekly_need(
        forecast, profile, goal=spec.goal, model=spec.model, shrinkage=spec.shrinkage,
        fte_hours=spec.fte_hours, aht_s=spec.aht_s, mix=spec.mix,
        deferred_occupancy=spec.deferred_occupancy,
    )  # fmt: skip
    return forecast, need


def plan_for_need(
    template: CapacityPlanInput, forecast: LongRangeForecast, need: WeeklyNeed, *,
    basis: Basis = "p50", settings: MilpSettings | None = None, explain: bool = True,
    risk_paths: int = 400, progress: Callable[[str], None] | None = None,
) -> HrPlan:  # fmt: skip
    """Optimise ``template`` (its need replaced by ``need`` on ``basis``, labelled by week
    start) and explain and weigh the plan."""
    frame = need.frame
    column = "need_hours_p80" if basis == "p80" else "need_hours"
    inp = dataclasses.replace(
        template,
        need_hours=tuple(float(v) for v in frame[column]),
        week_labels=tuple(d.isoformat() for d in frame["week_start"]),
    )
    settings = settings or MilpSettings()
    if progress is not None:
        progress("optimise")
    plan = optimise_plan(inp, settings)
    relax = dataclasses.replace(settings, time_limit_s=max(settings.time_limit_s / 4.0, 1.0))
    if explain:
        shortfall, reasons = explain_shortfall(inp, plan, relax, progress=progress)
    else:
        shortfall, reasons = shortfall_of(inp, plan.classes), ()
    risk = plan_risk(
        inp, plan.classes, need_hours_hi=tuple(frame["need_hours_hi"]), paths=risk_paths
    )
    return HrPlan(forecast, need, basis, inp, plan, shortfall, reasons, risk)


def hiring_calendar_csv(hires: pd.DataFrame, labels: tuple[str, ...]) -> str:
    """The hiring calendar as CSV: one row per class and contract with the week (label) the
    class starts, recruiting must start, the hires are first productive and fully productive
    (``after horizon`` beyond the plan's weeks)."""

    def label(week: int) -> str:
        if 0 <= week < len(labels):
            return labels[week]
        return f"W{week}" if not labels or week < 0 else "after horizon"

    out = pd.DataFrame(
        {
            "class_start": [label(int(w)) for w in hires["class_week"]],
            "contract": hires["contract"],
            "size": hires["size"],
            "recruiting_start": [label(int(w)) for w in hires["recruiting_start_week"]],
            "first_productive": [label(int(w)) for w in hires["first_productive_week"]],
            "fully_productive": [label(int(w)) for w in hires["full_productivity_week"]],
        }
    )
    return str(out.to_csv(index=False))
