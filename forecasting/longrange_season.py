"""Yearly pattern of weekly log rates, used only when the history spans two years or more.

The index of week-of-year ``k`` (0..51, the 53rd partial week joins the 52nd) is the mean,
over the history's years, of the log rate less its centred 52-week moving average (the level
and trend; a shorter average would follow the season itself), smoothed over neighbouring weeks
(1/4, 1/2, 1/4, circular) and centred on zero. With fewer than
``MIN_YEARLY_WEEKS`` weeks a yearly pattern cannot be told from noise: no index.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

__all__ = ["MIN_YEARLY_WEEKS", "week_of_year", "yearly_index"]

MIN_YEARLY_WEEKS = 104


def week_of_year(days: Sequence[dt.date]) -> NDArray[np.int64]:
    """0..51: the week of the year a week starting on ``day`` mostly falls in."""
    mid = [d + dt.timedelta(days=3) for d in days]
    return np.minimum([(d.timetuple().tm_yday - 1) // 7 for d in mid], 51).astype(np.int64)


def yearly_index(days: Sequence[dt.date], log_rates: FloatArray) -> FloatArray | None:
    """Log index per week of year (52 values) or ``None`` below ``MIN_YEARLY_WEEKS`` weeks."""
    if len(days) < MIN_YEARLY_WEEKS:
        return None
    series = pd.Series(log_rates)
    trend = series.rolling(52, center=True, min_periods=26).mean()
    detrended = (series - trend).to_numpy()
    weeks = week_of_year(days)
    raw = np.zeros(52)
    for k in range(52):
        values = detrended[(weeks == k) & np.isfinite(detrended)]
        raw[k] = float(values.mean()) if values.size else 0.0
    smooth = 0.5 * raw + 0.25 * np.roll(raw, 1) + 0.25 * np.roll(raw, -1)
    return np.asarray(smooth - smooth.mean(), dtype=np.float64)
