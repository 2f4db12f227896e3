"""Rolling-origin backtest: WAPE, MASE (vs weekly seasonal naive), bias and interval coverage.

Each origin trains on the days strictly before it and forecasts its next ``horizon_days`` open
days at every interval. Scores pool all forecast intervals of all origins:

* WAPE = sum |forecast - actual| / sum actual;
* MASE = mean over origins of MAE / (in-sample MAE of the same-weekday seasonal naive);
* bias = sum (forecast - actual) / sum actual (positive = over-forecast);
* coverage = share of actuals inside ``[calls_lo, calls_hi]``;
* interval score = mean Winkler score of the interval at ``alpha = 1 - coverage`` (width plus
  ``2 / alpha`` times the miss) divided by the mean actual: lower is better, and unlike the
  coverage alone it rewards narrow intervals that still cover (Gneiting & Raftery 2007).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from forecasting.calendar import missing_days
from forecasting.models import (
    benchmark_methods,
    default_method,
    is_benchmark,
    method_by_name,
    staffwise_methods,
)
from forecasting.models.base import DayMatrix, PointMethod, build_day_matrix
from forecasting.models.intervals import (
    DEFAULT_CALIBRATION,
    CalibrationSettings,
    calibrate,
    targets_of,
)
from forecasting.special_days import SpecialDays, clean_matrix


@dataclass(frozen=True, slots=True)
class MethodScore:
    """Backtest figures of one method over ``n_origins`` origins (``seconds`` = all of them)."""

    method: str
    wape: float
    mase: float
    bias: float
    coverage: float
    seconds: float
    n_origins: int
    n_intervals: int
    interval_score: float = float("nan")


@dataclass(frozen=True, slots=True)
class OriginForecast:
    """Point forecast and interval bounds of one origin, with the actuals."""

    mean: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    actual: np.ndarray
    scale: float


def seasonal_naive_scale(train: DayMatrix) -> float:
    """In-sample MAE of 'same interval, previous same weekday' over ``train``."""
    errors: list[np.ndarray] = []
    for weekday in np.unique(train.weekdays):
        rows = np.flatnonzero(train.weekdays == weekday)
        if rows.size > 1:
            errors.append(np.abs(np.diff(train.values[rows], axis=0)).ravel())
    pooled = np.concatenate(errors) if errors else np.empty(0)
    pooled = pooled[~np.isnan(pooled)]
    return float(pooled.mean()) if pooled.size else float("nan")


def forecast_origin(
    method: PointMethod,
    matrix: DayMatrix,
    origin_row: int,
    *,
    horizon_days: int,
    special: SpecialDays,
    clean: bool | None = None,
    coverage: float | None,
    calibration: CalibrationSettings = DEFAULT_CALIBRATION,
) -> OriginForecast:
    """Fit on rows before ``origin_row`` (cleaned of outlier days if ``clean``; by default
    unless ``method`` is a benchmark, which sees the raw history), forecast the next
    ``horizon_days`` rows and bound them with the interval calibrated on the rolling errors of
    the same procedure inside ``train`` (no bounds, NaN, when ``coverage`` is None)."""
    train = matrix.take(np.arange(origin_row))
    if clean is None:
        clean = not is_benchmark(method)
    fit_on = clean_matrix(train, special)[0] if clean else train
    rows = np.arange(origin_row, min(origin_row + horizon_days, matrix.days.size))
    mean = method.predict(fit_on, targets_of(matrix, rows))
    if coverage is None:
        lo = hi = np.full_like(mean, np.nan)
    else:
        calib = calibrate(
            method,
            train,
            coverage=coverage,
            horizon_days=horizon_days,
            folds=calibration.folds,
            replay_blocks=calibration.replay_blocks,
            special=special if clean else None,
        )
        lo, hi = calib.bounds(mean)
    return OriginForecast(mean, lo, hi, matrix.values[rows], seasonal_naive_scale(train))


def winkler(lo: np.ndarray, hi: np.ndarray, actual: np.ndarray, alpha: float) -> np.ndarray:
    """Winkler interval score per cell of the central ``1 - alpha`` interval ``[lo, hi]``."""
    below = np.maximum(lo - actual, 0.0)
    above = np.maximum(actual - hi, 0.0)
    return np.asarray((hi - lo) + (2.0 / alpha) * (below + above))


def score(
    method: str,
    forecasts: Sequence[OriginForecast],
    seconds: float,
    coverage: float | None = None,
) -> MethodScore:
    """Pooled scores of ``forecasts`` (``coverage``: nominal level of their intervals, for the
    interval score; None: no interval score)."""
    abs_err = total = signed = inside = penalty = 0.0
    count = 0
    mase: list[float] = []
    for f in forecasts:
        ok = ~np.isnan(f.actual) & ~np.isnan(f.mean)
        err = f.mean[ok] - f.actual[ok]
        abs_err += float(np.abs(err).sum())
        signed += float(err.sum())
        total += float(f.actual[ok].sum())
        inside += float(((f.actual[ok] >= f.lo[ok]) & (f.actual[ok] <= f.hi[ok])).sum())
        count += int(ok.sum())
        if coverage is not None:
            penalty += float(winkler(f.lo[ok], f.hi[ok], f.actual[ok], 1.0 - coverage).sum())
        if f.scale > 0 and err.size:  # a perfectly repeating history has no naive error
            mase.append(float(np.abs(err).mean()) / f.scale)
    return MethodScore(
        method=method,
        wape=abs_err / total if total else float("nan"),
        mase=float(np.mean(mase)) if mase else float("nan"),  # nan: no finite scale
        bias=signed / total if total else float("nan"),
        coverage=inside / count if count else float("nan"),
        seconds=seconds,
        n_origins=len(forecasts),
        n_intervals=count,
        interval_score=penalty / total if total and coverage is not None else float("nan"),
    )


def origin_rows(matrix: DayMatrix, origins: Sequence[dt.date]) -> list[int]:
    """Row index of the first day on or after each origin date."""
    days = np.asarray(origins, dtype="datetime64[D]")
    return [int(i) for i in np.searchsorted(matrix.days, days)]


def backtest(
    method: PointMethod,
    matrix: DayMatrix,
    origins: Sequence[dt.date],
    *,
    horizon_days: int = 5,
    special: SpecialDays | None = None,
    clean: bool | None = None,
    coverage: float | None = 0.8,
    calibration: CalibrationSettings = DEFAULT_CALIBRATION,
) -> MethodScore:
    """Rolling-origin backtest of ``method`` (``clean`` as in :func:`forecast_origin`: by
    default benchmarks see the raw history; ``calibration``: window of the interval
    calibration)."""
    special = special or SpecialDays()
    started = time.perf_counter()
    forecasts = [
        forecast_origin(
            method,
            matrix,
            row,
            horizon_days=horizon_days,
            special=special,
            clean=clean,
            coverage=coverage,
            calibration=calibration,
        )
        for row in origin_rows(matrix, origins)
        if row < matrix.days.size
    ]
    return score(method.name, forecasts, time.perf_counter() - started, coverage)


def choose_method(
    matrix: DayMatrix,
    special: SpecialDays,
    *,
    candidates: Sequence[PointMethod] | None = None,
    folds: int = 4,
    horizon_days: int = 5,
) -> tuple[PointMethod, tuple[MethodScore, ...]]:
    """Lowest-WAPE method over the last ``folds`` rolling origins of ``matrix``.

    ``candidates``: the Staffwise methods to try (default: the default method alone, the
    choice tuned on the bank data); one is taken only when it beats the best benchmark,
    otherwise that benchmark is kept. Too short a history keeps the 4-weekday mean.
    """
    own = tuple(candidates) if candidates is not None else (default_method(),)
    origins = recent_origins(matrix, folds, horizon_days)
    if not origins:
        return method_by_name("mean_last_4_weekdays"), ()
    scores = {
        m.name: backtest(
            m, matrix, origins, horizon_days=horizon_days, special=special, coverage=None
        )
        for m in (*benchmark_methods(), *own)
    }
    best_bench = min(benchmark_methods(), key=lambda m: scores[m.name].wape)
    best_own = min(own, key=lambda m: scores[m.name].wape)
    chosen = best_own if scores[best_own.name].wape < scores[best_bench.name].wape else best_bench
    return chosen, tuple(scores.values())


def backtest_auto(
    matrix: DayMatrix,
    origins: Sequence[dt.date],
    *,
    horizon_days: int = 5,
    special: SpecialDays | None = None,
    coverage: float = 0.8,
    calibration: CalibrationSettings = DEFAULT_CALIBRATION,
) -> MethodScore:
    """Backtest of ``method="auto"``: at each origin the method is chosen from the days
    before it only (``choose_method``), then fitted and scored like any other method."""
    special = special or SpecialDays()
    started = time.perf_counter()
    forecasts = []
    for row in origin_rows(matrix, origins):
        if row >= matrix.days.size:
            continue
        chosen, _ = choose_method(matrix.take(np.arange(row)), special, horizon_days=horizon_days)
        forecasts.append(
            forecast_origin(
                chosen,
                matrix,
                row,
                horizon_days=horizon_days,
                special=special,
                coverage=coverage,
                calibration=calibration,
            )
        )
    return score("auto", forecasts, time.perf_counter() - started, coverage)


def recent_origins(
    matrix: DayMatrix, count: int, horizon_days: int, min_train: int = 20
) -> list[dt.date]:
    """Origins of the last ``count`` blocks of ``horizon_days`` days with ``min_train`` days
    of history before them."""
    rows = [matrix.days.size - k * horizon_days for k in range(count, 0, -1)]
    return [pd.Timestamp(matrix.days[r]).date() for r in rows if r >= min_train]


def block_origins(matrix: DayMatrix, count: int, horizon_days: int) -> list[dt.date]:
    """Origins of the last ``count`` blocks of ``horizon_days`` open days of the history."""
    rows = [matrix.days.size - k * horizon_days for k in range(count, 0, -1)]
    return [pd.Timestamp(matrix.days[r]).date() for r in rows if r > 0]


def compare_methods(
    history: pd.DataFrame,
    *,
    zone: str,
    origins: Sequence[dt.date] | None = None,
    n_origins: int = 8,
    horizon_days: int = 5,
    special: SpecialDays | None = None,
    coverage: float = 0.8,
    calibration: CalibrationSettings = DEFAULT_CALIBRATION,
) -> tuple[MethodScore, ...]:
    """Backtest the benchmarks, every Staffwise method and ``auto`` on one queue's history.

    ``origins`` default to the last ``n_origins`` blocks of ``horizon_days`` open days;
    ``calibration``: window of every method's interval calibration.
    Missing weekdays of the history count as closures, as in ``forecast_history``.
    """
    special = special or SpecialDays()
    closed = set(special.closed) | {day for _, day in missing_days(history, zone)}
    special = SpecialDays(closed=frozenset(closed), exclude=special.exclude)
    matrix = build_day_matrix(history, zone, closed)
    chosen = (
        list(origins) if origins is not None else block_origins(matrix, n_origins, horizon_days)
    )
    common: dict[str, Any] = {
        "horizon_days": horizon_days,
        "special": special,
        "coverage": coverage,
        "calibration": calibration,
    }
    methods = (*benchmark_methods(), *staffwise_methods())
    scores = [backtest(m, matrix, chosen, **common) for m in methods]
    scores.append(backtest_auto(matrix, chosen, **common))
    return tuple(scores)
