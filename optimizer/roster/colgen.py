"""A tighter lower bound: column generation over agents' valid weeks (restricted master LP).

The aggregate LP (:mod:`bound`) only knows class totals (weekly minutes, days, rest cuts), so
its counts need not split into individual weeks: on the demo week a part-time class of five got
23 shifts of which only five were longer than 4 h, four of them on Saturday, while two members
working four days each needed two long shifts each to reach their weekly minimum. Here the
class families are replaced by their convex hull: every agent works one valid week (a column,
:mod:`pricing`), and the shift-type totals ``X[k]`` are the sums of the chosen weeks. The rest
of the aggregate model (activities, coverage, paid time) is unchanged
(:func:`build_aggregate` with ``type_domains``).

Master (GLOP): ``X[k] - sum_{g,p} a[p,k] lam[g,p] = 0`` (dual ``y[k]``) and
``sum_p lam[g,p] = n_g`` (dual ``mu[g]``) for every group ``g`` of agents alike in rules and
history. Pricing: the cheapest valid week under prices ``y[k]`` (+ preference costs), exact
(:class:`~optimizer.roster.pricing.WeekPricer`); its reduced cost is ``price - mu[g]``. At any
iteration ``z_RMP + sum_g n_g * min(0, rc*_g)`` is a valid lower bound on the master LP (the
Lagrangian bound), hence on every roster's cost; at convergence it equals the master's value.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.linear_solver import pywraplp

from optimizer.roster.backend import LpBackend
from optimizer.roster.build import build_aggregate
from optimizer.roster.constraints.availability import agent_shift_types
from optimizer.roster.constraints.preferences import preference_penalty
from optimizer.roster.model import SCALE, Objective
from optimizer.roster.pricing import WeekPricer
from optimizer.roster.problem import Agent, RosterProblem
from optimizer.roster.shifts import ShiftType, enumerate_shift_types

__all__ = [
    "ColumnBound",
    "MasterLp",
    "WeekGroup",
    "column_bound",
    "generate",
    "type_domains",
    "week_groups",
]

COLUMNS_PER_GROUP = 4  # weeks added per group and iteration (cheapest per weekly total)
MIN_ITERATIONS = 2  # even past the time limit (the master's construction may take it all)
TOLERANCE = 1e-6  # relative: smaller negative reduced costs add no column
CLOSE = 1e-3  # stop when the Lagrangian bound is this close (relative) to the master's value


@dataclass
class ColumnBound:
    """Result: ``bound`` (cost units, valid lower bound), the restricted master's value,
    iterations, columns, whether the bound reached the master's value (within
    :data:`CLOSE`: the master LP is then solved), seconds."""

    bound: float
    master: float
    iterations: int
    columns: int
    converged: bool
    seconds: float


@dataclass
class WeekGroup:
    """Agents alike for the pricing (same rules, availability, lengths, history, wishes)."""

    agents: list[Agent]
    pricer: WeekPricer
    penalty: dict[int, float]  # type index -> preference cost (scaled)
    row: pywraplp.Constraint | None = None
    weeks: set[tuple[int, ...]] = field(default_factory=set)

    @property
    def size(self) -> int:
        return len(self.agents)

    def cost(self, week: tuple[int, ...]) -> float:
        """Preference and fixed cost of a week (shift-type indices; scaled objective units):
        a column's coefficient in the master LP and in the integer master."""
        fixed = SCALE * self.agents[0].fixed_cost if week else 0.0
        return sum(self.penalty.get(k, 0.0) for k in week) + fixed


def type_domains(problem: RosterProblem, groups: list[WeekGroup]) -> dict[int, tuple[int, int]]:
    """Bounds of the shift-type totals of a master: every type some group may work, 0..agents."""
    used = {k for g in groups for k in g.penalty}
    return {k: (0, len(problem.agents)) for k in sorted(used)}


def week_groups(
    problem: RosterProblem, agents: tuple[Agent, ...], types: list[ShiftType]
) -> list[WeekGroup]:
    keyed: dict[tuple[object, ...], list[Agent]] = {}
    for a in agents:
        key = (a.contract, a.availability, a.min_weekly_paid_min, a.max_weekly_paid_min,
               a.max_days, a.history, a.optional, a.fixed_cost, a.preferences)  # fmt: skip
        keyed.setdefault(key, []).append(a)
    out = []
    for members in keyed.values():
        own = agent_shift_types(problem, types, members[0])
        prefs = members[0].preferences
        penalty = {st.index: SCALE * preference_penalty(prefs, st.day, st.start_min) for st in own}
        out.append(WeekGroup(members, WeekPricer(problem, members[0], own), penalty))
    return out


