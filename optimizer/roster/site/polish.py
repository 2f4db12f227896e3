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
once; the exact cost of the result decides (a round that is not cheaper is dropped).

With deferred work, these ``live`` rounds alternate with ``trade`` rounds
(:mod:`optimizer.roster.site.trade`): sets without deferred work move their idle time to where
they can take live cover over from e-mail-skilled agents, which the per-set need cannot see.
The polish stops when neither kind gains. Every move keeps the agent's rules, so a valid
roster stays valid.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from optimizer.roster.problem import Agent, Roster, RosterProblem
from optimizer.roster.shifts import ShiftType
from optimizer.roster.site.cost import allocation_values, site_cost
from optimizer.roster.site.model import skill_groups
from optimizer.roster.site.problem import SiteProblem, SiteRoster
from optimizer.roster.site.trade import RoundRun, Rows, live_cover, search_sets, trade_round

__all__ = ["polish_site"]

DEFERRED_VALUE = 0.01  # per agent-interval beyond the live need, for a set with deferred work
ROUND_SHARE = 0.35  # of the time left: a round after the first


Need = dict[frozenset[str], tuple[tuple[int, ...], ...]]


def _live_need(site: SiteProblem, skills: frozenset[str], values: dict[str, float]) -> Need:
    """Per day and interval: the set's live cover in the LP plus the uncovered requirement of
    its live queues (:func:`~optimizer.roster.site.trade.live_cover`), rounded."""
    rows = np.floor(live_cover(site, skills, values) + 0.5).astype(int)
    return {skills: tuple(tuple(int(v) for v in row) for row in rows)}


def live_needs(site: SiteProblem, roster: Roster, agents: tuple[Agent, ...]) -> Need:
    """Every skill set's need from the exact cost LP of ``roster``: its own live cover plus
    the uncovered requirement of its live queues."""
    values = allocation_values(site, SiteRoster(roster))
    out: Need = {}
    for skills, _ in skill_groups(site, agents):
        out.update(_live_need(site, skills, values))
    return out


def _group_problem(
    site: SiteProblem, skills: frozenset[str], members: tuple[Agent, ...], need: Need
) -> RosterProblem:
    core = site.core
    deferred = any(e.id in skills for e in site.deferred)
    over = -DEFERRED_VALUE if deferred else core.weights.over_per_agent_interval
    weights = replace(core.weights, over_per_agent_interval=over)
    zero = tuple((0,) * core.intervals_per_day for _ in range(core.days))
    requirement = need.get(skills, zero)
    return dataclasses.replace(core, agents=members, requirement=requirement, weights=weights)


def _round(site: SiteProblem, roster: Roster, run: RoundRun, need: Need) -> Roster:
    """Every skill set's agents searched against its ``need``; the joined roster."""
    ids = {a.id for a in run.agents}
    sets: list[tuple[RosterProblem, Rows | None]] = [
        (_group_problem(site, skills, members, need), None)
        for skills, members in skill_groups(site, run.agents)
    ]
    return search_sets(roster, [s for s in roster.shifts if s.agent not in ids], sets, run)


def _next(site: SiteProblem, best: Roster, kind: str, run: RoundRun) -> Roster:
    """One round of ``kind``: ``live`` (each set against its own live need) or ``trade``
    (sets without deferred work take live cover over, :mod:`trade`)."""
    if kind == "trade":
        return trade_round(site, best, run)
    need = live_needs(site, best, run.agents)
    return _round(site, best, run, need)


def polish_site(
    site: SiteProblem,
    roster: Roster,
    types: list[ShiftType],
    agents: tuple[Agent, ...],
    deadline: float,
    should_stop: Callable[[], bool] | None = None,
) -> tuple[Roster, float]:
    """The cheapest roster of the rounds (``roster`` itself when none is cheaper) and its
    exact cost. Rounds alternate ``live`` and, with deferred work, ``trade``
    (:func:`_next`); the first gets half the time (all of it without deferred work), later
    ones :data:`ROUND_SHARE` of what is left (a trade round's cover duals are worth solving
    again often), and a round after which no other would fit gets all that is left. A kind
    that does not gain is skipped until the other gains; the polish stops when neither does.
    Rounds run while there is time for one (about six cost LPs) and leave the caller time for
    one more cost LP before ``deadline``."""
    start = time.monotonic()
    best, cost = roster, site_cost(site, SiteRoster(roster)).cost
    lp_s = max(0.1, time.monotonic() - start)  # one exact cost LP on this machine now
    kinds = ["live", "trade"] if site.deferred else ["live"]
    failed: set[str] = set()
    share = 0.5 if len(kinds) > 1 else 1.0
    while deadline - time.monotonic() > 6 * lp_s and len(failed) < len(kinds):
        if should_stop is not None and should_stop():
            break
        kind = next(k for k in kinds if k not in failed)
        room = deadline - 3.5 * lp_s - time.monotonic()  # its cost LP, the caller's scoring
        part = share * room if room - share * room > 6 * lp_s else room  # else: no next round
        search_end = time.monotonic() + part
        candidate = _next(site, best, kind, RoundRun(types, agents, search_end, should_stop))
        new = site_cost(site, SiteRoster(candidate)).cost
        share = ROUND_SHARE
        if new >= cost - 1e-9:
            failed.add(kind)
            continue
        best, cost = candidate, new
        failed = set()
        kinds = kinds[1:] + kinds[:1] if kind == kinds[0] else kinds
    return best, cost
