"""Agents' preferences (days off wished, preferred start times) priced in the roster objective."""

from __future__ import annotations

import time
from typing import Any

import pytest

from optimizer.errors import InputError
from optimizer.roster.bound import lp_lower_bound
from optimizer.roster.evaluate import evaluate_roster
from optimizer.roster.io import load_instance
from optimizer.roster.polish import PolishOptions, polish_roster
from optimizer.roster.problem import Preferences
from optimizer.roster.shifts import agent_classes
from optimizer.roster.solve import SolveOptions, solve_roster
from tests.roster_support import agent, incumbent_of, requirement, tiny_instance

FAST = SolveOptions(time_limit_s=5, workers=1)
NO_WISH: dict[str, Any] = {}


def _midday(days: int) -> list[list[int]]:
    """One agent needed 10:00-14:00 every day (a 4-hour shift covers it but its break)."""
    return requirement(days, 1, open_min=600, close_min=840)


def _shift_days(result: Any, aid: str) -> set[int]:
    return {s.day for s in result.roster.shifts if s.agent == aid}


def test_preference_cost_is_linear_in_hours_outside_the_window() -> None:
    prefs = Preferences((5, 6), 2.0, (480, 540), 0.5)
    assert prefs.active
    assert prefs.shift_cost(0, 510) == 0.0
    assert prefs.shift_cost(0, 600) == pytest.approx(0.5)  # one hour after 09:00
    assert prefs.shift_cost(5, 420) == pytest.approx(2.0 + 0.5)  # wished off, one hour early
    assert not Preferences((5,), 0.0).active and not Preferences().active


def test_day_off_wish_is_granted_when_a_colleague_can_cover() -> None:
    wish = {"days_off": [0], "day_off_weight": 5.0}
    agents = [agent("A1", preferences=wish), agent("A2")]
    problem = load_instance(tiny_instance(agents, requirement=_midday(3)))
    result = solve_roster(problem, FAST)
    assert result.violations == ()
    assert 0 not in _shift_days(result, "A1")
    assert 0 in _shift_days(result, "A2")
    assert result.kpis.preference_cost == 0.0 and result.kpis.preference_misses == 0
    # agents with different wishes are different classes of the aggregate model
    assert len(agent_classes(problem, problem.agents)) == 2


def test_coverage_outweighs_a_cheap_wish_and_the_cost_reports_it() -> None:
    wish = {"days_off": [0], "day_off_weight": 0.5}
    demand = _midday(3)
    demand[2] = [0] * 96  # demand on days 0 and 1 only; the agent may work two days
    problem = load_instance(tiny_instance([agent("A1", preferences=wish)], requirement=demand))
    result = solve_roster(problem, FAST)
    assert _shift_days(result, "A1") == {0, 1}
    assert result.kpis.preference_misses == 1
    assert result.kpis.preference_cost == pytest.approx(0.5)
    assert result.kpis == evaluate_roster(problem, result.roster)
    plain = load_instance(tiny_instance([agent("A1")], requirement=demand))
    no_pref = evaluate_roster(plain, result.roster)
    assert result.kpis.cost == pytest.approx(no_pref.cost + 0.5)
    # the LP bound prices the wish too: it cannot be met without losing coverage
    assert lp_lower_bound(plain) + 0.5 - 1e-6 <= result.report.lp_bound
    assert result.report.lp_bound <= result.kpis.cost + 1e-6


def test_preferred_start_time_is_used_when_nothing_else_matters() -> None:
    wish = {"preferred_start": ["10:30", "10:30"], "start_weight": 1.0}
    doc = tiny_instance([agent("A1", preferences=wish)], requirement=requirement(3, 0))
    problem = load_instance(doc)
    result = solve_roster(problem, FAST)
    starts = {s.start_min for s in result.roster.shifts}
    assert starts == {630}  # the contract's 240 minutes must be worked; 10:30 costs nothing
    assert result.kpis.preference_cost == 0.0
    assert result.report.gap == pytest.approx(0.0, abs=1e-9)


def test_wishes_raise_the_bound_by_what_cannot_be_granted() -> None:
    """A lone agent whose only feasible shifts all start >= 1 h outside the window."""
    wish = {"preferred_start": ["07:00", "07:00"], "start_weight": 1.0}
    late = agent("A1", availability=[[480, 1260]] * 3, preferences=wish)
    problem = load_instance(tiny_instance([late], requirement=requirement(3, 0)))
    bound = lp_lower_bound(problem)
    result = solve_roster(problem, FAST)
    assert result.kpis.preference_cost == pytest.approx(1.0)
    assert bound >= 1.0 - 1e-6
    assert bound <= result.kpis.cost + 1e-6


def test_polish_moves_a_shift_off_a_wished_day_without_losing_coverage() -> None:
    """Start from a roster that ignores the wish; the agent-level polish grants it."""
    plain = load_instance(tiny_instance([agent("A1"), agent("A2")], requirement=_midday(3)))
    start = solve_roster(plain, FAST)
    worker = sorted({s.agent for s in start.roster.shifts if s.day == 0})[0]
    wish = {"days_off": [0], "day_off_weight": 3.0}
    agents = [agent(a, preferences=wish if a == worker else NO_WISH) for a in ("A1", "A2")]
    problem = load_instance(tiny_instance(agents, requirement=_midday(3)))
    types, incumbent = incumbent_of(problem, start.roster)
    before = evaluate_roster(problem, start.roster)
    assert before.preference_cost == pytest.approx(3.0)
    options = PolishOptions(round_s=2.0, workers=1)
    final, stats = polish_roster(
        problem, types, problem.agents, incumbent, time.monotonic() + 20, options
    )
    assert stats.cost_before == pytest.approx(before.cost)
    assert stats.cost_after == pytest.approx(before.cost - 3.0)
    assert 0 not in final.shifts[worker]


@pytest.mark.parametrize(
    ("prefs", "field", "code"),
    [
        ({"days_off": [7]}, "agents[0].preferences.days_off", "range"),
        ({"day_off_weight": -1}, "agents[0].preferences.day_off_weight", "range"),
        ({"preferred_start": ["09:00", "08:00"]}, "agents[0].preferences.preferred_start", "order"),
        (
            {"preferred_start": ["09:10", "10:00"]},
            "agents[0].preferences.preferred_start[0]",
            "grid",
        ),
        ({"start_time": "09:00"}, "agents[0].preferences.start_time", "unknown"),
        ("weekends", "agents[0].preferences", "type"),
    ],
)
def test_bad_preferences_name_the_field(prefs: Any, field: str, code: str) -> None:
    with pytest.raises(InputError) as info:
        load_instance(tiny_instance([agent("A1", preferences=prefs)]))
    assert (field, code) in {(p.field, p.code) for p in info.value.problems}
