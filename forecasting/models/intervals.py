"""Prediction intervals calibrated on the method's own rolling-origin errors.

On the square-root scale Poisson noise has a constant variance (1/4) and a multiplicative
day-level error grows like ``sqrt(mu)``; residuals ``sqrt(actual) - sqrt(forecast)`` are
standardised by ``s_h(mu) = sqrt(1/4 + k_h mu)``, with ``k_h`` fitted by moments for each lead
time ``h`` (1 = the first forecast day: errors grow with the lead time), and the interval takes
the empirical quantiles of the standardised residuals of the last ``folds`` rolling origins
inside the training data, pooled over lead times. Coverage is therefore what the method
achieved out of sample.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import norm

from forecasting.models.base import DayMatrix, PointMethod, TargetDays


@dataclass(frozen=True, slots=True)
class IntervalCalibration:
    """Quantiles ``z_lo``/``z_hi`` of standardised sqrt-scale residuals and the scale slope
    ``k[h - 1]`` of each lead time ``h`` (the last one serves longer lead times)."""

    coverage: float
    z_lo: float
    z_hi: float
    k: tuple[float, ...]
    n_residuals: int

    def scale(self, mean: np.ndarray) -> np.ndarray:
        """``s_h(mean)``: rows of a 2-D ``mean`` are lead times 1, 2, ...; 1-D is lead time 1."""
        slopes = np.asarray(self.k, dtype=float)
        if mean.ndim == 2:
            slope = slopes[np.minimum(np.arange(mean.shape[0]), slopes.size - 1)][:, None]
        else:
            slope = slopes[0]
        return np.asarray(np.sqrt(0.25 + slope * np.maximum(mean, 0.0)))

    def bounds(self, mean: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        root = np.sqrt(np.maximum(mean, 0.0))
        lo = np.maximum(root + self.z_lo * self.scale(mean), 0.0) ** 2
        hi = (root + self.z_hi * self.scale(mean)) ** 2
        return np.minimum(lo, mean), np.maximum(hi, mean)


def targets_of(train: DayMatrix, rows: np.ndarray) -> TargetDays:
    return TargetDays(
        train.days[rows], train.weekdays[rows], train.post_closure[rows], train.month_edge[rows]
    )


def fold_residuals(
    method: PointMethod, train: DayMatrix, horizon_days: int, folds: int, min_train: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Forecasts, actuals and lead times (1-based) of the last ``folds`` blocks of
    ``horizon_days`` days."""
    means: list[np.ndarray] = []
    actuals: list[np.ndarray] = []
    leads: list[np.ndarray] = []
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
        leads.append(np.broadcast_to(np.arange(1, rows.size + 1)[:, None], point.shape)[ok])
    if not means:
        return np.empty(0), np.empty(0), np.empty(0, dtype=int)
    return np.concatenate(means), np.concatenate(actuals), np.concatenate(leads)


def _slopes(resid: np.ndarray, mean: np.ndarray, lead: np.ndarray, horizon: int) -> tuple:
    """Moment estimate of ``k_h`` per lead time (all lead times pooled where one has none)."""

    def slope(mask: np.ndarray) -> float:
        excess = np.mean(resid[mask] ** 2) - 0.25
        return max(0.0, float(excess / np.mean(np.maximum(mean[mask], 1e-9))))

    pooled = slope(np.ones(resid.size, dtype=bool))
    return tuple(slope(lead == h) if np.any(lead == h) else pooled for h in range(1, horizon + 1))


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
    mean, actual, lead = fold_residuals(method, train, horizon_days, folds, min_train)
    if mean.size < 20:
        z = float(norm.ppf(0.5 + coverage / 2))
        return IntervalCalibration(coverage, -z, z, (0.0,), int(mean.size))
    resid = np.sqrt(actual) - np.sqrt(np.maximum(mean, 0.0))
    slopes = _slopes(resid, mean, lead, horizon_days)
    z = resid / np.sqrt(0.25 + np.asarray(slopes)[lead - 1] * np.maximum(mean, 0.0))
    tail = (1.0 - coverage) / 2.0
    lo, hi = np.quantile(z, [tail, 1.0 - tail])
    return IntervalCalibration(coverage, float(lo), float(hi), slopes, int(mean.size))
