"""The baseline a site roster is compared with: every queue summed into one ``/1`` problem,
skills ignored, solved by today's single-queue engine (then scored by the exact site cost).

Deferred work enters the summed requirement as agent-intervals where it arrives (its deadline
ignored; fractions carried to the next open interval); the initial backlog is spread over the
first open day.
"""

from __future__ import annotations

import dataclasses

from optimizer.roster.constraints.backlog import open_intervals
from optimizer.roster.problem import RosterProblem
from optimizer.roster.site.problem import SiteProblem

__all__ = ["summed_problem"]


def summed_problem(site: SiteProblem) -> RosterProblem:
    """One ``/1`` problem whose requirement is every live queue's plus the deferred work."""
    core = site.core
    grid = core.interval_min
    req = [list(row) for row in core.requirement]
    slots = open_intervals(core)
    first_day = [s for s in slots if s[0] == slots[0][0]] if slots else []
    for e in site.deferred:
        work = [[n * e.work_min / grid for n in row] for row in e.arrivals]
        initial = sum(b.items for b in e.initial_backlog) * e.work_min / grid
        for d, t in first_day:
            work[d][t] += initial / len(first_day)
        carried = 0.0
        for d, t in slots:
            carried += work[d][t]
            whole = int(carried + 0.5)
            req[d][t] += whole
            carried -= whole
    return dataclasses.replace(core, requirement=tuple(tuple(row) for row in req))
