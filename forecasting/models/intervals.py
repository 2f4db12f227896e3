"""Prediction intervals calibrated on the method's own rolling-origin errors.

Two error components (day-level volume errors are strongly correlated across a day's
intervals, so they cannot be treated as interval noise):

* a day-level error ``e = log(sum actual / sum forecast)`` of each day of the last ``folds``
  rolling origins inside the training data, modelled as normal with a common bias and a robust
  (MAD) spread per lead time ``h`` (1 = the first forecast day: errors grow with the lead time);
* interval noise around the day-corrected forecast ``m = mu e^e`` on the square-root scale,
  ``sqrt(actual) - sqrt(m) ~ N(0, 1/4 + k m)`` (Poisson: 1/4; ``k``: overdispersion fitted so
  that the *median* standardised square residual is the normal one, robust to bursts).

The interval is the central ``coverage`` range of the mixture over the day-level error
(Gauss-Hermite quadrature, quantiles by bisection). Without a day component it is the
single-component interval ``(sqrt(mu) + z s(mu))^2``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq
from scipy.special import ndtr
from scipy.stats import norm

from forecasting.models.base import DayMatrix, PointMethod, TargetDays

_NODES, _WEIGHTS = np.polynomial.hermite_e.hermegauss(24)
_WEIGHTS = _WEIGHTS / _WEIGHTS.sum()
_MEDIAN_CHI2_1 = 0.45493642311957283  # median of a squared standard normal


@dataclass(frozen=True, slots=True)
class IntervalCalibration:
    """Standard-normal quantiles ``z_lo``/``z_hi`` of the interval's tails, the sqrt-scale
    noise slope ``k[h - 1]`` of each lead time ``h`` (the last one serves longer lead times),
    and the day-level log error: bias ``day_bias`` and spread ``day_sd[h - 1]`` (empty: no day
    component). ``n_residuals``: interval residuals the calibration used."""

    coverage: float
    z_lo: float
    z_hi: float
    k: tuple[float, ...]
    n_residuals: int
    day_bias: float = 0.0
    day_sd: tuple[float, ...] = ()

    def _per_lead(self, values: tuple[float, ...], mean: np.ndarray) -> np.ndarray:
        arr = np.asarray(values, dtype=float)
        if mean.ndim == 2:
            return np.asarray(arr[np.minimum(np.arange(mean.shape[0]), arr.size - 1)][:, None])
        return np.asarray(arr[0])

    def scale(self, mean: np.ndarray) -> np.ndarray:
        """``s_h(mean)``: rows of a 2-D ``mean`` are lead times 1, 2, ...; 1-D is lead time 1."""
        slope = self._per_lead(self.k, mean)
        return np.asarray(np.sqrt(0.25 + slope * np.maximum(mean, 0.0)))

    def bounds(self, mean: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper bound of each cell of ``mean`` (NaN stays NaN)."""
        if self.day_sd:
            sd = np.broadcast_to(self._per_lead(self.day_sd, mean), mean.shape)
            lo = _mixture_quantile(mean, self, sd, float(norm.cdf(self.z_lo)))
            hi = _mixture_quantile(mean, self, sd, float(norm.cdf(self.z_hi)))
        else:
            root = np.sqrt(np.maximum(mean, 0.0))
            lo = np.maximum(root + self.z_lo * self.scale(mean), 0.0) ** 2
            hi = (root + self.z_hi * self.scale(mean)) ** 2
        return np.minimum(lo, mean), np.maximum(hi, mean)


def _mixture_quantile(
    mean: np.ndarray, calib: IntervalCalibration, day_sd: np.ndarray, level: float
) -> np.ndarray:
    """``level`` quantile of ``(sqrt(m) + s(m) Z)^2``, ``m = mean e^E``, ``E ~ N(bias, sd^2)``,
    found by bisection on the square-root scale (all cells at once)."""
    mu = np.maximum(np.nan_to_num(mean), 0.0)[..., None]
    day = calib.day_bias + day_sd[..., None] * _NODES
    shifted = mu * np.exp(day)
    slope = np.broadcast_to(calib._per_lead(calib.k, mean), mean.shape)[..., None]
    root, spread = np.sqrt(shifted), np.sqrt(0.25 + slope * shifted)
    low = np.zeros(mean.shape)
    high = np.max(root + 10.0 * spread, axis=-1)
    for _ in range(48):
        mid = (low + high) / 2.0
        below = (ndtr((mid[..., None] - root) / spread) @ _WEIGHTS) < level
        low, high = np.where(below, mid, low), np.where(below, high, mid)
    return np.where(np.isnan(mean), np.nan, ((low + high) / 2.0) ** 2)


def targets_of(train: DayMatrix, rows: np.ndarray) -> TargetDays:
    return TargetDays(
        train.days[rows], train.weekdays[rows], train.post_closure[rows], train.month_edge[rows]
    )


