"""Default method: daily volume x intraday profile (Weinberg, Brown & Stroud 2007).

Arrivals of a day are its total volume spread over the intervals by an intraday profile.
The log daily volume is a weekday effect plus a slowly moving level, smoothed by simple
exponential smoothing (statsmodels) over the deseasonalised ordinary days; a day following a
closure (holiday) carries an uplift for the calls displaced from the closed day, and the first
and last open weekday of a month (statements, paydays) their own uplift, each estimated from
the earlier such days in the history against the ordinary days before them. The profile of a
weekday is the mean share of each interval over its last ``profile_days`` same weekdays: many
days average out the Poisson noise of one week, which the mean of the last few weeks suffers.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from statsmodels.tsa.holtwinters import SimpleExpSmoothing

from forecasting.models.base import DayMatrix, TargetDays, open_minutes


def weekday_effects(log_totals: np.ndarray, weekdays: np.ndarray) -> np.ndarray:
    """Mean log volume of each weekday minus the mean over weekdays present (NaN if absent)."""
    effects = np.full(7, np.nan)
    for weekday in np.unique(weekdays):
        effects[weekday] = log_totals[weekdays == weekday].mean()
    return effects - np.nanmean(effects)


def smoothed_level(values: np.ndarray, alpha: float) -> float:
    """Simple exponential smoothing forecast of ``values`` with smoothing level ``alpha``."""
    if values.size < 3:
        return float(values.mean())
    start = float(values[: min(5, values.size)].mean())
    model = SimpleExpSmoothing(values, initialization_method="known", initial_level=start)
    with warnings.catch_warnings():  # information criteria of an exact fit: log(0)
        warnings.simplefilter("ignore", RuntimeWarning)
        result = model.fit(smoothing_level=alpha, optimized=False)
        return float(result.forecast(1)[0])


def event_uplift(
    deseasonalised: np.ndarray, event: np.ndarray, ordinary: np.ndarray, lookback: int = 5
) -> float:
    """Mean log excess of ``event`` days over the mean of the ``lookback`` ordinary days
    before each (0 when the history has no such event)."""
    excess = []
    for i in np.flatnonzero(event):
        before = np.flatnonzero(ordinary[:i])[-lookback:]
        if before.size >= 3:
            excess.append(deseasonalised[i] - deseasonalised[before].mean())
    return float(np.mean(excess)) if excess else 0.0


def special_day_log_effects(
    deseasonalised: np.ndarray, train: DayMatrix, targets: TargetDays, month_edge: bool
) -> np.ndarray:
    """Log uplift of each target day: post-closure, else month edge (when enabled)."""
    edge_train = (
        train.month_edge & ~train.post_closure if month_edge else np.zeros_like(train.post_closure)
    )
    ordinary = ~train.post_closure & ~edge_train
    post = event_uplift(deseasonalised, train.post_closure, ordinary)
    edge = event_uplift(deseasonalised, edge_train, ordinary) if month_edge else 0.0
    edge_target = targets.month_edge & ~targets.post_closure if month_edge else False
    return np.asarray(post * targets.post_closure + edge * edge_target, dtype=float)


def ordinary_days(train: DayMatrix, month_edge: bool) -> np.ndarray:
    """Days that are neither post-closure nor (when enabled) month-edge days."""
    special = train.post_closure | (train.month_edge if month_edge else False)
    return np.asarray(~special, dtype=bool)


def mean_shares(train: DayMatrix, rows: np.ndarray) -> np.ndarray:
    """Mean share of the day's volume in each interval over ``rows`` (0 where never seen)."""
    shares = train.values[rows] / train.totals[rows, None]
    seen = np.sum(~np.isnan(shares), axis=0)
    total = np.nansum(shares, axis=0)
    # a column closed on every one of ``rows`` (a weekday's shorter hours) was never seen: 0
    return np.divide(total, seen, out=np.zeros_like(total), where=seen > 0)


