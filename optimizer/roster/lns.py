"""Large-neighbourhood search on the aggregate model: re-optimise one or two days at a time.

Starting from an incumbent, every count variable (class shift counts, break and lunch offset
counts) outside the chosen days is fixed to its incumbent value; those of the chosen days may
move within ``radius`` of it. Each round is a small CP-SAT model; an improving solution becomes
the incumbent. Domains are edited in place in the model proto, so the model is built once.

The radius adapts per neighbourhood (as CP-SAT's own LNS adapts its neighbourhood sizes): a
round that hits its time limit without improving shrinks that neighbourhood's radius by one (a
busy weekday at radius 4 is often not even searched through in 5 s), a round proven optimal
without improving grows it by one (up to ``max_radius``), so every round does useful work.
Radii and the position in the cycle persist across
calls of :meth:`DayNeighbourhoods.run`. The search stops at the deadline, after two full
cycles without improvement, or at a given lower bound.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from optimizer.roster import cpsat
from optimizer.roster.backend import CpBackend
from optimizer.roster.model import AggregateModel

__all__ = ["DayNeighbourhoods", "restricted_days"]


def restricted_days(m: AggregateModel) -> list[tuple[cp_model.IntVar, int]]:
    """(count variable, day) for every variable the neighbourhoods fix or free: class shift
    counts and break/lunch counts (:meth:`AggregateModel.count_vars`)."""
    return [(var, m.types[k].day) for var, k in m.count_vars()]


Plan = tuple[int, ...]  # the days a neighbourhood frees


@dataclass
class DayNeighbourhoods:
    """The LNS driver over one aggregate model: neighbourhoods of one day or two adjacent
    days, every class and activity count of those days free."""

    backend: CpBackend
    variables: list[tuple[cp_model.IntVar, int]]
    radius: int = 2
    max_radius: int = 8
    _radii: dict[Plan, int] = field(default_factory=dict)  # kept across runs
    _next: int = 0

    def _free(self, days: Plan) -> set[int]:
        """Indices of the variables the neighbourhood of ``days`` frees."""
        return {var.index for var, day in self.variables if day in days}

    def _set_domains(
        self, incumbent: dict[int, int], free: set[int], radius: int | None = None
    ) -> None:
        r = self.radius if radius is None else radius
        model = self.backend.model
        for var, _ in self.variables:
            value = incumbent[var.index]
            if var.index in free:
                cpsat.set_domain(model, var, max(0, value - r), value + r)
            else:
                cpsat.set_domain(model, var, value, value)

    def _hint(self, solver: cp_model.CpSolver) -> None:
        self.backend.model.clear_hints()
        cpsat.hint(self.backend.model, ((v, solver.value(v)) for v in self.backend.variables))

    @staticmethod
    def _plans(days: list[int]) -> list[Plan]:
        return [(d,) for d in days] + list(itertools.pairwise(days))

    def run(
        self,
        first: cp_model.CpSolver,
        make_solver: Callable[[float], cp_model.CpSolver],
        days: list[int],
        deadline: float,
        round_s: float,
        should_stop: Callable[[], bool] | None = None,
        floor: float | None = None,
    ) -> cp_model.CpSolver:
        """Improve from ``first`` until ``deadline``, until two full cycles of neighbourhoods
        bring no improvement, or until the objective reaches ``floor`` (a lower bound: nothing
        is left to find); returns the solver of the best solution."""
        best = first
        incumbent = {var.index: int(best.value(var)) for var, _ in self.variables}
        plans = self._plans(days)
        for plan in plans:
            self._radii.setdefault(plan, self.radius)
        since_best = 0
        while plans and deadline - time.monotonic() > 1.0 and since_best < 2 * len(plans):
            if floor is not None and best.objective_value <= floor:
                break
            plan = plans[self._next % len(plans)]
            self._next += 1
            since_best += 1
            self._set_domains(incumbent, self._free(plan), self._radii[plan])
            self._hint(best)
            solver = make_solver(min(round_s, deadline - time.monotonic()))
            if cpsat.found(solver) and solver.objective_value < best.objective_value - 0.5:
                best, since_best = solver, 0
                incumbent = {var.index: int(best.value(var)) for var, _ in self.variables}
            elif solver.response_proto.status == cp_model.OPTIMAL:
                self._radii[plan] = min(self.max_radius, self._radii[plan] + 1)
            else:
                self._radii[plan] = max(1, self._radii[plan] - 1)
            if should_stop is not None and should_stop():
                break
        self._set_domains(incumbent, set())
        return best
