"""Intervals, open hours and DST in a queue's IANA zone.

Instants are tz-aware UTC and intervals half-open ``[start, start + interval_min)``. Open hours
are given in local wall-clock minutes after midnight; a day's intervals are the UTC instants
between the local opening and closing instants, so a DST day has fewer or more intervals
(92 or 100 quarter-hours when open around the clock), never a silently shifted grid.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from forecasting.errors import Problem, ValidationError

ALLOWED_INTERVAL_MIN: tuple[int, ...] = (1, 2, 3, 5, 6, 10, 12, 15, 20, 30, 60)  # divide 60


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


def open_weekdays_of(days: object) -> frozenset[int]:
    """Weekdays (Mon = 0) with rows on at least half of their occurrences in the span of
    ``days`` (local dates): the centre's working week as its history shows it, so a closure or
    a missing day does not close its weekday; weekday-only and 7-day centres alike."""
    index = pd.DatetimeIndex(days)  # type: ignore[arg-type]
    if index.empty:
        return frozenset()
    span = pd.date_range(index.min(), index.max(), freq="D")
    share = pd.Series(span.isin(index)).groupby(span.day_of_week).mean()
    return frozenset(int(w) for w in share.index[share >= 0.5])


def next_week_start(last_day: dt.date, week_start_day: int) -> dt.date:
    """The first ``week_start_day`` (0 = Monday .. 6 = Sunday) after ``last_day``."""
    return last_day + dt.timedelta(days=(week_start_day - last_day.weekday() - 1) % 7 + 1)


def missing_days(frame: pd.DataFrame, zone: str) -> list[tuple[str, dt.date]]:
    """(queue, local date) of days with no row although their weekday is normally open
    (``open_weekdays_of`` the queue's dates)."""
    holes: list[tuple[str, dt.date]] = []
    for queue, part in frame.groupby("queue", sort=True):
        days = pd.DatetimeIndex(
            pd.Series(local_frame(part["interval_start"], zone)["local_date"].unique())
        )
        span = pd.date_range(days.min(), days.max(), freq="D")
        week = open_weekdays_of(days)
        holes.extend(
            (str(queue), day.date())
            for day, here in zip(span, span.isin(days), strict=True)
            if not here and day.day_of_week in week
        )
    return holes


@dataclass(frozen=True, slots=True)
class Resampled:
    """History at a coarser ``interval_min``; ``partial_starts`` lists the UTC starts of the
    coarse intervals that were only partly covered by the finer rows (dropped or kept as
    asked), so a lone 21:00-21:05 slot never silently becomes a low 21:00-21:30 interval."""

    frame: pd.DataFrame
    interval_min: int
    partial_starts: tuple[pd.Timestamp, ...]


def _aggregate(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    counts = [c for c in ("offered", "handled", "abandoned") if c in frame]
    work = frame.assign(n_rows=1)
    if "aht_s" in frame:
        weight = frame["handled"] if "handled" in frame else frame["offered"]
        has = frame["aht_s"].notna()
        work = work.assign(aht_w=(frame["aht_s"] * weight).where(has, 0.0), w=weight.where(has, 0))
    sums = work.groupby(keys, sort=True)[
        [*counts, "n_rows", *(["aht_w", "w"] if "aht_s" in frame else [])]
    ].sum()
    if "aht_s" in frame:
        sums["aht_s"] = (sums["aht_w"] / sums["w"]).where(sums["w"] > 0)
        sums = sums.drop(columns=["aht_w", "w"])
    return sums.reset_index()


def resample_history(
    history: pd.DataFrame, *, from_min: int, to_min: int, zone: str, partial: str = "drop"
) -> Resampled:
    """Sum counts (AHT: handled-weighted mean) of ``from_min`` rows into ``to_min`` intervals
    aligned on the local wall-clock grid. ``partial``: ``"drop"`` or ``"keep"`` coarse
    intervals missing some of their finer rows (listed in ``partial_starts`` either way)."""
    problems = []
    if to_min not in ALLOWED_INTERVAL_MIN or to_min % from_min or to_min <= from_min:
        problems.append(
            Problem(
                None,
                "interval_min",
                "bad_granularity",
                f"cannot resample {from_min}-minute rows to {to_min} minutes",
            )
        )
    if partial not in ("drop", "keep"):
        problems.append(Problem(None, "partial", "bad_option", "use 'drop' or 'keep'"))
    if problems:
        raise ValidationError(problems)
    minute = local_frame(history["interval_start"], zone)["minute"]
    bucket = history["interval_start"] - pd.to_timedelta(minute % to_min, unit="min")
    queue = history["queue"] if "queue" in history else pd.Series("default", index=history.index)
    out = _aggregate(
        history.assign(interval_start=bucket, queue=queue), ["queue", "interval_start"]
    )
    full = out["n_rows"] == to_min // from_min
    partial_starts = tuple(out.loc[~full, "interval_start"])
    if partial == "drop":
        out = out[full]
    columns = [c for c in history.columns if c in out.columns]
    frame = out.loc[:, columns].reset_index(drop=True)
    return Resampled(frame, to_min, partial_starts)


def open_hours(history: pd.DataFrame, zone: str, interval_min: int) -> pd.DataFrame:
    """Observed local opening hours per queue and weekday (closed hours made explicit).

    Columns: ``queue``, ``weekday`` (Mon = 0), ``open_minute`` (first interval start, minutes
    after local midnight), ``close_minute`` (end of the last interval), ``days`` (dates with
    rows). Weekdays without any row are absent: the queue is closed on them.
    """
    local = local_frame(history["interval_start"], zone)
    queue = history["queue"] if "queue" in history else pd.Series("default", index=history.index)
    frame = local.assign(queue=queue.to_numpy())
    table = frame.groupby(["queue", "weekday"]).agg(
        open_minute=("minute", "min"),
        close_minute=("minute", "max"),
        days=("local_date", "nunique"),
    )
    table["close_minute"] += interval_min
    return table.reset_index()
