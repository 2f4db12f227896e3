"""Plausibility of imported history: what parses but cannot be right is refused or warned about,
with row and field, and nothing implausible reaches the forecast."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from forecasting.errors import ValidationError
from forecasting.io import read_history_csv
from forecasting.synthetic import synthetic_history, to_acd_csv

ZONE = "Europe/Berlin"
HEAD = "interval_start,offered,handled,abandoned,aht_s\n"


def _codes(text: str) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(ValidationError) as info:
        read_history_csv(text, zone=ZONE)
    return [(p.row, p.field, p.code) for p in info.value.problems]


def _warnings(text: str, **kwargs: object) -> list[tuple[int | None, str | None, str]]:
    result = read_history_csv(text, zone=ZONE, **kwargs)  # type: ignore[arg-type]
    return [(w.row, w.field, w.code) for w in result.warnings]


def test_implausible_values_are_refused_with_row_and_field() -> None:
    text = HEAD + (
        "2025-01-06 07:00,10,9,1,300\n"
        "2025-01-06 07:30,1e308,9,1,300\n"  # finite, but no interval has 1e308 calls
        "2025-01-06 08:00,20000000,9,1,300\n"
        "2025-01-06 08:30,10,9,1,90000\n"  # AHT above a day
        "2025-01-06 09:00,10,9,1,1e308\n"
        "2025-01-06 09:30,10,9,1,inf\n"
    )
    assert _codes(text) == [
        (2, "offered", "implausible_volume"),
        (3, "offered", "implausible_volume"),
        (4, "aht_s", "aht_out_of_range"),
        (5, "aht_s", "aht_out_of_range"),
        (6, "aht_s", "bad_duration"),
    ]


def test_more_handled_or_abandoned_than_offered() -> None:
    day = HEAD + "2025-01-06 07:00,10,12,0,300\n2025-01-06 07:30,10,6,0,300\n"
    result = read_history_csv(day, zone=ZONE)  # one interval: calls carried over, a warning
    assert [(w.row, w.field, w.code) for w in result.warnings] == [
        (1, "handled", "handled_exceeds_offered")
    ]
    assert "12 handled > 10 offered" in result.warnings[0].message
    over = HEAD + "2025-01-06 07:00,10,12,0,300\n2025-01-06 07:30,10,9,0,300\n"
    assert (1, "handled", "handled_exceeds_offered") in _codes(over)  # the day: impossible
    abandoned = HEAD + "2025-01-06 07:00,10,0,11,300\n2025-01-06 07:30,10,0,10,300\n"
    assert (1, "abandoned", "abandoned_exceeds_offered") in _codes(abandoned)


def test_dates_before_1970_refused_far_future_warned() -> None:
    old = "interval_start,offered\n1969-12-31 07:00,5\n1969-12-31 07:30,5\n"
    assert _codes(old) == [
        (1, "interval_start", "date_out_of_range"),
        (2, "interval_start", "date_out_of_range"),
    ]
    ahead = (pd.Timestamp.now() + pd.Timedelta(days=800)).strftime("%Y-%m-%d")
    far = f"interval_start,offered\n{ahead} 07:00,5\n{ahead} 07:30,5\n"
    assert _warnings(far) == [
        (1, "interval_start", "date_far_ahead"),
        (2, "interval_start", "date_far_ahead"),
    ]


def test_calls_outside_opening_hours_gaps_and_outliers_are_warned() -> None:
    history = synthetic_history(
        start=dt.date(2025, 1, 6), weeks=4, interval_min=30, zone=ZONE, open_minute=480,
        close_minute=1080,
    )  # fmt: skip
    local = history["interval_start"].dt.tz_convert(ZONE)
    minute = local.dt.hour * 60 + local.dt.minute
    gap = (local.dt.date == dt.date(2025, 1, 8)) & minute.between(600, 659)
    history = history[~gap].reset_index(drop=True)
    spike = (
        history["interval_start"].dt.tz_convert(ZONE).dt.date == dt.date(2025, 1, 21)
    ).to_numpy()
    history.loc[spike, ["offered", "handled"]] *= 5
    hours: list[list[int] | None] = [[480, 1020]] * 5 + [None, None]  # closes 17:00, no weekend
    result = read_history_csv(to_acd_csv(history, ZONE), zone=ZONE, opening_hours=hours)
    codes = [w.code for w in result.warnings]
    outside = [w for w in result.warnings if w.code == "outside_opening_hours"]
    assert len(outside) == 11 and outside[-1].row is None and "rows in all" in outside[-1].message
    assert outside[0].row == 19 and "17:00, outside the opening hours" in outside[0].message
    [hole] = [w for w in result.warnings if w.code == "interval_gap"]
    assert "between 2025-01-08 10:00 and 11:00" in hole.message and hole.row is not None
    [outlier] = [w for w in result.warnings if w.code == "outlier_day"]
    assert "2025-01-21" in outlier.message and "high" in outlier.message
    assert "missing_day" not in codes
    assert np.isfinite(result.frame["offered"]).all()
