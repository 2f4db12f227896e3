"""SCIP's day rounds (:mod:`optimizer.roster.mip_days`): the same model as CP-SAT's by name, a
round finds the neighbourhood's optimum, frozen counts stay, a lower bound stops the search,
and the aggregate search hands SCIP's counts back to CP-SAT at the same objective.

A part-timer must work exactly one 4-hour shift; demand is on Tuesday only and the incumbent
has the shift on Monday.
"""

from __future__ import annotations

import time

import pytest
from ortools.sat.python import cp_model

from optimizer.roster import cpsat
from optimizer.roster.aggregate_search import ProgressRelay, loose, search_aggregate
from optimizer.roster.backend import CpBackend
from optimizer.roster.build import AggregateModel, build_aggregate
from optimizer.roster.io import load_instance
from optimizer.roster.mip_days import MipDays, MipModel, build_mip
from optimizer.roster.problem import RosterProblem
from optimizer.roster.shifts import agent_classes, enumerate_shift_types
from optimizer.roster.solve_options import SolveOptions
from tests.roster_support import agent, requirement, tiny_instance

ONE_SHIFT = {"min_weekly_paid_minutes": 240, "max_weekly_paid_minutes": 240}


def _problem(agents: list[dict[str, object]], demand: list[list[int]]) -> RosterProblem:
    return load_instance(tiny_instance(agents, requirement=demand))


def _models(problem: RosterProblem) -> tuple[AggregateModel, MipModel]:
    types = enumerate_shift_types(problem)
    classes = agent_classes(problem, problem.agents)
    cp = build_aggregate(problem, CpBackend(), types, classes)
    return cp, build_mip(problem, types, classes)


def _tuesday_only() -> list[list[int]]:
    return [[0] * 96, requirement(2)[1], [0] * 96]


def _values(m: AggregateModel, solver: cp_model.CpSolver) -> dict[str, int]:
    assert isinstance(m.backend, CpBackend)
    return {v.name: int(solver.value(v)) for v in m.backend.variables}


def _monday_incumbent(m: AggregateModel) -> cp_model.CpSolver:
    """A solution with every class shift on Monday (other days' counts forced to 0)."""
    assert isinstance(m.backend, CpBackend)
    for (_, k), var in m.x.items():
        if m.types[k].day != 0:
            cpsat.set_domain(m.backend.model, var, 0, 0)
    solver = cpsat.run(m.backend.model, 5.0, seed=0)
    assert cpsat.found(solver)
    return solver


def _optimum(problem: RosterProblem) -> int:
    cp, _ = _models(problem)
    assert isinstance(cp.backend, CpBackend)
    solver = cpsat.run(cp.backend.model, 10.0, seed=0)
    assert solver.response_proto.status == cp_model.OPTIMAL
    return round(solver.objective_value)


def test_the_scip_model_is_the_cp_sat_model_by_name() -> None:
    problem = _problem([agent("P1"), agent("F1", "FT")], requirement(3))
    cp, mip = _models(problem)
    assert isinstance(cp.backend, CpBackend)
    assert set(mip.names) == {v.name for v in cp.backend.variables}
    counts = {mip.names[i] for i, _ in mip.counts}
    assert counts == {var.name for var, _ in cp.count_vars()} and counts
    assert len(mip.proto.constraint) == len(cp.backend.model.proto.constraints)


@pytest.mark.parametrize("lanes", [1, 2])
def test_a_round_moves_the_shift_to_the_day_with_demand_at_the_optimum(lanes: int) -> None:
    problem = _problem([agent("P1", **ONE_SHIFT)], _tuesday_only())
    cp, mip = _models(problem)
    first = _monday_incumbent(cp)
    start = round(first.objective_value)
    better: list[int] = []
    rounds = MipDays(mip, radius=1, lanes=lanes)
    values, objective = rounds.run(
        _values(cp, first), start, [0, 1, 2], time.monotonic() + 30, 5.0, on_better=better.append
    )
    rounds.close()
    assert objective < start and better[-1] == objective
    assert objective == _optimum(problem)
    worked = {cp.types[k].day for (_, k), var in cp.x.items() if values[var.name] > 0}
    assert worked == {1}