class MasterLp:
    """The restricted master LP: the aggregate model without class families, plus columns."""

    def __init__(self, problem: RosterProblem, types: list[ShiftType], groups: list[WeekGroup],
                 objective: Objective) -> None:  # fmt: skip
        self.backend = LpBackend()
        # presolve from scratch at every round made each solve grow with the columns (demo
        # week: 1.7 s at 600 columns, no convergence in 60 s); without it GLOP re-solves in
        # 0.1-0.2 s and the demo week converges in 16 rounds (4.5 s)
        self.backend.solver.SetSolverSpecificParametersAsString("use_preprocessing: false")
        self.model = build_aggregate(
            problem, self.backend, types, [], type_domains=type_domains(problem, groups),
            objective=objective,
        )  # fmt: skip
        solver = self.backend.solver
        self.link: dict[int, pywraplp.Constraint] = {}
        for k, var in self.model.X.items():
            row = solver.Constraint(0, 0, f"link[{k}]")
            row.SetCoefficient(var, 1)
            self.link[k] = row
        for i, g in enumerate(groups):
            g.row = solver.Constraint(g.size, g.size, f"convex[{i}]")
        self.columns = 0
        self.lams: list[tuple[WeekGroup, tuple[int, ...], pywraplp.Variable]] = []  # in order

    def add(self, g: WeekGroup, week: list[ShiftType]) -> bool:
        key = tuple(sorted(st.index for st in week))
        if key in g.weeks:
            return False
        g.weeks.add(key)
        solver = self.backend.solver
        var = solver.NumVar(0, solver.infinity(), f"lam[{self.columns}]")
        solver.Objective().SetCoefficient(var, g.cost(key))
        assert g.row is not None
        g.row.SetCoefficient(var, 1)
        for k in key:
            self.link[k].SetCoefficient(var, -1)
        self.columns += 1
        self.lams.append((g, key, var))
        return True

    def solve(self) -> float:
        status = self.backend.solver.Solve()
        if status != pywraplp.Solver.OPTIMAL:
            return math.inf
        return float(self.backend.solver.Objective().Value())

    def duals(self, groups: list[WeekGroup]) -> tuple[dict[int, float], list[float]]:
        """Duals of the link rows and of the groups' rows (read before any column is added:
        adding one invalidates the solution)."""
        rows = [g.row.dual_value() if g.row is not None else 0.0 for g in groups]
        return {k: row.dual_value() for k, row in self.link.items()}, rows


def column_bound(
    problem: RosterProblem,
    agents: tuple[Agent, ...] | None = None,
    time_limit_s: float = 30.0,
    objective: Objective = "deviation",
    max_iterations: int = 200,
) -> ColumnBound:
    """Column generation for ``time_limit_s`` (at least :data:`MIN_ITERATIONS` rounds); the
    best Lagrangian bound found (``-inf`` if the master never became feasible)."""
    start = time.monotonic()
    types = enumerate_shift_types(problem)
    groups = week_groups(problem, problem.agents if agents is None else agents, types)
    master = MasterLp(problem, types, groups, objective)
    return generate(master, groups, start + time_limit_s, max_iterations, start)


def generate(
    master: MasterLp,
    groups: list[WeekGroup],
    deadline: float,
    max_iterations: int = 200,
    start: float | None = None,
    should_stop: Callable[[], bool] | None = None,
    floor: float | None = None,
) -> ColumnBound:
    """Seed every group with its cheapest week, then price columns in until ``deadline`` (at
    least :data:`MIN_ITERATIONS` rounds), convergence, a stop request or a master value at or
    below ``floor`` (cost units: the bound can no longer rise above it, e.g. a caller that
    only wants a bound above the LP's); the columns stay in ``groups`` (each group's
    ``weeks``) for an integer master."""
    start = time.monotonic() if start is None else start
    for g in groups:  # a first week each: the fewest paid minutes
        _, week = g.pricer.cheapest({k: 1.0 + p for k, p in g.penalty.items()})
        master.add(g, week)
    best, value, iterations, converged = -math.inf, math.inf, 0, False
    while iterations < max_iterations and (
        iterations < MIN_ITERATIONS or time.monotonic() < deadline
    ):
        if should_stop is not None and should_stop():
            break
        iterations += 1
        value = master.solve()
        if not math.isfinite(value) or (floor is not None and value / SCALE <= floor):
            break
        lagrange, added = value, 0
        link, convex = master.duals(groups)
        for g, mu in zip(groups, convex, strict=True):
            prices = {k: link[k] + p for k, p in g.penalty.items() if k in link}
            weeks = g.pricer.cheapest_weeks(prices, COLUMNS_PER_GROUP)
            if not weeks:
                continue
            lagrange += g.size * min(0.0, weeks[0][0] - mu)
            for price, week in weeks:
                if price - mu < -TOLERANCE * max(1.0, abs(value)) / max(1, len(groups)):
                    added += master.add(g, week)
        best = max(best, lagrange)
        if added == 0 or value - best <= CLOSE * abs(value):
            converged = True  # the bound meets the master's value (within CLOSE)
            break
    seconds = time.monotonic() - start
    bound = best / SCALE - 1e-6 * max(1.0, abs(best / SCALE))  # GLOP's tolerances
    return ColumnBound(bound, value / SCALE, iterations, master.columns, converged, seconds)