@dataclass(frozen=True, slots=True)
class DayErrors:
    """Day-level log errors ``log(actual total / forecast total)`` of the fold days with a
    positive forecast, their lead times and day ids (rows of the training matrix), and each
    residual cell's day ratio ``actual total / forecast total`` (1 on days without forecast)."""

    log_error: np.ndarray
    lead: np.ndarray
    day: np.ndarray
    cell_ratio: np.ndarray


@dataclass(frozen=True, slots=True)
class FoldResiduals:
    """Flat forecasts, actuals, lead times (1-based) and day ids of rolling-origin cells."""

    mean: np.ndarray
    actual: np.ndarray
    lead: np.ndarray
    day: np.ndarray


def fold_residuals(
    method: PointMethod, train: DayMatrix, horizon_days: int, folds: int, min_train: int
) -> FoldResiduals:
    """Forecasts and actuals of the last ``folds`` blocks of ``horizon_days`` days."""
    parts: list[tuple[np.ndarray, ...]] = []
    n = train.days.size
    for fold in range(folds, 0, -1):
        origin = n - fold * horizon_days
        if origin < min_train:
            continue
        rows = np.arange(origin, min(origin + horizon_days, n))
        point = method.predict(train.take(np.arange(origin)), targets_of(train, rows))
        ok = ~np.isnan(point) & ~np.isnan(train.values[rows])
        grid = np.broadcast_to(np.arange(rows.size)[:, None], point.shape)
        parts.append(
            (point[ok], train.values[rows][ok], grid[ok] + 1, (rows[:, None] + 0 * grid)[ok])
        )
    if not parts:
        return FoldResiduals(np.empty(0), np.empty(0), np.empty(0, int), np.empty(0, int))
    mean, actual, lead, day = (np.concatenate(p) for p in zip(*parts, strict=True))
    return FoldResiduals(mean, actual, lead.astype(int), day.astype(int))


def day_log_errors(res: FoldResiduals) -> DayErrors:
    """The day-level errors of rolling-origin residuals (totals over each day's cells)."""
    days, inverse = np.unique(res.day, return_inverse=True)
    forecast = np.bincount(inverse, weights=np.maximum(res.mean, 0.0), minlength=days.size)
    actual = np.bincount(inverse, weights=res.actual, minlength=days.size)
    ratio = np.where(
        forecast > 0, np.maximum(actual, 1e-3 * forecast) / np.maximum(forecast, 1e-12), 1.0
    )
    lead = np.zeros(days.size, dtype=int)
    lead[inverse] = res.lead
    usable = forecast > 0
    return DayErrors(np.log(ratio[usable]), lead[usable], days[usable], ratio[inverse])


def robust_overdispersion(resid: np.ndarray, mean: np.ndarray) -> float:
    """``k >= 0`` with median ``resid^2 / (1/4 + k mean)`` equal to that of a squared
    standard normal (0 when Poisson noise already explains the median)."""

    def excess(k: float) -> float:
        return float(np.median(resid**2 / (0.25 + k * mean))) - _MEDIAN_CHI2_1

    if excess(0.0) <= 0.0:
        return 0.0
    upper = 1.0
    while excess(upper) > 0.0 and upper < 1e6:
        upper *= 10.0
    return float(brentq(excess, 0.0, upper, xtol=1e-10))


def robust_spread(errors: np.ndarray, centre: float) -> float:
    """MAD-based standard deviation of ``errors`` around ``centre``."""
    return float(1.4826 * np.median(np.abs(errors - centre)))


def calibrate(
    method: PointMethod,
    train: DayMatrix,
    *,
    coverage: float = 0.8,
    horizon_days: int = 5,
    folds: int = 10,
    min_train: int = 20,
) -> IntervalCalibration:
    """Two-component calibration from the rolling-origin errors of the last ``folds`` blocks
    of ``horizon_days`` days (module docstring); the Poisson interval when fewer than 20
    residuals or ``2 horizon_days`` day errors are available (a lead time with fewer than 2
    day errors takes the spread of all of them)."""
    tail = (1.0 - coverage) / 2.0
    z = float(norm.ppf(1.0 - tail))
    res = fold_residuals(method, train, horizon_days, folds, min_train)
    days = day_log_errors(res)
    errors, lead = days.log_error, days.lead
    if res.mean.size < 20 or errors.size < 2 * horizon_days:
        return IntervalCalibration(coverage, -z, z, (0.0,), int(res.mean.size))
    shifted = np.maximum(res.mean, 0.0) * days.cell_ratio
    k = robust_overdispersion(np.sqrt(res.actual) - np.sqrt(shifted), shifted)
    bias = float(np.mean(errors))
    pooled = robust_spread(errors, bias)
    spreads = tuple(
        robust_spread(errors[lead == h], bias) if np.sum(lead == h) >= 2 else pooled
        for h in range(1, horizon_days + 1)
    )
    return IntervalCalibration(coverage, -z, z, (k,), int(res.mean.size), bias, spreads)
