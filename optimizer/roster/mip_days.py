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

from optimizer.roster.backend import BIG, Terms
from optimizer.roster.build import build_aggregate
from optimizer.roster.model import Objective
from optimizer.roster.problem import RosterProblem
from optimizer.roster.shifts import AgentClass, ShiftType

__all__ = ["MipBackend", "MipDays", "MipModel", "build_mip"]

Values = dict[str, int]  # variable name -> value
Plan = tuple[int, ...]  # the days a neighbourhood frees
_FOUND = (linear_solver_pb2.MPSOLVER_OPTIMAL, linear_solver_pb2.MPSOLVER_FEASIBLE)


class MipBackend:
    """``pywraplp`` integer variables (the solver object only collects the model; it is
    exported with :meth:`proto` and solved with ``SolveWithProto``)."""

    def __init__(self) -> None:
        solver = pywraplp.Solver.CreateSolver("SCIP")
        if solver is None:  # pragma: no cover - SCIP ships with OR-Tools
            raise RuntimeError("SCIP is not available in this OR-Tools build")
        self.solver = solver

    def int_var(self, lb: int, ub: int, name: str) -> pywraplp.Variable:
        inf = self.solver.infinity()
        return self.solver.IntVar(lb if lb > -BIG else -inf, ub if ub < BIG else inf, name)

    def add_linear(self, terms: Terms, lb: int, ub: int, name: str) -> None:
        inf = self.solver.infinity()
        ct = self.solver.Constraint(lb if lb > -BIG else -inf, ub if ub < BIG else inf, name)
        for var, coef in terms:
            ct.SetCoefficient(var, ct.GetCoefficient(var) + coef)

    def minimize(self, terms: Terms) -> None:
        objective = self.solver.Objective()
        for var, coef in terms:
            objective.SetCoefficient(var, objective.GetCoefficient(var) + coef)
        objective.SetMinimization()

    def proto(self) -> linear_solver_pb2.MPModelProto:
        out = linear_solver_pb2.MPModelProto()
        self.solver.ExportModelToProto(out)
        return out


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
    backend = MipBackend()
    m = build_aggregate(problem, backend, types, classes, objective=objective)
    counts = tuple((var.index(), types[k].day) for var, k in m.count_vars())
    proto = backend.proto()
    class_counts = frozenset(var.index() for var in m.x.values())
    upper = {i: proto.variable[i].upper_bound for i, _ in counts}
    return MipModel(proto, tuple(v.name for v in proto.variable), counts, class_counts, upper)


@dataclass
class MipDays:
    """The LNS driver over one :class:`MipModel`: neighbourhoods of one day or two adjacent
    days, every class and activity count of those days free within the plan's radius."""

    model: MipModel
    radius: int = 4
    max_radius: int = 8
    patience: int = 1  # full cycles of plans without improvement before the search stops
    frozen: dict[str, int] = field(default_factory=dict)  # name -> fixed value
    _radii: dict[Plan, int] = field(default_factory=dict)  # kept across runs
    _next: int = 0

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
                    lo, hi = 0, self.model.upper[index]
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
        """A solution with ``frozen`` counts at their values (added to :attr:`frozen`), every
        other count free within :attr:`max_radius` of ``start`` on the days where a frozen
        count changed (``start`` with them is no solution: their break and lunch counts must
        follow), fixed elsewhere; ``None`` when none is found in ``limit_s`` or the best found
        has a scaled objective above ``worst`` (the frozen set is then left unchanged)."""
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
        """The best solution SCIP finds in ``limit_s`` with every count outside ``days`` at its
        ``start`` value and those of ``days`` within :attr:`max_radius` of it (break and lunch
        counts free: ``start`` need not be a solution there); ``None`` when there is none of
        scaled objective at most ``worst``."""
        self._set_bounds(start, tuple(sorted(days)), self.max_radius, activities_free=True)
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
        :attr:`patience` full cycles without improvement, a stop request or ``floor`` (a
        lower bound); returns the best values and their scaled objective; ``on_better`` is
        called with each improving objective."""
        best, best_obj = dict(start), objective
        plans: list[Plan] = [(d,) for d in days] + list(itertools.combinations(days, 2))
        for plan in plans:
            self._radii.setdefault(plan, self.radius)
        since_best = 0
        while (
            plans and deadline - time.monotonic() > 1.0 and since_best < self.patience * len(plans)
        ):
            if (floor is not None and best_obj <= floor) or (should_stop and should_stop()):
                break
            plan = plans[self._next % len(plans)]
            self._next += 1
            since_best += 1
            self._set_bounds(best, plan, self._radii[plan])
            self._hint(best)
            response = self._round(min(round_s, deadline - time.monotonic()))
            found = response.status in _FOUND
            value = round(response.objective_value) if found else best_obj
            if found and value < best_obj:
                best = self._values(response)
                best_obj, since_best = value, 0
                if on_better is not None:
                    on_better(value)
            elif response.status == linear_solver_pb2.MPSOLVER_OPTIMAL:
                self._radii[plan] = min(self.max_radius, self._radii[plan] + 1)
            else:
                self._radii[plan] = max(1, self._radii[plan] - 1)
        return best, best_obj
