"""A what-if run of a deferred (e-mail) queue's base (``Base.deferred``): the level of agents
its deadline target needs, staffed as live what-ifs are, the backlog at that staffing and the
share the base plan's agents would reach (:class:`~scenarios.whatif_deferred.DeferredOutcome`;
the backlog model is :mod:`scenarios.whatif_deferred`). Called by
:func:`scenarios.whatif.run_scenario`."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from scenarios.errors import InputError, Problem
from scenarios.provenance import Provenance, input_hash, library_versions, requirement_key
from scenarios.whatif_base import Base
from scenarios.whatif_common import (
    BASE_NAME,
    ScenarioKpis,
    ScenarioResult,
    adjusted_forecast,
    cost_per_hour,
    interval_starts,
    local_days,
)
from scenarios.whatif_deferred import DeferredOutcome, Flow, fifo_flow, open_rows, required_level
from scenarios.whatif_model import PlanSettings, Scenario, apply_scenario, validate_settings

__all__ = ["run_deferred"]


@dataclass(frozen=True, slots=True)
class _Need:
    """A scenario's items and work minutes per interval, open intervals, deadline and the
    level of agents on the work its target needs."""

    items: np.ndarray
    work: np.ndarray
    is_open: np.ndarray
    deadline: int
    level: float


def _need(base: Base, scenario: Scenario, local: pd.DatetimeIndex) -> _Need:
    assert base.deferred is not None
    settings = apply_scenario(base.settings, scenario)
    items, aht = adjusted_forecast(base, scenario, local)
    work = items * aht / 60.0
    is_open = open_rows(local, base.interval_min, base.deferred.opening_hours)
    deadline = scenario.deadline_minutes or base.deferred.deadline_min
    target = settings.goal.service_level
    if target is None:
        msg = "a deferred queue's goal needs service_level: the share finished within deadline"
        raise InputError([Problem(None, "goal.service_level", "required", msg)])
    level = required_level(work, is_open, base.interval_min, deadline, target)
    return _Need(items, work, is_open, deadline, level)


def _staffed(settings: PlanSettings, need: _Need, open_h: float, span_weeks: float) -> tuple[
    float, float
]:  # fmt: skip
    """(agents on the work in every open interval, paid hours over the span): the need, or
    what the workforce gives after shrinkage."""
    keep = 1.0 - settings.total_shrinkage
    if not settings.workforce:
        return need.level, need.level / keep * open_h
    paid = sum(c.headcount * c.weekly_hours for c in settings.workforce) * span_weeks
    return (paid * keep / open_h if open_h else 0.0), paid


def _frames(
    base: Base, local: pd.DatetimeIndex, need: _Need, flow: Flow, staffing: tuple[float, float],
    settings: PlanSettings,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:  # fmt: skip
    """(per interval, daily, weekly) frames: items, work, work done, backlog at the end,
    required, scheduled and paid hours, cost."""
    staffed, paid = staffing
    interval_h = base.interval_min / 60.0
    days, week_start = local_days(local, base.week_start_day)
    scheduled = np.where(need.is_open, staffed / (1.0 - settings.total_shrinkage) * interval_h, 0)
    frame = pd.DataFrame({
        "interval_start": interval_starts(base), "local_date": days,
        "week_start": week_start, "calls": need.items,
        "work_hours": need.work / 60.0, "done_hours": flow.done / 60.0,
        "backlog_hours": flow.backlog / 60.0,
        "required_agent_hours": np.where(need.is_open, need.level * interval_h, 0.0),
        "scheduled_agent_hours": scheduled,
        "paid_hours": scheduled * (paid / max(float(scheduled.sum()), 1e-12)),
    })  # fmt: skip
    frame["cost"] = frame["paid_hours"] * cost_per_hour(settings)
    sums = ["calls", "work_hours", "done_hours", "required_agent_hours",
            "scheduled_agent_hours", "paid_hours", "cost"]  # fmt: skip

    def grouped(key: str) -> pd.DataFrame:
        out = frame.groupby(key, sort=True)[sums].sum()
        out["backlog_hours"] = frame.groupby(key, sort=True)["backlog_hours"].last()
        return out.reset_index()

    weekly = grouped("week_start")
    weekly["fte_scheduled"] = weekly["scheduled_agent_hours"] / settings.fte_hours
    weekly["fte_paid"] = weekly["paid_hours"] / settings.fte_hours
    return frame, grouped("local_date"), weekly


def _kpis(
    need: _Need, flow: Flow, staffing: tuple[float, float], open_h: float, span_weeks: float,
    settings: PlanSettings,
) -> ScenarioKpis:  # fmt: skip
    staffed, paid = staffing
    scheduled_h = staffed / (1.0 - settings.total_shrinkage) * open_h
    gap = (staffed - need.level) * open_h
    return ScenarioKpis(
        calls=float(need.items.sum()), required_agent_hours=need.level * open_h,
        required_agent_hours_fractional=need.level * open_h, scheduled_agent_hours=scheduled_h,
        paid_hours=paid, fte_scheduled=scheduled_h / span_weeks / settings.fte_hours,
        fte_paid=paid / span_weeks / settings.fte_hours, cost=paid * cost_per_hour(settings),
        service_level=flow.within_deadline_share, asa_s=float("nan"),
        abandon_rate=float("nan"), under_staffed_hours=max(-gap, 0.0),
        over_staffed_hours=max(gap, 0.0),
    )  # fmt: skip


def run_deferred(base: Base, scenario: Scenario, keep_intervals: bool = False) -> ScenarioResult:
    """``scenario`` on a deferred ``base`` (module docstring)."""
    settings = apply_scenario(base.settings, scenario)
    validate_settings(settings)
    local = interval_starts(base).tz_convert(base.zone)
    need = _need(base, scenario, local)
    base_level = _need(base, Scenario(BASE_NAME), local).level
    # the base plan's scheduled agents, on the work after this scenario's shrinkage
    planned = base_level / (1.0 - base.settings.total_shrinkage) * (1 - settings.total_shrinkage)
    open_h = float(need.is_open.sum()) * base.interval_min / 60.0
    days = local.normalize()
    span_weeks = ((days.max() - days.min()).days + 1) / 7.0
    staffing = _staffed(settings, need, open_h, span_weeks)
    flow = fifo_flow(need.work, need.is_open, base.interval_min, need.deadline, staffing[0])
    at_plan = fifo_flow(need.work, need.is_open, base.interval_min, need.deadline, planned)
    frame, daily, weekly = _frames(base, local, need, flow, staffing, settings)
    outcome = DeferredOutcome(
        deadline_minutes=need.deadline, work_hours=float(need.work.sum()) / 60.0,
        open_hours=open_h, required_agents=need.level, staffed_agents=staffing[0],
        within_deadline_share=flow.within_deadline_share, late_work_hours=flow.late_work / 60,
        max_backlog_hours=float(flow.backlog.max(initial=0.0)) / 60.0,
        end_backlog_hours=float(flow.backlog[-1]) / 60.0 if flow.backlog.size else 0.0,
        base_plan_agents=planned, share_at_base_plan=at_plan.within_deadline_share,
    )  # fmt: skip
    provenance = Provenance(
        input_hash=input_hash(base, scenario), requirement_key=requirement_key(base, scenario),
        versions=library_versions(), stages=("deferred_backlog",),
    )  # fmt: skip
    return ScenarioResult(
        name=scenario.name, version=scenario.version,
        kpis=_kpis(need, flow, staffing, open_h, span_weeks, settings), daily=daily,
        weekly=weekly, provenance=provenance, intervals=frame if keep_intervals else None,
        deferred=outcome,
    )  # fmt: skip
