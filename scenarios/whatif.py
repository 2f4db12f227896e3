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

from dataclasses import fields

import numpy as np
import pandas as pd

from optimizer.erlang import queue_kpis
from optimizer.requirements import required_agents
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
from scenarios.whatif_deferred import DeferredOutcome
from scenarios.whatif_deferred_run import run_deferred
from scenarios.whatif_model import (
    AhtChange,
    PlanSettings,
    Scenario,
    VolumeChange,
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


# --------------------------------------------------------------------------------------------
# staffing and queue prediction


def _week_days_in_span(local_dates: pd.Series, week_start: pd.Series) -> np.ndarray:
    """Calendar days of each row's week that lie inside the forecast's date span."""
    first, last = local_dates.min(), local_dates.max()
    lo = np.maximum(week_start, first)
    hi = np.minimum(week_start + pd.Timedelta(days=6), last)
    return ((hi - lo).dt.days + 1).to_numpy(dtype=np.float64)


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
    days, week_start = local_days(local, base.week_start_day)
    frame = pd.DataFrame(
        {
            "interval_start": starts,
            "local_date": days,
            "week_start": week_start,
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
        return run_deferred(base, scenario, keep_intervals)
    settings = apply_scenario(base.settings, scenario)
    frame = interval_frame(base, scenario)
    interval_h = base.interval_min / 60.0
    cost = cost_per_hour(settings)
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
