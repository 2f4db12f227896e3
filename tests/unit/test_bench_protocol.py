"""The forecast benchmark's rolling-origin protocol (bench/forecast.py): one origin per week,
each open day of that week scored once, nothing known after the origin but planner-known
holidays."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pytest

from bench.forecast import forecast_week, plan_weeks, protocol_views
from forecasting.models.base import DayMatrix, TargetDays
from forecasting.models.intervals import DEFAULT_CALIBRATION
from forecasting.synthetic import synthetic_history

MONDAY = dt.date(2025, 3, 3)
ZONE = "America/New_York"


def weekdays(first: dt.date, days: int) -> list[dt.date]:
    span = (first + dt.timedelta(days=k) for k in range(days))
    return [d for d in span if d.weekday() < 5]


def test_each_open_day_of_a_week_is_scored_once_by_its_origin() -> None:
    origins = [MONDAY + dt.timedelta(weeks=k) for k in range(4)]
    # a 4-open-day week (Friday closed) and a Tuesday closure, as in the bank data
    closures = {MONDAY + dt.timedelta(days=4), MONDAY + dt.timedelta(weeks=2, days=1)}
    opened = [d for d in weekdays(MONDAY, 28) if d not in closures]
    plans = plan_weeks(origins, opened, closures)
    scored = [d for p in plans for d in p.scored_days]
    assert sorted(scored) == opened  # every open day, none twice
    for p in plans:
        assert all(p.origin <= d < p.origin + dt.timedelta(days=7) for d in p.scored_days)
    assert len(plans[0].scored_days) == 4  # the 4-day week does not borrow next Monday


def test_no_closure_after_the_origin_is_known_except_planner_holidays() -> None:
    origins = [MONDAY + dt.timedelta(weeks=k) for k in range(3)]
    unforeseen = MONDAY + dt.timedelta(weeks=1, days=1)  # a Tuesday
    holiday = MONDAY + dt.timedelta(weeks=2)  # a public holiday on a Monday
    closures = {dt.date(2025, 2, 14), unforeseen, holiday}
    opened = [d for d in weekdays(MONDAY, 21) if d not in closures]
    for p in plan_weeks(origins, opened, closures):
        assert all(d < p.origin for d in p.known_closed), p
        assert dt.date(2025, 2, 14) in p.known_closed  # the past is known
    week2 = plan_weeks(origins, opened, closures)[1]
    assert unforeseen in week2.forecast_days and unforeseen not in week2.scored_days
    planned = plan_weeks(origins, opened, closures, planner_known={holiday})
    assert holiday in planned[0].known_closed  # known in advance
    assert holiday not in planned[2].forecast_days
    assert unforeseen not in planned[1].known_closed
    assert all(d < p.origin or d == holiday for p in planned for d in p.known_closed)


def test_origins_less_than_a_week_apart_are_refused() -> None:
    with pytest.raises(ValueError, match="a week apart"):
        plan_weeks([MONDAY, MONDAY + dt.timedelta(days=3)], [], [])


@dataclass
class Spy:
    """A method that records what it is shown and forecasts 10 calls everywhere."""

    name: str = "spy"
    shown: list[tuple[DayMatrix, TargetDays]] = field(default_factory=list)

    def predict(self, train: DayMatrix, targets: TargetDays) -> np.ndarray:
        self.shown.append((train, targets))
        return np.full((targets.days.size, train.minutes.size), 10.0)


def centre_history(closed: set[dt.date]) -> pd.DataFrame:
    """Ten weeks of a Mon-Fri centre from MONDAY - 6 weeks, without the ``closed`` days."""
    start = MONDAY - dt.timedelta(weeks=6)
    frame = synthetic_history(start=start, weeks=10, interval_min=60, zone=ZONE, seed=3)
    local = frame["interval_start"].dt.tz_convert(ZONE).dt.date
    keep = [d.weekday() < 5 and d not in closed for d in local]
    return frame[keep].reset_index(drop=True)


def test_the_model_never_sees_a_closure_after_its_origin() -> None:
    closure = MONDAY + dt.timedelta(days=1)  # Tuesday of the first scored week
    history = centre_history({closure})
    origins = [MONDAY + dt.timedelta(weeks=k) for k in range(2)]
    plans, views = protocol_views(history, ZONE, origins)
    spy = Spy()
    forecast = forecast_week(spy, views[0], DEFAULT_CALIBRATION, clean=False)
    train, targets = next(s for s in spy.shown if s[1].days.size and s[1].days[0] == MONDAY)
    days = list(pd.DatetimeIndex(targets.days).date)
    assert days == weekdays(MONDAY, 7)  # Tuesday forecast: nobody knew it would close
    assert not targets.post_closure.any()  # Wednesday is not flagged as after a closure
    assert np.isnan(forecast.actual[1]).all()  # ... and the closed Tuesday is not scored
    assert pd.Timestamp(train.days[-1]).date() < MONDAY
    # a week later the closure is history: known, and flagged on the day after it
    assert closure in plans[1].known_closed
    later = views[1].train
    wednesday = int(np.searchsorted(later.days, np.datetime64(closure + dt.timedelta(days=1))))
    assert later.post_closure[wednesday]
