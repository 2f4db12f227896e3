"""Shen & Huang (2008): SVD of the root-transformed day x interval matrix.

``sqrt(calls + 1/4)`` (Anscombe-type root: Poisson noise of constant variance) of the last
``window_days`` days is decomposed by SVD; the first ``components`` day scores are forecast
each as a weekday mean plus an AR(1) deviation (Yule-Walker, statsmodels ``acovf``), the
intraday
shape vectors are kept, and the forecast is the square of the reconstructed root. Post-closure
and month-edge days are left out of the SVD and get the uplifts of ``profile_volume``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from statsmodels.tsa.stattools import acovf

from forecasting.models.base import DayMatrix, TargetDays, open_minutes
from forecasting.models.profile_volume import (
    ordinary_days,
    special_day_log_effects,
    weekday_effects,
)


def forecast_scores(scores: np.ndarray, weekdays: np.ndarray, targets: TargetDays) -> np.ndarray:
    """Weekday mean + AR(1) deviation of each score column, for 1..n steps ahead."""
    means = np.zeros((7, scores.shape[1]))
    for weekday in np.unique(weekdays):
        means[weekday] = scores[weekdays == weekday].mean(axis=0)
    deviation = scores - means[weekdays]
    steps = np.arange(1, targets.days.size + 1)
    out = means[targets.weekdays].copy()
    for k in range(scores.shape[1]):
        phi = 0.0
        if scores.shape[0] > 10:
            gamma = acovf(deviation[:, k], demean=False, nlag=1, fft=False)
            phi = float(np.clip(gamma[1] / gamma[0], -0.99, 0.99)) if gamma[0] > 0 else 0.0
        out[:, k] += deviation[-1, k] * phi**steps
    return out


def impute_missing(values: np.ndarray, weekdays: np.ndarray) -> np.ndarray:
    """Fill a missing interval with its weekday's mean (0 where that weekday never opens),
    so that a gap in the data does not read as a quiet interval."""
    filled = values.copy()
    for weekday in np.unique(weekdays):
        rows = weekdays == weekday
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN column: closed
            means = np.nan_to_num(np.nanmean(values[rows], axis=0))
        block = filled[rows]
        filled[rows] = np.where(np.isnan(block), means, block)
    return filled


@dataclass(frozen=True, slots=True)
class SvdScores:
    """Shen-Huang SVD forecast with ``components`` day scores over ``window_days`` days.

    Defaults tuned on the bank data's tuning weeks only (docs/forecasting.md)."""

    components: int = 5
    window_days: int = 100
    month_edge: bool = True
    name: str = "svd_scores"

    def predict(self, train: DayMatrix, targets: TargetDays) -> np.ndarray:
        usable = np.flatnonzero(ordinary_days(train, self.month_edge))[-self.window_days :]
        roots = np.sqrt(impute_missing(train.values[usable], train.weekdays[usable]) + 0.25)
        u, s, vt = np.linalg.svd(roots, full_matrices=False)
        k = min(self.components, s.size)
        scores = u[:, :k] * s[:k]
        future = forecast_scores(scores, train.weekdays[usable], targets)
        calls = np.maximum(future @ vt[:k], 0.0) ** 2
        log_totals = np.log(np.maximum(train.totals, 1.0))
        effects = weekday_effects(log_totals[usable], train.weekdays[usable])
        seasonal = np.nan_to_num(effects[train.weekdays])
        uplift = special_day_log_effects(log_totals - seasonal, train, targets, self.month_edge)
        calls *= np.exp(uplift)[:, None]
        seen = np.isin(targets.weekdays, train.weekdays[usable])
        for i, weekday in enumerate(targets.weekdays):
            mask = open_minutes(train, int(weekday)) if seen[i] else np.zeros(calls.shape[1], bool)
            calls[i, ~mask] = np.nan
        return calls
