"""Prediction intervals calibrated on the method's own rolling-origin errors.

On the square-root scale Poisson noise has a constant variance (1/4) and a multiplicative
day-level error grows like ``sqrt(mu)``; residuals ``sqrt(actual) - sqrt(forecast)`` are
standardised by ``s_h(mu) = sqrt(1/4 + k_h mu)``, with ``k_h`` fitted by moments for each lead
time ``h`` (1 = the first forecast day: errors grow with the lead time). The interval takes
quantiles of the standardised residuals of the last ``folds`` rolling origins inside the
history. Each fold forecasts the history's own days (outlier days included, as a real
forecast meets them) from the days before the fold, cleaned as the real forecast is.

Quantile levels are recalibrated (Kuleshov, Fenner & Ermon 2018, "Accurate uncertainties for
deep learning using calibrated regression"): a ``folds``-block calibration is small (about 30
days of strongly day-correlated errors) and standardised by a scale fitted on itself, so its
nominal 10 % / 90 % quantiles do not cover 10 % / 90 % out of sample. The whole calibration
is replayed on up to ``replay_blocks`` earlier blocks (each calibrated on the ``folds`` blocks
before it), the rank (PIT) of each replayed actual within its calibration is recorded, and the
levels used are the 10 % / 90 % quantiles of those ranks: the levels that achieved the nominal
coverage out of sample in the history.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import norm

from forecasting.models.base import DayMatrix, PointMethod, TargetDays
from forecasting.special_days import SpecialDays, clean_matrix

#: Fewest replayed blocks for a recalibration of the quantile levels (else nominal levels).
MIN_REPLAY_BLOCKS = 4


@dataclass(frozen=True, slots=True)
class CalibrationSettings:
    """Window of ``calibrate``: residuals of the last ``folds`` blocks, quantile levels
    recalibrated on up to ``replay_blocks`` earlier blocks (0: nominal levels)."""

    folds: int = 6
    replay_blocks: int = 20


#: The calibration window every forecast uses (chosen on the tuning weeks; docs/forecasting.md).
DEFAULT_CALIBRATION = CalibrationSettings()


@dataclass(frozen=True, slots=True)
class IntervalCalibration:
    """Quantiles ``z_lo``/``z_hi`` of standardised sqrt-scale residuals and the scale slope
    ``k[h - 1]`` of each lead time ``h`` (the last one serves longer lead times).
    ``level_lo``/``level_hi``: the (recalibrated) quantile levels ``z_lo``/``z_hi`` were taken
    at; ``n_replay``: replayed blocks behind them (0: nominal levels)."""

    coverage: float
    z_lo: float
    z_hi: float
    k: tuple[float, ...]
    n_residuals: int
    level_lo: float = float("nan")
    level_hi: float = float("nan")
    n_replay: int = 0

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


@dataclass(frozen=True, slots=True)
class FoldErrors:
    """Forecasts, actuals and lead times (1-based) of the open cells of one rolling fold."""

    mean: np.ndarray
    actual: np.ndarray
    lead: np.ndarray


def targets_of(train: DayMatrix, rows: np.ndarray) -> TargetDays:
    return TargetDays(
        train.days[rows], train.weekdays[rows], train.post_closure[rows], train.month_edge[rows]
    )


def _fold(
    method: PointMethod,
    history: DayMatrix,
    origin: int,
    horizon_days: int,
    clean: SpecialDays | None,
) -> FoldErrors:
    """Forecast rows ``origin .. origin + horizon_days - 1`` from the rows before (cleaned of
    outlier days first unless ``clean`` is None)."""
    before = history.take(np.arange(origin))
    fit_on = clean_matrix(before, clean)[0] if clean is not None else before
    rows = np.arange(origin, min(origin + horizon_days, history.days.size))
    point = method.predict(fit_on, targets_of(history, rows))
    actual = history.values[rows]
    ok = ~np.isnan(point) & ~np.isnan(actual)
    lead = np.broadcast_to(np.arange(1, rows.size + 1)[:, None], point.shape)
    return FoldErrors(point[ok], actual[ok], lead[ok])


def rolling_folds(
    method: PointMethod,
    history: DayMatrix,
    *,
    horizon_days: int,
    count: int,
    min_train: int,
    special: SpecialDays | None = None,
) -> list[FoldErrors]:
    """The last ``count`` blocks of ``horizon_days`` rows of ``history``, oldest first, each
    forecast from the rows before it (cleaned with ``special`` when given; blocks with fewer
    than ``min_train`` rows before them are skipped)."""
    n = history.days.size
    origins = [n - k * horizon_days for k in range(count, 0, -1)]
    return [_fold(method, history, o, horizon_days, special) for o in origins if o >= min_train]


def _pooled(folds: list[FoldErrors]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (
        np.concatenate([f.mean for f in folds]),
        np.concatenate([f.actual for f in folds]),
        np.concatenate([f.lead for f in folds]),
    )


def _residuals(fold: FoldErrors) -> np.ndarray:
    return np.asarray(np.sqrt(fold.actual) - np.sqrt(np.maximum(fold.mean, 0.0)))


def _slopes(
    resid: np.ndarray, mean: np.ndarray, lead: np.ndarray, horizon: int
) -> tuple[float, ...]:
    """Moment estimate of ``k_h`` per lead time (all lead times pooled where one has none)."""

    def slope(mask: np.ndarray) -> float:
        excess = np.mean(resid[mask] ** 2) - 0.25
        return max(0.0, float(excess / np.mean(np.maximum(mean[mask], 1e-9))))

    pooled = slope(np.ones(resid.size, dtype=bool))
    return tuple(slope(lead == h) if np.any(lead == h) else pooled for h in range(1, horizon + 1))


def _standardised(fold: FoldErrors, slopes: tuple[float, ...]) -> np.ndarray:
    k = np.asarray(slopes)[np.minimum(fold.lead, len(slopes)) - 1]
    return np.asarray(_residuals(fold) / np.sqrt(0.25 + k * np.maximum(fold.mean, 0.0)))


def standardise(folds: list[FoldErrors], horizon: int) -> tuple[np.ndarray, tuple[float, ...]]:
    """Standardised residuals of ``folds`` and the per-lead slopes fitted on them."""
    mean, actual, lead = _pooled(folds)
    resid = np.sqrt(actual) - np.sqrt(np.maximum(mean, 0.0))
    slopes = _slopes(resid, mean, lead, horizon)
    return np.concatenate([_standardised(f, slopes) for f in folds]), slopes


def replay_ranks(folds: list[FoldErrors], window: int, horizon: int) -> tuple[np.ndarray, int]:
    """Rank (PIT in [0, 1]) of each cell of every block from ``window`` on within the
    standardised residuals of the ``window`` blocks before it, scaled by their slopes; and the
    number of blocks replayed."""
    ranks: list[np.ndarray] = []
    for b in range(window, len(folds)):
        z_cal, slopes = standardise(folds[b - window : b], horizon)
        z_new = _standardised(folds[b], slopes)
        ranks.append(np.searchsorted(np.sort(z_cal), z_new) / z_cal.size)
    return (np.concatenate(ranks) if ranks else np.empty(0)), len(ranks)


def calibrate(
    method: PointMethod,
    train: DayMatrix,
    *,
    coverage: float = 0.8,
    horizon_days: int = 5,
    folds: int = DEFAULT_CALIBRATION.folds,
    min_train: int = 20,
    replay_blocks: int = DEFAULT_CALIBRATION.replay_blocks,
    special: SpecialDays | None = None,
) -> IntervalCalibration:
    """Interval calibration of ``method`` on the history ``train``: rolling-origin residuals of
    its last ``folds`` blocks at quantile levels recalibrated on up to ``replay_blocks``
    earlier blocks (nominal levels with fewer than ``MIN_REPLAY_BLOCKS``). ``special``: fit
    each fold on its cleaned past (outlier and ``exclude`` days removed), as the forecast
    itself is (None: fit on ``train`` as given, e.g. for benchmarks). Poisson-only interval
    with under 20 residual cells."""
    found = rolling_folds(
        method,
        train,
        horizon_days=horizon_days,
        count=folds + replay_blocks,
        min_train=min_train,
        special=special,
    )
    recent = found[-folds:]
    n_cells = int(sum(f.mean.size for f in recent))
    tail = (1.0 - coverage) / 2.0
    if n_cells < 20:
        z = float(norm.ppf(0.5 + coverage / 2))
        return IntervalCalibration(coverage, -z, z, (0.0,), n_cells, tail, 1.0 - tail)
    z_all, slopes = standardise(recent, horizon_days)
    ranks, n_replay = replay_ranks(found, folds, horizon_days)
    if n_replay >= MIN_REPLAY_BLOCKS:
        level_lo, level_hi = (float(q) for q in np.quantile(ranks, [tail, 1.0 - tail]))
    else:
        level_lo, level_hi, n_replay = tail, 1.0 - tail, 0
    lo, hi = np.quantile(z_all, [level_lo, level_hi])
    return IntervalCalibration(
        coverage, float(lo), float(hi), slopes, n_cells, level_lo, level_hi, n_replay
    )
