"""What-if runs: apply a :class:`~scenarios.whatif_model.Scenario` to a :class:`Base`, re-run
the requirement stage, staff it (capped by the workforce when one is given) and predict the
queue with the staffing actually available.

Per interval (``ScenarioResult.intervals``): ``interval_start`` (UTC), ``local_date``,
``week_start`` (local first day of the week: the weekday ``Base.week_start_day``, Monday by
default), ``calls``, ``aht_s``, ``agents_required`` (integer agents on
the phones meeting every target), ``agents_required_fractional``, ``scheduled`` (agents to
schedule after total shrinkage), ``staffed`` (scheduled, scaled down in weeks where the
workforce's paid hours do not cover it), ``productive_agents`` (staffed x (1 - total
shrinkage)), ``service_level``, ``asa_s``, ``abandon_rate`` (predicted at
``productive_agents``), ``under_staffed_agents`` and ``over_staffed_agents`` (productive minus
required, split by sign).

Per day / week (``daily``, ``weekly``; local dates): ``calls``, ``required_agent_hours``,
``required_agent_hours_fractional``, ``scheduled_agent_hours`` (staffed hours),
``paid_hours`` (the workforce's contract hours when one is given, pro rata for partial weeks,
else the scheduled hours), ``cost``, ``service_level`` (call-weighted), ``asa_s``
(weighted by answered calls), ``abandon_rate`` (call-weighted), ``under_staffed_hours``,
``over_staffed_hours``; weekly adds ``fte_scheduled`` and ``fte_paid`` (hours / fte_hours).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from optimizer.erlang import queue_kpis
from optimizer.requirements import required_agents
from scenarios.errors import InputError, Problem
from scenarios.provenance import Provenance, input_hash, library_versions, requirement_key
from scenarios.whatif_base import Base
from scenarios.whatif_deferred import DeferredOutcome, fifo_flow, open_rows, required_level
from scenarios.whatif_model import (
    AhtChange,
    PlanSettings,
    Scenario,
    VolumeChange,
    Window,
    apply_scenario,
    validate_scenario,
    validate_settings,
)
from scenarios.whatif_roster import RosterOutcome, run_roster_stage

__all__ = [
    "BASE_NAME",
    "Base",
    "ScenarioKpis",
    "ScenarioResult",
    "compare",
    "interval_starts",
    "run_scenario",
]

BASE_NAME = "base"
_SUM_COLUMNS = (
    "calls",
    "required_agent_hours",
    "required_agent_hours_fractional",
    "scheduled_agent_hours",
    "paid_hours",
    "cost",
    "under_staffed_hours",
    "over_staffed_hours",
)


@dataclass(frozen=True, slots=True)
class ScenarioKpis:
    """Totals over the horizon; rates call-weighted; ``fte_*`` are average weekly FTE."""

    calls: float
    required_agent_hours: float
    required_agent_hours_fractional: float
    scheduled_agent_hours: float
    paid_hours: float
    fte_scheduled: float
    fte_paid: float
    cost: float
    service_level: float
    asa_s: float
    abandon_rate: float
    under_staffed_hours: float
    over_staffed_hours: float


@dataclass(frozen=True, slots=True, eq=False)
class ScenarioResult:
    """KPIs of one scenario, per day/week frames (module docstring), optional per-interval
    frame, and provenance (input hash, library versions, stages run)."""

    name: str
    version: int
    kpis: ScenarioKpis
    daily: pd.DataFrame
    weekly: pd.DataFrame
    provenance: Provenance
    intervals: pd.DataFrame | None = None
    roster: RosterOutcome | None = None
    deferred: DeferredOutcome | None = None


# --------------------------------------------------------------------------------------------
# inputs


def _validate_base(base: Base) -> None:
    missing = [c for c in ("interval_start", "calls", "aht_s") if c not in base.forecast]
    if missing:
        problems = [Problem(None, c, "missing_column", f"forecast lacks {c}") for c in missing]
        raise InputError(problems)
    if base.interval_min <= 0 or 1440 % base.interval_min:
        msg = "interval_min must divide a day"
        raise InputError([Problem(None, "interval_min", "out_of_range", msg)])
    if base.week_start_day not in range(7):
        msg = "week_start_day must be 0 (Monday) .. 6 (Sunday)"
        raise InputError([Problem(None, "week_start_day", "out_of_range", msg)])
    problems = []
    for column, low_ok in (("calls", True), ("aht_s", False)):
        values = pd.to_numeric(base.forecast[column], errors="coerce").to_numpy(dtype=np.float64)
        bad = ~np.isfinite(values) | (values < 0 if low_ok else values <= 0)
        bound = ">= 0" if low_ok else "> 0"
        problems += [
            Problem(int(i), column, "out_of_range", f"{column} must be a finite number {bound}")
            for i in np.flatnonzero(bad)[:20]
        ]
    if interval_starts(base).isna().any():
        problems.append(Problem(None, "interval_start", "missing", "interval_start has gaps"))
    if problems:
        raise InputError(problems)
    validate_settings(base.settings)


def interval_starts(base: Base) -> pd.DatetimeIndex:
    """Interval starts as a tz-aware UTC index (never an object array of Timestamps)."""
    return pd.DatetimeIndex(pd.to_datetime(base.forecast["interval_start"], utc=True))


def _window_mask(local: pd.DatetimeIndex, window: Window) -> np.ndarray:
    mask = np.ones(len(local), dtype=bool)
    days = local.normalize().tz_localize(None)
    if window.start_date is not None:
        mask &= days >= pd.Timestamp(window.start_date)
    if window.end_date is not None:
        mask &= days < pd.Timestamp(window.end_date)
    if window.weekdays is not None:
        mask &= np.isin(local.day_of_week, window.weekdays)
    minutes = local.hour * 60 + local.minute
    if window.from_time is not None:
        t = dt.time.fromisoformat(window.from_time)
        mask &= minutes >= t.hour * 60 + t.minute
    if window.to_time is not None:
        t = dt.time.fromisoformat(window.to_time)
        mask &= minutes < t.hour * 60 + t.minute
    return mask


def adjusted_forecast(
    base: Base, scenario: Scenario, local: pd.DatetimeIndex | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Calls and AHT per interval after the scenario's volume and AHT changes (``local``: the
    interval starts in the base's zone, when the caller has them already)."""
    if local is None:
        local = interval_starts(base).tz_convert(base.zone)
    calls = base.forecast["calls"].to_numpy(dtype=np.float64).copy()
    aht = base.forecast["aht_s"].to_numpy(dtype=np.float64).copy()
    for vol in scenario.volume:
        calls[_window_mask(local, vol.window)] *= vol.multiplier
    for change in scenario.aht:
        mask = _window_mask(local, change.window)
        aht[mask] = aht[mask] * (1.0 + change.change_pct / 100.0) + change.delta_s
    bad = np.flatnonzero(~(aht > 0))
    if bad.size:
        msg = "the AHT change leaves a handle time <= 0 s"
        raise InputError([Problem(int(i), "aht", "out_of_range", msg) for i in bad[:20]])
    return calls, aht


