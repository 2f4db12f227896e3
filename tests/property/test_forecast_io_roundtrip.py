"""Any synthetic history survives the ACD CSV round trip unchanged (hypothesis)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from forecasting.io import read_history_csv
from forecasting.synthetic import synthetic_history, to_acd_csv


@settings(max_examples=12, deadline=None)
@given(
    start=st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31)),
    interval_min=st.sampled_from([15, 30, 60]),
    zone=st.sampled_from(["America/New_York", "Europe/Paris", "Asia/Kolkata", "UTC"]),
    hours=st.tuples(st.integers(0, 10), st.integers(14, 24)),
    seed=st.integers(0, 10_000),
)
def test_acd_csv_round_trip(
    start: dt.date, interval_min: int, zone: str, hours: tuple[int, int], seed: int
) -> None:
    history = synthetic_history(
        start=start,
        weeks=1,
        interval_min=interval_min,
        zone=zone,
        seed=seed,
        open_minute=hours[0] * 60,
        close_minute=hours[1] * 60,
        mean_daily_calls=800.0,
    )
    text = to_acd_csv(history, zone)
    result = read_history_csv(text, zone=zone)
    pd.testing.assert_frame_equal(result.frame, history)
    assert result.interval_min == interval_min
    assert result.file_sha256 == read_history_csv(text.encode(), zone=zone).file_sha256
