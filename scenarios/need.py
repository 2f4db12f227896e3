"""Weekly staffing need from a long-range forecast: productive hours and FTE with a band.

Each forecast week's volume is spread over its days by their calendar weights (closed days
get none) and over each day's intervals by the queue's *interval profile* (each weekday's
share of the day's calls per local interval over the last ``PROFILE_WEEKS`` weeks of history:
intervals without history rows are closed). The Erlang requirement of every interval
(:func:`optimizer.requirements.required_agents`, the queue's goal and model, integer agents
as planners staff) times the interval length gives the week's productive hours; deferred work
(e-mail, tickets: due within a deadline of hours or days, not answered in seconds) needs its
workload instead, the week's items x handle time / the occupancy agents can sustain
(``deferred_occupancy``), whatever the hour they arrive. The band runs
the same on the forecast's lower and upper bounds; ``p80`` on the 80th percentile of the week's
volume (log-normal between the point forecast and the upper bound), for plans that must
cover the P80 need. Every day uses its weekday's local slots, so on a DST day a queue open
at 02:00-03:00 local counts that hour as on any other day (daytime queues are unaffected).

Frame columns (one row per week): ``week_start``, ``calls``, ``calls_lo``, ``calls_hi``,
``calls_p80``, ``aht_s``, ``need_hours`` (productive hours), ``need_hours_lo``,
``need_hours_hi``, ``need_hours_p80``, ``productive_fte`` (need hours / ``fte_hours``) and its
``_lo``/``_hi``/``_p80``, ``paid_fte`` (productive FTE / (1 - shrinkage)), ``paid_hours``, and
``heads_<contract>`` per contract of the mix (paid hours x share / contract hours).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats

from forecasting.calendar import local_frame
from forecasting.longrange_fit import LongRangeForecast
from optimizer.requirements import ServiceGoal, StaffingModel, required_agents
from scenarios.errors import InputError, Problem

__all__ = ["ContractShare", "IntervalProfile", "WeeklyNeed", "interval_profile", "weekly_need"]

FloatArray = NDArray[np.float64]
PROFILE_WEEKS = 8
BANDS = ("", "_lo", "_hi", "_p80")


@dataclass(frozen=True, slots=True)
class IntervalProfile:
    """Per open (weekday, local minute) interval its share of that weekday's calls."""

    weekday: NDArray[np.int64]
    minute: NDArray[np.int64]
    share: FloatArray
    interval_min: int


@dataclass(frozen=True, slots=True)
class ContractShare:
    """A contract of the staffing mix: paid hours a week and share of the paid hours."""

    name: str
    weekly_hours: float
    share: float


@dataclass(frozen=True, slots=True)
class WeeklyNeed:
    """Weekly need (columns in the module docstring) and the figures behind it."""

    frame: pd.DataFrame
    shrinkage: float
    fte_hours: float
    interval_min: int


def interval_profile(
    history: pd.DataFrame, *, zone: str, interval_min: int, weeks: int = PROFILE_WEEKS
) -> IntervalProfile:
    """Each weekday's share of calls per local interval over the last ``weeks`` weeks."""
    local = local_frame(history["interval_start"], zone)
    last = max(local["local_date"])
    recent = local["local_date"] > last - dt.timedelta(weeks=weeks)
    frame = pd.DataFrame(
        {
            "weekday": local["weekday"][recent].to_numpy(),
            "minute": local["minute"][recent].to_numpy(),
            "calls": history["offered"][recent].to_numpy(dtype=np.float64),
        }
    )
    slots = frame.groupby(["weekday", "minute"], sort=True)["calls"].sum().reset_index()
    totals = slots.groupby("weekday")["calls"].transform("sum").to_numpy()
    counts = slots.groupby("weekday")["calls"].transform("size").to_numpy()
    share = np.where(totals > 0, slots["calls"] / np.maximum(totals, 1e-12), 1.0 / counts)
    return IntervalProfile(
        slots["weekday"].to_numpy(dtype=np.int64),
        slots["minute"].to_numpy(dtype=np.int64),
        np.asarray(share, dtype=np.float64),
        interval_min,
    )


