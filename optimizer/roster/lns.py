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
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from optimizer.roster.backend import CpBackend
from optimizer.roster.build import AggregateModel

__all__ = ["DayNeighbourhoods", "restricted_days"]

_TYPE_INDEX = re.compile(r"^(?:x\[(\d+),(\d+)\]|(?:brk|lun)_[ab]\[(\d+),-?\d+\])$")


def restricted_days(m: AggregateModel, backend: CpBackend) -> list[tuple[cp_model.IntVar, int]]:
    """(count variable, day) for every variable the neighbourhoods fix or free."""
    out = []
    for var in backend.variables:
        match = _TYPE_INDEX.match(var.name)
        if match:
            k = int(match.group(2) or match.group(3))
            out.append((var, m.types[k].day))
    return out


Plan = tuple[str, tuple[int, ...]]  # ("day", days) or ("class", class indices)


def _class_and_type(name: str) -> tuple[int | None, int]:
    """(class index for a class count ``x[c,k]`` else None, shift type index ``k``)."""
    match = _TYPE_INDEX.match(name)
    if match is None:
        raise ValueError(f"not a restricted variable: {name}")
    if match.group(1) is not None:
        return int(match.group(1)), int(match.group(2))
    return None, int(match.group(3))


@dataclass
class DayNeighbourhoods:
    """The LNS driver over one aggregate model.

    Two kinds of neighbourhood alternate: *days* (one day or two adjacent days, every class
    and activity count of those days free) and, when ``run`` is given class groups, *classes*
    (every count of the group's classes on every day free, with the activity counts of their
    shift types): a class can then move work between days that are not adjacent, which no
    day neighbourhood allows while the rest of the week is fixed. ``solve_roster`` does not
    use them yet: on M-1 they brought six 120 s runs to 2.9-4.8 % (a seventh: 7.8 %), but on
    L-1 they moved large full-time classes into day patterns their agents could not work, and
    the checkpoint's repair of that deviation cost far more than they had gained (see
    docs/roster.md, "Limits").
    """

    backend: CpBackend
    variables: list[tuple[cp_model.IntVar, int]]
    radius: int = 2
    max_radius: int = 8
    frozen: dict[int, int] = field(default_factory=dict)  # variable index -> fixed value
    _radii: dict[Plan, int] = field(default_factory=dict)  # kept across runs
    _next: int = 0
    _owners: dict[int, tuple[int | None, int]] = field(default_factory=dict)  # lazily, by name

    def owners(self) -> dict[int, tuple[int | None, int]]:
        """(class or None, shift type) per restricted variable; parsed on first use only (day
        neighbourhoods never need it)."""
        if not self._owners:
            self._owners = {var.index: _class_and_type(var.name) for var, _ in self.variables}
        return self._owners

    def _free(self, plan: Plan) -> set[int]:
        """Indices of the variables ``plan`` frees."""
        kind, ids = plan
        if kind == "day":
            return {var.index for var, day in self.variables if day in ids}
        group = set(ids)
        owners = self.owners()
        types = {k for c, k in owners.values() if c in group}
        return {i for i, (c, k) in owners.items() if c in group or (c is None and k in types)}

    def _set_domains(
        self, incumbent: dict[int, int], free: set[int], radius: int | None = None
    ) -> None:
        r = self.radius if radius is None else radius
        proto = self.backend.model.proto
        for var, _ in self.variables:
            value = incumbent[var.index]
            domain = proto.variables[var.index].domain
            domain.clear()
            if var.index in self.frozen:
                domain.extend([self.frozen[var.index]] * 2)
            elif var.index in free:
                domain.extend([max(0, value - r), value + r])
            else:
                domain.extend([value, value])

    def _hint(self, solver: cp_model.CpSolver) -> None:
        model = self.backend.model
        model.clear_hints()
        for var in self.backend.variables:
            model.add_hint(var, solver.value(var))

    def _plans(self, days: list[int], class_groups: list[tuple[int, ...]]) -> list[Plan]:
        day_plans: list[Plan] = [("day", (d,)) for d in days]
        day_plans += [("day", (a, b)) for a, b in itertools.pairwise(days)]
        class_plans: list[Plan] = [("class", tuple(sorted(g))) for g in class_groups]
        plans: list[Plan] = []
        for i in range(max(len(day_plans), len(class_plans))):  # interleave the two kinds
            plans += day_plans[i : i + 1] + class_plans[i : i + 1]
        return plans

    def run(
        self,
        first: cp_model.CpSolver,
        make_solver: Callable[[float], cp_model.CpSolver],
        days: list[int],
        deadline: float,
        round_s: float,
        should_stop: Callable[[], bool] | None = None,
        class_groups: list[tuple[int, ...]] | None = None,
        floor: float | None = None,
    ) -> cp_model.CpSolver:
        """Improve from ``first`` until ``deadline``, until two full cycles of neighbourhoods
        bring no improvement, or until the objective reaches ``floor`` (a lower bound: nothing
        is left to find); returns the solver of the best solution."""
        best = first
        incumbent = {var.index: int(best.value(var)) for var, _ in self.variables}
        plans = self._plans(days, class_groups or [])
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
            if _ok(solver) and solver.objective_value < best.objective_value - 0.5:
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

    def repair(
        self,
        best: cp_model.CpSolver,
        make_solver: Callable[[float], cp_model.CpSolver],
        frozen: dict[int, int],
        days: list[int],
        limit_s: float,
        worst: int | None = None,
    ) -> cp_model.CpSolver | None:
        """A solution with ``frozen`` variables at their values (added to :attr:`frozen`),
        every other count within :attr:`max_radius` of ``best`` on every day; ``None`` when
        none is found in ``limit_s`` or the best found has an objective above ``worst`` (the
        frozen set is then left unchanged)."""
        before = dict(self.frozen)
        self.frozen.update(frozen)
        incumbent = {var.index: int(best.value(var)) for var, _ in self.variables}
        self._set_domains(incumbent, self._free(("day", tuple(days))), self.max_radius)
        self._hint(best)
        solver = make_solver(limit_s)
        if _ok(solver) and (worst is None or solver.objective_value <= worst):
            self._set_domains({v.index: int(solver.value(v)) for v, _ in self.variables}, set())
            return solver
        self.frozen = before
        self._set_domains(incumbent, set())
        return None


def _ok(solver: cp_model.CpSolver) -> bool:
    status = solver.response_proto.status
    return status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