def test_frozen_counts_stay_and_the_start_is_never_made_worse() -> None:
    problem = _problem([agent("P1", **ONE_SHIFT)], _tuesday_only())
    cp, mip = _models(problem)
    first = _monday_incumbent(cp)
    start = _values(cp, first)
    monday = {var.name: 1 for var in cp.x.values() if start[var.name] == 1}
    rounds = MipDays(mip, radius=1, frozen=dict(monday))
    values, objective = rounds.run(
        start, round(first.objective_value), [0, 1, 2], time.monotonic() + 30, 5.0
    )
    assert objective == round(first.objective_value)
    assert all(values[name] == 1 for name in monday)


def test_no_round_runs_at_a_lower_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    problem = _problem([agent("P1", **ONE_SHIFT)], _tuesday_only())
    cp, mip = _models(problem)
    first = _monday_incumbent(cp)
    rounds = MipDays(mip, radius=1)
    calls: list[tuple[int, ...]] = []
    original = rounds._task
    monkeypatch.setattr(
        rounds, "_task", lambda v, plan, *a: calls.append(plan) or original(v, plan, *a)
    )
    start, objective = _values(cp, first), round(first.objective_value)
    deadline = time.monotonic() + 30
    assert rounds.run(start, objective, [0, 1, 2], deadline, 5.0, floor=objective)[1] == objective
    assert calls == []
    rounds.run(start, objective, [0, 1, 2], deadline, 5.0, floor=objective - 1)
    assert calls


def test_the_aggregate_search_ends_with_cp_sat_holding_the_optimum() -> None:
    """SCIP's rounds improve the first phase's incumbent and CP-SAT takes their counts: the
    search's solver holds a solution of the CP-SAT model at the exact optimum."""
    demand = [[0] * 96, requirement(2)[1], [0] * 96]
    problem = _problem([agent("P1"), agent("P2"), agent("F1", "FT")], demand)
    types = enumerate_shift_types(problem)
    classes = agent_classes(problem, problem.agents)
    options = SolveOptions(time_limit_s=20, workers=2, seed=0)
    search = search_aggregate(
        problem, classes, types, options, 15.0, ProgressRelay(0.0, None, None), None
    )
    assert cpsat.found(search.solver)
    assert round(search.solver.objective_value) == _optimum(problem)


def test_loose_classes_are_the_small_ones_whose_counts_need_not_decompose() -> None:
    """Split into one class per member at the checkpoint: 2-10 members with several shift
    lengths or a weekly range (part-timers); not full-timers of one length and fixed hours,
    not single agents, not large classes (their counts decompose well enough)."""
    part = [agent(f"P{i}") for i in range(11)]
    full = [agent(f"F{i}", "FT") for i in range(3)]
    problem = _problem(part[:2] + full, requirement(3))
    by_contract = {c.agents[0].contract: c for c in agent_classes(problem, problem.agents)}
    assert loose(by_contract["PT"]) and not loose(by_contract["FT"])
    one = _problem(part[:1], requirement(3))
    assert not loose(agent_classes(one, one.agents)[0])
    many = _problem(part, requirement(3))
    assert not loose(agent_classes(many, many.agents)[0])


def test_a_repair_costlier_than_allowed_is_refused_and_leaves_nothing_frozen() -> None:
    """The checkpoint refuses a repair whose objective is above the named roster in hand."""
    problem = _problem([agent("P1", **ONE_SHIFT)], _tuesday_only())
    cp, mip = _models(problem)
    first = _monday_incumbent(cp)
    start, cost = _values(cp, first), round(first.objective_value)
    monday = {var.name: 1 for var in cp.x.values() if start[var.name] == 1}
    assert len(monday) == 1
    rounds = MipDays(mip, radius=1)
    assert rounds.repair(start, monday, 5.0, worst=cost - 1) is None
    assert rounds.frozen == {}
    kept = rounds.repair(start, monday, 5.0, worst=cost)
    assert kept is not None and kept[1] == cost
    assert rounds.frozen == monday
