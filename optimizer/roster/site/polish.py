"""Agent-level polish of a site roster: today's local search per skill set, guided by the
exact cost LP's allocation, kept only when the exact cost falls.

The roster's exact cost LP (:func:`allocation_values`) says, per skill set and interval, how
many of its agents cover live queues and which live requirement stays uncovered. Each skill
set then gets a single-queue problem (its agents, today's rules) whose requirement is that live
cover plus the uncovered requirement of every live queue in its skills, and today's
agent-level local search (:func:`local_search`: breaks, lunches, starts, days, lengths) runs
on its agents' shifts. Beyond that requirement an agent's time is worth
:data:`DEFERRED_VALUE` when the set has a deferred queue (e-mail work waiting: the carry-over
price is 0.05 per 15 work-minutes) and costs the idle price otherwise. All skill sets move at
once; the exact cost of the result decides (a round that is not cheaper is dropped and the
polish stops). Every move keeps the agent's rules, so a valid roster stays valid.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable
from dataclasses import replace

from optimizer.roster.local_search import LocalSearchOptions, local_search
from optimizer.roster.problem import Agent, Roster, RosterProblem
from optimizer.roster.shifts import ShiftType
from optimizer.roster.site.cost import allocation_values, site_cost
from optimizer.roster.site.model import skill_groups
from optimizer.roster.site.problem import SiteProblem, SiteRoster

__all__ = ["polish_site"]

DEFERRED_VALUE = 0.01  # per agent-interval beyond the live need, for a set with deferred work


def _live_need(
    site: SiteProblem, skills: frozenset[str], values: dict[str, float]
) -> tuple[tuple[int, ...], ...]:
    """Per day and interval: the set's live cover in the LP plus the uncovered requirement of
    its live queues, rounded."""
    core = site.core
    label = str(sorted(skills))
    rows = []
    for d in range(core.days):
        row = []
        for t in range(core.intervals_per_day):
            need = 0.0
            for q in site.live:
                if q.id in skills and q.requirement[d][t] > 0:
                    need += values.get(f"a[{label},{q.id},{d},{t}]", 0.0)
                    need += values.get(f"under[{q.id},{d},{t}]", 0.0)
            row.append(math.floor(need + 0.5))
        rows.append(tuple(row))
    return tuple(rows)


def _group_problem(
    site: SiteProblem, skills: frozenset[str], members: tuple[Agent, ...], values: dict[str, float]
) -> RosterProblem:
    core = site.core
    deferred = any(e.id in skills for e in site.deferred)
    over = -DEFERRED_VALUE if deferred else core.weights.over_per_agent_interval
    weights = replace(core.weights, over_per_agent_interval=over)
    need = _live_need(site, skills, values)
    return dataclasses.replace(core, agents=members, requirement=need, weights=weights)


def _round(
    site: SiteProblem,
    roster: Roster,
    types: list[ShiftType],
    agents: tuple[Agent, ...],
    deadline: float,
    should_stop: Callable[[], bool] | None,
) -> Roster:
    """Every skill set's agents searched against its LP-guided need; the joined roster."""
    values = allocation_values(site, SiteRoster(roster))
    groups = skill_groups(site, agents)
    ids = {a.id for a in agents}
    shifts = [s for s in roster.shifts if s.agent not in ids]
    for i, (skills, members) in enumerate(groups):
        mine = {a.id for a in members}
        own = Roster(tuple(s for s in roster.shifts if s.agent in mine))
        problem = _group_problem(site, skills, members, values)
        end = time.monotonic() + max(0.2, (deadline - time.monotonic()) / (len(groups) - i))
        try:
            better, _ = local_search(problem, types, members, own, end, LocalSearchOptions(),
                                     should_stop)  # fmt: skip
        except ValueError:  # a shift that is not an enumerated type: the set keeps its shifts
            better = own
        shifts += better.shifts
    return Roster(tuple(shifts))


def polish_site(
    site: SiteProblem,
    roster: Roster,
    types: list[ShiftType],
    agents: tuple[Agent, ...],
    deadline: float,
    should_stop: Callable[[], bool] | None = None,
) -> tuple[Roster, float]:
    """The cheapest roster of the rounds (``roster`` itself when none is cheaper) and its
    exact cost; rounds run while there is time for one (two cost LPs and a search) and leave
    the caller time for one more cost LP before ``deadline``."""
    start = time.monotonic()
    best, cost = roster, site_cost(site, SiteRoster(roster)).cost
    lp_s = max(0.1, time.monotonic() - start)  # one exact cost LP on this machine now
    while deadline - time.monotonic() > 6 * lp_s:
        if should_stop is not None and should_stop():
            break
        search_end = deadline - 3.5 * lp_s  # its cost LP, the caller's scoring and check
        candidate = _round(site, best, types, agents, search_end, should_stop)
        new = site_cost(site, SiteRoster(candidate)).cost
        if new >= cost - 1e-9:
            break
        best, cost = candidate, new
    return best, cost
