"""Overnight shifts: a shift belongs to the day it starts and may end after midnight; coverage,
rest, opening hours and the week boundary (last week's Sunday night, next week's history)."""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any

import pytest

from optimizer.errors import InputError
from optimizer.roster.check import check_roster
from optimizer.roster.constraints.rest import next_week_history
from optimizer.roster.evaluate import staffed_matrix
from optimizer.roster.generate_night import generate_247
from optimizer.roster.io import load_instance, load_roster, roster_to_json
from optimizer.roster.problem import (
    Activity,
    History,
    Roster,
    RosterProblem,
    Shift,
    through_midnight,
)
from optimizer.roster.shifts import enumerate_shift_types
from optimizer.roster.solve import SolveOptions, solve_roster
from tests.roster_support import agent, tiny_instance

NIGHT = [1200, 1920]  # start from 20:00, end by 08:00 next morning


def _night_doc(days: int = 7, **extra: Any) -> dict[str, Any]:
    """One night worker, open around the clock, one agent needed 22:00-06:00 every night."""
    req = [[1 if t * 15 >= 1320 or t * 15 < 360 else 0 for t in range(96)] for _ in range(days)]
    worker = agent("A1", "FT", days, availability=[NIGHT] * days, **extra)
    doc = tiny_instance([worker], days=days, requirement=req, opening_hours=[[0, 1440]] * days)
    doc["schema"] = "staffwise-roster-instance/3"
    doc["overnight_shifts"] = True
    doc["contracts"][0].update(
        min_weekly_paid_minutes=2400, max_weekly_paid_minutes=2400, max_days=5
    )
    doc["rules"]["min_days_off_per_week"] = 2
    return doc


def _night(day: int, start: int = 1320) -> Shift:
    """A 22:00 -> 06:30 shift (8 h paid + 30 min lunch) with its break and lunch."""
    acts = (Activity("break", start + 60, start + 75), Activity("lunch", start + 240, start + 270))
    return Shift("A1", day, start, start + 510, acts)


def test_overnight_shift_types_only_when_the_instance_asks() -> None:
    problem = load_instance(_night_doc())
    ends = {st.end_min for st in enumerate_shift_types(problem) if st.day == 6}
    assert max(ends) > 1440 and 1320 + 510 in ends  # last day: into next week's Monday
    plain = replace(problem, overnight_shifts=False)
    assert max(st.end_min for st in enumerate_shift_types(plain)) <= 1440
    assert [v.rule for v in check_roster(plain, Roster((_night(0),)))][:1] == ["grid"]


def test_coverage_of_a_night_shift_counts_on_the_next_day_not_past_the_week() -> None:
    problem = load_instance(_night_doc())
    staffed = staffed_matrix(problem, Roster((_night(0), _night(6))))
    assert (
        staffed[0, 88] == 1 and staffed[1, 0] == 1 and staffed[1, 25] == 1 and staffed[1, 26] == 0
    )
    assert staffed[1, 8:10].tolist() == [0, 0] and staffed[1, 10] == 1  # the lunch 02:00-02:30
    assert staffed[6, 88] == 1 and staffed[0, 0:4].tolist() == [0, 0, 0, 0]  # not wrapped


def test_opening_hours_and_rest_across_midnight() -> None:
    doc = _night_doc()
    doc["opening_hours"][1] = [480, 1440]  # opens 08:00: a night shift of day 0 cannot run on
    problem = load_instance(doc)
    found = {v.rule for v in check_roster(problem, Roster((_night(0),)))}
    assert "opening_hours" in found
    problem = load_instance(_night_doc())
    morning = Shift("A1", 1, 480, 990, _night(1, 480).activities)
    rest = [v for v in check_roster(problem, Roster((_night(0), morning))) if v.rule == "rest"]
    assert [v.message for v in rest] == ["only 90 min rest"]  # 06:30 -> 08:00


