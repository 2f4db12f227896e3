"""Price and branch on small sites: column generation over the agents' valid weeks, then the
integer master over the weeks it found.

The aggregate model's counts per class need not split into the members' weeks, and on a small
site the split model (one class per agent) is hard for CP-SAT: on the demo week (36 agents) the
aggregate search ends at 44.89 against an LP bound of 34.93, and 120 s of CP-SAT on the split
model at 43.05. Here the master of :mod:`colgen` (every agent works one of the valid weeks
priced so far) is solved first as an LP to convergence, which gives a lower bound at least as
tight as the LP (demo week: 35.68), then as an integer program by CP-SAT (each group of alike
agents picks as many weeks as it has members; the aggregate model's break/lunch counts and
coverage are unchanged), cut off at the cost of the best named roster at hand (a hint of that
roster instead kept CP-SAT near it: nothing better in 11 s on the demo week, against 38.2
without). Every week it can pick is valid for its agent, so its solutions are named rosters
with exact costs: alone, the demo week's integer master reached 35.89 in 30 s (bound 35.68).

``solve_roster`` uses it only on small sites (``solve.SPLIT_AGENTS``, 60 agents): on M-1 (150
agents) the master needs 33 rounds and ~110 s to converge and its integer program (6,000
columns) found nothing below 1,577 in 60 s.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from optimizer.roster import cpsat
from optimizer.roster.backend import CpBackend
from optimizer.roster.build import build_aggregate
from optimizer.roster.colgen import (
    ColumnBound,
    MasterLp,
    WeekGroup,
    generate,
    type_domains,
    week_groups,
)
from optimizer.roster.compose import Incumbent, Shifts
from optimizer.roster.model import SCALE, AggregateModel, Objective
from optimizer.roster.named_roster import activity_counts
from optimizer.roster.problem import Agent, Roster, RosterProblem
from optimizer.roster.shifts import ShiftType

__all__ = [
    "Columns",
    "IntegerMaster",
    "add_weeks",
    "price_columns",
    "roster_weeks",
]

Week = tuple[int, ...]  # sorted shift-type indices of one agent's week


@dataclass(frozen=True, slots=True)
class Columns:
    """The weeks priced per group and the column bound (:class:`colgen.ColumnBound`)."""

    groups: list[WeekGroup]
    bound: ColumnBound


def price_columns(
    problem: RosterProblem,
    agents: tuple[Agent, ...],
    types: list[ShiftType],
    objective: Objective,
    deadline: float,
    should_stop: Callable[[], bool] | None = None,
    floor: float | None = None,
) -> Columns:
    """Column generation until convergence, ``deadline``, a stop request or a master value at
    or below ``floor`` (:func:`colgen.generate`)."""
    groups = week_groups(problem, agents, types)
    master = MasterLp(problem, types, groups, objective)
    bound = generate(master, groups, deadline, should_stop=should_stop, floor=floor)
    return Columns(groups, bound)


def roster_weeks(problem: RosterProblem, types: list[ShiftType], roster: Roster) -> dict[str, Week]:
    """Each agent's week in ``roster`` as shift-type indices; agents with a shift no type
    matches (none in a roster of this problem) are left out."""
    by_key = {(st.day, st.start_min, st.span_min, st.paid_min): st.index for st in types}
    weeks: dict[str, list[int]] = {}
    unknown: set[str] = set()
    for s in roster.shifts:
        key = (s.day, s.start_min, s.end_min - s.start_min, s.paid_min(problem.rules))
        k = by_key.get(key)
        if k is None:
            unknown.add(s.agent)
        else:
            weeks.setdefault(s.agent, []).append(k)
    out = {a.id: tuple(sorted(weeks.get(a.id, []))) for a in problem.agents}
    return {a: w for a, w in out.items() if a not in unknown}


class IntegerMaster:
    """The integer master over every group's weeks: CP-SAT on the aggregate model without
    class families (shift-type totals = the chosen weeks' sums)."""

    def __init__(
        self,
        problem: RosterProblem,
        types: list[ShiftType],
        groups: list[WeekGroup],
        objective: Objective,
    ) -> None:
        self.problem = problem
        self.groups = groups
        self.backend = CpBackend()
        domains = type_domains(problem, groups)
        extra: list[tuple[cp_model.IntVar, int]] = []
        self.lam: list[dict[Week, cp_model.IntVar]] = []
        link: dict[int, list[tuple[cp_model.IntVar, int]]] = {k: [] for k in domains}
        for gi, g in enumerate(groups):
            chosen: dict[Week, cp_model.IntVar] = {}
            for wi, week in enumerate(sorted(g.weeks)):
                var = self.backend.model.new_int_var(0, g.size, f"lam[{gi},{wi}]")
                chosen[week] = var
                cost = round(g.cost(week))
                if cost:
                    extra.append((var, cost))
                for k in week:
                    link[k].append((var, -1))
            self.lam.append(chosen)
        self.model: AggregateModel = build_aggregate(
            problem, self.backend, types, [], type_domains=domains, objective=objective,
            extra_objective=extra,
        )  # fmt: skip
        for gi, chosen in enumerate(self.lam):
            terms = [(v, 1) for v in chosen.values()]
            self.backend.add_linear(terms, groups[gi].size, groups[gi].size, f"convex[{gi}]")
        for k, terms in link.items():
            if k in self.model.X:
                self.backend.add_linear([(self.model.X[k], 1), *terms], 0, 0, f"link[{k}]")

    def below(self, cost: float) -> None:
        """Accept only solutions cheaper than ``cost`` (cost units): an objective cutoff that
        prunes the search without steering it as a hint does."""
        model = self.backend.model
        objective = model.proto.objective
        variables = [model.get_int_var_from_proto_index(i) for i in objective.vars]
        expr = cp_model.LinearExpr.weighted_sum(variables, list(objective.coeffs))
        limit = round(cost * SCALE) - 1 - int(objective.offset)
        model.add_linear_constraint(expr, -(10**15), limit).with_name("cutoff")

    def solve(
        self,
        limit_s: float,
        workers: int,
        seed: int,
        callback: cp_model.CpSolverSolutionCallback | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> Roster | None:
        """The best named roster CP-SAT finds in ``limit_s`` (``None``: none found)."""
        solver = cpsat.run(
            self.backend.model, limit_s, workers=workers, seed=seed, callback=callback,
            should_stop=should_stop, linearization_level=2,
        )  # fmt: skip
        if not cpsat.found(solver):
            return None
        shifts: Shifts = {}
        types = self.model.types
        for g, chosen in zip(self.groups, self.lam, strict=True):
            members = iter(g.agents)
            for week, var in chosen.items():
                for _ in range(int(solver.value(var))):
                    agent = next(members)
                    if week:
                        shifts[agent.id] = {types[k].day: types[k] for k in week}
        return Incumbent(shifts, activity_counts(self.model, solver)).roster(self.problem)


def add_weeks(groups: list[WeekGroup], weeks: dict[str, Week]) -> int:
    """Add each agent's week of a known roster to its group's columns; returns how many were
    new."""
    added = 0
    for g in groups:
        for a in g.agents:
            week = weeks.get(a.id)
            if week is not None and week not in g.weeks:
                g.weeks.add(week)
                added += 1
    return added
