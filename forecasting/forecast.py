"""Forecast a queue's calls and AHT per interval: ``forecast_history``.

Steps: history -> day x interval matrix (local wall clock) -> calendar-excluded and outlier
days removed (flagged) -> method chosen by rolling-origin backtest (``method="auto"``, keeping
the benchmark when no Staffwise method beats it) -> point forecast -> prediction interval
calibrated on the method's own rolling-origin errors -> AHT per interval -> UTC intervals.

Warnings (``Forecast.warnings``) say when the history cannot support the forecast well:

* ``horizon_far_after_history``: the first forecast day is more than ``HORIZON_WARN_DAYS``
  (56 days, 8 weeks) after the last history day. The methods carry the last weeks' level and
  weekly pattern forward; rosters are planned 2-6 weeks ahead of the data a centre has, and
  beyond 8 weeks trend, seasonality and staffing changes are no longer in the history;
* ``history_gap``: the history has a run of at least ``HISTORY_GAP_WARN_DAYS`` (28) days
  without any row between its first and last day (a missing month rather than a holiday
  closure): those weeks are treated as closures and their season is not learned.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from forecasting.backtest import MethodScore, backtest, choose_method, recent_origins
from forecasting.calendar import missing_days
from forecasting.errors import InsufficientHistoryError, Problem, ValidationError
from forecasting.models import is_benchmark, method_by_name
from forecasting.models.aht import forecast_aht
from forecasting.models.base import (
    DayMatrix,
    PointMethod,
    build_day_matrix,
    day_instants,
    target_days,
)
from forecasting.models.benchmarks import SeasonalNaive
from forecasting.models.intervals import IntervalCalibration, calibrate
from forecasting.special_days import ExcludedDay, SpecialDays, clean_matrix

FORECAST_COLUMNS: tuple[str, ...] = ("interval_start", "calls", "calls_lo", "calls_hi", "aht_s")
HORIZON_WARN_DAYS = 56  # first forecast day more than 8 weeks after the last history day
HISTORY_GAP_WARN_DAYS = 28  # a run of four weeks or more without any history row


@dataclass(frozen=True, slots=True)
class ForecastWarning:
    """Why a forecast deserves a second look: ``code`` (``horizon_far_after_history``,
    ``history_gap``) and a sentence for the planner."""

    code: str
    message: str


def _missing_months(first: dt.date, last: dt.date) -> list[str]:
    """Calendar months (``YYYY-MM``) lying wholly inside ``[first, last]``."""
    months = pd.period_range(first, last, freq="M")
    return [str(m) for m in months if m.start_time.date() >= first and m.end_time.date() <= last]


def _gap_warnings(dates: list[dt.date]) -> list[ForecastWarning]:
    out = []
    for before, after in itertools.pairwise(dates):
        missing = (after - before).days - 1
        if missing < HISTORY_GAP_WARN_DAYS:
            continue
        first, last = before + dt.timedelta(days=1), after - dt.timedelta(days=1)
        months = _missing_months(first, last)
        named = f" (missing months: {', '.join(months)})" if months else ""
        message = (
            f"the history has no rows for {missing} days, {first} to {last}{named}: those "
            "weeks count as closures and their season is not learned"
        )
        out.append(ForecastWarning("history_gap", message))
    return out


def history_warnings(
    history_days: np.ndarray, first_forecast_day: dt.date | None
) -> tuple[ForecastWarning, ...]:
    """Warnings about the history behind a forecast starting on ``first_forecast_day``:
    long gaps inside the history and a horizon far after it (thresholds in the module doc)."""
    dates = sorted(pd.DatetimeIndex(history_days).date)
    if not dates:
        return ()
    out = _gap_warnings(dates)
    after = 0 if first_forecast_day is None else (first_forecast_day - dates[-1]).days
    if after > HORIZON_WARN_DAYS:
        message = (
            f"the forecast starts {first_forecast_day}, {after} days ({after / 7:.0f} weeks) "
            f"after the last history day {dates[-1]}; beyond {HORIZON_WARN_DAYS // 7} weeks "
            "the history's level and weekly pattern may be out of date: import recent history"
        )
        out.append(ForecastWarning("horizon_far_after_history", message))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Forecast:
    """Forecast of one queue.

    ``frame``: ``interval_start`` (UTC start of a half-open interval), ``calls`` (expected
    offered calls), ``calls_lo``/``calls_hi`` (bounds of the central ``coverage`` prediction
    interval), ``aht_s`` (NaN when the history has no AHT); one row per open interval of the
    forecast days. ``method``: the method used; ``accuracy``: its rolling-origin backtest on the
    last 4 blocks of ``horizon_days`` days of the history (WAPE, MASE, bias, interval coverage;
    None when the history is too short); ``selection``: backtest scores (point accuracy) of the
    candidate methods when chosen automatically; ``excluded_days``: history days left out of
    fitting; ``closed_days``: requested days not forecast because the centre is closed;
    ``warnings``: ``history_warnings`` of the history and the requested days.
    """

    frame: pd.DataFrame
    method: str
    coverage: float
    queue: str
    interval_min: int
    excluded_days: tuple[ExcludedDay, ...]
    closed_days: tuple[dt.date, ...]
    accuracy: MethodScore | None = None
    selection: tuple[MethodScore, ...] = ()
    warnings: tuple[ForecastWarning, ...] = ()


def _closed_set(history: pd.DataFrame, zone: str, special: SpecialDays) -> set[dt.date]:
    return set(special.closed) | {day for _, day in missing_days(history, zone)}


def next_open_days(matrix: DayMatrix, closed: set[dt.date], count: int) -> list[dt.date]:
    """The ``count`` days after the history whose weekday is open and that are not closed."""
    open_weekdays = set(np.unique(matrix.weekdays[-20:]).tolist())
    day = pd.Timestamp(matrix.days[-1]).date()
    out: list[dt.date] = []
    while len(out) < count:
        day += dt.timedelta(days=1)
        if day.weekday() in open_weekdays and day not in closed:
            out.append(day)
    return out


def _check_history(history: pd.DataFrame) -> str:
    problems = [
        Problem(None, col, "missing_column", f"history has no {col!r} column")
        for col in ("interval_start", "offered")
        if col not in history
    ]
    queues = sorted(history["queue"].unique()) if "queue" in history else ["default"]
    if len(queues) > 1:
        problems.append(
            Problem(None, "queue", "multiple_queues", f"one queue at a time, got {queues[:5]}")
        )
    if problems:
        raise ValidationError(problems)
    if history.empty:
        raise InsufficientHistoryError("the history has no rows")
    return str(queues[0])


def _frame(
    matrix: DayMatrix,
    days: Sequence[dt.date],
    point: np.ndarray,
    bounds: tuple[np.ndarray, ...],
    zone: str,
    interval_min: int,
) -> pd.DataFrame:
    """Long UTC frame of the forecast cells that are open (non-NaN)."""
    parts = [
        pd.DataFrame(
            {"interval_start": pd.DatetimeIndex([], tz="UTC"), "minute": np.array([], int)}
        ).assign(calls=0.0, calls_lo=0.0, calls_hi=0.0, weekday=0)
    ]
    for i, day in enumerate(days):
        open_ = np.flatnonzero(~np.isnan(point[i]))
        instants = day_instants(day, matrix.minutes[open_], zone, interval_min)
        column = np.searchsorted(matrix.minutes, instants["minute"].to_numpy())
        parts.append(
            instants.assign(
                calls=point[i, column],
                calls_lo=bounds[0][i, column],
                calls_hi=bounds[1][i, column],
                weekday=day.weekday(),
            )
        )
    return pd.concat(parts, ignore_index=True)


@dataclass(frozen=True, slots=True)
class FittedForecaster:
    """The result of ``fit_forecaster``: history matrix, chosen method, calibrated interval
    and backtest accuracy of one queue; ``predict(days)`` turns it into a ``Forecast``."""

    history: pd.DataFrame
    zone: str
    interval_min: int
    queue: str
    matrix: DayMatrix
    fit_on: DayMatrix
    closed: frozenset[dt.date]
    method: PointMethod
    calibration: IntervalCalibration
    horizon_days: int
    excluded_days: tuple[ExcludedDay, ...]
    accuracy: MethodScore | None
    selection: tuple[MethodScore, ...]

    def next_open_days(self, count: int | None = None) -> list[dt.date]:
        return next_open_days(self.matrix, set(self.closed), count or self.horizon_days)

    def _point(self, open_days: list[dt.date]) -> tuple[np.ndarray, str]:
        """The method's forecast; cells it leaves empty on an open weekday, or a numerical
        failure, fall back to the seasonal naive (named in the method string)."""
        targets = target_days(open_days, set(self.closed), self.matrix.open_weekdays)
        fallback = SeasonalNaive().predict(self.matrix, targets)
        try:
            point = self.method.predict(self.fit_on, targets)
        except (np.linalg.LinAlgError, ValueError):
            return fallback, f"seasonal_naive (fallback from {self.method.name})"
        gaps = np.isnan(point) & ~np.isnan(fallback)
        if gaps.any():
            point = np.where(gaps, fallback, point)
            return point, f"{self.method.name} (seasonal_naive where it had no value)"
        return point, self.method.name

    def predict(self, days: Sequence[dt.date] | None = None) -> Forecast:
        """Forecast ``days`` (default: the next ``horizon_days`` open days after the history);
        closed days are listed in ``closed_days`` and not forecast."""
        wanted = list(days) if days is not None else self.next_open_days()
        open_days = [d for d in wanted if d not in self.closed]
        point, name = self._point(open_days)
        never_open = {d for i, d in enumerate(open_days) if np.isnan(point[i]).all()}
        bounds = self.calibration.bounds(point)
        frame = _frame(self.matrix, open_days, point, bounds, self.zone, self.interval_min)
        frame["aht_s"] = forecast_aht(
            self.history, self.zone, frame["weekday"].to_numpy(), frame["minute"].to_numpy()
        )
        return Forecast(
            frame=frame.loc[:, list(FORECAST_COLUMNS)],
            method=name,
            coverage=self.calibration.coverage,
            queue=self.queue,
            interval_min=self.interval_min,
            excluded_days=self.excluded_days,
            closed_days=tuple(d for d in wanted if d in self.closed or d in never_open),
            accuracy=self.accuracy,
            selection=self.selection,
            warnings=history_warnings(self.matrix.days, min(wanted, default=None)),
        )


def _recent_accuracy(
    chosen: PointMethod,
    matrix: DayMatrix,
    horizon_days: int,
    special: SpecialDays,
    coverage: float,
) -> MethodScore | None:
    """The chosen method's backtest over the last 4 origins (None when history is too short)."""
    origins = recent_origins(matrix, 4, horizon_days)
    if not origins:
        return None
    return backtest(
        chosen,
        matrix,
        origins,
        horizon_days=horizon_days,
        special=special,
        coverage=coverage,
    )


