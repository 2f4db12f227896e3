"""The site's own working week in the forecasting calendar, and forecast warnings.

A Sun-Thu centre (Israel, much of the Middle East): a Thursday closure displaces calls to the
following Sunday, and the month-end uplift lands on the last open day (a Thursday), never on a
closed Friday. A forecast far after its history, or from a history with a missing month, warns.
"""

from __future__ import annotations

import datetime as dt
import functools

import numpy as np
import pandas as pd

from forecasting.forecast import (
    HISTORY_GAP_WARN_DAYS,
    HORIZON_WARN_DAYS,
    fit_forecaster,
    forecast_history,
    history_warnings,
)
from forecasting.models.base import (
    build_day_matrix,
    closure_flags,
    month_edge_flags,
    open_weekdays_of,
    target_days,
)
from forecasting.synthetic import synthetic_history

JERUSALEM = "Asia/Jerusalem"
SUN_THU = frozenset({6, 0, 1, 2, 3})
THURSDAY, SUNDAY = dt.date(2026, 7, 2), dt.date(2026, 7, 5)


def _days(*iso: str) -> np.ndarray:
    return np.array(iso, dtype="datetime64[D]")


@functools.cache
def _sun_thu_history(start: dt.date = dt.date(2026, 6, 7), weeks: int = 8) -> pd.DataFrame:
    """Hourly Sun-Thu history in Asia/Jerusalem (08:00-17:00), Thursday 2 July closed."""
    history = synthetic_history(
        start=start, weeks=weeks, zone=JERUSALEM, interval_min=60, open_minute=480,
        close_minute=1020, mean_daily_calls=800.0,
    )  # fmt: skip
    local = pd.DatetimeIndex(history["interval_start"]).tz_convert(JERUSALEM)
    keep = np.isin(local.day_of_week, list(SUN_THU)) & (local.date != THURSDAY)
    return history[keep].reset_index(drop=True)


def test_a_thursday_closure_flags_the_following_sunday() -> None:
    days = _days("2026-07-05", "2026-07-06")
    assert closure_flags(days, {THURSDAY}, SUN_THU).tolist() == [True, False]
    # a Mon-Fri week skips Saturday to a (here open) Friday: the Sunday is not flagged
    assert closure_flags(days, {THURSDAY}).tolist() == [False, False]


def test_month_edges_fall_on_the_sites_open_days() -> None:
    # May 2026 starts on a Friday and ends on a Sunday; July 2026 ends on a Friday
    days = _days("2026-05-01", "2026-05-03", "2026-05-29", "2026-05-31", "2026-07-30", "2026-07-31")
    assert month_edge_flags(days, set(), SUN_THU).tolist() == [
        False, True, False, True, True, False,
    ]  # fmt: skip
    # a closed last Thursday moves the month end to Wednesday
    flags = month_edge_flags(_days("2026-07-29", "2026-07-30"), {dt.date(2026, 7, 30)}, SUN_THU)
    assert flags.tolist() == [True, False]


def test_the_day_matrix_takes_the_week_from_the_history() -> None:
    history = _sun_thu_history()
    matrix = build_day_matrix(history, JERUSALEM, {THURSDAY})
    assert matrix.open_weekdays == SUN_THU
    dates = pd.DatetimeIndex(matrix.days).date
    assert set(dates[matrix.post_closure]) == {SUNDAY}
    assert set(dates[matrix.month_edge]) == {
        dt.date(2026, 6, 30), dt.date(2026, 7, 1), dt.date(2026, 7, 30),
    }  # fmt: skip
    assert matrix.take(np.arange(3)).open_weekdays == SUN_THU
    # the site's week, when given, wins over the history's
    given = build_day_matrix(history, JERUSALEM, {THURSDAY}, frozenset(range(7)))
    assert given.open_weekdays == frozenset(range(7))
    assert not given.post_closure[dates == SUNDAY].any()


def test_open_weekdays_of_ignores_single_missing_days() -> None:
    days = pd.date_range("2026-06-07", "2026-07-30", freq="D")
    sun_thu = days[np.isin(days.day_of_week, list(SUN_THU)) & (days.date != THURSDAY)]
    assert open_weekdays_of(sun_thu.to_numpy().astype("datetime64[D]")) == SUN_THU
    assert open_weekdays_of(np.array([], dtype="datetime64[D]")) == frozenset()


def test_the_forecast_flags_targets_with_the_sites_week() -> None:
    fitted = fit_forecaster(
        _sun_thu_history(), zone=JERUSALEM, interval_min=60, horizon_days=5,
        method="profile_volume", open_weekdays=SUN_THU,
    )  # fmt: skip
    assert fitted.matrix.open_weekdays == SUN_THU
    targets = target_days([dt.date(2026, 8, 2)], {dt.date(2026, 7, 30)}, SUN_THU)
    assert targets.post_closure.tolist() == [True]
    days = fitted.next_open_days(5)
    assert [d.weekday() for d in days] == [6, 0, 1, 2, 3]  # Sunday first, no Friday/Saturday
    assert fitted.predict(days).warnings == ()


def test_history_warning_thresholds() -> None:
    last = dt.date(2026, 7, 30)
    history = _days("2026-06-01", str(last))
    gap = history_warnings(history, None)
    assert [w.code for w in gap] == ["history_gap"] and "no rows for 58 days" in gap[0].message
    contiguous = pd.date_range("2026-06-01", last, freq="D").to_numpy().astype("datetime64[D]")
    at_limit = last + dt.timedelta(days=HORIZON_WARN_DAYS)
    assert history_warnings(contiguous, at_limit) == ()
    far = history_warnings(contiguous, at_limit + dt.timedelta(days=1))
    assert [w.code for w in far] == ["horizon_far_after_history"]
    first = dt.date(2026, 6, 1)
    for missing in (HISTORY_GAP_WARN_DAYS - 1, HISTORY_GAP_WARN_DAYS):  # 27 days: a long holiday
        pair = _days(str(first), str(first + dt.timedelta(days=missing + 1)))
        assert len(history_warnings(pair, None)) == (missing >= HISTORY_GAP_WARN_DAYS)


def test_forecast_far_after_the_history_warns() -> None:
    history = synthetic_history(start=dt.date(1999, 1, 4), weeks=6, interval_min=60)
    days = [dt.date(2026, 11, 2) + dt.timedelta(days=i) for i in range(7)]
    result = forecast_history(history, zone="America/New_York", interval_min=60, days=days)
    assert [w.code for w in result.warnings] == ["horizon_far_after_history"]
    assert "1999-02-14" in result.warnings[0].message


def test_forecast_from_a_history_with_a_missing_month_warns() -> None:
    history = synthetic_history(start=dt.date(2025, 1, 6), weeks=14, interval_min=60)
    local = pd.DatetimeIndex(history["interval_start"]).tz_convert("America/New_York")
    holed = history[local.month != 2].reset_index(drop=True)
    result = forecast_history(holed, zone="America/New_York", interval_min=60)
    assert [w.code for w in result.warnings] == ["history_gap"]
    assert "2025-02" in result.warnings[0].message
    assert forecast_history(history, zone="America/New_York", interval_min=60).warnings == ()
