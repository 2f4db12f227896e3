"""Calendar helpers: local instants across DST, day intervals, missing days, resampling."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from forecasting.calendar import (
    day_intervals,
    local_instant,
    missing_days,
    open_hours,
    resample_history,
)
from forecasting.errors import ValidationError
from forecasting.io import read_history_csv
from forecasting.synthetic import synthetic_history

ZONE = "America/New_York"


def test_local_instants_across_dst() -> None:
    assert local_instant(dt.date(2026, 3, 8), 60, ZONE) == pd.Timestamp("2026-03-08 06:00Z")
    assert local_instant(dt.date(2026, 3, 8), 180, ZONE) == pd.Timestamp("2026-03-08 07:00Z")
    assert local_instant(dt.date(2026, 11, 1), 90, ZONE) == pd.Timestamp("2026-11-01 05:30Z")
    assert local_instant(dt.date(2026, 11, 1), 1440, ZONE) == pd.Timestamp("2026-11-02 05:00Z")


@pytest.mark.parametrize(
    ("day", "count"),
    [(dt.date(2026, 3, 7), 96), (dt.date(2026, 3, 8), 92), (dt.date(2026, 11, 1), 100)],
)
def test_day_intervals_count_elapsed_time(day: dt.date, count: int) -> None:
    starts = day_intervals(day, zone=ZONE, interval_min=15, open_minute=0, close_minute=1440)
    assert len(starts) == count and str(starts.tz) == "UTC"
    assert starts.to_series().diff().dropna().eq(pd.Timedelta(minutes=15)).all()
    with pytest.raises(ValidationError):
        day_intervals(day, zone=ZONE, interval_min=15, open_minute=600, close_minute=540)


def test_missing_days_on_a_seven_day_centre() -> None:
    history = synthetic_history(start=dt.date(2025, 1, 6), weeks=3, interval_min=60)
    day = history["interval_start"].dt.tz_convert(ZONE).dt.date
    holed = history[day != dt.date(2025, 1, 12)]  # a Sunday
    assert missing_days(holed, ZONE) == [("general", dt.date(2025, 1, 12))]


def test_resample_sums_counts_and_weights_aht() -> None:
    history = synthetic_history(start=dt.date(2025, 1, 6), weeks=1, interval_min=15)
    result = resample_history(history, from_min=15, to_min=60, zone=ZONE)
    assert result.interval_min == 60 and result.partial_starts == ()
    assert result.frame["offered"].sum() == history["offered"].sum()
    first = history.iloc[:4]
    expected = (first["aht_s"] * first["handled"]).sum() / first["handled"].sum()
    assert result.frame["aht_s"].iloc[0] == pytest.approx(expected)
    assert len(result.frame) == len(history) // 4
    with pytest.raises(ValidationError):
        resample_history(history, from_min=15, to_min=20, zone=ZONE)


def test_partial_coarse_intervals_are_explicit() -> None:
    history = synthetic_history(start=dt.date(2025, 1, 6), weeks=1, interval_min=15)
    cut = history.drop(index=[1])
    dropped = resample_history(cut, from_min=15, to_min=60, zone=ZONE)
    kept = resample_history(cut, from_min=15, to_min=60, zone=ZONE, partial="keep")
    assert dropped.partial_starts == (history["interval_start"].iloc[0],)
    assert len(kept.frame) == len(dropped.frame) + 1


def test_bank_5min_resampled_equals_published_30min(shared_data_dir: Path) -> None:
    fine = read_history_csv(shared_data_dir / "bank_calls_5min.csv", zone=ZONE)
    coarse = read_history_csv(shared_data_dir / "bank_calls_30min.csv", zone=ZONE)
    result = resample_history(fine.frame, from_min=5, to_min=30, zone=ZONE)
    assert len(result.partial_starts) == 164  # the lone 21:00-21:05 slot of every day
    pd.testing.assert_frame_equal(result.frame, coarse.frame)


def test_open_hours_per_weekday(shared_data_dir: Path) -> None:
    bank = read_history_csv(shared_data_dir / "bank_calls_30min.csv", zone=ZONE)
    hours = open_hours(bank.frame, ZONE, bank.interval_min)
    assert hours["weekday"].tolist() == [0, 1, 2, 3, 4]  # weekends closed: no row
    assert set(hours["open_minute"]) == {7 * 60} and set(hours["close_minute"]) == {21 * 60}
    assert hours["days"].sum() == 164