def _p80(calls: FloatArray, hi: FloatArray, coverage: float) -> FloatArray:
    ratio = stats.norm.ppf(0.8) / stats.norm.ppf((1.0 + coverage) / 2.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        step = np.where(calls > 0, np.log(np.maximum(hi, 1e-12) / np.maximum(calls, 1e-12)), 0.0)
    return np.asarray(calls * np.exp(step * ratio), dtype=np.float64)


def _interval_calls(
    forecast: LongRangeForecast, profile: IntervalProfile, week_calls: FloatArray
) -> tuple[FloatArray, NDArray[np.int64]]:
    """Calls per (day, open interval) of every forecast week and the week index of each."""
    days = forecast.days.merge(
        forecast.frame[["week_start", "weight"]].rename(columns={"weight": "week_weight"}),
        on="week_start",
    )
    week_index = {w: i for i, w in enumerate(forecast.frame["week_start"])}
    calls: list[FloatArray] = []
    weeks: list[NDArray[np.int64]] = []
    rows = zip(
        days["weekday"], days["week_start"], days["weight"], days["week_weight"], strict=True
    )
    for weekday, week_start, weight, week_weight in rows:
        pick = profile.weekday == int(weekday)
        if float(weight) <= 0 or not pick.any():
            continue
        w = week_index[week_start]
        day_calls = float(week_calls[w]) * float(weight) / float(week_weight)
        calls.append(day_calls * profile.share[pick])
        weeks.append(np.full(int(pick.sum()), w, dtype=np.int64))
    if not calls:
        return np.zeros(0), np.zeros(0, dtype=np.int64)
    return np.concatenate(calls), np.concatenate(weeks)


def _need_hours(
    forecast: LongRangeForecast,
    profile: IntervalProfile,
    week_calls: FloatArray,
    aht_s: FloatArray,
    goal: ServiceGoal,
    model: StaffingModel,
) -> FloatArray:
    calls, weeks = _interval_calls(forecast, profile, week_calls)
    if not calls.size:
        return np.zeros(week_calls.size)
    requirement = required_agents(
        calls, aht_s[weeks], interval_min=profile.interval_min, goal=goal, model=model
    )
    hours = requirement.agents.astype(np.float64) * profile.interval_min / 60.0
    return np.bincount(weeks, weights=hours, minlength=week_calls.size).astype(np.float64)


def _check(
    shrinkage: float, fte_hours: float, mix: Sequence[ContractShare], aht: FloatArray
) -> None:
    problems = []
    if not 0.0 <= shrinkage < 1.0:
        problems.append(Problem(None, "shrinkage", "out_of_range", "shrinkage must be in [0, 1)"))
    if not fte_hours > 0:
        problems.append(Problem(None, "fte_hours", "out_of_range", "fte_hours must be > 0"))
    if mix and abs(sum(c.share for c in mix) - 1.0) > 1e-6:
        problems.append(Problem(None, "mix", "bad_sum", "contract shares must sum to 1"))
    if not np.all(np.isfinite(aht)) or np.any(aht <= 0):
        message = "no AHT in the history and no planned aht_s: give the queue's aht_s"
        problems.append(Problem(None, "aht_s", "required", message))
    if problems:
        raise InputError(problems)


def _workload_hours(week_calls: FloatArray, aht_s: FloatArray, occupancy: float) -> FloatArray:
    """Deferred work: the week's items x handle time, at the sustainable occupancy."""
    hours: FloatArray = week_calls * aht_s / 3600.0 / occupancy
    return hours


def weekly_need(
    forecast: LongRangeForecast,
    profile: IntervalProfile,
    *,
    goal: ServiceGoal,
    model: StaffingModel | None = None,
    shrinkage: float = 0.0,
    fte_hours: float = 40.0,
    aht_s: float | None = None,
    mix: Sequence[ContractShare] = (),
    deferred_occupancy: float | None = None,
) -> WeeklyNeed:
    """The weekly need of ``forecast`` (``aht_s`` fills weeks whose forecast has no AHT);
    with ``deferred_occupancy`` (0..1] the queue's work is deferred: its workload hours."""
    fc = forecast.frame
    aht = fc["aht_s"].to_numpy(dtype=np.float64)
    if aht_s is not None:
        aht = np.where(np.isfinite(aht), aht, aht_s)
    _check(shrinkage, fte_hours, mix, aht)
    if deferred_occupancy is not None and not 0.0 < deferred_occupancy <= 1.0:
        message = "deferred_occupancy must be in (0, 1]"
        raise InputError([Problem(None, "deferred_occupancy", "out_of_range", message)])
    model = model or StaffingModel()
    out = fc[["week_start", "calls", "calls_lo", "calls_hi"]].copy()
    out["calls_p80"] = _p80(fc["calls"].to_numpy(), fc["calls_hi"].to_numpy(), forecast.coverage)
    out["aht_s"] = aht
    for band in BANDS:
        calls = out[f"calls{band}"].to_numpy(dtype=np.float64)
        if deferred_occupancy is None:
            hours = _need_hours(forecast, profile, calls, aht, goal, model)
        else:
            hours = _workload_hours(calls, aht, deferred_occupancy)
        out[f"need_hours{band}"] = hours
        out[f"productive_fte{band}"] = hours / fte_hours
    out["paid_fte"] = out["productive_fte"] / (1.0 - shrinkage)
    out["paid_hours"] = out["paid_fte"] * fte_hours
    for contract in mix:
        out[f"heads_{contract.name}"] = out["paid_hours"] * contract.share / contract.weekly_hours
    return WeeklyNeed(out, shrinkage, fte_hours, profile.interval_min)