def smooth_profile(profile: np.ndarray, minutes: np.ndarray, sd_min: float) -> np.ndarray:
    """Gaussian kernel smoothing across neighbouring open intervals (sd in minutes)."""
    if sd_min <= 0:
        return profile
    open_ = ~np.isnan(profile)
    gap = minutes[open_, None] - minutes[None, open_]
    weights = np.exp(-0.5 * (gap / sd_min) ** 2)
    out = profile.copy()
    out[open_] = weights @ profile[open_] / weights.sum(axis=1)
    return out


def weekday_profiles(
    train: DayMatrix, profile_days: int, pool_weight: float = 0.0, smooth_min: float = 0.0
) -> np.ndarray:
    """(7, n_minutes) interval shares per weekday over its open minutes (NaN rows if unseen).

    The weekday's mean share over its last ``profile_days`` clean days, shrunk by
    ``pool_weight`` towards the mean over the last ``profile_days`` days of any weekday, then
    smoothed across neighbouring intervals.
    """
    profiles = np.full((7, train.minutes.size), np.nan)
    usable = np.flatnonzero(~train.post_closure)
    pooled = mean_shares(train, usable[-profile_days * 5 :]) if usable.size else None
    for weekday in np.unique(train.weekdays):
        rows = np.flatnonzero((train.weekdays == weekday) & ~train.post_closure)[-profile_days:]
        if rows.size == 0:
            rows = np.flatnonzero(train.weekdays == weekday)[-profile_days:]
        mean = mean_shares(train, rows)
        if pooled is not None and pool_weight > 0:
            mean = (1.0 - pool_weight) * mean + pool_weight * pooled
        mask = open_minutes(train, int(weekday))
        mean = smooth_profile(np.where(mask, mean, np.nan), train.minutes, smooth_min)
        profiles[weekday] = mean / np.nansum(mean)
    return profiles


@dataclass(frozen=True, slots=True)
class ProfileVolume:
    """Daily volume (weekday effect x smoothed level x post-closure uplift) x weekday profile.

    ``alpha``: smoothing level of the deseasonalised log daily volume; ``window_days``: the
    recent days used for the weekday effects; ``profile_days``: same weekdays averaged for the
    intraday profile; ``pool_weight``: shrinkage of a weekday's profile towards the all-weekday
    profile; ``smooth_min``: sd (minutes) of the kernel smoothing the profile across
    neighbouring intervals; ``month_edge``: give the first and last open weekday of a month
    their own uplift (learned like the post-closure one). Defaults tuned on the bank data's
    tuning weeks only (docs/forecasting.md).
    """

    alpha: float = 0.1
    window_days: int = 60
    profile_days: int = 8
    pool_weight: float = 0.3
    smooth_min: float = 5.0
    month_edge: bool = True
    name: str = "profile_volume"

    def daily_volume(self, train: DayMatrix, targets: TargetDays) -> np.ndarray:
        log_totals = np.log(np.maximum(train.totals, 1.0))
        clean = ordinary_days(train, self.month_edge)
        recent = np.flatnonzero(clean)[-self.window_days :]
        effects = weekday_effects(log_totals[recent], train.weekdays[recent])
        fallback = np.nanmean(effects[train.weekdays])
        seasonal = np.where(np.isnan(effects[train.weekdays]), fallback, effects[train.weekdays])
        deseasonalised = log_totals - seasonal
        level = smoothed_level(deseasonalised[clean], self.alpha)
        uplift = special_day_log_effects(deseasonalised, train, targets, self.month_edge)
        return np.exp(level + effects[targets.weekdays] + uplift)

    def predict(self, train: DayMatrix, targets: TargetDays) -> np.ndarray:
        volume = self.daily_volume(train, targets)
        profiles = weekday_profiles(train, self.profile_days, self.pool_weight, self.smooth_min)
        return volume[:, None] * profiles[targets.weekdays]
