"""The day x interval matrix every method works on, and the fit/predict contract.

History is reshaped into a matrix of local days (rows) by local wall-clock interval starts
(columns, minutes after local midnight): the shape the intraday-forecasting literature uses
(Weinberg, Brown & Stroud 2007; Shen & Huang 2008). A missing cell is a closed or missing
interval (NaN), never a zero. On the autumn DST day the repeated wall-clock interval is one
cell holding the mean of its two instants; both instants get that cell's forecast back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd

from forecasting.calendar import local_frame, local_instant, open_weekdays_of

MON_FRI: frozenset[int] = frozenset(range(5))  # the default working week (Mon = 0)


@dataclass(frozen=True, slots=True)
class DayMatrix:
    """``values[i, j]``: calls of local day ``days[i]`` in the interval starting at local minute
    ``minutes[j]`` (NaN = no row). ``post_closure[i]``: the previous open day was a closure;
    ``month_edge[i]``: the first or last open day of its month; ``open_weekdays``: the
    working weekdays (Mon = 0) those two flags were placed with."""

    days: np.ndarray  # datetime64[D], increasing
    minutes: np.ndarray  # int, increasing
    values: np.ndarray  # float (n_days, n_minutes)
    weekdays: np.ndarray  # int, Mon = 0
    post_closure: np.ndarray  # bool
    month_edge: np.ndarray  # bool
    open_weekdays: frozenset[int] = MON_FRI

    def take(self, rows: np.ndarray) -> DayMatrix:
        return DayMatrix(
            self.days[rows],
            self.minutes,
            self.values[rows],
            self.weekdays[rows],
            self.post_closure[rows],
            self.month_edge[rows],
            self.open_weekdays,
        )

    @property
    def totals(self) -> np.ndarray:
        return np.nansum(self.values, axis=1)


@dataclass(frozen=True, slots=True)
class TargetDays:
    """Days to forecast: local dates, weekday (Mon = 0), whether a closure precedes them and
    whether they are the first or last open day of their month (site's working week)."""

    days: np.ndarray  # datetime64[D]
    weekdays: np.ndarray
    post_closure: np.ndarray
    month_edge: np.ndarray


class PointMethod(Protocol):
    """A forecasting method: point forecasts of a day x interval matrix.

    ``predict`` returns an array ``(len(targets.days), len(train.minutes))`` of expected calls
    (NaN where the method has nothing to say, e.g. an interval never open on that weekday).
    """

    @property
    def name(self) -> str: ...

    def predict(self, train: DayMatrix, targets: TargetDays) -> np.ndarray: ...


def closure_flags(
    days: np.ndarray, closed: set[dt.date], open_weekdays: frozenset[int] = MON_FRI
) -> np.ndarray:
    """True where the previous open day (skipping the weekdays not in ``open_weekdays``) was a
    closure day: on a Sun-Thu week a Thursday closure flags the following Sunday."""
    flags = []
    for day in pd.DatetimeIndex(days).date:
        prev = day - dt.timedelta(days=1)
        for _ in range(6):  # at most a week back, even when no weekday is open
            if prev.weekday() in open_weekdays or prev in closed:
                break
            prev -= dt.timedelta(days=1)
        flags.append(prev in closed)
    return np.array(flags, dtype=bool)


def month_edge_flags(
    days: np.ndarray, closed: set[dt.date], open_weekdays: frozenset[int] = MON_FRI
) -> np.ndarray:
    """True on the first and the last open day (weekday in ``open_weekdays``, not closed) of
    each day's month: on a Sun-Thu week a month ending on a Friday has its edge on Thursday.

    Banks and billers see more calls around statements and paydays at the turn of the month.
    """
    flags = []
    for day in pd.DatetimeIndex(days).date:
        first = dt.date(day.year, day.month, 1)
        last = (pd.Timestamp(first) + pd.offsets.MonthEnd(0)).date()
        month = pd.date_range(first, last, freq="D").date
        open_days = [d for d in month if d.weekday() in open_weekdays and d not in closed]
        flags.append(bool(open_days) and day in (open_days[0], open_days[-1]))
    return np.array(flags, dtype=bool)


def build_day_matrix(
    history: pd.DataFrame,
    zone: str,
    closed: set[dt.date],
    open_weekdays: frozenset[int] | None = None,
) -> DayMatrix:
    """Pivot a history frame (``interval_start``, ``offered``) into a ``DayMatrix``.

    ``open_weekdays``: the site's working weekdays (Mon = 0); default: as the history shows
    them (``open_weekdays_of``). They place the post-closure and month-edge flags."""
    local = local_frame(history["interval_start"], zone)
    cells = pd.DataFrame(
        {"day": local["local_date"], "minute": local["minute"], "calls": history["offered"]}
    )
    table = cells.pivot_table(index="day", columns="minute", values="calls", aggfunc="mean")
    days = pd.DatetimeIndex(table.index).to_numpy().astype("datetime64[D]")
    week = open_weekdays_of(days) if open_weekdays is None else frozenset(open_weekdays)
    return DayMatrix(
        days=days,
        minutes=table.columns.to_numpy(dtype=int),
        values=table.to_numpy(dtype=float),
        weekdays=pd.DatetimeIndex(days).day_of_week.to_numpy(),
        post_closure=closure_flags(days, closed, week),
        month_edge=month_edge_flags(days, closed, week),
        open_weekdays=week,
    )


def target_days(
    days: Sequence[dt.date], closed: set[dt.date], open_weekdays: frozenset[int] = MON_FRI
) -> TargetDays:
    arr = np.array(days, dtype="datetime64[D]")
    return TargetDays(
        days=arr,
        weekdays=pd.DatetimeIndex(arr).day_of_week.to_numpy(),
        post_closure=closure_flags(arr, closed, open_weekdays),
        month_edge=month_edge_flags(arr, closed, open_weekdays),
    )


def open_minutes(train: DayMatrix, weekday: int, recent: int = 4) -> np.ndarray:
    """Boolean mask of minutes open on any of the last ``recent`` days of ``weekday``."""
    rows = np.flatnonzero(train.weekdays == weekday)[-recent:]
    if rows.size == 0:
        return np.zeros(train.minutes.size, dtype=bool)
    return np.any(~np.isnan(train.values[rows]), axis=0)


def day_instants(day: dt.date, minutes: np.ndarray, zone: str, interval_min: int) -> pd.DataFrame:
    """UTC interval starts of ``day`` whose local minute is in ``minutes``, with that minute.

    Steps in elapsed time from the first to the last open minute, so a DST gap drops its
    intervals and a DST repeat yields both instants (mapped to the same column).
    """
    if minutes.size == 0:
        return pd.DataFrame({"interval_start": pd.DatetimeIndex([], tz="UTC"), "minute": []})
    start = local_instant(day, int(minutes.min()), zone)
    end = local_instant(day, int(minutes.max()) + interval_min, zone)
    starts = pd.date_range(start, end, freq=f"{interval_min}min", inclusive="left", unit="ns")
    local = local_frame(pd.Series(starts), zone)
    keep = (local["local_date"] == day) & local["minute"].isin(minutes)
    return pd.DataFrame(
        {"interval_start": starts[keep.to_numpy()], "minute": local["minute"][keep].to_numpy()}
    )
