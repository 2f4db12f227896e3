"""The rule families' pure per-agent checks: one passing and one failing tiny case each."""

from __future__ import annotations

from typing import Any

from optimizer.roster.constraints.consecutive_days import consecutive_days_violations
from optimizer.roster.constraints.weekly_minutes import weekly_minutes_violations
from optimizer.roster.constraints.working_days import working_days_violations
from optimizer.roster.io import load_instance
from optimizer.roster.problem import RosterProblem
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
