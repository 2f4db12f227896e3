"""Price and dive: pin most agents to integral weeks of the column-generation master, then
roster the rest around them.

The master of :mod:`colgen` (every agent works one of its valid weeks, the aggregate model's
activities and coverage unchanged) is solved to convergence; its value is the column bound.
The dive then pins columns: a column whose value exceeds its pinned count by one or more pins
that many more members of its group to its week; if none does, every column above
:data:`THRESHOLD` pins one member; if none is, the largest pins one. The master is priced
again (at most :data:`ITERATIONS` rounds) and the dive goes on until :data:`PIN_SHARE` of the
agents are pinned. Measured on M-2 (150 agents, column bound 70.855; docs/roster.md,
seventeenth session): the master stays at 70.87 up to 138 pinned agents; pinned one by one to
the end it rose to 71.04 at 139, 72.55 at 145 and 80.57 at 150 (the last fractional weeks are
where the integer cost is). So the dive stops short and :func:`pin_weeks` hands the rest to
the roster solve: each pinned agent held to its week, the others free. On M-2 that solve
(120 s) gave 72.3-72.9, below every roster the plain solve had found (73.096 at best; 74.4
median at 120 s).

It is not part of ``solve_roster``: on M-2 the column generation alone takes 100-130 s and the
dive 60-260 s, so the whole takes about six minutes. ``bench.best_known`` runs it offline to
store a best known roster of M-2 beside its column bound. On M-3, whose weeks do not bind
(column bound below the LP), it gave 465.632 against the plain 120 s solve's 461.640.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ortools.linear_solver import pywraplp

from optimizer.roster.colgen import ColumnBound, MasterLp, WeekGroup, generate, week_groups
from optimizer.roster.model import SCALE, Objective
from optimizer.roster.problem import Agent, RosterProblem, Window
from optimizer.roster.shifts import ShiftType

__all__ = ["ITERATIONS", "PIN_SHARE", "THRESHOLD", "Dive", "pin_weeks", "price_and_dive"]

PIN_SHARE = 0.9  # of the agents, pinned by the dive (M-2: 123 and 135 of 150 both gave 72.332)
THRESHOLD = 0.7  # a column's fractional value that pins one member when none is integral
ITERATIONS = 4  # pricing rounds after each pinning step
EPS = 1e-6

Week = tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Dive:
    """The pinned agents' weeks (agent id -> shift-type indices), the master LP's value with
    them pinned (cost units), the column bound of the unpinned master, steps and seconds."""

    weeks: Mapping[str, Week]
    master: float
    bound: ColumnBound
    steps: int
    seconds: float


def price_and_dive(
    problem: RosterProblem,
    agents: tuple[Agent, ...],
    types: list[ShiftType],
    deadline: float,
    objective: Objective = "deviation",
    pin_share: float = PIN_SHARE,
    should_stop: Callable[[], bool] | None = None,
) -> Dive:
    """Column generation to convergence, then the dive until ``pin_share`` of ``agents`` are
    pinned, ``deadline`` or a stop request (see the module docstring)."""
    start = time.monotonic()
    groups = week_groups(problem, agents, types)
    master = MasterLp(problem, types, groups, objective)
    bound = generate(master, groups, deadline, 1000, start, should_stop)
    pinned = {id(g): 0 for g in groups}
    goal = math.ceil(pin_share * sum(g.size for g in groups))
    steps, value = 0, master.solve()
    while sum(pinned.values()) < goal and math.isfinite(value) and time.monotonic() < deadline:
        if should_stop is not None and should_stop():
            break
        steps += 1
        _pin(master, pinned)
        generate(master, groups, deadline, ITERATIONS, should_stop=should_stop)
        value = master.solve()
    weeks = _pinned_weeks(master)
    return Dive(weeks, value / SCALE, bound, steps, time.monotonic() - start)


def _pin(master: MasterLp, pinned: dict[int, int]) -> int:
    """One dive step on the master's current solution; returns how many members it pinned."""
    free = sorted(
        ((var.solution_value() - var.lb(), g, var) for g, _, var in master.lams),
        key=lambda t: -t[0],
    )
    free = [(x, g, var) for x, g, var in free if x > EPS and pinned[id(g)] < g.size]
    count = 0
    for x, g, var in free:
        take = math.floor(x + EPS) if x >= 1 - EPS else int(x >= THRESHOLD)
        count += _raise(var, g, min(take, g.size - pinned[id(g)]), pinned)
    if count == 0 and free:
        _, g, var = free[0]
        count = _raise(var, g, 1, pinned)
    return count


def _raise(var: pywraplp.Variable, g: WeekGroup, n: int, pinned: dict[int, int]) -> int:
    """Pin ``n`` more members of ``g`` to ``var``'s week (its lower bound)."""
    if n <= 0:
        return 0
    var.SetLb(var.lb() + n)
    pinned[id(g)] += n
    return n


def _pinned_weeks(master: MasterLp) -> dict[str, Week]:
    """Each pinned member's week: a group's members in order, column after column."""
    out: dict[str, Week] = {}
    taken: dict[int, int] = {}
    for g, week, var in master.lams:
        n = round(var.lb())
        first = taken.get(id(g), 0)
        for a in g.agents[first : first + n]:
            out[a.id] = week
        taken[id(g)] = first + n
    return out


def pin_weeks(
    problem: RosterProblem, types: list[ShiftType], weeks: Mapping[str, Week]
) -> RosterProblem:
    """``problem`` with each agent of ``weeks`` held to its week: available on its days only,
    from its shift's start to its end, for exactly its weekly paid minutes on that many days
    (a shorter shift inside a window would leave the minutes short, since no window holds a
    longer one). Rest, consecutive days and history are the agent's own, so a roster of the
    pinned problem is a roster of ``problem``."""
    by_id = {a.id: a for a in problem.agents}
    held = {aid: _held(by_id[aid], problem.days, [types[k] for k in week])
            for aid, week in weeks.items()}  # fmt: skip
    return dataclasses.replace(problem, agents=tuple(held.get(a.id, a) for a in problem.agents))


def _held(agent: Agent, days: int, week: list[ShiftType]) -> Agent:
    windows: list[Window | None] = [None] * days
    for st in week:
        windows[st.day] = (st.start_min, st.start_min + st.span_min)
    paid = sum(st.paid_min for st in week)
    return dataclasses.replace(
        agent,
        availability=tuple(windows),
        min_weekly_paid_min=paid,
        max_weekly_paid_min=paid,
        max_days=len(week),
    )
