"""Problem collection and the interval grid checks of a history import (``forecasting.io``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecasting.calendar import ALLOWED_INTERVAL_MIN
from forecasting.errors import Problem, ValidationError


class Collector:
    """Problems in row order, capped; knows whether anything was dropped."""

    def __init__(self, cap: int) -> None:
        self.cap = max(1, cap)
        self.items: list[Problem] = []
        self.total = 0

    def add(self, row: int | None, field: str | None, code: str, message: str) -> None:
        self.total += 1
        if len(self.items) < self.cap:  # messages quote cells: a 100 KB cell is not echoed whole
            short = message if len(message) <= 300 else message[:297] + "..."
            self.items.append(Problem(row, field, code, short))

    def add_rows(self, rows: pd.Series, field: str, code: str, message: str) -> None:
        for row in rows.tolist()[: self.cap]:
            self.add(int(row), field, code, message.format(row=row))
        self.total += max(0, len(rows) - self.cap)

    def raise_if_any(self) -> None:
        if self.total:
            ordered = sorted(self.items, key=lambda p: (p.row is not None, p.row or 0))
            raise ValidationError(ordered, truncated=self.total > len(self.items))


def check_duplicates(frame: pd.DataFrame, out: Collector) -> None:
    dup = frame.duplicated(["queue", "interval_start"], keep="first")
    first = frame.drop_duplicates(["queue", "interval_start"]).set_index(
        ["queue", "interval_start"]
    )["row"]
    for _, item in frame[dup].head(out.cap).iterrows():
        original = int(first[(item["queue"], item["interval_start"])])
        out.add(
            int(item["row"]),
            "interval_start",
            "duplicate_interval",
            f"interval {item['interval_start']:%Y-%m-%d %H:%M}Z of queue {item['queue']!r} "
            f"already given on row {original}",
        )
    out.total += max(0, int(dup.sum()) - out.cap)


def _day_steps(frame: pd.DataFrame, zone: str) -> pd.DataFrame:
    """Per row: local day and the minutes since the previous interval of the same queue/day."""
    local = pd.DatetimeIndex(frame["interval_start"]).tz_convert(zone)
    steps = frame.assign(local_date=local.date)
    steps = steps.sort_values(["queue", "interval_start"])
    gap = steps.groupby(["queue", "local_date"])["interval_start"].diff()
    return steps.assign(step_min=gap.dt.total_seconds() / 60.0)


def detect_granularity(frame: pd.DataFrame, zone: str, out: Collector) -> int:
    """Most common step between consecutive intervals of a day; mixed days are reported."""
    steps = _day_steps(frame, zone)
    positive = steps["step_min"][steps["step_min"] > 0]
    if positive.empty:
        return _granularity_from_grid(frame, zone, out)
    interval_min = float(positive.mode().min())
    if interval_min not in ALLOWED_INTERVAL_MIN:
        out.add(
            None,
            "interval_start",
            "bad_granularity",
            f"intervals are {interval_min:g} minutes apart; expected one of {ALLOWED_INTERVAL_MIN}",
        )
        return 0
    day_mode = (
        steps[steps["step_min"] > 0]
        .groupby(["queue", "local_date"])["step_min"]
        .agg(lambda s: s.mode().min())
    )
    odd = day_mode[day_mode != interval_min].head(out.cap)
    for (queue, day), step in zip(odd.index.tolist(), odd.tolist(), strict=True):
        first_row = steps[(steps["queue"] == queue) & (steps["local_date"] == day)]["row"].min()
        out.add(
            int(first_row),
            "interval_start",
            "mixed_granularity",
            f"queue {queue!r} on {day} has intervals {step:g} minutes apart, the file "
            f"mostly {interval_min:g}",
        )
    return int(interval_min)


def _granularity_from_grid(frame: pd.DataFrame, zone: str, out: Collector) -> int:
    """No two rows of a day: the length ``07:00-07:30`` ranges state, else the coarsest grid
    every start is on."""
    local = pd.DatetimeIndex(frame["interval_start"]).tz_convert(zone)
    minutes = pd.Series(local.hour * 60 + local.minute)
    ranges = frame["range_min"].dropna() if "range_min" in frame else pd.Series(dtype=float)
    stated = sorted(int(m) for m in ranges.unique() if m in ALLOWED_INTERVAL_MIN)
    for candidate in [*stated[:1], *sorted(ALLOWED_INTERVAL_MIN, reverse=True)]:
        if (minutes % candidate == 0).all():
            return candidate
    out.add(None, "interval_start", "bad_granularity", "cannot tell the interval length")
    return 0


def check_grid(frame: pd.DataFrame, interval_min: int, zone: str, out: Collector) -> None:
    local = pd.DatetimeIndex(frame["interval_start"]).tz_convert(zone)
    minutes = local.hour * 60 + local.minute
    off = (minutes % interval_min != 0) | (local.second != 0) | (local.microsecond != 0)
    out.add_rows(
        frame["row"][np.asarray(off)],
        "interval_start",
        "off_grid",
        f"interval start is not on the {interval_min}-minute grid",
    )


def check_ranges(frame: pd.DataFrame, interval_min: int, out: Collector) -> None:
    """A ``07:00-07:30`` range must span the file's interval length."""
    length = frame["range_min"]
    wrong = length.notna() & (length != interval_min)
    for row, minutes in zip(frame["row"][wrong], length[wrong], strict=True):
        out.add(
            int(row),
            "interval_start",
            "interval_range",
            f"the interval range spans {minutes:g} minutes, the file's intervals "
            f"{interval_min} minutes",
        )
