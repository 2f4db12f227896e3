"""Benchmark methods: seasonal naive and the mean of the last N same weekdays.

Both work on working days present in the history, so a centre open on weekdays only, or a
week with a holiday, needs no special case: "last week" is the most recent earlier day with
the same weekday (a fallback to two weeks back when last week's day was a closure).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from forecasting.models.base import DayMatrix, TargetDays


def _same_weekday_rows(train: DayMatrix, weekday: int, count: int) -> np.ndarray:
    return np.flatnonzero(train.weekdays == weekday)[-count:]


@dataclass(frozen=True, slots=True)
class SeasonalNaive:
    """Same interval on the most recent same weekday (last week, or earlier after a closure)."""

    name: str = "seasonal_naive"

    def predict(self, train: DayMatrix, targets: TargetDays) -> np.ndarray:
        out = np.full((targets.days.size, train.minutes.size), np.nan)
        for i, weekday in enumerate(targets.weekdays):
            rows = _same_weekday_rows(train, int(weekday), 1)
            if rows.size:
                out[i] = train.values[rows[0]]
        return out


@dataclass(frozen=True, slots=True)
class SameWeekdayMean:
    """Mean of the same interval over the last ``weeks`` same weekdays in the history."""

    weeks: int = 4

    @property
    def name(self) -> str:
        return f"mean_last_{self.weeks}_weekdays"

    def predict(self, train: DayMatrix, targets: TargetDays) -> np.ndarray:
        out = np.full((targets.days.size, train.minutes.size), np.nan)
        for i, weekday in enumerate(targets.weekdays):
            rows = _same_weekday_rows(train, int(weekday), self.weeks)
            if rows.size:
                with np.errstate(invalid="ignore"):
                    values = train.values[rows]
                    counts = np.sum(~np.isnan(values), axis=0)
                    out[i] = np.where(
                        counts > 0, np.nansum(values, axis=0) / np.maximum(counts, 1), np.nan
                    )
        return out
