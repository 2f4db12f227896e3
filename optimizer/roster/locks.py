"""Re-optimise a roster around locks: locked shifts (and locked days off) stay exactly as they
are, the rest of the week is solved again by :func:`optimizer.roster.solve.solve_roster`.

A lock names an agent (all its week), a day (every agent's shift that day) or one agent-day.
A locked agent-day keeps what the base roster has there: its shift, or no shift (a locked day
off). The locks become a smaller problem of the same kind (:func:`reduce_problem`):

- agents locked all week leave the problem; their shifts are fixed;
- an agent with some locked days has those days unavailable, its weekly paid minutes and
  working-day limit lowered by its locked shifts, and the days beside a locked shift narrowed
  so the minimum rest to it holds;
- the requirement is what the locked shifts leave uncovered (``max(0, need - locked)``).

The cost of any completion equals the reduced problem's deviation cost plus a constant (the
locked shifts' paid time, preferences and their over-coverage), so the reduced LP bound plus
that constant is a lower bound of every roster that keeps the locks: bound and gap are
reported as a solve's are. A free day that would make, alone, a run of working days too long
with the locked shifts beside it is unavailable; longer combinations are not in the reduced
problem: the merged roster is checked with :func:`check_roster` and an agent whose merged week
breaks a rule loses the unlocked shifts on the days named if its week is then valid, else gets
back its base week when that one is valid (else the roster is ``INVALID``, as a solve reports
it). The unlocked part is solved by ``solve_roster`` and, when the base's own unlocked shifts
are valid in the reduced problem, also improved from them by the agent-level local search; of
the two merged and repaired rosters the valid, cheaper one is kept, so a re-optimisation of a
valid base never returns a costlier roster. The re-optimisation minimises the deviation cost
(the service-level objective is not decomposable); the service level is evaluated on the whole
roster.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from optimizer.roster.check import check_roster
from optimizer.roster.constraints.working_days import day_limit
from optimizer.roster.evaluate import (
    objective_cost,
    staffed_matrix,
)
from optimizer.roster.local_search import LocalSearchOptions, local_search
from optimizer.roster.problem import Agent, Roster, RosterProblem, Shift, Window
from optimizer.roster.shifts import enumerate_shift_types
from optimizer.roster.solve import (
    RosterResult,
    SolveOptions,
    SolverProgress,
    SolverReport,
    bounded_report,
    roster_result,
    solve_roster,
)

__all__ = ["Locks", "Reduction", "locked_changes", "reduce_problem", "solve_with_locks"]

FROM_BASE_SHARE = 0.4  # of the time limit: the local search from the base's unlocked shifts

AgentDay = tuple[str, int]


@dataclass(frozen=True, slots=True)
class Locks:
    """What must not change: whole agents, whole days, single agent-days."""

    agents: frozenset[str] = frozenset()
    days: frozenset[int] = frozenset()
    shifts: frozenset[AgentDay] = frozenset()

    def covers(self, agent: str, day: int) -> bool:
        return agent in self.agents or day in self.days or (agent, day) in self.shifts

    def locked_days(self, agent: str, days: int) -> frozenset[int]:
        return frozenset(d for d in range(days) if self.covers(agent, d))


@dataclass(frozen=True, slots=True)
class Reduction:
    """The problem left to solve, the shifts that are fixed, and the agents fully locked."""

    problem: RosterProblem
    fixed: tuple[Shift, ...]
    frozen_agents: frozenset[str]


def _narrow(window: Window | None, lo: int | None, hi: int | None) -> Window | None:
    if window is None:
        return None
    start = window[0] if lo is None else max(window[0], lo)
    end = window[1] if hi is None else min(window[1], hi)
    return (start, end) if start < end else None


def _free_availability(
    problem: RosterProblem, agent: Agent, locked: frozenset[int], fixed: dict[int, Shift]
) -> tuple[Window | None, ...]:
    """The agent's availability with locked days removed and the days beside a locked shift
    narrowed to keep the minimum rest to it."""
    rest = problem.rules.min_rest_min
    out: list[Window | None] = []
    for day, window in enumerate(agent.availability):
        if (
            day in locked
            or _run_through(problem, agent, fixed, day) > problem.rules.max_consecutive_days
        ):
            out.append(None)
            continue
        before, after = fixed.get(day - 1), fixed.get(day + 1)
        lo = None if before is None else before.end_min + rest - 1440
        hi = None if after is None else after.start_min + 1440 - rest
        out.append(_narrow(window, lo, hi))
    return tuple(out)


def _run_through(problem: RosterProblem, agent: Agent, fixed: dict[int, Shift], day: int) -> int:
    """The run of consecutive working days a shift on ``day`` would make with the locked
    shifts beside it (and last week's tail when the run reaches day 0)."""
    left = 0
    while day - left - 1 >= 0 and (day - left - 1) in fixed:
        left += 1
    if day - left == 0:
        left += agent.history.consecutive_days_worked
    right = 0
    while (day + right + 1) in fixed:
        right += 1
    return left + 1 + right


def _free_agent(
    problem: RosterProblem, agent: Agent, locked: frozenset[int], fixed: list[Shift]
) -> Agent:
    """``agent`` on its unlocked days only, its weekly bounds less its locked shifts."""
    paid = sum(s.paid_min(problem.rules) for s in fixed)
    by_day = {s.day: s for s in fixed}
    availability = _free_availability(problem, agent, locked, by_day)
    days = min(day_limit(problem, agent) - len(by_day), sum(w is not None for w in availability))
    most = max(0, agent.max_weekly_paid_min - paid)
    # what the free days can hold at most: a week the locks make impossible still gets them
    # (the merged week then breaks its minimum and is reported, not left without shifts)
    longest = max(problem.contract(agent.contract).shift_paid_min)
    least = min(max(0, agent.min_weekly_paid_min - paid), most, max(0, days) * longest)
    return dataclasses.replace(
        agent, availability=availability, min_weekly_paid_min=least, max_weekly_paid_min=most,
        max_days=max(0, days), fixed_cost=0.0 if fixed else agent.fixed_cost,
    )  # fmt: skip


def _residual(problem: RosterProblem, fixed: Iterable[Shift]) -> tuple[tuple[int, ...], ...]:
    staffed = staffed_matrix(problem, Roster(tuple(fixed)))
    need = np.maximum(0, np.asarray(problem.requirement, dtype=np.int64) - staffed)
    return tuple(tuple(int(v) for v in row) for row in need)


def reduce_problem(problem: RosterProblem, base: Roster, locks: Locks) -> Reduction:
    """The problem of the unlocked part of ``base`` (see the module docstring)."""
    by_agent = base.by_agent()
    fixed: list[Shift] = []
    agents: list[Agent] = []
    frozen: set[str] = set()
    for agent in problem.agents:
        locked = locks.locked_days(agent.id, problem.days)
        mine = [s for s in by_agent.get(agent.id, []) if s.day in locked]
        fixed.extend(mine)
        if len(locked) == problem.days:
            frozen.add(agent.id)
        else:
            agents.append(_free_agent(problem, agent, locked, mine) if locked else agent)
    reduced = dataclasses.replace(
        problem,
        name=f"{problem.name}-locked",
        requirement=_residual(problem, fixed),
        agents=tuple(agents),
        demand=None,
    )
    return Reduction(reduced, tuple(fixed), frozenset(frozen))


def locked_changes(base: Roster, roster: Roster, locks: Locks) -> list[AgentDay]:
    """Locked agent-days whose shift (or absence of one) differs between the two rosters."""
    old = {(s.agent, s.day): s for s in base.shifts}
    new = {(s.agent, s.day): s for s in roster.shifts}
    keys = {k for k in old.keys() | new.keys() if locks.covers(*k)}
    return sorted(k for k in keys if old.get(k) != new.get(k))


def _repair(problem: RosterProblem, base: Roster, merged: Roster, locks: Locks) -> Roster:
    """An agent whose merged week breaks a rule loses the unlocked shifts on the days named
    (a run of working days too long) when that leaves a valid week, else gets its base week
    back (locked days are the base's already) when that one is valid; else it stays."""
    found = check_roster(problem, merged)
    if not found:
        return merged
    base_by_agent = base.by_agent()
    broken = {v.agent for v in found}
    shifts = [s for s in merged.shifts if s.agent not in broken]
    for agent in sorted(broken):
        days = {v.day for v in found if v.agent == agent and v.day is not None}
        week = tuple(s for s in merged.shifts if s.agent == agent)
        trimmed = tuple(s for s in week if s.day not in days or locks.covers(agent, s.day))
        own = tuple(base_by_agent.get(agent, []))
        options = [w for w in (trimmed, own) if not _agent_violations(problem, agent, w)]
        shifts.extend(options[0] if options else week)
    return Roster(tuple(shifts))


def _agent_violations(problem: RosterProblem, agent: str, shifts: tuple[Shift, ...]) -> bool:
    one = dataclasses.replace(problem, agents=tuple(a for a in problem.agents if a.id == agent))
    return bool(check_roster(one, Roster(shifts)))


def solve_with_locks(
    problem: RosterProblem,
    base: Roster,
    locks: Locks,
    options: SolveOptions,
    *,
    on_progress: Callable[[SolverProgress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> RosterResult:
    """A roster of ``problem`` that keeps every locked agent-day of ``base`` as it is and
    re-solves the rest (deviation cost), with the bound and gap of that restricted problem."""
    start = time.monotonic()
    reduction = reduce_problem(problem, base, locks)
    part: RosterResult | None = None
    frees = [Roster()]
    if reduction.problem.agents:
        part, frees = _solve_free(reduction, base, options, on_progress, should_stop)
    merged = [Roster((*reduction.fixed, *free.shifts)) for free in frees]
    constant = objective_cost(problem, merged[0], "deviation") - objective_cost(
        reduction.problem, frees[0], "deviation"
    )
    repaired = [_repair(problem, base, m, locks) for m in merged]
    roster = min(repaired, key=lambda r: (bool(check_roster(problem, r)),
                                          objective_cost(problem, r, "deviation")))  # fmt: skip
    return _full_result(problem, roster, part, constant, time.monotonic() - start)


def _solve_free(
    reduction: Reduction,
    base: Roster,
    options: SolveOptions,
    on_progress: Callable[[SolverProgress], None] | None,
    should_stop: Callable[[], bool] | None,
) -> tuple[RosterResult, list[Roster]]:
    """Candidates for the unlocked part: when the base's own unlocked shifts are valid in the
    reduced problem, the local search's from them (first :data:`FROM_BASE_SHARE` of the
    time), then ``solve_roster``'s on the reduced problem (the rest)."""
    reduced = reduction.problem
    start = time.monotonic()
    fixed = set(reduction.fixed)
    mine = Roster(tuple(s for s in base.shifts if s not in fixed
                        and s.agent not in reduction.frozen_agents))  # fmt: skip
    found = []
    if not check_roster(reduced, mine):
        try:
            types = enumerate_shift_types(reduced)
            walk = LocalSearchOptions(seed=options.seed)
            until = start + FROM_BASE_SHARE * options.time_limit_s
            found.append(local_search(reduced, types, reduced.agents, mine, until, walk,
                                      should_stop)[0])  # fmt: skip
        except (KeyError, ValueError):  # base shifts off the enumerated types (hand edits)
            found.append(mine)
    limit = max(1.0, options.time_limit_s - (time.monotonic() - start))
    solve = dataclasses.replace(options, objective="deviation", time_limit_s=limit)
    part = solve_roster(reduced, solve, on_progress=on_progress, should_stop=should_stop)
    return part, [part.roster, *found]


def _full_result(
    problem: RosterProblem,
    roster: Roster,
    part: RosterResult | None,
    constant: float,
    seconds: float,
) -> RosterResult:
    """``roster``'s result on the whole problem (deviation cost): KPIs, coverage and a report
    whose bound is the reduced problem's bound plus the locked part's constant cost."""

    def report(cost: float, valid: bool) -> SolverReport:
        bound = cost if part is None else constant + part.report.best_bound
        return _report(cost, bound, part, seconds, valid=valid)

    return roster_result(
        problem,
        roster,
        SolveOptions(objective="deviation"),
        report,
        explanations=() if part is None else part.explanations,
        warnings=() if part is None else part.warnings,
    )


def _report(
    cost: float, bound: float, part: RosterResult | None, seconds: float, valid: bool
) -> SolverReport:
    if part is None:  # everything locked: nothing to solve
        base = SolverReport(
            status="",
            objective=cost,
            best_bound=bound,
            gap=0.0,
            seconds=seconds,
            lp_bound=bound,
            aggregate_objective=cost,
            assignment_deviation=0,
            stopped_early=False,
        )
        return bounded_report(base, cost, bound, seconds, valid)
    return bounded_report(part.report, cost, bound, seconds, valid)
