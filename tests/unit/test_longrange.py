"""Long-range weekly forecast: weeks and calendar weights, methods, yearly index, intervals."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from statsmodels.tsa.holtwinters import ExponentialSmoothing

from forecasting.errors import InsufficientHistoryError
from forecasting.longrange import CARRY_PRIOR, KnownDays, weekly_history
from forecasting.longrange_fit import forecast_weekly, monthly_totals
from forecasting.longrange_models import Smoothing

MONDAY = dt.date(2025, 1, 6)


def daily_history(values: dict[dt.date, float]) -> pd.DataFrame:
    """One interval a day at local noon (zone UTC) holding the day's calls."""
    days = sorted(values)
    starts = pd.DatetimeIndex([pd.Timestamp(d) + pd.Timedelta(hours=12) for d in days], tz="UTC")
    return pd.DataFrame({"interval_start": starts, "offered": [values[d] for d in days]})


def weekday_series(
    weeks: int, level: float = 1000.0, skip: frozenset[dt.date] = frozenset()
) -> dict[dt.date, float]:
    """Mon-Fri, Monday twice a normal day, ``level`` a normal day."""
    out = {}
    for i in range(7 * weeks):
        day = MONDAY + dt.timedelta(days=i)
        if day.weekday() < 5 and day not in skip:
            out[day] = level * (2.0 if day.weekday() == 0 else 1.0)
    return out


def test_smoothing_matches_statsmodels_ses() -> None:
    rng = np.random.default_rng(3)
    series = np.log(1000 + np.cumsum(40 * rng.standard_normal(60)) + 200)
    ours = Smoothing(damped=False).predict(series, 5)
    fitted = ExponentialSmoothing(series, initialization_method="estimated").fit()
    assert ours == pytest.approx(fitted.forecast(5), abs=0.02)


def test_weekday_centre_keeps_its_last_week_and_weights_closures() -> None:
    holiday = MONDAY + dt.timedelta(weeks=3)  # a Monday: 2 of the week's 6 normal-day units
    weekly = weekly_history(
        daily_history(weekday_series(10, skip=frozenset({holiday}))), zone="UTC"
    )
    frame = weekly.frame
    assert len(frame) == 10  # Sat/Sun without rows do not make the last week partial
    assert frame["weight"].iloc[3] == pytest.approx(4 / 6)
    assert frame["rate"].iloc[3] == pytest.approx(6000.0)  # the rate of a normal week
    assert weekly.weekday_share[0] == pytest.approx(2 / 6)


def test_a_known_closure_takes_its_weekday_share_off_the_week() -> None:
    past = MONDAY + dt.timedelta(weeks=5)  # closed, its calls lost: the week keeps none of them
    history = daily_history(weekday_series(20, skip=frozenset({past})))
    closed = MONDAY + dt.timedelta(weeks=21)
    known = KnownDays(closed=frozenset({past, closed}))
    fc = forecast_weekly(history, 3, zone="UTC", known=known)
    calls = fc.frame["calls"].to_numpy()
    assert calls[0] == pytest.approx(6000.0)
    assert calls[1] == pytest.approx(6000.0 * 4 / 6)  # Monday closed: a third of the week gone
    assert fc.frame["calls_lo"].iloc[1] <= calls[1] <= fc.frame["calls_hi"].iloc[1]


def test_the_calls_a_closed_day_moves_into_its_week_are_learned() -> None:
    past = MONDAY + dt.timedelta(weeks=5)
    days = weekday_series(20, skip=frozenset({past}))
    days[past + dt.timedelta(days=1)] += 1500.0  # 3/4 of the closed Monday's 2000 come Tuesday
    closed = MONDAY + dt.timedelta(weeks=21)
    known = KnownDays(closed=frozenset({past, closed}))
    weekly = weekly_history(daily_history(days), zone="UTC", known=known)
    assert weekly.carry == pytest.approx(0.75)
    assert weekly.frame["rate"].iloc[5] == pytest.approx(6000.0)  # the week's rate stays normal
    fc = forecast_weekly(daily_history(days), 2, zone="UTC", known=known)
    assert fc.frame["calls"].iloc[1] == pytest.approx(6000.0 - 0.25 * 2000.0)
    week = fc.days[fc.days["week_start"] == closed]  # spread over the days: none on the closed one
    assert week["weight"].to_numpy()[list(week["day"]).index(closed)] == 0.0
    assert week["weight"].sum() == pytest.approx(fc.frame["weight"].iloc[1])
    only_future = KnownDays(closed=frozenset({closed}))  # no closure in the history: the prior
    without = forecast_weekly(daily_history(weekday_series(20)), 2, zone="UTC", known=only_future)
    assert without.frame["calls"].iloc[1] == pytest.approx(6000.0 - CARRY_PRIOR * 2000.0)


def test_event_share_is_learned_from_past_events() -> None:
    days = weekday_series(20)
    past, future = MONDAY + dt.timedelta(weeks=5, days=2), MONDAY + dt.timedelta(weeks=21, days=2)
    days[past] = 250.0  # a holiday Wednesday: a quarter of a normal day
    known = KnownDays(events=frozenset({past, future}))
    fc = forecast_weekly(daily_history(days), 2, zone="UTC", known=known)
    assert fc.event_share == pytest.approx(0.25)
    assert fc.frame["calls"].iloc[1] == pytest.approx(6000.0 - 750.0)


def test_yearly_pattern_from_three_years() -> None:
    rng = np.random.default_rng(5)
    values = {}
    for i in range(7 * 156):
        day = MONDAY + dt.timedelta(days=i)
        season = 1.0 + 0.3 * np.sin(2 * np.pi * day.timetuple().tm_yday / 365.25)
        values[day] = 1000.0 * season * (1 + 0.02 * rng.standard_normal())
    history = daily_history(values)
    fc = forecast_weekly(history, 52, zone="UTC")
    assert fc.yearly
    calls = fc.frame["calls"].to_numpy()
    assert calls.max() / calls.min() > 1.5  # the season is carried forward
    flat = forecast_weekly(history.iloc[-7 * 100 :], 52, zone="UTC")
    assert not flat.yearly


def test_intervals_widen_beyond_the_backtest_and_months_add_up() -> None:
    rng = np.random.default_rng(9)
    values = {d: v * (1 + 0.05 * rng.standard_normal()) for d, v in weekday_series(30).items()}
    fc = forecast_weekly(daily_history(values), 52, zone="UTC")
    width = (fc.frame["calls_hi"] - fc.frame["calls_lo"]) / fc.frame["calls"]
    assert width.iloc[-1] > width.iloc[12] > 0
    months = monthly_totals(fc)
    assert months["calls"].sum() == pytest.approx(fc.frame["calls"].sum())


def test_too_short_a_history_is_refused() -> None:
    with pytest.raises(InsufficientHistoryError):
        forecast_weekly(daily_history(weekday_series(4)), 26, zone="UTC")
