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
from optimizer.roster.aggregate_search import (
    ProgressRelay,
    _first_phases,
    _Run,
    loose,
    search_aggregate,
)
from optimizer.roster.backend import CpBackend
from optimizer.roster.build import AggregateModel, build_aggregate
from optimizer.roster.io import load_instance
from optimizer.roster.mip_days import MipDays, MipModel, build_mip, run_chains
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


def _optimal_values(problem: RosterProblem, cp: AggregateModel) -> tuple[dict[str, int], int]:
    assert isinstance(cp.backend, CpBackend)
    solver = cpsat.run(cp.backend.model, 10.0, seed=0)
    assert solver.response_proto.status == cp_model.OPTIMAL
    return _values(cp, solver), round(solver.objective_value)


def test_chains_from_two_starts_keep_the_best_and_report_only_what_beats_every_chain() -> None:
    problem = _problem([agent("P1", **ONE_SHIFT)], _tuesday_only())
    cp, mip = _models(problem)
    optimum = _optimal_values(problem, _models(problem)[0])
    first = _monday_incumbent(cp)
    monday = (_values(cp, first), round(first.objective_value))
    assert monday[1] > optimum[1]
    better: list[int] = []
    main = MipDays(mip, radius=1)
    deadline = time.monotonic() + 30
    values, objective = run_chains(
        main, [monday, optimum], [0, 1, 2], deadline, 5.0, on_better=better.append
    )
    main.close()
    assert objective == optimum[1]
    assert better == [optimum[1]]  # the second start beat the first at once; nothing after
    worked = {cp.types[k].day for (_, k), var in cp.x.items() if values[var.name] > 0}
    assert worked == {1}


def test_a_chain_at_the_floor_ends_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    """The second start is at the lower bound: the first chain is asked to stop and the
    result is the second start, without waiting for the first chain's rounds."""
    problem = _problem([agent("P1", **ONE_SHIFT)], _tuesday_only())
    cp, mip = _models(problem)
    optimum = _optimal_values(problem, _models(problem)[0])
    first = _monday_incumbent(cp)
    asked: list[bool] = []
    original = MipDays.run

    def slow_run(self: MipDays, start, objective, days, deadline, round_s, should_stop, *a):  # type: ignore[no-untyped-def]
        if objective != optimum[1]:  # the first chain: wait for the stop request
            end = time.monotonic() + 20
            while time.monotonic() < end and not should_stop():
                time.sleep(0.05)
            asked.append(should_stop())
            return start, objective
        return original(self, start, objective, days, deadline, round_s, should_stop, *a)

    monkeypatch.setattr(MipDays, "run", slow_run)
    main = MipDays(mip, radius=1)
    began = time.monotonic()
    starts = [(_values(cp, first), round(first.objective_value)), optimum]
    _, objective = run_chains(main, starts, [0, 1, 2], began + 60, 5.0, floor=optimum[1])
    main.close()
    assert objective == optimum[1] and asked == [True]
    assert time.monotonic() - began < 10


def test_an_error_in_a_chain_is_raised_in_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    problem = _problem([agent("P1", **ONE_SHIFT)], _tuesday_only())
    cp, mip = _models(problem)
    first = _monday_incumbent(cp)
    start = (_values(cp, first), round(first.objective_value))

    def broken(self: MipDays, *args: object, **kwargs: object) -> None:
        raise ValueError("a chain failed")

    monkeypatch.setattr(MipDays, "run", broken)
    main = MipDays(mip, radius=1)
    with pytest.raises(ValueError, match="a chain failed"):
        run_chains(main, [start, start], [0, 1, 2], time.monotonic() + 30, 5.0)
    main.close()


def test_follow_takes_over_the_plan_position_and_radii() -> None:
    problem = _problem([agent("P1", **ONE_SHIFT)], _tuesday_only())
    cp, mip = _models(problem)
    first = _monday_incumbent(cp)
    ahead = MipDays(mip, radius=1)
    ahead.run(_values(cp, first), round(first.objective_value), [0, 1, 2],
              time.monotonic() + 30, 5.0)  # fmt: skip
    ahead.close()
    assert ahead._next and ahead._radii
    behind = MipDays(mip, radius=1)
    behind.follow(ahead)
    assert behind._next == ahead._next and behind._radii == ahead._radii
    behind._next[0] += 1  # a copy, not the same dictionary
    assert behind._next != ahead._next


def test_two_first_phases_at_once_each_find_a_solution_cheapest_first() -> None:
    problem = _problem([agent("P1"), agent("P2"), agent("F1", "FT")], requirement(3))
    types = enumerate_shift_types(problem)
    classes = agent_classes(problem, problem.agents)
    backend = CpBackend()
    build_aggregate(problem, backend, types, classes)
    options = SolveOptions(time_limit_s=10, workers=2, seed=0)
    run = _Run(backend, options, ProgressRelay(0.0, None, None), None)
    found = _first_phases(run, 2.0, 2)
    assert len(found) == 2
    objectives = [s.objective_value for s in found]
    assert objectives == sorted(objectives)
    assert len(_first_phases(run, 2.0, 1)) == 1
