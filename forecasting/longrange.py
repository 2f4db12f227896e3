"""Weeks of a queue's history for the long-range forecast (:mod:`forecasting.longrange_fit`).

Steps of the long-range forecast: interval history -> local daily totals -> weeks (the
site's first weekday; partial weeks at either end dropped) -> each week's *calendar weight*,
the normal-day equivalents it holds (weekday shares of the history's normal days; a closed or
missing day counts 0, a known event day, e.g. a holiday, its estimated share) -> the week's
*rate* = volume / weight -> log rate, less a yearly index when the history spans two years or
more -> point method chosen by rolling-origin backtest on the history's own weeks
(:mod:`forecasting.longrange_models`; the benchmarks win ties) -> volume = rate x the target
week's calendar weight -> prediction interval from the chosen method's backtest errors at
nearby horizons (beyond the backtested horizons widened by sqrt(h / h_max)).

Event days: their share of a normal day is the median over the history's event days of the
day's volume / (its weekday share x its week's normal-day rate); ``EVENT_SHARE_PRIOR`` when the
history holds none.

Known closed days on an open weekday (a bank holiday) do not take their whole share off the
week: part of their calls come on the week's other days. Their *carry-over* (the share of the
closed day's volume the week keeps) is the median over the history's weeks with a known
closed day of (week volume / reference rate - open days' weight) / closed days' share, the
reference rate being the median rate of the nearest whole normal weeks (up to two each side,
inside the history), clipped to [0, 1]; ``CARRY_PRIOR`` (0: the old rule, the whole share
lost) while the history holds none. A day missing from the history that was not known closed
still counts 0 (a data gap is not a holiday).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from forecasting.calendar import local_frame, open_weekdays_of
from forecasting.errors import InsufficientHistoryError
from forecasting.longrange_models import FloatArray

__all__ = [
    "KnownDays",
    "WeeklyHistory",
    "daily_totals",
    "day_weights",
    "future_days",
    "week_start_of",
    "weekly_from_daily",
    "weekly_history",
]

EVENT_SHARE_PRIOR = 0.5
CARRY_PRIOR = 0.5
MIN_WEIGHT = 0.2  # weeks holding less than a fifth of a normal week are not fitted


@dataclass(frozen=True, slots=True)
class KnownDays:
    """The calendar known in advance: ``closed`` days (no calls) and ``events`` (holidays,
    campaigns: days whose volume is a share of a normal day's, estimated from the history)."""

    closed: frozenset[dt.date] = field(default_factory=frozenset)
    events: frozenset[dt.date] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class WeeklyHistory:
    """Whole weeks of history: ``frame`` has ``week_start`` (local date), ``calls``,
    ``aht_s`` (calls-weighted, NaN without AHT), ``weight`` (normal-day equivalents as a share
    of a normal week) and ``rate`` (calls / weight, NaN below ``MIN_WEIGHT``).
    ``weekday_share`` (Mon = 0) sums to 1 over the open weekdays; ``carry`` is the share of a
    known closed day's volume its week keeps (module docstring)."""

    frame: pd.DataFrame
    weekday_share: FloatArray
    event_share: float
    week_start_day: int
    open_weekdays: frozenset[int]
    carry: float = CARRY_PRIOR


def daily_totals(history: pd.DataFrame, zone: str) -> pd.DataFrame:
    """Local days of an interval history: ``day``, ``calls`` (offered), ``aht_s``."""
    local = local_frame(history["interval_start"], zone)
    calls = history["offered"].to_numpy(dtype=np.float64)
    frame = pd.DataFrame({"day": local["local_date"].to_numpy(), "calls": calls})
    if "aht_s" in history:
        aht = history["aht_s"].to_numpy(dtype=np.float64)
        weight = np.where(np.isfinite(aht), history.get("handled", history["offered"]), 0.0)
        frame["aht_w"] = np.where(np.isfinite(aht), aht, 0.0) * weight
        frame["aht_n"] = weight
    else:
        frame["aht_w"], frame["aht_n"] = 0.0, 0.0
    daily = frame.groupby("day", sort=True).sum().reset_index()
    with np.errstate(invalid="ignore", divide="ignore"):
        daily["aht_s"] = np.where(daily["aht_n"] > 0, daily["aht_w"] / daily["aht_n"], np.nan)
    return daily


def week_start_of(day: dt.date, week_start_day: int) -> dt.date:
    return day - dt.timedelta(days=(day.weekday() - week_start_day) % 7)


def _weekday_share(
    daily: pd.DataFrame, open_days: frozenset[int], normal: np.ndarray
) -> FloatArray:
    weekdays = np.array([d.weekday() for d in daily["day"]])
    median = np.zeros(7)
    for wd in open_days:
        pick = normal & (weekdays == wd)
        median[wd] = float(np.median(daily["calls"].to_numpy()[pick])) if pick.any() else 0.0
    total = median.sum()
    return (
        median / total
        if total > 0
        else np.where(np.isin(np.arange(7), list(open_days)), 1.0, 0.0) / max(len(open_days), 1)
    )


def _event_share(days: pd.DataFrame, share: FloatArray) -> float:
    """Median volume of the history's event days per normal-day expectation of their week."""
    ratios = []
    for _, week in days.groupby("week_start"):
        normal = week[week["kind"] == "normal"]
        expected = float(share[normal["weekday"]].sum())
        if expected <= 0:
            continue
        rate = float(normal["calls"].sum()) / expected
        for _, row in week[week["kind"] == "event"].iterrows():
            if share[row["weekday"]] > 0 and rate > 0:
                ratios.append(row["calls"] / (share[row["weekday"]] * rate))
    return float(np.median(ratios)) if ratios else EVENT_SHARE_PRIOR


def _span_days(daily: pd.DataFrame, known: KnownDays, week_start_day: int) -> pd.DataFrame:
    """Every day of the whole weeks inside the history: calls (0 where absent) and its kind."""
    first, last = daily["day"].iloc[0], daily["day"].iloc[-1]
    open_days = open_weekdays_of(pd.DatetimeIndex(list(daily["day"])))

    def outside_open(a: dt.date, b: dt.date) -> bool:  # an open weekday in [a, b)
        return any((a + dt.timedelta(days=i)).weekday() in open_days for i in range((b - a).days))

    start = week_start_of(first, week_start_day)
    if outside_open(start, first):
        start += dt.timedelta(days=7)
    end = week_start_of(last, week_start_day) + dt.timedelta(days=7)
    if outside_open(last + dt.timedelta(days=1), end):
        end -= dt.timedelta(days=7)
    span = [start + dt.timedelta(days=i) for i in range(max((end - start).days, 0))]
    calls = dict(zip(daily["day"], daily["calls"], strict=True))
    kinds = [_kind(d, known, d in calls, open_days) for d in span]
    return pd.DataFrame(
        {
            "day": span,
            "week_start": [week_start_of(d, week_start_day) for d in span],
            "weekday": [d.weekday() for d in span],
            "calls": [float(calls.get(d, 0.0)) for d in span],
            "kind": kinds,
        }
    )


def _kind(day: dt.date, known: KnownDays, present: bool, open_days: frozenset[int]) -> str:
    if day.weekday() not in open_days:
        return "closed"
    if day in known.closed:
        return "shut"  # a known closure of an open weekday: its week keeps ``carry`` of it
    if not present:
        return "closed"
    return "event" if day in known.events else "normal"


def day_weights(
    days: pd.DataFrame, share: FloatArray, event_share: float, carry: float = CARRY_PRIOR
) -> FloatArray:
    """Each day's share of a normal week: weekday share x (1 normal, event share, carry for a
    known closure, 0 closed or missing)."""
    factor = days["kind"].map({"normal": 1.0, "event": event_share, "shut": carry, "closed": 0.0})
    return np.asarray(share[days["weekday"].to_numpy()] * factor.to_numpy(), dtype=np.float64)


def _carry(days: pd.DataFrame, weeks: pd.DataFrame, prior: float) -> float:
    """Share of a known closed day's volume its week keeps (module docstring)."""
    kinds = days.groupby("week_start", sort=True)["kind"].agg(set)
    normal = np.array([k <= {"normal", "closed"} for k in kinds]) & (weeks["weight"] > 0.999)
    rate = weeks["calls"].to_numpy() / weeks["weight"].clip(lower=1e-9).to_numpy()
    shut_share = days.assign(s=days["shut_share"]).groupby("week_start", sort=True)["s"].sum()
    ratios = []
    for i, kind in enumerate(kinds):
        if "shut" not in kind or not kind <= {"normal", "closed", "shut"}:
            continue
        before = [j for j in range(i - 1, -1, -1) if normal[j]][:2]
        after = [j for j in range(i + 1, len(kinds)) if normal[j]][:2]
        if not before + after or shut_share.iloc[i] <= 0:
            continue
        ref = float(np.median(rate[before + after]))
        kept = weeks["calls"].iloc[i] / ref - weeks["weight"].iloc[i]
        ratios.append(min(max(kept / shut_share.iloc[i], 0.0), 1.0))
    return float(np.median(ratios)) if ratios else prior


def weekly_history(
    history: pd.DataFrame, *, zone: str, week_start_day: int = 0, known: KnownDays | None = None
) -> WeeklyHistory:
    """Whole weeks of ``history`` (interval rows) with their calendar weights and rates."""
    return weekly_from_daily(
        daily_totals(history, zone), week_start_day=week_start_day, known=known
    )


def weekly_from_daily(
    daily: pd.DataFrame, *, week_start_day: int = 0, known: KnownDays | None = None,
    carry_prior: float = CARRY_PRIOR,
) -> WeeklyHistory:  # fmt: skip
    """:func:`weekly_history` from :func:`daily_totals` (``day``, ``calls``, ``aht_w``,
    ``aht_n``); ``carry_prior``: the carry while the history holds no known closed day."""
    known = known or KnownDays()
    if daily.empty:
        raise InsufficientHistoryError("the history has no rows")
    days = _span_days(daily, known, week_start_day)
    open_days = open_weekdays_of(pd.DatetimeIndex(list(daily["day"])))
    in_span = daily[daily["day"].isin(set(days["day"]))]
    normal = np.array([k == "normal" for k in days.set_index("day").loc[in_span["day"], "kind"]])
    share = _weekday_share(in_span.reset_index(drop=True), open_days, normal)
    event = _event_share(days, share)
    days["weight"] = day_weights(days, share, event, 0.0)
    days["shut_share"] = np.where(days["kind"] == "shut", share[days["weekday"].to_numpy()], 0.0)
    weeks = days.groupby("week_start", sort=True).agg(
        calls=("calls", "sum"), weight=("weight", "sum")
    )
    carry = _carry(days, weeks.reset_index(), carry_prior)
    weeks["weight"] += carry * days.groupby("week_start", sort=True)["shut_share"].sum()
    aht = _weekly_aht(daily, week_start_day)
    frame = weeks.reset_index().merge(aht, on="week_start", how="left")
    frame["rate"] = np.where(
        frame["weight"] >= MIN_WEIGHT, frame["calls"] / frame["weight"].clip(lower=1e-9), np.nan
    )
    return WeeklyHistory(frame, share, event, week_start_day, open_days, carry)


def _weekly_aht(daily: pd.DataFrame, week_start_day: int) -> pd.DataFrame:
    weeks = [week_start_of(d, week_start_day) for d in daily["day"]]
    grouped = daily.assign(week_start=weeks).groupby("week_start")[["aht_w", "aht_n"]].sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        aht = np.where(grouped["aht_n"] > 0, grouped["aht_w"] / grouped["aht_n"], np.nan)
    return pd.DataFrame(
        {"week_start": grouped.index, "aht_s": aht, "aht_n": grouped["aht_n"].to_numpy()}
    )


def future_days(
    weekly: WeeklyHistory, first_week: dt.date, weeks: int, known: KnownDays
) -> pd.DataFrame:
    """Every day of ``weeks`` weeks from ``first_week``: ``week_start``, ``day``, ``weekday``,
    ``kind`` and ``weight`` (the day's share of a normal week) under the known calendar."""
    span = [first_week + dt.timedelta(days=i) for i in range(7 * weeks)]
    days = pd.DataFrame(
        {
            "day": span,
            "week_start": [first_week + dt.timedelta(weeks=i // 7) for i in range(len(span))],
            "weekday": [d.weekday() for d in span],
            "kind": [_kind(d, known, True, weekly.open_weekdays) for d in span],
        }
    )
    days["weight"] = day_weights(days, weekly.weekday_share, weekly.event_share, weekly.carry)
    return _onto_open_days(days)


def _onto_open_days(days: pd.DataFrame) -> pd.DataFrame:
    """The calls a closed day's week keeps come on the week's open days: the closed day's
    weight moves onto them in proportion to theirs (the week's total is unchanged, none
    where the whole week is closed), so a week spread by day weights puts nothing on it."""
    shut = (days["kind"] == "shut").to_numpy()
    weight = days["weight"].to_numpy(dtype=np.float64)
    week = days["week_start"]
    moved = pd.Series(np.where(shut, weight, 0.0), index=days.index).groupby(week).transform("sum")
    base = pd.Series(np.where(shut, 0.0, weight), index=days.index).groupby(week).transform("sum")
    base_v, moved_v = base.to_numpy(), moved.to_numpy()
    scale = np.divide(base_v + moved_v, base_v, out=np.zeros_like(base_v), where=base_v > 0)
    return days.assign(weight=np.where(shut, 0.0, weight * scale))
