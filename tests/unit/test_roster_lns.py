"""The aggregate LNS on CP-SAT (hiring and site searches): the variables a day neighbourhood
frees and the stop at a lower bound (the checkpoint's repair: ``test_roster_mip_days``).

A part-timer must work exactly one 4-hour shift; demand is on Wednesday only and the incumbent
has the shift on Monday.
"""

from __future__ import annotations

import time

from ortools.sat.python import cp_model

from optimizer.roster import cpsat
from optimizer.roster.backend import CpBackend
from optimizer.roster.build import AggregateModel, build_aggregate
from optimizer.roster.io import load_instance
from optimizer.roster.lns import DayNeighbourhoods, restricted_days
from optimizer.roster.shifts import agent_classes, enumerate_shift_types
from tests.roster_support import agent, requirement, tiny_instance

ONE_SHIFT = {"min_weekly_paid_minutes": 240, "max_weekly_paid_minutes": 240}


def _model(agents: list[dict[str, object]], demand: list[list[int]]) -> AggregateModel:
    problem = load_instance(tiny_instance(agents, requirement=demand))
    types = enumerate_shift_types(problem)
    classes = agent_classes(problem, problem.agents)
    return build_aggregate(problem, CpBackend(), types, classes)


def _solve(m: AggregateModel, limit_s: float = 5.0) -> cp_model.CpSolver:
    assert isinstance(m.backend, CpBackend)
    solver = cpsat.run(m.backend.model, limit_s, seed=0, linearization_level=2)
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


def test_a_day_neighbourhood_frees_the_counts_of_its_days_only() -> None:
    m = _model([agent("P1"), agent("F1", "FT")], requirement(3))
    assert isinstance(m.backend, CpBackend)
    lns = DayNeighbourhoods(m.backend, restricted_days(m))
    counts = {var.index for var in m.x.values()}
    activities = {v.index for av in m.acts.values() for g in av.groups() for v in g.values()}
    assert {var.index for var, _ in lns.variables} == counts | activities and activities
    monday = lns._free((0,))
    assert monday == {var.index for var, day in lns.variables if day == 0}
    assert {var.index for (_, k), var in m.x.items() if m.types[k].day == 0} <= monday


def test_the_search_stops_at_a_lower_bound_without_a_round() -> None:
    m = _model([agent("P1", **ONE_SHIFT)], _wednesday_only())
    assert isinstance(m.backend, CpBackend)
    first = _monday_incumbent(m)
    rounds: list[float] = []

    def make(limit: float) -> cp_model.CpSolver:
        rounds.append(limit)
        return cpsat.run(m.backend.model, limit, seed=0, linearization_level=2)

    lns = DayNeighbourhoods(m.backend, restricted_days(m), radius=1)
    deadline = time.monotonic() + 20
    same = lns.run(first, make, [0, 1, 2], deadline, 2.0, floor=first.objective_value)
    assert same is first and rounds == []
    lns.run(first, make, [0, 1, 2], deadline, 2.0, floor=first.objective_value - 1)
    assert rounds  # above the floor it searches
