"""Price and branch on small sites (:mod:`optimizer.roster.price_branch`): the column bound
and the integer master's rosters against an independent exact optimum (CP-SAT on the
aggregate model with one class per agent, exact for every agent's week), the cutoff, and what
``solve_roster`` reports with them."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from optimizer.roster import cpsat
from optimizer.roster.backend import CpBackend
from optimizer.roster.bound import lp_lower_bound
from optimizer.roster.build import build_aggregate
from optimizer.roster.check import check_roster
from optimizer.roster.evaluate import evaluate_roster
from optimizer.roster.io import load_instance
from optimizer.roster.model import SCALE
from optimizer.roster.price_branch import (
    IntegerMaster,
    add_weeks,
    price_columns,
    roster_weeks,
)
from optimizer.roster.problem import RosterProblem
from optimizer.roster.shifts import AgentClass, enumerate_shift_types
from optimizer.roster.solve import SolveOptions, SolverProgress, solve_roster
from tests.roster_support import agent, peak_site

DEMO = Path(__file__).resolve().parents[2] / "bench" / "instances" / "demo-week.json"


def _site() -> RosterProblem:
    """Four part-timers with weekly ranges and two lengths over four days, a peak on day 1
    and a quiet day 3: their weeks do not follow from class totals."""
    team = [agent(f"P{i}", days=4) for i in range(3)]
    team.append(agent("Q", days=4, availability=[[480, 900]] * 4))
    return load_instance(peak_site(team, 3))


def _exact_optimum(problem: RosterProblem) -> float:
    """CP-SAT to optimality on the aggregate model with one class per agent."""
    types = enumerate_shift_types(problem)
    classes = [
        AgentClass(i, (a,), tuple(sorted({st.paid_min for st in types})), a.availability)
        for i, a in enumerate(problem.agents)
    ]
    backend = CpBackend()
    build_aggregate(problem, backend, types, classes)
    solver = cpsat.run(backend.model, 60, workers=2, seed=0)
    assert cpsat.status(solver) == "OPTIMAL"
    return solver.objective_value / SCALE


def test_column_bound_and_integer_master_bracket_the_exact_optimum() -> None:
    problem = _site()
    types = enumerate_shift_types(problem)
    columns = price_columns(problem, problem.agents, types, "deviation", time.monotonic() + 20)
    optimum = _exact_optimum(problem)
    assert columns.bound.converged
    assert lp_lower_bound(problem) * (1 - 1e-5) <= columns.bound.bound <= optimum + 1e-6
    roster = IntegerMaster(problem, types, columns.groups, "deviation").solve(10, 2, 0)
    assert roster is not None and check_roster(problem, roster) == []
    assert evaluate_roster(problem, roster).cost >= optimum - 1e-6
    # every agent works one of its group's priced weeks
    weeks = roster_weeks(problem, types, roster)
    for g in columns.groups:
        assert all(weeks[a.id] in g.weeks for a in g.agents)


def test_the_cutoff_accepts_only_cheaper_rosters() -> None:
    problem = _site()
    types = enumerate_shift_types(problem)
    columns = price_columns(problem, problem.agents, types, "deviation", time.monotonic() + 20)
    first = IntegerMaster(problem, types, columns.groups, "deviation").solve(10, 2, 0)
    assert first is not None
    cost = evaluate_roster(problem, first).cost
    below = IntegerMaster(problem, types, columns.groups, "deviation")
    below.below(cost)
    second = below.solve(10, 2, 0)
    assert second is None or evaluate_roster(problem, second).cost < cost - 1e-9
    above = IntegerMaster(problem, types, columns.groups, "deviation")
    above.below(cost + 0.01)
    again = above.solve(10, 2, 0)
    assert again is not None and evaluate_roster(problem, again).cost <= cost + 1e-9


def test_a_known_rosters_weeks_become_columns() -> None:
    problem = _site()
    types = enumerate_shift_types(problem)
    result = solve_roster(problem, SolveOptions(time_limit_s=4, workers=1))
    weeks = roster_weeks(problem, types, result.roster)
    by_agent = result.roster.by_agent()
    for a in problem.agents:
        worked = [(types[k].day, types[k].start_min, types[k].end_min) for k in weeks[a.id]]
        assert worked == [(s.day, s.start_min, s.end_min) for s in by_agent.get(a.id, [])]
    columns = price_columns(problem, problem.agents, types, "deviation", time.monotonic() + 20)
    before = sum(len(g.weeks) for g in columns.groups)
    added = add_weeks(columns.groups, weeks)
    assert sum(len(g.weeks) for g in columns.groups) == before + added
    assert add_weeks(columns.groups, weeks) == 0  # already there


def test_solve_reports_the_column_bound_when_it_is_tighter() -> None:
    problem = _site()
    events: list[SolverProgress] = []
    result = solve_roster(
        problem, SolveOptions(time_limit_s=6, workers=2, seed=0), on_progress=events.append
    )
    lp = lp_lower_bound(problem)
    optimum = _exact_optimum(problem)
    assert result.violations == ()
    assert lp * (1 - 1e-5) <= result.report.best_bound <= optimum + 1e-6
    assert result.report.objective >= optimum - 1e-6
    # every event's bound is a finite lower bound, never above the final one
    assert events and all(-1e9 < e.bound <= result.report.best_bound + 1e-9 for e in events)
    assert events[-1].bound == pytest.approx(result.report.best_bound)


@pytest.mark.skipif(not DEMO.exists(), reason="bench/instances/demo-week.json not exported")
def test_demo_week_bound_rises_above_the_lp() -> None:
    """The demo week: the agents' valid weeks bind (LP 34.934, column bound 35.684)."""
    problem = load_instance(DEMO)
    types = enumerate_shift_types(problem)
    columns = price_columns(problem, problem.agents, types, "deviation", time.monotonic() + 60)
    assert columns.bound.converged
    assert columns.bound.bound > lp_lower_bound(problem) + 0.5


@pytest.mark.skipif(not DEMO.exists(), reason="bench/instances/demo-week.json not exported")
def test_demo_week_solve_takes_the_integer_master_and_reports_the_column_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Where the weeks bind, the solve runs the integer master and certifies its roster
    against the column bound (the demo week's optimum, 35.684, is at that bound)."""
    problem = load_instance(DEMO)
    calls: list[float] = []
    solve = IntegerMaster.solve

    def counted(self: IntegerMaster, limit_s: float, *args: object, **kwargs: object) -> object:
        calls.append(limit_s)
        return solve(self, limit_s, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(IntegerMaster, "solve", counted)
    result = solve_roster(problem, SolveOptions(time_limit_s=40, workers=1, seed=0))
    assert result.violations == ()
    assert len(calls) == 1 and calls[0] > 1.0
    assert result.report.best_bound == pytest.approx(35.684, abs=1e-3)
    assert result.report.objective >= result.report.best_bound
