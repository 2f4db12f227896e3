"""Synthetic history: seeded, realistic shape, explicit DST days, closed hours omitted."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from forecasting.errors import ValidationError
from forecasting.synthetic import DAY_OF_WEEK_FACTORS, HISTORY_COLUMNS, synthetic_history

ZONE = "America/New_York"


def test_same_seed_same_frame_and_contract_columns() -> None:
    a = synthetic_history(start=dt.date(2025, 1, 6), weeks=2, seed=3)
    b = synthetic_history(start=dt.date(2025, 1, 6), weeks=2, seed=3)
    c = synthetic_history(start=dt.date(2025, 1, 6), weeks=2, seed=4)
    pd.testing.assert_frame_equal(a, b)
    assert not a["offered"].equals(c["offered"])
    assert tuple(a.columns) == HISTORY_COLUMNS
    assert str(a["interval_start"].dt.tz) == "UTC"
    assert (a["handled"] + a["abandoned"] == a["offered"]).all()
    assert a["interval_start"].is_monotonic_increasing


def test_open_hours_only_and_weekday_levels() -> None:
    h = synthetic_history(start=dt.date(2025, 1, 6), weeks=8, interval_min=30, seed=1)
    local = h["interval_start"].dt.tz_convert(ZONE)
    minutes = local.dt.hour * 60 + local.dt.minute
    assert minutes.min() == 7 * 60 and minutes.max() == 22 * 60 - 30
    assert h.groupby(local.dt.date).size().eq(30).all()
    daily = h.groupby(local.dt.date)["offered"].sum()
    by_weekday = daily.groupby(pd.to_datetime(daily.index).day_of_week).mean()
    ratio = by_weekday / by_weekday[2]
    expected = pd.Series(DAY_OF_WEEK_FACTORS) / DAY_OF_WEEK_FACTORS[2]
    assert ratio.to_numpy() == pytest.approx(expected.to_numpy(), rel=0.06)


def test_dst_days_have_92_and_100_quarter_hours_when_open_around_the_clock() -> None:
    spring = synthetic_history(start=dt.date(2026, 3, 8), weeks=1, open_minute=0, close_minute=1440)
    autumn = synthetic_history(
        start=dt.date(2026, 11, 1), weeks=1, open_minute=0, close_minute=1440
    )
    assert spring.groupby(spring["interval_start"].dt.tz_convert(ZONE).dt.date).size().iloc[0] == 92
    assert (
        autumn.groupby(autumn["interval_start"].dt.tz_convert(ZONE).dt.date).size().iloc[0] == 100
    )


def test_bad_arguments_are_reported_together() -> None:
    with pytest.raises(ValidationError) as info:
        synthetic_history(start=dt.date(2025, 1, 6), weeks=0, interval_min=7)
    assert {p.field for p in info.value.problems} == {"weeks", "interval_min"}
