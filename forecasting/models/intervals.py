"""Prediction intervals calibrated on the method's own rolling-origin errors.

On the square-root scale Poisson noise has a constant variance (1/4) and a multiplicative
day-level error grows like ``sqrt(mu)``; residuals ``sqrt(actual) - sqrt(forecast)`` are
standardised by ``s(mu) = sqrt(1/4 + k mu)`` (``k`` fitted by moments) and the interval takes
the empirical quantiles of the standardised residuals of the last ``folds`` rolling origins
inside the training data. Coverage is therefore what the method achieved out of sample.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import norm

from forecasting.models.base import DayMatrix, PointMethod, TargetDays


@dataclass(frozen=True, slots=True)
class IntervalCalibration:
    """Quantiles ``z_lo``/``z_hi`` of standardised sqrt-scale residuals and the scale slope."""

    coverage: float
    z_lo: float
    z_hi: float
    k: float
    n_residuals: int

    def scale(self, mean: np.ndarray) -> np.ndarray:
        return np.sqrt(0.25 + self.k * np.maximum(mean, 0.0))

    def bounds(self, mean: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        root = np.sqrt(np.maximum(mean, 0.0))
        lo = np.maximum(root + self.z_lo * self.scale(mean), 0.0) ** 2
        hi = (root + self.z_hi * self.scale(mean)) ** 2
        return np.minimum(lo, mean), np.maximum(hi, mean)


def targets_of(train: DayMatrix, rows: np.ndarray) -> TargetDays:
    return TargetDays(train.days[rows], train.weekdays[rows], train.post_closure[rows])


def fold_residuals(
    method: PointMethod, train: DayMatrix, horizon_days: int, folds: int, min_train: int
) -> tuple[np.ndarray, np.ndarray]:
    """Forecasts and actuals of the last ``folds`` blocks of ``horizon_days`` days."""
    means: list[np.ndarray] = []
    actuals: list[np.ndarray] = []
    n = train.days.size
    for fold in range(folds, 0, -1):
        origin = n - fold * horizon_days
        if origin < min_train:
            continue
        rows = np.arange(origin, min(origin + horizon_days, n))
        point = method.predict(train.take(np.arange(origin)), targets_of(train, rows))
        ok = ~np.isnan(point) & ~np.isnan(train.values[rows])
        means.append(point[ok])
        actuals.append(train.values[rows][ok])
    if not means:
        return np.empty(0), np.empty(0)
    return np.concatenate(means), np.concatenate(actuals)


def calibrate(
    method: PointMethod,
    train: DayMatrix,
    *,
    coverage: float = 0.8,
    horizon_days: int = 5,
    folds: int = 6,
    min_train: int = 20,
) -> IntervalCalibration:
    """Interval calibration from rolling-origin residuals; Poisson-only when too little data."""
    mean, actual = fold_residuals(method, train, horizon_days, folds, min_train)
    if mean.size < 20:
        z = float(norm.ppf(0.5 + coverage / 2))
        return IntervalCalibration(coverage, -z, z, 0.0, int(mean.size))
    resid = np.sqrt(actual) - np.sqrt(np.maximum(mean, 0.0))
    k = max(0.0, float((np.mean(resid**2) - 0.25) / np.mean(np.maximum(mean, 1e-9))))
    calib = IntervalCalibration(coverage, 0.0, 0.0, k, int(mean.size))
    z = resid / calib.scale(mean)
    tail = (1.0 - coverage) / 2.0
    lo, hi = np.quantile(z, [tail, 1.0 - tail])
    return IntervalCalibration(coverage, float(lo), float(hi), k, int(mean.size))