def test_sunday_night_shift_and_next_weeks_history_meet_the_rest_rule() -> None:
    """This week's last-night shift ends 06:30 on next week's day 0: next week's history says
    so, and next week's roster cannot start that agent before 17:30 (11 h later)."""
    week1 = load_instance(_night_doc())
    shifts = [_night(d) for d in (2, 3, 4, 5, 6)]
    assert check_roster(week1, Roster(tuple(shifts))) == []
    history = next_week_history(week1, week1.agents[0], shifts)
    assert history == History(5, 390)
    doc = _night_doc(history={"consecutive_days_worked": 5, "last_shift_end_minute": 390})
    doc["agents"][0]["availability"] = [[0, 1920]] * 7
    week2 = load_instance(doc)
    assert week2.agents[0].history == history
    early = Shift("A1", 0, 960, 1470, _night(0, 960).activities)  # 16:00: 9.5 h after 06:30
    rules = [v.rule for v in check_roster(week2, Roster((early,)))]
    assert "rest" in rules and "consecutive_days" in rules
    result = solve_roster(week2, SolveOptions(time_limit_s=8, workers=1))
    assert check_roster(week2, result.roster) == []
    assert all(s.day * 1440 + s.start_min >= 390 + 660 for s in result.roster.shifts)
    assert all(s.day != 0 for s in result.roster.shifts)  # 5 days in a row already


def test_overnight_rosters_round_trip_as_roster_2() -> None:
    problem = load_instance(_night_doc())
    roster = Roster((_night(6),))
    doc = roster_to_json(problem, roster)
    assert doc["schema"] == "staffwise-roster/2" and doc["shifts"][0]["end"] == 1830
    assert load_roster(doc) == roster
    with pytest.raises(InputError):
        load_roster({**copy.deepcopy(doc), "schema": "staffwise-roster/1"})
    day_only = roster_to_json(problem, Roster((Shift("A1", 0, 480, 990),)))
    assert day_only["schema"] == "staffwise-roster/1"


def test_generated_24_7_instance_is_solved_and_checked() -> None:
    doc = generate_247(8, seed=3, granularity=120)
    problem: RosterProblem = load_instance(doc)
    assert problem.overnight_shifts and all(o == (0, 1440) for o in problem.opening_hours)
    assert any(
        a.history.last_shift_end_min == 360 for a in problem.agents
    )  # worked last Sunday night
    result = solve_roster(problem, SolveOptions(time_limit_s=15, workers=1))
    assert check_roster(problem, result.roster) == []
    assert any(s.end_min > 1440 for s in result.roster.shifts)
    long = [s for s in result.roster.shifts if s.paid_min(problem.rules) == 480]
    assert long and all(len(s.activities) == 3 for s in long)


def test_a_night_only_site_open_past_midnight() -> None:
    """Open 18:00 -> 06:00 next morning (close 1800): shifts may run to 06:00, not later."""
    doc = _night_doc()
    doc["opening_hours"] = [[1080, 1800]] * 7
    problem = load_instance(doc)
    assert problem.open_until(3) == 1800
    assert max(st.end_min for st in enumerate_shift_types(problem)) == 1800
    late = {v.rule for v in check_roster(problem, Roster((_night(0),)))}  # ends 06:30
    early = {v.rule for v in check_roster(problem, Roster((_night(0, 1260),)))}  # ends 05:30
    assert "opening_hours" in late and "opening_hours" not in early


def test_a_window_to_midnight_runs_into_the_next_day_opening_at_midnight() -> None:
    """``through_midnight``: opening hours and (in the API) an agent's availability alike."""
    week = ((1200, 1440), (0, 240), (1200, 1440), (480, 1440), None, (0, 1440), (0, 1440))
    assert through_midnight(week, 0) == (1200, 1680)  # Tue opens 00:00: on to 04:00
    assert through_midnight(week, 2) == (1200, 1440)  # Thu opens 08:00: stops at midnight
    assert through_midnight(week, 3) == (480, 1440)  # Fri closed
    assert through_midnight(week, 5) == (0, 2880)  # a 24-hour Sun follows
    assert through_midnight(week, 6) == (0, 1440)  # next week's Mon (= this Mon) opens 20:00
    two = ((0, 1440), (0, 1440))
    assert through_midnight(two, 1) == (0, 2880)
    assert through_midnight(two, 1, cyclic=False) == (0, 1440)  # no day after the last
    with pytest.raises(ValueError, match="no window"):
        through_midnight(week, 4)
