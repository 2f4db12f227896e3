"""Backlog family: deferred work flows from arrival to processing, against its deadline.

Work is counted in agent-intervals (one agent-interval processes ``interval_min`` work-minutes).
Open intervals of the week are numbered ``0 .. N-1`` (:func:`open_intervals`); deadlines count
open time only. A cohort is the work that becomes workable together: each initial backlog entry
(workable from interval 0, due ``deadline - age`` open minutes later) and each interval's
arrivals (workable from the end of the interval they arrive in, due ``deadline`` open minutes
after that). Its ``due`` is the last open interval in which its work is on time
(``due >= N``: not due this week; ``due < 0``: already late).

Cohorts' windows are agreeable (release and due in the same order), so on-time amounts ``x_c``
are feasible exactly when the cumulative on-time processing ``C(t)`` never exceeds the work
released by ``t``, covers every cohort due by ``t``, and ends equal to their sum (FIFO). Late
work may still be processed (it then counts as work, not idle time), never before its due
interval has passed. Cost: ``late_cost`` per agent-interval of due work not on time,
``carry_cost`` per agent-interval of work not yet due left at the week's end.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from optimizer.roster.problem import RosterProblem
from optimizer.roster.site.linear import CostTerms, LinTerms, Sink

__all__ = [
    "BacklogVars",
    "Cohort",
    "add_backlog",
    "cohorts",
    "early_processing",
    "open_intervals",
]


@dataclass(frozen=True, slots=True)
class Cohort:
    """``work`` agent-intervals workable from open interval ``release``, on time up to and
    including open interval ``due``."""

    work: float
    release: int
    due: int


def open_intervals(problem: RosterProblem) -> list[tuple[int, int]]:
    """(day, interval) of every open interval of the week, in time order."""
    grid = problem.interval_min
    out = []
    for d, window in enumerate(problem.opening_hours):
        if window is not None:
            out += [(d, t) for t in range(window[0] // grid, window[1] // grid)]
    return out


def cohorts(
    problem: RosterProblem,
    arrivals: Sequence[Sequence[int]],
    work_min: float,
    deadline_min: int,
    initial: Sequence[tuple[int, int]] = (),
) -> list[Cohort]:
    """Cohorts of a deferred queue, ordered by due interval. ``initial``: (items, age_min)."""
    grid = problem.interval_min
    per_item = work_min / grid
    span = deadline_min // grid
    out = [Cohort(n * per_item, 0, (deadline_min - age) // grid - 1) for n, age in initial if n]
    opened = 0  # open intervals up to and including the current one
    for d, row in enumerate(arrivals):
        window = problem.opening_hours[d]
        for t, items in enumerate(row):
            if window is not None and window[0] <= t * grid < window[1]:
                opened += 1
            if items:
                out.append(Cohort(items * per_item, opened, opened + span - 1))
    return sorted(out, key=lambda c: (c.due, c.release))


@dataclass
class BacklogVars:
    """Variables of one deferred queue: on-time amount per cohort (work units), on-time and
    late processing per open interval, cumulative on-time and late processing."""

    cohorts: list[Cohort]
    unit: float
    x: list[Any] = field(default_factory=list)
    on: list[Any] = field(default_factory=list)
    late: list[Any] = field(default_factory=list)
    done: list[Any] = field(default_factory=list)
    late_done: list[Any] = field(default_factory=list)
    constant: float = 0.0


def _running(sink: Sink, step: list[LinTerms], ub: float, tag: str) -> list[Any]:
    """``S[t] = S[t-1] + step[t]`` as variables."""
    out: list[Any] = []
    for t, terms in enumerate(step):
        s = sink.var(0, ub, f"{tag}[{t}]")
        prev: LinTerms = [(out[-1], -1)] if out else []
        sink.add([(s, 1), *prev, *[(v, -c) for v, c in terms]], 0, 0, f"{tag}_step[{t}]")
        out.append(s)
    return out


def add_backlog(
    sink: Sink,
    tag: str,
    cohort_list: list[Cohort],
    processing: list[LinTerms],
    costs: tuple[float, float],
    unit: float = 1.0,
) -> tuple[BacklogVars, CostTerms]:
    """Backlog flow of one deferred queue. ``processing[t]``: terms of the agent-intervals
    given to it in open interval ``t``; ``costs``: (late, carry-over) per agent-interval;
    ``unit``: work units per agent-interval (1 for the LP; CP-SAT counts finer units).
    Returns the variables and the cost terms (``BacklogVars.constant`` holds the constant)."""
    n = len(processing)
    late_cost, carry_cost = costs
    bv = BacklogVars(cohort_list, unit)
    total = sum(c.work for c in cohort_list) * unit
    terms: CostTerms = []
    release: list[LinTerms] = [[] for _ in range(n)]
    due: list[LinTerms] = [[] for _ in range(n)]
    for i, c in enumerate(cohort_list):
        workable = c.due >= 0 and c.release < n
        x = sink.var(0, c.work * unit if workable else 0, f"{tag}_x[{i}]")
        bv.x.append(x)
        if workable:
            release[c.release].append((x, 1))
            if c.due < n:
                due[c.due].append((x, 1))
        price = late_cost if c.due < n else carry_cost
        bv.constant += price * c.work
        terms.append((x, -price / unit))
    for t in range(n):
        bv.on.append(sink.var(0, total, f"{tag}_on[{t}]"))
        bv.late.append(sink.var(0, total, f"{tag}_late[{t}]"))
        flow = [(v, unit * c) for v, c in processing[t]]
        sink.add([*flow, (bv.on[t], -1), (bv.late[t], -1)], 0, 0, f"{tag}_split[{t}]")
    _add_flow(sink, tag, bv, (release, due), total)
    return bv, terms


def _add_flow(
    sink: Sink,
    tag: str,
    bv: BacklogVars,
    steps: tuple[list[LinTerms], list[LinTerms]],
    total: float,
) -> None:
    release, due = steps
    n = len(release)
    bv.done = _running(sink, [[(v, 1)] for v in bv.on], total, f"{tag}_done")
    bv.late_done = _running(sink, [[(v, 1)] for v in bv.late], total, f"{tag}_late_done")
    released = _running(sink, release, total, f"{tag}_released")
    due_sum = _running(sink, due, total, f"{tag}_due")
    overdue = sum(c.work for c in bv.cohorts if c.due < 0) * bv.unit
    for t in range(n):
        sink.add([(bv.done[t], 1), (released[t], -1)], -total - 1, 0, f"{tag}_arrived[{t}]")
        sink.add([(bv.done[t], 1), (due_sum[t], -1)], 0, total + 1, f"{tag}_on_time[{t}]")
        passed = sum(c.work for c in bv.cohorts if 0 <= c.due < t) * bv.unit + overdue
        prev: LinTerms = [(due_sum[t - 1], 1)] if t else []
        sink.add([(bv.late_done[t], 1), *prev], 0, passed, f"{tag}_late_avail[{t}]")
    if n:
        sink.add([(bv.done[-1], 1), (released[-1], -1)], 0, 0, f"{tag}_all_claimed")


def early_processing(cohort_list: Sequence[Cohort], processed: Sequence[float]) -> list[int]:
    """Open intervals where the cumulative processing of ``processed`` (agent-intervals per
    open interval) exceeds the work released so far: work done before it arrived (the
    family's check; empty for every plan the family allows)."""
    out = []
    cumulative = 0.0
    for t, amount in enumerate(processed):
        cumulative += amount
        released = sum(c.work for c in cohort_list if c.release <= t)
        if cumulative > released + 1e-6:
            out.append(t)
    return out
