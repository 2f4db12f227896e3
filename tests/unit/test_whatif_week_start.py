"""What-if weekly figures follow the site's working week (``Base.week_start_day``).

Fourteen days from Monday 23 March 2026 (Europe/Paris, the spring DST change on Sunday the
29th): Monday weeks are 23 March and 30 March; Sunday weeks (a Sun-Thu site) are 22 March (six
days in the span), 29 March and 5 April (one day).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from scenarios.errors import InputError
from scenarios.sweep import base_from_payload, base_to_payload, run_sweep
from scenarios.whatif import BASE_NAME, Base, run_scenario
from scenarios.whatif_model import Scenario, WorkforceContract
from tests.scenarios_support import small_base

SUNDAY = 6


def _sunday_base(workforce: tuple[WorkforceContract, ...] = ()) -> Base:
    return dataclasses.replace(small_base(days=14, workforce=workforce), week_start_day=SUNDAY)


def _dates(*iso: str) -> list[pd.Timestamp]:
    return [pd.Timestamp(d) for d in iso]


def test_weekly_figures_group_by_sunday_weeks() -> None:
    monday = run_scenario(small_base(days=14), Scenario(BASE_NAME), keep_intervals=True)
    sunday = run_scenario(_sunday_base(), Scenario(BASE_NAME), keep_intervals=True)
    assert list(monday.weekly["week_start"]) == _dates("2026-03-23", "2026-03-30")
    assert list(sunday.weekly["week_start"]) == _dates("2026-03-22", "2026-03-29", "2026-04-05")
    assert all(d.day_of_week == SUNDAY for d in sunday.weekly["week_start"])
    assert sunday.intervals is not None
    frame = sunday.intervals
    into_week = (frame["local_date"] - frame["week_start"]).dt.days
    assert into_week.between(0, 6).all()
    daily = sunday.daily.set_index("local_date")["calls"]
    for start, calls in zip(sunday.weekly["week_start"], sunday.weekly["calls"], strict=True):
        week = daily[(daily.index >= start) & (daily.index < start + pd.Timedelta(days=7))]
        assert calls == pytest.approx(week.sum())
    # the horizon's totals do not depend on how days are grouped into weeks
    assert sunday.kpis.calls == pytest.approx(monday.kpis.calls)
    assert sunday.kpis.required_agent_hours == pytest.approx(monday.kpis.required_agent_hours)


def test_workforce_hours_are_pro_rata_over_the_sites_weeks() -> None:
    """40 agents x 38 h: a Sunday week with 6 days in the span gets 6/7 of the hours, the last
    (one day, Sunday 5 April) 1/7."""
    staff = (WorkforceContract("FT", headcount=40, weekly_hours=38.0, cost_per_hour=30.0),)
    result = run_scenario(_sunday_base(workforce=staff), Scenario(BASE_NAME))
    weekly_hours = 40 * 38.0
    expected = np.array([6 / 7, 1.0, 1 / 7]) * weekly_hours
    assert result.weekly["paid_hours"].to_numpy() == pytest.approx(expected)


def test_week_start_day_is_validated_and_hashed() -> None:
    with pytest.raises(InputError) as info:
        run_scenario(dataclasses.replace(small_base(), week_start_day=7), Scenario(BASE_NAME))
    assert info.value.problems[0].field == "week_start_day"
    monday = run_scenario(small_base(), Scenario(BASE_NAME))
    sunday = run_scenario(dataclasses.replace(small_base(), week_start_day=SUNDAY),
                          Scenario(BASE_NAME))  # fmt: skip
    assert monday.provenance.input_hash != sunday.provenance.input_hash
    assert monday.provenance.requirement_key == sunday.provenance.requirement_key


def test_sweeps_carry_the_week_start_day_to_their_workers() -> None:
    base = _sunday_base()
    assert base_from_payload(base_to_payload(base)).week_start_day == SUNDAY
    (swept,) = run_sweep(base, []).results
    direct = run_scenario(base, Scenario(BASE_NAME))
    assert list(swept.weekly["week_start"]) == list(direct.weekly["week_start"])
    assert swept.provenance.input_hash == direct.provenance.input_hash