def fit_forecaster(
    history: pd.DataFrame,
    *,
    zone: str,
    interval_min: int,
    horizon_days: int = 5,
    method: str = "auto",
    special: SpecialDays | None = None,
    coverage: float = 0.8,
    open_weekdays: frozenset[int] | None = None,
) -> FittedForecaster:
    """Fit one queue's forecaster: matrix, outlier days, method choice, interval calibration
    and backtest accuracy. Arguments as for ``forecast_history``."""
    queue = _check_history(history)
    if not 0.0 < coverage < 1.0:
        raise ValidationError([Problem(None, "coverage", "out_of_range", "must be in (0, 1)")])
    special = special or SpecialDays()
    closed = _closed_set(history, zone, special)
    matrix = build_day_matrix(history, zone, closed, open_weekdays)
    chosen, selection = (
        choose_method(matrix, special, horizon_days=horizon_days)
        if method == "auto"
        else (method_by_name(method), ())
    )
    cleaned, excluded = clean_matrix(matrix, special)
    fit_on = matrix if is_benchmark(chosen) else cleaned
    accuracy = _recent_accuracy(chosen, matrix, horizon_days, special, coverage)
    if accuracy is not None:  # the chosen method's entry gains its interval coverage
        selection = tuple(accuracy if s.method == chosen.name else s for s in selection)
    return FittedForecaster(
        history=history,
        zone=zone,
        interval_min=interval_min,
        queue=queue,
        matrix=matrix,
        fit_on=fit_on,
        closed=frozenset(closed),
        method=chosen,
        calibration=calibrate(
            chosen,
            matrix,
            coverage=coverage,
            horizon_days=horizon_days,
            special=None if is_benchmark(chosen) else special,
        ),
        horizon_days=horizon_days,
        excluded_days=tuple(excluded),
        accuracy=accuracy,
        selection=selection,
    )


