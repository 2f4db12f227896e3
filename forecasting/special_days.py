"""Special days: the closure/holiday calendar and automatic outlier-day detection."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from forecasting.models.base import DayMatrix


@dataclass(frozen=True, slots=True)
class SpecialDays:
    """Calendar input of a queue.

    ``closed``: days the centre is closed (holidays, closures): never forecast; the next open
    day is flagged post-closure (displaced calls). ``exclude``: known unusual days (outage,
    campaign) kept out of fitting. Missing weekdays of the history count as closed as well.
    """

    closed: frozenset[dt.date] = field(default_factory=frozenset)
    exclude: frozenset[dt.date] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class ExcludedDay:
    """A history day left out of fitting and why: ``outlier_high``, ``outlier_low``,
    ``partial_day`` or ``calendar``."""

    day: dt.date
    reason: str


def _robust_residuals(train: DayMatrix) -> np.ndarray:
    """Log daily volume minus weekday median minus a running median level."""
    log_totals = np.log(np.maximum(train.totals, 1.0))
    frame = pd.DataFrame({"y": log_totals, "w": train.weekdays})
    deseasonalised = frame["y"] - frame.groupby("w")["y"].transform("median")
    level = deseasonalised.rolling(11, center=True, min_periods=3).median()
    return (deseasonalised - level).to_numpy()


def detect_outlier_days(
    train: DayMatrix,
    *,
    threshold: float = 4.0,
    min_departure: float = 0.1,
    min_open_share: float = 0.8,
) -> list[ExcludedDay]:
    """Days whose log volume departs from their weekday and local level by more than
    ``threshold`` robust sd (MAD) and by more than ``min_departure`` (about 10 %), or that
    have less than ``min_open_share`` of the usual intervals of their weekday. Post-closure
    days are expected to be high and are never flagged."""
    if train.days.size < 10:
        return []
    resid = _robust_residuals(train)
    sigma = 1.4826 * np.nanmedian(np.abs(resid - np.nanmedian(resid)))
    counts = np.sum(~np.isnan(train.values), axis=1)
    usual = pd.Series(counts).groupby(train.weekdays).transform("median").to_numpy()
    found: list[ExcludedDay] = []
    for i, day in enumerate(pd.DatetimeIndex(train.days).date):
        if counts[i] < min_open_share * usual[i]:
            found.append(ExcludedDay(day, "partial_day"))
        elif not train.post_closure[i] and abs(resid[i]) > max(threshold * sigma, min_departure):
            found.append(ExcludedDay(day, "outlier_high" if resid[i] > 0 else "outlier_low"))
    return found


def clean_matrix(
    train: DayMatrix, special: SpecialDays, *, threshold: float = 4.0
) -> tuple[DayMatrix, list[ExcludedDay]]:
    """``train`` without calendar-excluded and detected outlier days, and the list removed."""
    dates = pd.DatetimeIndex(train.days).date
    excluded = [ExcludedDay(d, "calendar") for d in dates if d in special.exclude]
    excluded += [
        e for e in detect_outlier_days(train, threshold=threshold) if e.day not in special.exclude
    ]
    drop = {e.day for e in excluded}
    keep = np.array([d not in drop for d in dates], dtype=bool)
    return train.take(np.flatnonzero(keep)), sorted(excluded, key=lambda e: e.day)
