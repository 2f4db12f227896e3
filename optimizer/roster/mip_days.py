"""Day neighbourhoods of the aggregate model solved by SCIP, the MIP solver bundled with OR-Tools.

The day LNS (:mod:`optimizer.roster.lns`) frees the counts of one day or two adjacent days and
searches them with CP-SAT. A day's neighbourhood is a shift-scheduling problem with breaks,
whose LP relaxation is tight: a branch-and-cut solver proves it optimal in 1-5 s where CP-SAT
(2 workers) usually ends its 5 s round at the hinted incumbent. Measured on M-1 from one
incumbent of the first phase (106.848, LP bound 88.035), 60 s of rounds: CP-SAT 94.996, SCIP
89.248 after one cycle of single days (21 s) and 88.840 after 63 s.

The model is the same builder's (:func:`optimizer.roster.build.build_aggregate`) on a
``pywraplp`` back end, exported once to an ``MPModelProto``; each round edits the bounds of the
count variables in that proto (every count outside the chosen days fixed at the incumbent,
those of the chosen days within the plan's radius of it, :attr:`MipDays.frozen` fixed at their
values), hints the incumbent (a complete solution: SCIP starts from it, so a round never
returns a worse one) and solves with a time limit. Radii adapt per plan as in the CP-SAT LNS.
Values travel between this model and the CP-SAT model by variable name (the builder names
both alike).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ortools.linear_solver import linear_solver_pb2, pywraplp

from optimizer.roster.backend import LpBackend
from optimizer.roster.build import build_aggregate
from optimizer.roster.model import Objective
from optimizer.roster.problem import RosterProblem
from optimizer.roster.shifts import AgentClass, ShiftType

__all__ = ["MipDays", "MipModel", "build_mip"]

Values = dict[str, int]  # variable name -> value
Plan = tuple[int, ...]  # the days a neighbourhood frees
_FOUND = (linear_solver_pb2.MPSOLVER_OPTIMAL, linear_solver_pb2.MPSOLVER_FEASIBLE)


@dataclass(frozen=True)
class MipModel:
    """The aggregate model as an ``MPModelProto``: variable names in proto order, and the
    (proto index, day) of every count variable (class shift counts, break and lunch counts)."""

    proto: linear_solver_pb2.MPModelProto
    names: tuple[str, ...]
    counts: tuple[tuple[int, int], ...]
    classes: frozenset[int]  # proto indices of the class shift counts (the rest: activities)
    upper: dict[int, float]  # the counts' bounds as built


def build_mip(
    problem: RosterProblem,
    types: list[ShiftType],
    classes: list[AgentClass],
    objective: Objective = "deviation",
) -> MipModel:
    """The aggregate model of ``classes`` over ``types`` for SCIP."""
    backend = LpBackend("SCIP", integer=True)
    m = build_aggregate(problem, backend, types, classes, objective=objective)
    counts = tuple((var.index(), types[k].day) for var, k in m.count_vars())
    proto = backend.proto()
    class_counts = frozenset(var.index() for var in m.x.values())
    upper = {i: proto.variable[i].upper_bound for i, _ in counts}
    return MipModel(proto, tuple(v.name for v in proto.variable), counts, class_counts, upper)


@dataclass
class MipDays:
    """The LNS driver over one :class:`MipModel`: neighbourhoods of one, two or three days
    (:meth:`run`), every class and activity count of those days free within the plan's
    radius."""

    model: MipModel
    radius: int = 4
    max_radius: int = 8
    patience: int = 1  # full cycles of plans without improvement before the search stops
    frozen: dict[str, int] = field(default_factory=dict)  # name -> fixed value
    _radii: dict[Plan, int] = field(default_factory=dict)  # kept across runs
    _next: dict[int, int] = field(default_factory=dict)  # tier -> rounds run

    def _set_bounds(
        self, values: Mapping[str, int], plan: Plan, radius: int, activities_free: bool = False
    ) -> None:
        variables, names = self.model.proto.variable, self.model.names
        classes = self.model.classes
        for index, day in self.model.counts:
            name = names[index]
            value = self.frozen.get(name, values[name])
            lo, hi = float(value), float(value)
            if day in plan and name not in self.frozen:
                lo, hi = max(0, value - radius), value + radius
                if activities_free and index not in classes:
                    lo, hi = 0.0, self.model.upper[index]
            variables[index].lower_bound, variables[index].upper_bound = lo, hi

    def _hint(self, values: Mapping[str, int]) -> None:
        hint = self.model.proto.solution_hint
        hint.Clear()
        for index, name in enumerate(self.model.names):
            if name in values:
                hint.var_index.append(index)
                hint.var_value.append(values[name])

    def _round(self, limit_s: float) -> linear_solver_pb2.MPSolutionResponse:
        request = linear_solver_pb2.MPModelRequest(
            model=self.model.proto,
            solver_type=linear_solver_pb2.MPModelRequest.SCIP_MIXED_INTEGER_PROGRAMMING,
            solver_time_limit_seconds=max(0.5, limit_s),
        )
        response = linear_solver_pb2.MPSolutionResponse()
        pywraplp.Solver.SolveWithProto(request, response)
        return response

    def repair(
        self, start: Values, frozen: Mapping[str, int], limit_s: float, worst: int | None = None
    ) -> tuple[Values, int] | None:
        """A solution with ``frozen`` counts at their values (added to :attr:`frozen`), the
        other class counts kept and the break and lunch counts of the days where a frozen
        count changed re-placed (:meth:`settle`; the rounds then adapt the rest); ``None`` when
        none is found in ``limit_s`` or the best found has a scaled objective above ``worst``
        (the frozen set is then left unchanged)."""
        names = self.model.names
        changed = {name for name, value in frozen.items() if start[name] != value}
        days = {d for i, d in self.model.counts if names[i] in changed}
        before = dict(self.frozen)
        self.frozen.update(frozen)
        settled = self.settle({**start, **frozen}, days, limit_s, worst)
        if settled is None:
            self.frozen = before
        return settled

    def settle(
        self, start: Values, days: set[int], limit_s: float, worst: int | None = None
    ) -> tuple[Values, int] | None:
        """The best solution SCIP finds in ``limit_s`` with every class count at its ``start``
        value and the break and lunch counts of ``days`` free (``start`` need not be a solution
        there: a break placement problem, which SCIP solves in seconds), those of other days
        fixed; ``None`` when there is none of scaled objective at most ``worst``.

        Why class counts fixed: with them free within :attr:`max_radius` as well, SCIP's best
        in 10 s was once 1330.9 on M-3 (seed 2; 482.0-501.9 on seeds 0-1)."""
        self._set_bounds(start, tuple(sorted(days)), 0, activities_free=True)
        self._hint(start)
        response = self._round(limit_s)
        if response.status in _FOUND and (worst is None or response.objective_value <= worst):
            return self._values(response), round(response.objective_value)
        return None

    def _values(self, response: linear_solver_pb2.MPSolutionResponse) -> Values:
        names = self.model.names
        return {names[i]: round(v) for i, v in enumerate(response.variable_value)}

    def run(
        self,
        start: Values,
        objective: int,
        days: list[int],
        deadline: float,
        round_s: float,
        should_stop: Callable[[], bool] | None = None,
        floor: float | None = None,
        on_better: Callable[[int], Any] | None = None,
    ) -> tuple[Values, int]:
        """Improve ``start`` (every variable by name, scaled ``objective``) until ``deadline``,
        a stop request or ``floor`` (a lower bound), or until :attr:`patience` full cycles of
        every tier of plans bring no improvement; returns the best values and their scaled
        objective; ``on_better`` is called with each improving objective.

        Tiers: one day or any two days first; when a full cycle of them brings nothing, any
        three days (larger rounds, often not proven optimal), back to the first tier after an
        improvement."""
        best, best_obj = dict(start), objective
        tiers = [t for t in _tiers(days) if t]
        level, since_best = 0, 0
        while tiers and deadline - time.monotonic() > 1.0:
            if (floor is not None and best_obj <= floor) or (should_stop and should_stop()):
                break
            plans = tiers[level]
            if since_best >= self.patience * len(plans):
                if level + 1 == len(tiers):
                    break
                level, since_best = level + 1, 0
                continue
            plan = plans[self._next.get(level, 0) % len(plans)]
            self._next[level] = self._next.get(level, 0) + 1
            since_best += 1
            better = self._step(best, best_obj, plan, min(round_s, deadline - time.monotonic()))
            if better is not None:
                best, best_obj = better
                level, since_best = 0, 0
                if on_better is not None:
                    on_better(best_obj)
        return best, best_obj

    def _step(
        self, best: Values, best_obj: int, plan: Plan, limit_s: float
    ) -> tuple[Values, int] | None:
        """One round on ``plan`` from ``best``: the better solution, or ``None`` (the plan's
        radius grows after a round proven optimal, shrinks after one that is not)."""
        radius = self._radii.setdefault(plan, self.radius)
        self._set_bounds(best, plan, radius)
        self._hint(best)
        response = self._round(limit_s)
        if response.status in _FOUND and round(response.objective_value) < best_obj:
            return self._values(response), round(response.objective_value)
        if response.status == linear_solver_pb2.MPSOLVER_OPTIMAL:
            self._radii[plan] = min(self.max_radius, radius + 1)
        else:
            self._radii[plan] = max(1, radius - 1)
        return None


def _tiers(days: list[int]) -> list[list[Plan]]:
    """The plans of each tier: one day or any two days, then any three days."""
    return [
        [(d,) for d in days] + list(itertools.combinations(days, 2)),
        list(itertools.combinations(days, 3)),
    ]
