"""The aggregate LNS: which variables a neighbourhood frees, and what class neighbourhoods add.

A part-timer must work exactly one 4-hour shift; demand is on Wednesday only and the incumbent
has the shift on Monday. Day neighbourhoods (one day, or two adjacent days, everything else
fixed) cannot improve it: freeing Monday and Tuesday moves the shift to Tuesday at no gain, and
any neighbourhood holding Wednesday keeps Monday's shift, which uses the whole weekly allowance.
The class neighbourhood frees the class's whole week and moves the shift to Wednesday.
"""

from __future__ import annotations

import time

from ortools.sat.python import cp_model

from optimizer.roster.backend import CpBackend
from optimizer.roster.build import AggregateModel, build_aggregate
from optimizer.roster.io import load_instance
from optimizer.roster.lns import DayNeighbourhoods, restricted_days
from optimizer.roster.shifts import agent_classes, enumerate_shift_types
from optimizer.roster.solve import SolveOptions, _run
from tests.roster_support import agent, requirement, tiny_instance

ONE_SHIFT = {"min_weekly_paid_minutes": 240, "max_weekly_paid_minutes": 240}


def _model(agents: list[dict[str, object]], demand: list[list[int]]) -> AggregateModel:
    problem = load_instance(tiny_instance(agents, requirement=demand))
    types = enumerate_shift_types(problem)
    classes = agent_classes(problem, problem.agents)
    return build_aggregate(problem, CpBackend(), types, classes)


def _solve(m: AggregateModel, limit_s: float = 5.0) -> cp_model.CpSolver:
    assert isinstance(m.backend, CpBackend)
    solver = _run(m.backend.model, SolveOptions(workers=1), limit_s)
    assert solver.response_proto.status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return solver


def _monday_incumbent(m: AggregateModel) -> cp_model.CpSolver:
    """A solution with every class shift on Monday (other days' counts forced to 0)."""
    assert isinstance(m.backend, CpBackend)
    proto = m.backend.model.proto
    for (_, k), var in m.x.items():
        if m.types[k].day != 0:
            domain = proto.variables[var.index].domain
            domain.clear()
            domain.extend([0, 0])
    return _solve(m)


def _days_worked(m: AggregateModel, solver: cp_model.CpSolver) -> set[int]:
    return {m.types[k].day for (_, k), var in m.x.items() if solver.value(var) > 0}


def _wednesday_only() -> list[list[int]]:
    demand = requirement(3)
    return [[0] * 96, [0] * 96, demand[2]]


def test_a_class_neighbourhood_frees_its_counts_and_their_activities_only() -> None:
    m = _model([agent("P1"), agent("F1", "FT")], requirement(3))
    assert isinstance(m.backend, CpBackend)
    lns = DayNeighbourhoods(m.backend, restricted_days(m, m.backend))
    for c in (0, 1):
        free = lns._free(("class", (c,)))
        own = {var.index for (ci, _), var in m.x.items() if ci == c}
        other = {var.index for (ci, _), var in m.x.items() if ci != c}
        assert own <= free and not other & free
        types = {k for (ci, k) in m.x if ci == c}
        activity = {var.index for var, _ in lns.variables} - own - other
        freed_activity = {i for i in activity if lns.owners()[i][1] in types}
        assert free - own == freed_activity and freed_activity
    monday = lns._free(("day", (0,)))
    assert monday == {var.index for var, day in lns.variables if day == 0}


def test_day_neighbourhoods_cannot_move_a_shift_two_days_but_a_class_one_can() -> None:
    m = _model([agent("P1", **ONE_SHIFT)], _wednesday_only())
    assert isinstance(m.backend, CpBackend)
    first = _monday_incumbent(m)
    assert _days_worked(m, first) == {0}

    def make(limit: float) -> cp_model.CpSolver:
        return _run(m.backend.model, SolveOptions(workers=1), limit)

    deadline = time.monotonic() + 20
    by_day = DayNeighbourhoods(m.backend, restricted_days(m, m.backend), radius=1)
    stuck = by_day.run(first, make, [0, 1, 2], deadline, 2.0)
    assert stuck.objective_value == first.objective_value

    by_class = DayNeighbourhoods(m.backend, restricted_days(m, m.backend), radius=1)
    moved = by_class.run(first, make, [0, 1, 2], deadline, 2.0, class_groups=[(0,)])
    assert moved.objective_value < first.objective_value
    assert _days_worked(m, moved) == {2}


def test_a_repair_costlier_than_allowed_is_refused_and_leaves_nothing_frozen() -> None:
    """The checkpoint refuses a repair whose objective is above the named roster in hand."""
    m = _model([agent("P1", **ONE_SHIFT)], _wednesday_only())
    assert isinstance(m.backend, CpBackend)
    first = _monday_incumbent(m)
    monday = {var.index: 1 for (_, k), var in m.x.items() if first.value(var) == 1}
    assert len(monday) == 1

    def make(limit: float) -> cp_model.CpSolver:
        return _run(m.backend.model, SolveOptions(workers=1), limit)

    lns = DayNeighbourhoods(m.backend, restricted_days(m, m.backend), radius=1)
    cost = int(first.objective_value)
    assert lns.repair(first, make, monday, [0, 1, 2], 5.0, worst=cost - 1) is None
    assert lns.frozen == {}
    kept = lns.repair(first, make, monday, [0, 1, 2], 5.0, worst=cost)
    assert kept is not None and kept.objective_value == cost
    assert lns.frozen == monday


def test_the_search_stops_at_a_lower_bound_without_a_round() -> None:
    m = _model([agent("P1", **ONE_SHIFT)], _wednesday_only())
    assert isinstance(m.backend, CpBackend)
    first = _monday_incumbent(m)
    rounds: list[float] = []

    def make(limit: float) -> cp_model.CpSolver:
        rounds.append(limit)
        return _run(m.backend.model, SolveOptions(workers=1), limit)

    lns = DayNeighbourhoods(m.backend, restricted_days(m, m.backend), radius=1)
    deadline = time.monotonic() + 20
    same = lns.run(first, make, [0, 1, 2], deadline, 2.0, floor=first.objective_value)
    assert same is first and rounds == []
    lns.run(first, make, [0, 1, 2], deadline, 2.0, floor=first.objective_value - 1)
    assert rounds  # above the floor it searches