# --------------------------------------------------------------------------------------------
# staffing and queue prediction


def _week_days_in_span(local_dates: pd.Series, week_start: pd.Series) -> np.ndarray:
    """Calendar days of each row's week that lie inside the forecast's date span."""
    first, last = local_dates.min(), local_dates.max()
    lo = np.maximum(week_start, first)
    hi = np.minimum(week_start + pd.Timedelta(days=6), last)
    return ((hi - lo).dt.days + 1).to_numpy(dtype=np.float64)


def _cost_per_hour(settings: PlanSettings) -> float:
    hours = sum(c.headcount * c.weekly_hours for c in settings.workforce)
    if not settings.workforce or hours <= 0:
        return settings.cost_per_paid_hour
    cost = sum(c.headcount * c.weekly_hours * c.cost_per_hour for c in settings.workforce)
    return cost / hours


def _staffing(
    frame: pd.DataFrame, settings: PlanSettings, interval_h: float
) -> tuple[np.ndarray, np.ndarray]:
    """(staffed agents per interval, paid hours per interval)."""
    scheduled = frame["scheduled"].to_numpy(dtype=np.float64)
    if not settings.workforce:
        return scheduled, scheduled * interval_h
    weekly_paid = sum(c.headcount * c.weekly_hours for c in settings.workforce)
    days = _week_days_in_span(frame["local_date"], frame["week_start"])
    available = weekly_paid * days / 7.0  # per week, pro rata for partial weeks
    need = frame.groupby("week_start")["scheduled"].transform("sum").to_numpy() * interval_h
    factor = np.where(need > available, available / np.where(need > 0, need, 1.0), 1.0)
    rows_per_week = frame.groupby("week_start")["scheduled"].transform("size").to_numpy()
    return scheduled * factor, available / rows_per_week


