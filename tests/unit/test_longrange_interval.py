"""Long-range forecast: method per horizon band and the interval calibrated on past origins."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from forecasting.longrange import weekly_history
from forecasting.longrange_fit import forecast_weekly
from forecasting.longrange_interval import band_multipliers, calibrated_width, growth
from tests.unit.test_longrange import MONDAY, daily_history


def errors_frame(origins: int, horizons: int, size: Callable[[int, int], float]) -> pd.DataFrame:
    """Backtest errors of alternating sign; ``size(origin, horizon)`` their magnitude."""
    rows = [
        (o, h, (1 if (o + h) % 2 else -1) * size(o, h))
        for o in range(8, 8 + origins)
        for h in range(1, horizons + 1)
    ]
    return pd.DataFrame(rows, columns=["origin", "horizon", "log_error"])


def test_a_band_without_backtest_errors_gets_the_benchmark() -> None:
    rng = np.random.default_rng(1)
    values = {}
    for i in range(7 * 20):  # 20 weeks growing 3 % a week: too short to backtest 9+ weeks
        day = MONDAY + dt.timedelta(days=i)
        if day.weekday() < 5:
            values[day] = 1000.0 * 1.03 ** (i // 7) * (1 + 0.01 * rng.standard_normal())
    history = daily_history(values)
    fc = forecast_weekly(history, 20, zone="UTC")
    assert fc.band_methods[0] == "damped"  # the trend, backtested 1-4 weeks ahead
    assert fc.band_methods[2:] == ("mean_4", "mean_4")
    rates = weekly_history(history, zone="UTC").frame["rate"].to_numpy()
    flat = np.exp(np.mean(np.log(rates[-4:])))
    assert fc.frame["calls"].iloc[8:].to_numpy() == pytest.approx(np.full(12, flat))
    assert fc.frame["calls"].iloc[3] > fc.frame["calls"].iloc[0]


def test_the_interval_widens_when_past_origins_erred_more_than_it_said() -> None:
    growing = errors_frame(30, 13, lambda o, h: 0.01 if o < 23 else 0.05)
    shrinking = errors_frame(30, 13, lambda o, h: 0.05 if o < 23 else 0.01)
    assert band_multipliers(growing, 0.8)[0] > 1.5
    assert band_multipliers(shrinking, 0.8)[0] < 0.9
    # few origins behind a band's scores: the multiplier stays near the model's own interval
    few = errors_frame(6, 13, lambda o, h: 0.01 if o < 12 else 0.05)
    assert 1.0 < band_multipliers(few, 0.8)[0] < band_multipliers(growing, 0.8)[0]


def test_width_beyond_the_backtest_grows_as_the_errors_did() -> None:
    flat = errors_frame(30, 6, lambda o, h: 0.04)
    rising = errors_frame(30, 6, lambda o, h: 0.02 * np.sqrt(h))
    assert growth(flat["horizon"].to_numpy(), flat["log_error"].to_numpy()) == pytest.approx(0.0)
    assert growth(rising["horizon"].to_numpy(), rising["log_error"].to_numpy()) == pytest.approx(
        0.5
    )
    targets = np.array([6, 24])
    flat_width, _ = calibrated_width(flat, targets, 0.8)
    rising_width, _ = calibrated_width(rising, targets, 0.8)
    assert flat_width[1] == pytest.approx(flat_width[0])  # no growth: no widening
    assert rising_width[1] == pytest.approx(2.0 * rising_width[0], rel=0.05)  # sqrt(24 / 6)
