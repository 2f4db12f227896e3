"""The rule families' pure per-agent checks: one passing and one failing tiny case each."""

from __future__ import annotations

from typing import Any

from optimizer.roster.constraints.activities import activities_apart, activity_violations
from optimizer.roster.constraints.availability import availability_violations
from optimizer.roster.constraints.consecutive_days import consecutive_days_violations
from optimizer.roster.constraints.preferences import preference_penalty
from optimizer.roster.constraints.rest import rest_violations, rest_window
from optimizer.roster.constraints.weekly_minutes import weekly_minutes_violations
from optimizer.roster.constraints.working_days import working_days_violations
from optimizer.roster.io import load_instance
from optimizer.roster.problem import Activity, RosterProblem, Shift
from tests.roster_support import agent, tiny_instance


def _problem(**extra: Any) -> RosterProblem:
    """One part-timer (A1) over three days; ``extra`` goes into the agent."""
    return load_instance(tiny_instance([agent("A1", **extra)]))


def test_consecutive_days_counts_last_weeks_tail() -> None:
    """Limit 5: after four days worked last week, day 0 is the fifth, day 1 a sixth."""
    problem = _problem(history={"consecutive_days_worked": 4, "last_shift_end_minute": None})
    a1 = problem.agents[0]
    assert consecutive_days_violations(problem, a1, {0, 2}) == []
    [violation] = consecutive_days_violations(problem, a1, {0, 1})
    assert (violation.day, violation.rule) == (1, "consecutive_days")
    assert violation.message == "6 consecutive days > 5"


def test_working_days_one_shift_a_day_within_the_contracts_days_and_days_off() -> None:
    """Part-timer: at most 2 days; 3 days in the week, one of them off."""
    problem = _problem()
    a1 = problem.agents[0]
    assert working_days_violations(problem, a1, [0, 2]) == []
    rules = {v.rule for v in working_days_violations(problem, a1, [0, 1, 2])}
    assert rules == {"max_days", "min_days_off"}
    [twice] = working_days_violations(problem, a1, [1, 1])
    assert (twice.day, twice.rule) == (None, "one_shift_per_day")


def test_weekly_minutes_within_the_contract_unless_an_optional_agent_is_unused() -> None:
    """Part-timer: 240..720 paid minutes a week; a vacancy (optional) may stay unused."""
    a1 = _problem().agents[0]
    assert weekly_minutes_violations(a1, 480, used=True) == []
    [over] = weekly_minutes_violations(a1, 780, used=True)
    assert (over.rule, over.message) == ("weekly_minutes", "780 paid min not in [240, 720]")
    assert [v.rule for v in weekly_minutes_violations(a1, 0, used=False)] == ["weekly_minutes"]
    vacancy = _problem(optional=True).agents[0]
    assert weekly_minutes_violations(vacancy, 0, used=False) == []
    assert len(weekly_minutes_violations(vacancy, 120, used=True)) == 1


LATE_LAST_WEEK = {"consecutive_days_worked": 1, "last_shift_end_minute": -120}  # 22:00


def test_rest_after_last_week_and_between_days() -> None:
    """11 h rest: last week ended at 22:00, so day 0 starts at 09:00 at the earliest; a
    shift ending 20:00 allows 07:00 the next day, not 06:00."""
    problem = _problem(history=LATE_LAST_WEEK)
    a1 = problem.agents[0]
    assert rest_violations(problem, a1, [(0, 540, 1200), (1, 420, 900)]) == []
    found = rest_violations(problem, a1, [(0, 480, 1200), (1, 360, 900)])
    assert [(v.day, v.rule, v.message) for v in found] == [
        (0, "rest", "only 600 min rest"),
        (1, "rest", "only 600 min rest"),
    ]


def test_rest_window_between_the_neighbouring_shifts() -> None:
    problem = _problem(history=LATE_LAST_WEEK)
    a1 = problem.agents[0]
    assert rest_window(problem, a1, 0, None, None) == (540, None)
    assert rest_window(problem, a1, 1, (0, 1200), (2, 420)) == (420, 1200)
    fresh = _problem()
    assert rest_window(fresh, fresh.agents[0], 0, None, None) == (None, None)


def test_availability_grid_opening_hours_and_contract_length() -> None:
    """Open and available 07:00-21:00, starts every 30 min, part-timer: 4 h or 6 h paid."""
    problem = _problem()
    a1 = problem.agents[0]
    four_hours = Shift("A1", 0, 480, 720, (Activity("break", 570, 585),))
    assert availability_violations(problem, a1, four_hours) == []
    late_and_odd = Shift("A1", 0, 1005, 1275)  # 16:45-21:15: 4.5 h paid, off the start grid
    rules = [v.rule for v in availability_violations(problem, a1, late_and_odd)]
    assert rules == ["start_granularity", "opening_hours", "availability", "shift_length"]


def test_activities_required_placed_in_their_windows_and_apart() -> None:
    """4 h paid: a 15-min break 60 min after the start at the earliest; 6 h: also a lunch."""
    problem = _problem()
    four_hours = Shift("A1", 0, 480, 720, (Activity("break", 570, 585),))
    assert activity_violations(problem, four_hours) == []
    early_break = Shift("A1", 0, 480, 870, (Activity("break", 495, 510),))  # 6 h paid
    found = [(v.rule, v.message) for v in activity_violations(problem, early_break)]
    assert found == [
        ("break", "break starts outside its window"),
        ("lunch", "0 lunch(s), expected 1"),
    ]
    assert activities_apart(problem.rules, 600, 700)  # break 10:00, lunch 11:40
    assert not activities_apart(problem.rules, 600, 640)  # lunch 10:40: 25 min after


def test_preference_penalty_of_a_wished_day_off_and_a_late_start() -> None:
    wishes = {"days_off": [1], "day_off_weight": 2.0, "preferred_start": ["08:00", "09:00"]}
    prefs = _problem(preferences={**wishes, "start_weight": 0.5}).agents[0].preferences
    assert preference_penalty(prefs, 0, 480) == 0.0
    assert preference_penalty(prefs, 1, 600) == 2.0 + 0.5  # day off, one hour late
    assert preference_penalty(_problem().agents[0].preferences, 1, 600) == 0.0