def _required(
    calls: np.ndarray, aht: np.ndarray, interval_min: int, settings: PlanSettings
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(integer agents, fractional agents, scheduled) per interval; the requirement stage
    runs only on intervals with calls (zero calls need zero agents)."""
    busy = np.flatnonzero(calls > 0)
    out = np.zeros((3, calls.size))
    if busy.size:
        req = required_agents(
            calls[busy],
            aht[busy],
            interval_min=interval_min,
            goal=settings.goal,
            model=settings.model,
            shrinkage=settings.total_shrinkage,
        )
        out[0, busy] = req.agents
        out[1, busy] = req.agents_fractional
        out[2, busy] = req.scheduled
    return out[0], out[1], out[2]


def interval_frame(base: Base, scenario: Scenario) -> pd.DataFrame:
    """Per-interval staffing and predicted queue of ``scenario`` (module docstring)."""
    settings = apply_scenario(base.settings, scenario)
    validate_settings(settings)
    starts = interval_starts(base)
    local = starts.tz_convert(base.zone)
    calls, aht = adjusted_forecast(base, scenario, local)
    agents, fractional, scheduled = _required(calls, aht, base.interval_min, settings)
    days = pd.Series(local.normalize().tz_localize(None))
    into_week = (local.day_of_week - base.week_start_day) % 7  # days since the week start
    frame = pd.DataFrame(
        {
            "interval_start": starts,
            "local_date": days,
            "week_start": days - pd.to_timedelta(into_week, unit="D"),
            "calls": calls,
            "aht_s": aht,
            "agents_required": agents,
            "agents_required_fractional": fractional,
            "scheduled": scheduled,
        }
    )
    interval_h = base.interval_min / 60.0
    staffed, paid = _staffing(frame, settings, interval_h)
    productive = staffed * (1.0 - settings.total_shrinkage)
    kpis = queue_kpis(
        settings.model.kind,
        calls,
        aht,
        productive,
        interval_s=base.interval_min * 60.0,
        answer_within_s=settings.goal.answer_within_s,
        patience_s=settings.model.patience_s,
    )
    diff = productive - frame["agents_required"].to_numpy()
    frame["staffed"] = staffed
    frame["productive_agents"] = productive
    frame["paid_hours"] = paid
    frame["service_level"] = kpis.service_level
    frame["asa_s"] = kpis.asa_s
    frame["abandon_rate"] = kpis.abandon_rate
    frame["under_staffed_agents"] = np.maximum(-diff, 0.0)
    frame["over_staffed_agents"] = np.maximum(diff, 0.0)
    return frame


# --------------------------------------------------------------------------------------------
# aggregation


def _aggregate(frame: pd.DataFrame, key: str, interval_h: float, cost: float) -> pd.DataFrame:
    calls = frame["calls"].to_numpy()
    answered = calls * (1.0 - frame["abandon_rate"].to_numpy())
    asa = frame["asa_s"].to_numpy()
    work = pd.DataFrame(
        {
            key: frame[key],
            "calls": calls,
            "required_agent_hours": frame["agents_required"] * interval_h,
            "required_agent_hours_fractional": frame["agents_required_fractional"] * interval_h,
            "scheduled_agent_hours": frame["staffed"] * interval_h,
            "paid_hours": frame["paid_hours"],
            "cost": frame["paid_hours"] * cost,
            "under_staffed_hours": frame["under_staffed_agents"] * interval_h,
            "over_staffed_hours": frame["over_staffed_agents"] * interval_h,
            "_sl": calls * frame["service_level"].to_numpy(),
            "_ab": calls * frame["abandon_rate"].to_numpy(),
            "_asa": np.where(answered > 0, answered * asa, 0.0),
            "_answered": answered,
        }
    )
    out = work.groupby(key, sort=True).sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        out["service_level"] = out.pop("_sl") / out["calls"]
        out["abandon_rate"] = out.pop("_ab") / out["calls"]
        out["asa_s"] = out.pop("_asa") / out.pop("_answered")
    return out.reset_index()


def _kpis(weekly: pd.DataFrame, span_weeks: float, fte_hours: float) -> ScenarioKpis:
    totals = {c: float(weekly[c].sum()) for c in _SUM_COLUMNS}
    calls = totals["calls"]
    answered = (weekly["calls"] * (1.0 - weekly["abandon_rate"].fillna(0.0))).to_numpy()
    asa = weekly["asa_s"].to_numpy()
    weight = float(answered.sum())
    return ScenarioKpis(
        **totals,
        fte_scheduled=totals["scheduled_agent_hours"] / span_weeks / fte_hours,
        fte_paid=totals["paid_hours"] / span_weeks / fte_hours,
        service_level=float((weekly["service_level"] * weekly["calls"]).sum() / calls)
        if calls
        else float("nan"),
        asa_s=float(np.sum(np.where(answered > 0, answered * asa, 0.0)) / weight)
        if weight
        else float("nan"),
        abandon_rate=float((weekly["abandon_rate"] * weekly["calls"]).sum() / calls)
        if calls
        else float("nan"),
    )


def run_scenario(base: Base, scenario: Scenario, *, keep_intervals: bool = False) -> ScenarioResult:
    """Run one scenario against ``base`` (use ``Scenario(BASE_NAME)`` for the base itself)."""
    _validate_base(base)
    validate_scenario(scenario)
    if base.deferred is not None:
        return _run_deferred(base, scenario, keep_intervals)
    settings = apply_scenario(base.settings, scenario)
    frame = interval_frame(base, scenario)
    interval_h = base.interval_min / 60.0
    cost = _cost_per_hour(settings)
    daily = _aggregate(frame, "local_date", interval_h, cost)
    weekly = _aggregate(frame, "week_start", interval_h, cost)
    weekly["fte_scheduled"] = weekly["scheduled_agent_hours"] / settings.fte_hours
    weekly["fte_paid"] = weekly["paid_hours"] / settings.fte_hours
    span_days = (frame["local_date"].max() - frame["local_date"].min()).days + 1
    stages: tuple[str, ...] = ("requirements", "staffing", "queue_kpis")
    roster = None
    if base.roster is not None:
        roster = run_roster_stage(
            frame, base.roster, settings, scenario, interval_min=base.interval_min, zone=base.zone
        )
        stages += ("roster",)
    provenance = Provenance(
        input_hash=input_hash(base, scenario),
        requirement_key=requirement_key(base, scenario),
        versions=library_versions(),
        stages=stages,
        solver_seeds=() if base.roster is None else (("roster", base.roster.seed),),
    )
    return ScenarioResult(
        name=scenario.name,
        version=scenario.version,
        kpis=_kpis(weekly, span_days / 7.0, settings.fte_hours),
        daily=daily,
        weekly=weekly,
        provenance=provenance,
        intervals=frame if keep_intervals else None,
        roster=roster,
    )


# --------------------------------------------------------------------------------------------
# deferred queues (e-mail): a level of agents keeping the backlog within its deadline


def _deferred_level(base: Base, scenario: Scenario, local: pd.DatetimeIndex) -> tuple[
    np.ndarray, np.ndarray, np.ndarray, int, float
]:  # fmt: skip
    """Items and work minutes per interval, open intervals, deadline and the level of agents
    on the work the scenario's target needs (:mod:`scenarios.whatif_deferred`)."""
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
    return items, work, is_open, deadline, level


def _run_deferred(base: Base, scenario: Scenario, keep_intervals: bool) -> ScenarioResult:
    """A deferred base's scenario: the level its target needs, staffed as a live what-if is
    (its own need, or its workforce after shrinkage), the backlog at that level, and the share
    the base plan's scheduled agents would reach (:class:`DeferredOutcome`)."""
    settings = apply_scenario(base.settings, scenario)
    validate_settings(settings)
    starts = interval_starts(base)
    local = starts.tz_convert(base.zone)
    items, work, is_open, deadline, required = _deferred_level(base, scenario, local)
    base_level = _deferred_level(base, Scenario(BASE_NAME), local)[4]
    keep = 1.0 - settings.total_shrinkage
    planned = base_level / (1.0 - base.settings.total_shrinkage) * keep  # base agents, on work
    interval_h = base.interval_min / 60.0
    open_h = float(is_open.sum()) * interval_h
    days = pd.Series(local.normalize().tz_localize(None))
    span_weeks = ((days.max() - days.min()).days + 1) / 7.0
    if settings.workforce:
        paid_total = sum(c.headcount * c.weekly_hours for c in settings.workforce) * span_weeks
        staffed = paid_total * keep / open_h if open_h else 0.0
    else:
        staffed = required
        paid_total = required / keep * open_h
    flow = fifo_flow(work, is_open, base.interval_min, deadline, staffed)
    at_plan = fifo_flow(work, is_open, base.interval_min, deadline, planned)
    into_week = (local.day_of_week - base.week_start_day) % 7
    frame = pd.DataFrame({
        "interval_start": starts, "local_date": days,
        "week_start": days - pd.to_timedelta(into_week, unit="D"),
        "calls": items, "work_hours": work / 60.0, "done_hours": flow.done / 60.0,
        "backlog_hours": flow.backlog / 60.0,
        "required_agent_hours": np.where(is_open, required * interval_h, 0.0),
        "scheduled_agent_hours": np.where(is_open, staffed / keep * interval_h, 0.0),
    })  # fmt: skip
    cost_per_hour = _cost_per_hour(settings)
    frame["paid_hours"] = frame["scheduled_agent_hours"] * (paid_total / max(
        float(frame["scheduled_agent_hours"].sum()), 1e-12))  # fmt: skip
    frame["cost"] = frame["paid_hours"] * cost_per_hour

    def grouped(key: str) -> pd.DataFrame:
        sums = ["calls", "work_hours", "done_hours", "required_agent_hours",
                "scheduled_agent_hours", "paid_hours", "cost"]  # fmt: skip
        out = frame.groupby(key, sort=True)[sums].sum()
        out["backlog_hours"] = frame.groupby(key, sort=True)["backlog_hours"].last()
        return out.reset_index()

    daily, weekly = grouped("local_date"), grouped("week_start")
    weekly["fte_scheduled"] = weekly["scheduled_agent_hours"] / settings.fte_hours
    weekly["fte_paid"] = weekly["paid_hours"] / settings.fte_hours
    gap = (staffed - required) * open_h
    kpis = ScenarioKpis(
        calls=float(frame["calls"].sum()), required_agent_hours=required * open_h,
        required_agent_hours_fractional=required * open_h,
        scheduled_agent_hours=staffed / keep * open_h, paid_hours=paid_total,
        fte_scheduled=staffed / keep * open_h / span_weeks / settings.fte_hours,
        fte_paid=paid_total / span_weeks / settings.fte_hours, cost=paid_total * cost_per_hour,
        service_level=flow.within_deadline_share, asa_s=float("nan"),
        abandon_rate=float("nan"), under_staffed_hours=max(-gap, 0.0),
        over_staffed_hours=max(gap, 0.0),
    )  # fmt: skip
    outcome = DeferredOutcome(
        deadline_minutes=deadline, work_hours=float(work.sum()) / 60.0, open_hours=open_h,
        required_agents=required, staffed_agents=staffed,
        within_deadline_share=flow.within_deadline_share,
        late_work_hours=flow.late_work / 60.0,
        max_backlog_hours=float(flow.backlog.max(initial=0.0)) / 60.0,
        end_backlog_hours=float(flow.backlog[-1]) / 60.0 if flow.backlog.size else 0.0,
        base_plan_agents=planned, share_at_base_plan=at_plan.within_deadline_share,
    )  # fmt: skip
    provenance = Provenance(
        input_hash=input_hash(base, scenario), requirement_key=requirement_key(base, scenario),
        versions=library_versions(), stages=("deferred_backlog",),
    )  # fmt: skip
    return ScenarioResult(
        name=scenario.name, version=scenario.version, kpis=kpis, daily=daily, weekly=weekly,
        provenance=provenance, intervals=frame if keep_intervals else None, deferred=outcome,
    )  # fmt: skip


def kpi_names() -> tuple[str, ...]:
    return tuple(f.name for f in fields(ScenarioKpis))


def compare(results: list[ScenarioResult] | tuple[ScenarioResult, ...]) -> pd.DataFrame:
    """One row per scenario (the first is the reference, normally the base): name, version,
    input hash, every :class:`ScenarioKpis` field, ``<kpi>_vs_base`` (difference to the first
    row) and, when a roster stage ran, ``roster_<field>`` of :class:`RosterOutcome`."""
    rows = []
    for r in results:
        row: dict[str, object] = {"scenario": r.name, "version": r.version}
        row.update({name: getattr(r.kpis, name) for name in kpi_names()})
        row["input_hash"] = r.provenance.input_hash
        rows.append(row)
    table = pd.DataFrame(rows).set_index("scenario")
    if not rows:
        return table
    if any(r.roster is not None for r in results):
        for name in (f.name for f in fields(RosterOutcome)):
            table[f"roster_{name}"] = [
                getattr(r.roster, name) if r.roster is not None else None for r in results
            ]
    if any(r.deferred is not None for r in results):
        for name in (f.name for f in fields(DeferredOutcome)):
            table[f"deferred_{name}"] = [
                getattr(r.deferred, name) if r.deferred is not None else None for r in results
            ]
    for name in kpi_names():
        table[f"{name}_vs_base"] = table[name] - table[name].iloc[0]
    return table


def with_change(
    name: str,
    *,
    volume_pct: float = 0.0,
    aht_delta_s: float = 0.0,
    version: int = 1,
) -> Scenario:
    """Shorthand: a global volume change in percent and an AHT change in seconds."""
    volume = (VolumeChange(1.0 + volume_pct / 100.0),) if volume_pct else ()
    aht = (AhtChange(delta_s=aht_delta_s),) if aht_delta_s else ()
    return Scenario(name=name, version=version, volume=volume, aht=aht)
