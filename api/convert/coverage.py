"""The intervals a stored roster's coverage lists: every interval of the week that is open,
required or staffed, in local day order (a solved roster's and an edited one's alike)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import numpy as np

from api.convert.roster import RosterInput
from forecasting.calendar import local_instant


def coverage_slots(
    data: RosterInput, staffed: np.ndarray, week_start: dt.date
) -> Iterator[tuple[str, int, int, int]]:
    """``(UTC start as ISO text, day, slot, local minute)`` of each interval of the week that
    is open, has required agents or has ``staffed`` (day x slot) agents."""
    problem = data.problem
    required = np.asarray(problem.requirement, dtype=np.int64)
    for day in range(problem.days):
        window = problem.opening_hours[day]
        for slot in range(problem.intervals_per_day):
            minute = slot * problem.interval_min
            is_open = window is not None and window[0] <= minute < window[1]
            if is_open or required[day, slot] or staffed[day, slot]:
                start = local_instant(week_start + dt.timedelta(days=day), minute, data.site.zone)
                yield start.isoformat(), day, slot, minute
