"""From aggregate counts to named agents: assign every class, re-place breaks and lunches when
an assignment deviated, the named incumbent (:class:`~optimizer.roster.compose.Incumbent`).

The aggregate model's solution (shift-type counts per class, break and lunch counts per shift
type and offset) goes to the named agents class by class: the greedy assignment
(:mod:`greedy`) where it applies, else CP-SAT (:mod:`assign`). When a class's assignment
deviated from its counts, the activities of the shift types whose count changed are placed
again by a small aggregate model with the shifts fixed (:func:`replace_activities`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any, Protocol

from optimizer.roster import cpsat
from optimizer.roster.assign import assign_class
from optimizer.roster.backend import CpBackend
from optimizer.roster.build import build_aggregate
from optimizer.roster.compose import ActivityCounts, Incumbent, Shifts
from optimizer.roster.constraints.availability import class_shift_types
from optimizer.roster.greedy import greedy_assign
from optimizer.roster.model import AggregateModel, Objective
from optimizer.roster.problem import RosterProblem
from optimizer.roster.shifts import AgentClass, ShiftType

__all__ = ["Solution", "activity_counts", "assign_all", "named_incumbent"]


class Solution(Protocol):
    """What the assignment reads of an aggregate solution: a count's value (a CP-SAT solver,
    or SCIP's values for the site model: :class:`optimizer.roster.site.mip_rounds.MipSolution`)."""

    def value(self, var: Any, /) -> Any: ...


def activity_counts(m: AggregateModel, solver: Solution) -> dict[int, ActivityCounts]:
    """Break and lunch counts per shift type and offset in ``solver``'s solution."""

    def read(group: dict[int, Any]) -> dict[int, int]:
        return {o: int(solver.value(v)) for o, v in group.items()}

    return {k: tuple(read(group) for group in av.groups()) for k, av in m.acts.items()}


def _class_counts(m: AggregateModel, solver: Solution, cls: AgentClass) -> dict[ShiftType, int]:
    return {m.types[k]: int(solver.value(v)) for (c, k), v in m.x.items() if c == cls.index}


def assign_all(
    problem: RosterProblem,
    m: AggregateModel,
    solver: Solution,
    workers: int,
    seed: int,
    deadline: float,
    known: Mapping[int, Shifts] | None = None,
) -> tuple[Shifts, list[int]]:
    """Assign every class; a class whose counts cannot be assigned may use any of its types.

    ``known``: classes whose counts were frozen to an earlier assignment keep it. Returns the
    shifts and the classes whose assignment deviated from their counts.
    """
    shifts: Shifts = {}
    deviating = []
    remaining = list(m.classes)
    while remaining:
        cls = remaining.pop(0)
        if known is not None and cls.index in known:
            shifts.update(known[cls.index])
            continue
        budget = max(1.0, (deadline - time.monotonic()) / (len(remaining) + 1))
        counts = _class_counts(m, solver, cls)
        quick = greedy_assign(problem, cls, counts)
        if quick is not None:
            shifts.update(quick)
            continue
        result = assign_class(
            problem,
            cls,
            counts,
            extra_types=class_shift_types(m.types, cls),
            time_limit_s=budget,
            workers=workers,
            seed=seed,
        )
        shifts.update(result.shifts)
        if result.deviation:
            deviating.append(cls.index)
    return shifts, deviating


def replace_activities(
    problem: RosterProblem,
    m: AggregateModel,
    solver: Solution,
    shifts: Shifts,
    settings: tuple[int, int, Objective],
    time_limit_s: float,
) -> dict[int, ActivityCounts]:
    """Best break/lunch offsets for the fixed ``shifts`` (after an assignment deviated from the
    counts of ``solver``'s solution of ``m``); ``settings``: workers, seed and objective.

    Shift types whose count did not change keep their aggregate activity counts (and every
    activity count starts from the aggregate's as a hint); only the activities of changed
    types move.
    """
    workers, seed, objective = settings
    fixed: dict[int, int] = {}
    for days in shifts.values():
        for st in days.values():
            fixed[st.index] = fixed.get(st.index, 0) + 1
    before = activity_counts(m, solver)
    previous = {k: int(solver.value(v)) for k, v in m.X.items()}
    backend = CpBackend()
    placed = build_aggregate(
        problem, backend, m.types, [], fixed_type_counts=fixed, objective=objective
    )
    old = {
        var.index: before[k][g].get(o) if k in before else None
        for k, av in placed.acts.items()
        for g, group in enumerate(av.groups())
        for o, var in group.items()
    }
    for var in backend.variables:
        value = old.get(var.index)
        if value is not None:
            backend.model.add_hint(var, value)
    for k, av in placed.acts.items():
        if fixed.get(k, 0) != previous.get(k, 0):
            continue
        for var in (v for group in av.groups() for v in group.values()):
            value = old[var.index] or 0
            backend.model.add_linear_constraint(var, value, value)
    found = cpsat.run(
        backend.model, max(5.0, time_limit_s), workers=workers, seed=seed, linearization_level=2
    )
    if not cpsat.found(found):
        raise RuntimeError("activity placement failed for fixed shifts")
    return activity_counts(placed, found)


def named_incumbent(
    problem: RosterProblem,
    m: AggregateModel,
    solver: Solution,
    shifts: Shifts,
    deviated: bool,
    settings: tuple[int, int, Objective],
    time_limit_s: float,
) -> Incumbent:
    """The named roster of an assignment of ``solver``'s counts: the aggregate's break and
    lunch counts when it was exact, else activities re-placed for the shifts really assigned."""
    if not deviated:
        return Incumbent(shifts, activity_counts(m, solver))
    acts = replace_activities(problem, m, solver, shifts, settings, time_limit_s)
    return Incumbent(shifts, acts)
