"""Helpers for the forecasting tests: small day x interval matrices with known answers."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from forecasting.models.base import DayMatrix, TargetDays, closure_flags, month_edge_flags

ZONE = "America/New_York"


def weekdays_between(start: dt.date, count: int, skip: frozenset[dt.date] = frozenset()) -> list:
    """The first ``count`` Mon-Fri dates from ``start`` that are not in ``skip``."""
    days: list[dt.date] = []
    day = start
    while len(days) < count:
        if day.weekday() < 5 and day not in skip:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def matrix_of(
    days: list[dt.date],
    values: np.ndarray,
    closed: frozenset[dt.date] = frozenset(),
    month_edges: bool = False,
) -> DayMatrix:
    """A day x interval matrix; month-edge flags only when asked (known answers stay exact)."""
    arr = np.array(days, dtype="datetime64[D]")
    return DayMatrix(
        days=arr,
        minutes=np.arange(values.shape[1]) * 60 + 8 * 60,
        values=np.asarray(values, dtype=float),
        weekdays=pd.DatetimeIndex(arr).day_of_week.to_numpy(),
        post_closure=closure_flags(arr, set(closed)),
        month_edge=np.zeros(arr.size, dtype=bool)
        if not month_edges
        else month_edge_flags(arr, set(closed)),
    )


def targets_for(days: list[dt.date], closed: frozenset[dt.date] = frozenset()) -> TargetDays:
    arr = np.array(days, dtype="datetime64[D]")
    return TargetDays(
        arr,
        pd.DatetimeIndex(arr).day_of_week.to_numpy(),
        closure_flags(arr, set(closed)),
        np.zeros(arr.size, dtype=bool),
    )


PROFILE = np.array([0.1, 0.3, 0.25, 0.2, 0.15])
WEEKDAY_VOLUME = np.array([1200.0, 1000.0, 950.0, 900.0, 1100.0])


def exact_matrix(days: list[dt.date], closed: frozenset[dt.date] = frozenset()) -> DayMatrix:
    """Noise-free history: weekday volume x a fixed profile."""
    values = np.array([WEEKDAY_VOLUME[d.weekday()] * PROFILE for d in days])
    return matrix_of(days, values, closed)
