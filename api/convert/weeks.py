"""A site's working week: its open weekdays and the check of a ``week_start``."""

from __future__ import annotations

import datetime as dt

from api.tables import Site
from forecasting.errors import Problem

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def site_open_weekdays(site: Site) -> frozenset[int]:
    """Weekdays (Mon = 0) with opening hours: the site's open days."""
    return frozenset(d for d, window in enumerate(site.opening_hours) if window is not None)


def week_start_problem(site: Site, week_start: dt.date) -> Problem | None:
    """A ``week_start`` problem naming the expected weekday, or None when it is right."""
    if week_start.weekday() == site.week_start_day:
        return None
    expected, got = WEEKDAY_NAMES[site.week_start_day], WEEKDAY_NAMES[week_start.weekday()]
    message = (
        f"week_start must be a {expected} (site {site.id} weeks start on {expected}); "
        f"{week_start} is a {got}"
    )
    return Problem(None, "week_start", "wrong_week_start_day", message)
