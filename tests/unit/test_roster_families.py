"""Each model constraint family alone: a tiny passing and a tiny failing case."""

from __future__ import annotations

from typing import Any

import pytest
from ortools.sat.python import cp_model

from optimizer.roster.backend import CpBackend
from optimizer.roster.build import build_aggregate
from optimizer.roster.constraints.activities import pair_activities
from optimizer.roster.constraints.availability import agent_shift_types
from optimizer.roster.constraints.consecutive_days import add_agent_consecutive_days
from optimizer.roster.constraints.rest import add_agent_rest
from optimizer.roster.constraints.weekly_minutes import add_agent_weekly_minutes
from optimizer.roster.constraints.working_days import add_agent_working_days
from optimizer.roster.io import load_instance
from optimizer.roster.model import AgentDayVars
from optimizer.roster.problem import RosterProblem
from optimizer.roster.shifts import ShiftType, agent_classes, enumerate_shift_types
from tests.roster_support import agent, requirement, tiny_instance


def _problem(**agent_fields: Any) -> RosterProblem:
    return load_instance(tiny_instance([agent("A1", **agent_fields)]))


def _feasible(problem: RosterProblem, family: str, chosen: list[tuple[int, int, int]]) -> bool:
    """Force the agent onto ``chosen`` (day, start, paid) shifts under one family only."""
    model = cp_model.CpModel()
    a = problem.agents[0]
    types = agent_shift_types(problem, enumerate_shift_types(problem), a)
    y: AgentDayVars = {}
    for st in types:
        y.setdefault(st.day, {})[st] = model.new_bool_var(f"y{st.index}")
    worked = {d: model.new_bool_var(f"w{d}") for d in range(problem.days)}
    for d in range(problem.days):
        model.add(sum(y.get(d, {}).values()) == worked[d])
    for st in types:
        model.add(y[st.day][st] == int((st.day, st.start_min, st.paid_min) in chosen))
    if family == "working_days":
        add_agent_working_days(model, problem, a, y)
    elif family == "weekly_minutes":
        add_agent_weekly_minutes(model, problem, a, y)
    elif family == "rest":
        add_agent_rest(model, problem, a, y, worked)
    else:
        add_agent_consecutive_days(model, problem, a, worked)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 5
    solver.parameters.num_workers = 1
    return solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


@pytest.mark.parametrize(
    ("family", "fields", "good", "bad"),
    [
        ("working_days", {"max_days": 1}, [(0, 480, 360)], [(0, 480, 360), (2, 480, 240)]),
        (
            "weekly_minutes",
            {},
            [(0, 480, 360), (2, 480, 240)],
            [(0, 480, 360), (1, 480, 360), (2, 480, 240)],
        ),
        ("rest", {}, [(0, 840, 360), (1, 840, 240)], [(0, 840, 360), (1, 420, 240)]),
        (
            "rest",
            {"history": {"consecutive_days_worked": 1, "last_shift_end_minute": -120}},
            [(0, 600, 240)],
            [(0, 480, 240)],
        ),
        (
            "consecutive_days",
            {"history": {"consecutive_days_worked": 4, "last_shift_end_minute": -600}},
            [(0, 480, 240), (2, 480, 240)],
            [(0, 480, 240), (1, 480, 240)],
        ),
    ],
)
def test_agent_family(family: str, fields: dict[str, Any], good: Any, bad: Any) -> None:
    problem = _problem(**fields)
    assert _feasible(problem, family, good)
    assert not _feasible(problem, family, bad)


def _shift_type(problem: RosterProblem, paid: int, start_min: int = 480) -> ShiftType:
    return next(
        st
        for st in enumerate_shift_types(problem)
        if st.paid_min == paid and st.start_min == start_min
    )


def test_activity_pairing_respects_windows_and_gap() -> None:
    problem = _problem()
    st = _shift_type(problem, 360)
    counts: tuple[dict[int, int], ...] = ({60: 1, 75: 1}, {180: 1, 195: 1}, {}, {})
    pairs = pair_activities(st, counts)
    assert sorted(pairs) == [(60, 180), (75, 195)]
    for brk, lunch in pairs:
        assert brk is not None and lunch is not None
        assert brk + 15 + 60 <= lunch and lunch in st.lunch_offsets and brk in st.break_offsets


def _activities_feasible(problem: RosterProblem, fix: dict[str, int]) -> bool:
    """Two 6-h shifts of one type with activity counts fixed by name."""
    st = _shift_type(problem, 360)
    backend = CpBackend()
    build_aggregate(
        problem, backend, enumerate_shift_types(problem), [], fixed_type_counts={st.index: 2}
    )
    for var in backend.variables:
        for prefix, value in fix.items():
            if var.name == f"{prefix}".replace("K", str(st.index)):
                backend.model.add(var == value)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 5
    solver.parameters.num_workers = 1
    return solver.solve(backend.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def test_activities_family_pairing_condition() -> None:
    problem = _problem()
    # Both breaks at +120 need lunches at >= +195: two lunches at +195 and +210 pass.
    assert _activities_feasible(problem, {"brk_b[K,120]": 2, "lun_b[K,195]": 1, "lun_b[K,210]": 1})
    # A lunch at +180 cannot follow a break at +120 by 60 minutes of work: Hall fails.
    assert not _activities_feasible(
        problem, {"brk_b[K,120]": 2, "lun_b[K,180]": 1, "lun_b[K,210]": 1}
    )


def test_coverage_family_counts_activities_as_absent() -> None:
    problem = _problem()
    st = _shift_type(problem, 240)
    backend = CpBackend()
    m = build_aggregate(
        problem, backend, enumerate_shift_types(problem), [], fixed_type_counts={st.index: 1}
    )
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(backend.model) == cp_model.OPTIMAL
    grid = problem.interval_min
    covered = range(st.start_min // grid, st.end_min // grid)
    under = sum(solver.value(v) for v in m.under.values())
    required = sum(sum(row) for row in problem.requirement)
    # one shift covers len(covered) intervals, minus its one-interval break
    assert under == required - (len(covered) - 1)


def test_consecutive_days_window_cut_counts_members_not_shift_types() -> None:
    """Three full-timers with one Monday shift type; one of them is at the consecutive-days
    limit from last week, so at most two Monday shifts even where demand asks for three
    (the cut once compared its capacity with the number of shift types and was left out)."""
    monday_only_one_start = [[480, 990], [420, 1260], [420, 1260]]
    history_at_limit = {"consecutive_days_worked": 5, "last_shift_end_minute": -600}
    doc = tiny_instance(
        [
            agent("F1", "FT", availability=monday_only_one_start),
            agent("F2", "FT", availability=monday_only_one_start),
            agent("F3", "FT", availability=monday_only_one_start, history=history_at_limit),
        ]
    )
    doc["requirement"] = requirement(1, level=3) + requirement(2, level=0)
    problem = load_instance(doc)
    types = enumerate_shift_types(problem)
    backend = CpBackend()
    m = build_aggregate(problem, backend, types, agent_classes(problem, problem.agents))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(backend.model) == cp_model.OPTIMAL
    monday = sum(solver.value(v) for (_, k), v in m.x.items() if types[k].day == 0)
    assert monday == 2
