"""Intervals, open hours and DST in a queue's IANA zone.

Instants are tz-aware UTC and intervals half-open ``[start, start + interval_min)``. Open hours
are given in local wall-clock minutes after midnight; a day's intervals are the UTC instants
between the local opening and closing instants, so a DST day has fewer or more intervals
(92 or 100 quarter-hours when open around the clock), never a silently shifted grid.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from forecasting.errors import Problem, ValidationError

ALLOWED_INTERVAL_MIN: tuple[int, ...] = (5, 15, 30, 60)


def zone_info(zone: str) -> ZoneInfo:
    """The IANA zone ``zone`` or a ``ValidationError`` naming it."""
    try:
        return ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(
            [Problem(None, "zone", "unknown_zone", f"unknown IANA time zone {zone!r}")]
        ) from exc


def local_instant(day: dt.date, minute: int, zone: str) -> pd.Timestamp:
    """UTC instant of local wall-clock ``minute`` after midnight of ``day`` (1440 = next midnight).

    A wall time inside a DST gap maps to the first instant after the gap; a repeated wall time
    maps to its first occurrence.
    """
    naive = pd.Timestamp(day) + pd.Timedelta(minutes=minute)
    local = naive.tz_localize(zone, ambiguous=True, nonexistent="shift_forward")
    return local.tz_convert("UTC")


def day_intervals(
    day: dt.date, *, zone: str, interval_min: int, open_minute: int, close_minute: int
) -> pd.DatetimeIndex:
    """UTC starts of the intervals of ``day`` between local ``open_minute`` and ``close_minute``.

    Elapsed time is used between the two local instants, so the count changes on DST days.
    """
    if not 0 <= open_minute < close_minute <= 1440:
        raise ValidationError(
            [
                Problem(
                    None,
                    "open_minute",
                    "bad_open_hours",
                    f"need 0 <= open_minute < close_minute <= 1440, got {open_minute}, "
                    f"{close_minute}",
                )
            ]
        )
    start = local_instant(day, open_minute, zone)
    end = local_instant(day, close_minute, zone)
    return pd.date_range(start, end, freq=f"{interval_min}min", inclusive="left", unit="ns")


def local_frame(starts: pd.Series, zone: str) -> pd.DataFrame:
    """Local date, weekday (Mon=0) and minute-of-day of UTC interval starts."""
    local = pd.DatetimeIndex(starts).tz_convert(zone)
    return pd.DataFrame(
        {
            "local_date": local.date,
            "weekday": local.day_of_week,
            "minute": local.hour * 60 + local.minute,
        },
        index=starts.index,
    )


def missing_days(frame: pd.DataFrame, zone: str) -> list[tuple[str, dt.date]]:
    """(queue, local date) of days with no row although their weekday is normally open.

    A weekday counts as normally open for a queue when rows exist on at least half of its
    occurrences within the queue's span of dates; this works for weekday-only centres (no
    weekend is reported missing) and for 7-day centres alike.
    """
    holes: list[tuple[str, dt.date]] = []
    for queue, part in frame.groupby("queue", sort=True):
        days = pd.DatetimeIndex(
            pd.Series(local_frame(part["interval_start"], zone)["local_date"].unique())
        )
        span = pd.date_range(days.min(), days.max(), freq="D")
        present = span.isin(days)
        share = pd.Series(present).groupby(span.day_of_week).mean()
        open_weekdays = set(share.index[share >= 0.5])
        holes.extend(
            (str(queue), day.date())
            for day, here in zip(span, present, strict=True)
            if not here and day.day_of_week in open_weekdays
        )
    return holes
