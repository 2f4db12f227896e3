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
calls of :meth:`DayNeighbourhoods.run`. The search stops at the deadline or after two full
cycles without improvement.
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from optimizer.roster.backend import CpBackend
from optimizer.roster.build import AggregateModel

__all__ = ["DayNeighbourhoods", "restricted_days"]

_TYPE_INDEX = re.compile(r"^(x\[\d+,(\d+)\]|(?:brk|lun)_[ab]\[(\d+),-?\d+\])$")


def restricted_days(m: AggregateModel, backend: CpBackend) -> list[tuple[cp_model.IntVar, int]]:
    """(count variable, day) for every variable the neighbourhoods fix or free."""
    out = []
    for var in backend.variables:
        match = _TYPE_INDEX.match(var.name)
        if match:
            k = int(match.group(2) or match.group(3))
            out.append((var, m.types[k].day))
    return out


@dataclass
class DayNeighbourhoods:
    """The LNS driver over one aggregate model."""

    backend: CpBackend
    variables: list[tuple[cp_model.IntVar, int]]
    radius: int = 2
    max_radius: int = 8
    frozen: dict[int, int] = field(default_factory=dict)  # variable index -> fixed value
    _radii: dict[tuple[int, ...], int] = field(default_factory=dict)  # kept across runs
    _next: int = 0

    def _set_domains(
        self, incumbent: dict[int, int], free: set[int], radius: int | None = None
    ) -> None:
        r = self.radius if radius is None else radius
        proto = self.backend.model.proto
        for var, day in self.variables:
            value = incumbent[var.index]
            domain = proto.variables[var.index].domain
            domain.clear()
            if var.index in self.frozen:
                domain.extend([self.frozen[var.index]] * 2)
            elif day in free:
                domain.extend([max(0, value - r), value + r])
            else:
                domain.extend([value, value])

    def _hint(self, solver: cp_model.CpSolver) -> None:
        model = self.backend.model
        model.clear_hints()
        for var in self.backend.variables:
            model.add_hint(var, solver.value(var))

    def run(
        self,
        first: cp_model.CpSolver,
        make_solver: Callable[[float], cp_model.CpSolver],
        days: list[int],
        deadline: float,
        round_s: float,
        should_stop: Callable[[], bool] | None = None,
    ) -> cp_model.CpSolver:
        """Improve from ``first`` until ``deadline`` or until a full cycle of neighbourhoods
        brings no improvement; returns the solver of the best solution."""
        best = first
        incumbent = {var.index: int(best.value(var)) for var, _ in self.variables}
        plans = [{d} for d in days] + [{a, b} for a, b in itertools.pairwise(days)]
        for plan in plans:
            self._radii.setdefault(tuple(sorted(plan)), self.radius)
        since_best = 0
        while plans and deadline - time.monotonic() > 1.0 and since_best < 2 * len(plans):
            plan = plans[self._next % len(plans)]
            key = tuple(sorted(plan))
            self._next += 1
            since_best += 1
            self._set_domains(incumbent, plan, self._radii[key])
            self._hint(best)
            solver = make_solver(min(round_s, deadline - time.monotonic()))
            if _ok(solver) and solver.objective_value < best.objective_value - 0.5:
                best, since_best = solver, 0
                incumbent = {var.index: int(best.value(var)) for var, _ in self.variables}
            elif solver.response_proto.status == cp_model.OPTIMAL:
                self._radii[key] = min(self.max_radius, self._radii[key] + 1)
            else:
                self._radii[key] = max(1, self._radii[key] - 1)
            if should_stop is not None and should_stop():
                break
        self._set_domains(incumbent, set())
        return best

    def repair(
        self,
        best: cp_model.CpSolver,
        make_solver: Callable[[float], cp_model.CpSolver],
        frozen: dict[int, int],
        days: list[int],
        limit_s: float,
    ) -> cp_model.CpSolver | None:
        """A solution with ``frozen`` variables at their values (added to :attr:`frozen`),
        every other count within :attr:`max_radius` of ``best`` on every day; ``None`` when
        none is found in ``limit_s`` (the frozen set is then left unchanged)."""
        before = dict(self.frozen)
        self.frozen.update(frozen)
        incumbent = {var.index: int(best.value(var)) for var, _ in self.variables}
        self._set_domains(incumbent, set(days), self.max_radius)
        self._hint(best)
        solver = make_solver(limit_s)
        if _ok(solver):
            self._set_domains({v.index: int(solver.value(v)) for v, _ in self.variables}, set())
            return solver
        self.frozen = before
        self._set_domains(incumbent, set())
        return None


def _ok(solver: cp_model.CpSolver) -> bool:
    status = solver.response_proto.status
    return status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
