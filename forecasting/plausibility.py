"""Plausibility of an imported interval history: what parses but cannot be right.

Errors (the import is refused): a day handling or abandoning more calls than it was offered,
dates before 1970; the volume and AHT bounds
(``MAX_CALLS_PER_INTERVAL``, ``MAX_AHT_S``) are checked while the numbers are parsed
(``forecasting.io``). Warnings (imported, reported with row and field): an interval handling or
abandoning more calls than it was offered (an ACD may count a call in the interval it was
answered), dates more than ``FUTURE_LIMIT_DAYS`` days ahead, calls outside the given opening
hours, gaps inside a day, outlier and partial days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from forecasting.calendar import local_frame
from forecasting.errors import Problem
from forecasting.models.base import build_day_matrix
from forecasting.special_days import detect_outlier_days

MAX_CALLS_PER_INTERVAL = 10_000_000
MAX_AHT_S = 86_400.0
EARLIEST_DATE = dt.date(1970, 1, 1)
FUTURE_LIMIT_DAYS = 731
ROW_WARNINGS = 10  # individual rows listed per warning code before a summary line
OpeningHours = Sequence[Sequence[int] | None]


def _listed(
    rows: pd.Series, messages: pd.Series, field: str, code: str, what: str
) -> list[Problem]:
    """One warning per row for the first ``ROW_WARNINGS`` rows, then a summary."""
    out = [
        Problem(int(r), field, code, str(m))
        for r, m in zip(rows[:ROW_WARNINGS], messages[:ROW_WARNINGS], strict=True)
    ]
    if len(rows) > ROW_WARNINGS:
        out.append(Problem(None, field, code, f"{len(rows)} rows in all {what}"))
    return out


def _dated(frame: pd.DataFrame, mask: pd.Series, code: str, reason: str) -> list[Problem]:
    return [
        Problem(int(row), "interval_start", code, f"{start:%Y-%m-%d} is {reason}")
        for row, start in zip(frame["row"][mask], frame["interval_start"][mask], strict=True)
    ]


def date_errors(frame: pd.DataFrame) -> list[Problem]:
    """Rows dated before 1970: no ACD export has them, a wrong date column or year does."""
    early = frame["interval_start"] < pd.Timestamp(EARLIEST_DATE, tz="UTC")
    return _dated(frame, early, "date_out_of_range", "before 1970: check the date column")


def future_warnings(frame: pd.DataFrame, now: pd.Timestamp | None = None) -> list[Problem]:
    """Rows more than ``FUTURE_LIMIT_DAYS`` days after ``now`` (default: the clock)."""
    now = now if now is not None else pd.Timestamp.now(tz="UTC")
    late = frame["interval_start"] > now + pd.Timedelta(days=FUTURE_LIMIT_DAYS)
    reason = f"more than {FUTURE_LIMIT_DAYS} days ahead: history should be in the past"
    found = _dated(frame, late, "date_far_ahead", reason)
    if len(found) > ROW_WARNINGS:
        total = f"{len(found)} rows in all are dated so far ahead"
        summary = Problem(None, "interval_start", "date_far_ahead", total)
        found = [*found[:ROW_WARNINGS], summary]
    return found


def _with_days(frame: pd.DataFrame, zone: str) -> pd.DataFrame:
    local = local_frame(frame["interval_start"], zone)
    return frame.assign(
        local_date=local["local_date"], weekday=local["weekday"], minute=local["minute"]
    )


def balance_problems(frame: pd.DataFrame, zone: str) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings): per day, handled or abandoned above offered is an error; per
    interval it is a warning (calls carried over from the previous interval)."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    days = _with_days(frame, zone)
    for field in ("handled", "abandoned"):
        if field not in frame:
            continue
        over = days[days[field] > days["offered"]]
        messages = (
            over[field].astype(str) + f" {field} > " + over["offered"].astype(str) + " offered"
        )
        what = f"have more {field} than offered calls"
        warnings += _listed(over["row"], messages, field, f"{field}_exceeds_offered", what)
        totals = days.groupby(["queue", "local_date"]).agg(
            row=("row", "min"), offered=("offered", "sum"), value=(field, "sum")
        )
        over_days = totals[totals["value"] > totals["offered"]].reset_index()
        for queue, day, item in zip(
            over_days["queue"], over_days["local_date"], over_days.to_dict("records"), strict=True
        ):
            errors.append(
                Problem(
                    int(item["row"]),
                    field,
                    f"{field}_exceeds_offered",
                    f"queue {queue!r} on {day}: {int(item['value'])} {field} but only "
                    f"{int(item['offered'])} offered calls that day",
                )
            )
    return errors, warnings


def outside_hours(frame: pd.DataFrame, zone: str, hours: OpeningHours) -> list[Problem]:
    """Rows with calls outside ``hours`` (7 entries Mon..Sun: ``[open_min, close_min]`` or
    None when closed)."""
    days = _with_days(frame, zone)
    opens = np.array([h[0] if h else 0 for h in hours], dtype=float)
    closes = np.array([h[1] if h else 0 for h in hours], dtype=float)
    weekday = days["weekday"].to_numpy()
    minute = days["minute"].to_numpy()
    out = (minute < opens[weekday]) | (minute >= closes[weekday])
    hit = days[out & (days["offered"].to_numpy() > 0)]
    messages = (
        hit["offered"].astype(str)
        + " calls at "
        + pd.DatetimeIndex(hit["interval_start"]).tz_convert(zone).strftime("%a %Y-%m-%d %H:%M")
        + ", outside the opening hours"
    )
    what = "have calls outside the opening hours"
    return _listed(hit["row"], messages, "interval_start", "outside_opening_hours", what)


def gap_warnings(frame: pd.DataFrame, zone: str, interval_min: int) -> list[Problem]:
    """Intervals missing between the first and the last row of a day."""
    days = _with_days(frame, zone).sort_values(["queue", "interval_start"])
    step = days.groupby(["queue", "local_date"])["interval_start"].diff()
    gap = days[step > pd.Timedelta(minutes=interval_min)]
    before = (gap["interval_start"] - step[gap.index]).dt.tz_convert(zone)
    after = gap["interval_start"].dt.tz_convert(zone)
    messages = (
        "no rows between "
        + (before + pd.Timedelta(minutes=interval_min)).dt.strftime("%Y-%m-%d %H:%M")
        + " and "
        + after.dt.strftime("%H:%M")
    )
    return _listed(gap["row"], messages, "interval_start", "interval_gap", "follow a gap")


def outlier_warnings(frame: pd.DataFrame, zone: str) -> list[Problem]:
    """Days the forecaster will leave out of fitting (outliers, partial days)."""
    warnings: list[Problem] = []
    for queue, part in frame.groupby("queue", sort=True):
        matrix = build_day_matrix(part, zone, set())
        first_row = _with_days(part, zone).groupby("local_date")["row"].min()
        for item in detect_outlier_days(matrix):
            reason = item.reason.replace("_", " ")
            warnings.append(
                Problem(
                    int(first_row[item.day]),
                    "offered",
                    "outlier_day",
                    f"queue {queue!r} on {item.day}: {reason} (left out of forecast fitting)",
                )
            )
    return warnings
