"""Re-optimising around locks (optimizer.roster.locks) and absences in a roster week
(api.convert.absences): locked agent-days never change, the bound holds, partially locked
agents keep every rule, and approved leave lowers a contract's week as it says."""

from __future__ import annotations

import dataclasses

from api.convert.absences import Absence, absent_agent
from optimizer.roster import problem as rp
from optimizer.roster.check import check_roster
from optimizer.roster.io import load_instance
from optimizer.roster.locks import Locks, locked_changes, reduce_problem, solve_with_locks
from optimizer.roster.solve import SolveOptions, solve_roster
from tests.roster_support import agent, requirement, tiny_instance

FAST = SolveOptions(time_limit_s=3, workers=1)


def _problem() -> rp.RosterProblem:
    agents = [agent("A1"), agent("A2"), agent("F1", "FT"), agent("F2", "FT")]
    return load_instance(tiny_instance(agents, requirement=requirement(3, 3)))


def test_locked_agent_days_stay_and_the_bound_holds() -> None:
    problem = _problem()
    base = solve_roster(problem, FAST).roster
    first = base.shifts[0]
    # a locked agent-day without its shift: the re-optimisation must keep it empty
    edited = rp.Roster(tuple(s for s in base.shifts if s is not first))
    locks = Locks(agents=frozenset({"F1"}), shifts=frozenset({(first.agent, first.day)}))
    result = solve_with_locks(problem, edited, locks, FAST)
    assert locked_changes(edited, result.roster, locks) == []
    assert (first.agent, first.day) not in {(s.agent, s.day) for s in result.roster.shifts}
    assert check_roster(problem, result.roster) == list(result.violations) == []
    assert result.report.best_bound <= result.kpis.cost + 1e-6
    assert result.report.objective == result.kpis.cost


def test_the_reduced_problem_keeps_rest_and_weekly_limits_of_a_partly_locked_agent() -> None:
    problem = _problem()
    base = solve_roster(problem, FAST).roster
    shift = next(s for s in base.shifts if s.agent == "F2")
    reduction = reduce_problem(problem, base, Locks(shifts=frozenset({("F2", shift.day)})))
    f2 = next(a for a in reduction.problem.agents if a.id == "F2")
    paid = shift.paid_min(problem.rules)
    assert f2.availability[shift.day] is None
    assert f2.max_weekly_paid_min == 960 - paid and f2.max_days == 1
    after = f2.availability[shift.day + 1] if shift.day + 1 < problem.days else None
    if after is not None:  # rest after the locked shift
        assert after[0] >= shift.end_min + problem.rules.min_rest_min - 1440
    assert reduction.fixed == (shift,)


def test_everything_locked_is_returned_as_it_is_with_no_gap() -> None:
    problem = _problem()
    base = solve_roster(problem, FAST).roster
    everyone = Locks(agents=frozenset(a.id for a in problem.agents))
    result = solve_with_locks(problem, base, everyone, FAST)
    assert sorted(result.roster.shifts, key=str) == sorted(base.shifts, key=str)
    assert result.report.gap == 0.0


FIXED = rp.Contract("FIX", (240,), 1200, 1200, 5)
WEEK = rp.Agent("X", "FIX", ((540, 780),) * 5 + (None, None), 1200, 1200, 5)


def test_leave_on_a_fixed_contract_is_credited_or_at_least_leaves_a_possible_week() -> None:
    credited = absent_agent(WEEK, FIXED, 240, [Absence(2)])
    assert credited.availability[2] is None
    assert (credited.min_weekly_paid_min, credited.max_weekly_paid_min) == (960, 960)
    assert credited.max_days == 4
    plain = absent_agent(WEEK, FIXED, 0, [Absence(2)])  # not counted: 4 days of 4 h at most
    assert (plain.min_weekly_paid_min, plain.max_weekly_paid_min, plain.max_days) == (
        960, 1200, 4,
    )  # fmt: skip
    hours = absent_agent(WEEK, FIXED, 240, [Absence(1, (540, 600))])
    assert hours.availability[1] == (600, 780) and hours.min_weekly_paid_min == 1140
    assert absent_agent(WEEK, FIXED, 240, []) is WEEK


def test_an_agent_whose_free_days_cannot_hold_its_minimum_still_works_them() -> None:
    """F1 (2 x 8 h fixed) locked off on days 0 and 1: day 2 is all it has left. It works day 2
    and the week's minimum is reported broken (before: left without any shift)."""
    problem = _problem()
    base = rp.Roster(tuple(s for s in solve_roster(problem, FAST).roster.shifts
                           if (s.agent, s.day) not in {("F1", 0), ("F1", 1)}))  # fmt: skip
    locks = Locks(shifts=frozenset({("F1", 0), ("F1", 1)}))
    result = solve_with_locks(problem, base, locks, FAST)
    assert [s.day for s in result.roster.shifts if s.agent == "F1"] == [2]
    assert {(v.agent, v.rule) for v in result.violations} == {("F1", "weekly_minutes")}
    assert result.report.status == "INVALID"


def test_a_free_day_that_would_make_too_long_a_run_with_locked_shifts_is_unavailable() -> None:
    problem = _problem()
    base = rp.Roster((rp.Shift("F1", 0, 480, 1020), rp.Shift("F1", 1, 480, 1020)))
    locks = Locks(shifts=frozenset({("F1", 0), ("F1", 1)}))
    for limit, free in ((2, None), (3, (420, 1260))):
        rules = dataclasses.replace(problem.rules, max_consecutive_days=limit)
        reduced = reduce_problem(dataclasses.replace(problem, rules=rules), base, locks).problem
        f1 = next(a for a in reduced.agents if a.id == "F1")
        assert f1.availability[2] == free
