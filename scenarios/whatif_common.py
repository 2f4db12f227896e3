"""What a what-if run returns (:class:`ScenarioKpis`, :class:`ScenarioResult`) and the inputs
every kind of run reads the same way (interval starts, the scenario's volume and AHT changes,
the cost of a paid hour): shared by live runs (:mod:`scenarios.whatif`) and deferred ones
(:mod:`scenarios.whatif_deferred_run`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scenarios.errors import InputError, Problem
from scenarios.provenance import Provenance
from scenarios.whatif_base import Base
from scenarios.whatif_deferred import DeferredOutcome
from scenarios.whatif_model import PlanSettings, Scenario, Window
from scenarios.whatif_roster import RosterOutcome

__all__ = [
    "BASE_NAME",
    "ScenarioKpis",
    "ScenarioResult",
    "adjusted_forecast",
    "cost_per_hour",
    "interval_starts",
    "local_days",
    "window_mask",
]

BASE_NAME = "base"


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


def interval_starts(base: Base) -> pd.DatetimeIndex:
    """Interval starts as a tz-aware UTC index (never an object array of Timestamps)."""
    return pd.DatetimeIndex(pd.to_datetime(base.forecast["interval_start"], utc=True))


def local_days(local: pd.DatetimeIndex, week_start_day: int) -> tuple[pd.Series, pd.Series]:
    """Each interval's local date and the first day of its week (``week_start_day``: 0 =
    Monday), as naive dates: the keys of the daily and weekly frames."""
    days = pd.Series(local.normalize().tz_localize(None))
    into_week = (local.day_of_week - week_start_day) % 7  # days since the week start
    return days, days - pd.to_timedelta(into_week, unit="D")


def window_mask(local: pd.DatetimeIndex, window: Window) -> np.ndarray:
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
        calls[window_mask(local, vol.window)] *= vol.multiplier
    for change in scenario.aht:
        mask = window_mask(local, change.window)
        aht[mask] = aht[mask] * (1.0 + change.change_pct / 100.0) + change.delta_s
    bad = np.flatnonzero(~(aht > 0))
    if bad.size:
        msg = "the AHT change leaves a handle time <= 0 s"
        raise InputError([Problem(int(i), "aht", "out_of_range", msg) for i in bad[:20]])
    return calls, aht


def cost_per_hour(settings: PlanSettings) -> float:
    hours = sum(c.headcount * c.weekly_hours for c in settings.workforce)
    if not settings.workforce or hours <= 0:
        return settings.cost_per_paid_hour
    cost = sum(c.headcount * c.weekly_hours * c.cost_per_hour for c in settings.workforce)
    return cost / hours
