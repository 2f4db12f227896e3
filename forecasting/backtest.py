"""Rolling-origin backtest: WAPE, MASE (vs weekly seasonal naive), bias and interval coverage.

Each origin trains on the days strictly before it and forecasts its next ``horizon_days`` open
days at every interval. Scores pool all forecast intervals of all origins:

* WAPE = sum |forecast - actual| / sum actual;
* MASE = mean over origins of MAE / (in-sample MAE of the same-weekday seasonal naive);
* bias = sum (forecast - actual) / sum actual (positive = over-forecast);
* coverage = share of actuals inside ``[calls_lo, calls_hi]``.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from forecasting.models.base import DayMatrix, PointMethod
from forecasting.models.intervals import calibrate, targets_of
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
    clean: bool,
    coverage: float,
) -> OriginForecast:
    """Fit on rows before ``origin_row`` (cleaned of outlier days if ``clean``), forecast the
    next ``horizon_days`` rows and bound them with the calibrated interval."""
    train = matrix.take(np.arange(origin_row))
    fit_on = clean_matrix(train, special)[0] if clean else train
    rows = np.arange(origin_row, min(origin_row + horizon_days, matrix.days.size))
    mean = method.predict(fit_on, targets_of(matrix, rows))
    calib = calibrate(method, fit_on, coverage=coverage, horizon_days=horizon_days)
    lo, hi = calib.bounds(mean)
    return OriginForecast(mean, lo, hi, matrix.values[rows], seasonal_naive_scale(train))


def score(method: str, forecasts: Sequence[OriginForecast], seconds: float) -> MethodScore:
    abs_err = total = signed = inside = 0.0
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
        mase.append(float(np.abs(err).mean()) / f.scale)
    return MethodScore(
        method=method,
        wape=abs_err / total if total else float("nan"),
        mase=float(np.mean(mase)) if mase else float("nan"),
        bias=signed / total if total else float("nan"),
        coverage=inside / count if count else float("nan"),
        seconds=seconds,
        n_origins=len(forecasts),
        n_intervals=count,
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
    clean: bool = True,
    coverage: float = 0.8,
) -> MethodScore:
    """Rolling-origin backtest of ``method`` (benchmarks: ``clean=False``, raw history)."""
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
        )
        for row in origin_rows(matrix, origins)
        if row < matrix.days.size
    ]
    return score(method.name, forecasts, time.perf_counter() - started)