def forecast_history(
    history: pd.DataFrame,
    *,
    zone: str,
    interval_min: int,
    days: Sequence[dt.date] | None = None,
    horizon_days: int = 5,
    method: str = "auto",
    special: SpecialDays | None = None,
    coverage: float = 0.8,
    open_weekdays: frozenset[int] | None = None,
) -> Forecast:
    """Forecast calls (with a ``coverage`` prediction interval) and AHT per interval.

    ``history``: one queue's interval history (``read_history_csv(...).frame``). ``days``:
    local dates to forecast (default: the next ``horizon_days`` open days after the history).
    ``method``: ``"auto"`` (choice by backtest), or a method name (``profile_volume``,
    ``svd_scores``, ``seasonal_naive``, ``mean_last_4_weekdays``). ``special``: closures
    and days to exclude; missing weekdays of the history count as closures.
    ``open_weekdays``: the site's working weekdays (Mon = 0; default: as the history shows
    them): the previous open day of a post-closure day and the first/last open day of a month
    follow them (a Sun-Thu centre's Thursday closure flags Sunday). ``warnings``: see the module
    doc. Same as ``fit_forecaster(...).predict(days)``.
    """
    fitted = fit_forecaster(
        history,
        zone=zone,
        interval_min=interval_min,
        horizon_days=horizon_days,
        method=method,
        special=special,
        coverage=coverage,
        open_weekdays=open_weekdays,
    )
    return fitted.predict(days)


def forecast_queues(history: pd.DataFrame, **kwargs: Any) -> tuple[Forecast, ...]:
    """``forecast_history`` for each queue of a multi-queue history (method chosen per queue);
    keyword arguments as for ``forecast_history``."""
    queue = history["queue"] if "queue" in history else pd.Series("default", index=history.index)
    return tuple(
        forecast_history(part.reset_index(drop=True), **kwargs)
        for _, part in history.groupby(queue, sort=True)
    )
