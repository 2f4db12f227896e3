"""Weekly need from a long-range forecast: spread, Erlang per interval, band, FTE, mix."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from forecasting.longrange_fit import forecast_weekly
from optimizer.requirements import ServiceGoal, required_agents
from scenarios.errors import InputError
from scenarios.need import ContractShare, interval_profile, weekly_need

MONDAY = dt.date(2025, 1, 6)
GOAL = ServiceGoal(service_level=0.8, answer_within_s=20.0)


def history(weeks: int) -> pd.DataFrame:
    """Mon-Fri, two 60-minute intervals a day (09:00 a quarter, 10:00 three quarters of 400
    calls), AHT 240 s."""
    rows = []
    for i in range(7 * weeks):
        day = MONDAY + dt.timedelta(days=i)
        if day.weekday() < 5:
            for hour, calls in ((9, 100), (10, 300)):
                rows.append((pd.Timestamp(day, tz="UTC") + pd.Timedelta(hours=hour), calls))
    frame = pd.DataFrame(rows, columns=["interval_start", "offered"])
    frame["handled"], frame["aht_s"] = frame["offered"], 240.0
    return frame


def test_need_is_the_erlang_requirement_of_each_interval_summed() -> None:
    hist = history(12)
    fc = forecast_weekly(hist, 2, zone="UTC")
    profile = interval_profile(hist, zone="UTC", interval_min=60)
    assert sorted(profile.share[profile.weekday == 0]) == pytest.approx([0.25, 0.75])
    mix = (ContractShare("ft", 40.0, 0.5), ContractShare("pt", 20.0, 0.5))
    need = weekly_need(fc, profile, goal=GOAL, shrinkage=0.2, fte_hours=40.0, mix=mix).frame
    # by hand: every day 100 and 300 calls in an hour at 240 s
    per_day = required_agents([100.0, 300.0], 240.0, interval_min=60, goal=GOAL).agents.sum()
    assert need["calls"].iloc[0] == pytest.approx(2000.0)
    assert need["need_hours"].iloc[0] == pytest.approx(5 * per_day)
    assert need["productive_fte"].iloc[0] == pytest.approx(5 * per_day / 40.0)
    assert need["paid_fte"].iloc[0] == pytest.approx(5 * per_day / 40.0 / 0.8)
    paid = need["paid_hours"].iloc[0]
    assert need["heads_pt"].iloc[0] == pytest.approx(paid * 0.5 / 20.0)
    ordered = need[["need_hours_lo", "need_hours", "need_hours_p80", "need_hours_hi"]].iloc[0]
    assert np.all(np.diff(ordered.to_numpy()) >= 0)


def test_need_without_aht_asks_for_the_planned_one() -> None:
    hist = history(12).drop(columns=["aht_s", "handled"])
    fc = forecast_weekly(hist, 1, zone="UTC")
    profile = interval_profile(hist, zone="UTC", interval_min=60)
    with pytest.raises(InputError) as err:
        weekly_need(fc, profile, goal=GOAL)
    assert err.value.problems[0].field == "aht_s"
    assert weekly_need(fc, profile, goal=GOAL, aht_s=240.0).frame["need_hours"].iloc[0] > 0


def test_deferred_work_needs_its_workload_not_an_erlang_requirement() -> None:
    """E-mail due within a deadline: 2,000 items of 240 s a week are 133.3 h of work, 166.7 h
    at 80 % occupancy, in every band (by hand), whatever the seconds goal; far below the Erlang
    need of the same volume answered in 20 s."""
    hist = history(12)
    fc = forecast_weekly(hist, 2, zone="UTC")
    profile = interval_profile(hist, zone="UTC", interval_min=60)
    need = weekly_need(fc, profile, goal=GOAL, fte_hours=40.0, deferred_occupancy=0.8).frame
    assert need["need_hours"].iloc[0] == pytest.approx(2000.0 * 240.0 / 3600.0 / 0.8)
    for band in ("_lo", "_hi", "_p80"):
        row = need.iloc[0]
        assert row[f"need_hours{band}"] == pytest.approx(row[f"calls{band}"] * 240.0 / 3600 / 0.8)
    assert need["productive_fte"].iloc[0] == pytest.approx(2000.0 * 240.0 / 3600.0 / 0.8 / 40.0)
    erlang = weekly_need(fc, profile, goal=GOAL).frame["need_hours"].iloc[0]
    assert need["need_hours"].iloc[0] < erlang
    with pytest.raises(InputError) as err:
        weekly_need(fc, profile, goal=GOAL, deferred_occupancy=0.0)
    assert err.value.problems[0].field == "deferred_occupancy"
