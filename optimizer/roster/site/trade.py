"""A polish round that trades between skill sets: sets without deferred work move their idle
time to where they can take live cover over from e-mail-skilled agents.

The exact cost LP of a roster allocates each interval's agents on the phone; an agent whose
skill set has no deferred queue sits idle (0.1 per agent-interval) wherever its live queues are
covered, while agents with the e-mail skill may be covering those same queues with e-mail
waiting (0.05 per 15 work-minutes carried over). The per-set polish
(:mod:`optimizer.roster.site.polish`) cannot see that trade: a set's need there is its own live
cover. The cover duals of the roster's LP (:mod:`optimizer.roster.site.marginal`) say where
one more agent on one of a set's live queues is worth something; here each set without
deferred work gets a gain table of three levels per interval (its agent-level search is
today's, :func:`~optimizer.roster.local_search.local_search`, on that table):

* up to its live cover in the roster's LP: the under-coverage weight (keep what it covers);
* then, where one of its live queues' duals is at least :data:`MIN_GAIN` (a cover worth
  taking over), for as many agents as e-mail-skilled agents cover live queues there:
  :data:`TAKEOVER_VALUE` (an e-mail-skilled agent freed for the work waiting);
* beyond: the idle price.

Its agents' weekly paid time is capped at the roster's, so a move gains by leaving idle
intervals, not by adding paid time.

E-mail-skilled sets keep their shifts in this round; the exact LP moves them to e-mail where
they were relieved. The caller keeps the round only if the exact cost falls.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from optimizer.roster.local_search import local_search
from optimizer.roster.problem import Agent, Roster, RosterProblem, Shift
from optimizer.roster.shifts import ShiftType
from optimizer.roster.site.marginal import Marginals, marginals
from optimizer.roster.site.model import skill_groups
from optimizer.roster.site.problem import SiteProblem, SiteRoster

__all__ = ["TAKEOVER_VALUE", "RoundRun", "live_cover", "search_sets", "trade_round"]

TAKEOVER_VALUE = 0.05  # per agent-interval of live cover taken over (carry-over price)
MIN_GAIN = 0.01  # a queue's cover dual from which taking its cover over is worth something

Rows = NDArray[np.float64]


def live_cover(site: SiteProblem, skills: frozenset[str], values: dict[str, float]) -> Rows:
    """Per day and interval: the set's live cover in an LP solution plus the uncovered
    requirement of its live queues."""
    core = site.core
    label = str(sorted(skills))
    out = np.zeros((core.days, core.intervals_per_day))
    for q in site.live:
        if q.id not in skills:
            continue
        for d, row in enumerate(q.requirement):
            for t, req in enumerate(row):
                if req > 0:
                    out[d, t] += values.get(f"a[{label},{q.id},{d},{t}]", 0.0)
                    out[d, t] += values.get(f"under[{q.id},{d},{t}]", 0.0)
    return out


def _table(problem: RosterProblem, need: Rows, extra: Rows, most: int) -> Rows:
    """``table[d, t, k]``: gain of the ``k+1``-th agent (three levels, module docstring)."""
    w = problem.weights
    k = np.arange(most + 1)[None, None, :]
    low = np.floor(need + 0.5)[:, :, None]
    high = low + extra[:, :, None]
    table = np.full((problem.days, problem.intervals_per_day, most + 1), -w.over_per_agent_interval)
    table = np.where(k < high, TAKEOVER_VALUE, table)
    return np.where(k < low, w.under_per_agent_interval, table)


def _takeover(m: Marginals, skills: frozenset[str]) -> Rows:
    """Agents of the set whose cover would relieve e-mail-skilled agents, per interval."""
    worth = np.zeros_like(m.relief, dtype=bool)
    for qid, gain in m.gain.items():
        if qid in skills:
            worth |= gain >= MIN_GAIN
    return np.where(worth, np.floor(m.relief + 0.5), 0.0)


def _capped(site: SiteProblem, members: tuple[Agent, ...], own: Roster) -> tuple[Agent, ...]:
    """The agents with their weekly paid time capped at the roster's: a move gains by leaving
    idle intervals, never by adding paid time (its extra cover would mostly be idle)."""
    paid: dict[str, int] = {}
    for s in own.shifts:
        paid[s.agent] = paid.get(s.agent, 0) + s.paid_min(site.core.rules)
    return tuple(
        dataclasses.replace(a, max_weekly_paid_min=min(a.max_weekly_paid_min, paid.get(a.id, 0)))
        for a in members
    )


@dataclass(frozen=True, slots=True)
class RoundRun:
    """What a polish round searches with: shift types, agents, its deadline, a stop poll."""

    types: list[ShiftType]
    agents: tuple[Agent, ...]
    deadline: float
    should_stop: Callable[[], bool] | None = None


def search_sets(
    roster: Roster, kept: list[Shift], sets: list[tuple[RosterProblem, Rows | None]], run: RoundRun
) -> Roster:
    """``kept`` plus, per set, its agents' (``problem.agents``) shifts of ``roster`` after
    today's agent-level search (:func:`local_search`) against the set's problem, or its gain
    table when given; each set gets an equal share of the time left to ``run.deadline``. A
    set with a shift that is not an enumerated type keeps its shifts."""
    shifts = list(kept)
    for i, (problem, table) in enumerate(sets):
        mine = {a.id for a in problem.agents}
        own = Roster(tuple(s for s in roster.shifts if s.agent in mine))
        end = time.monotonic() + max(0.2, (run.deadline - time.monotonic()) / (len(sets) - i))
        with contextlib.suppress(ValueError):
            own, _ = local_search(problem, run.types, problem.agents, own, end,
                                  should_stop=run.should_stop, table=table)  # fmt: skip
        shifts += own.shifts
    return Roster(tuple(shifts))


def trade_round(site: SiteProblem, roster: Roster, run: RoundRun) -> Roster:
    """Every set without deferred work that can take cover over searched on its three-level
    table (weekly paid time capped at the roster's); the joined roster."""
    m = marginals(site, SiteRoster(roster))
    deferred = frozenset(e.id for e in site.deferred)
    sets: list[tuple[RosterProblem, Rows | None]] = []
    for skills, members in skill_groups(site, run.agents):
        if skills & deferred:
            continue
        need = live_cover(site, skills, m.values)
        extra = _takeover(m, skills)
        if extra.any():  # only sets that can take cover over
            mine = {a.id for a in members}
            own = Roster(tuple(s for s in roster.shifts if s.agent in mine))
            problem = dataclasses.replace(site.core, agents=_capped(site, members, own))
            sets.append((problem, _table(problem, need, extra, len(members))))
    ids = {a.id for problem, _ in sets for a in problem.agents}
    return search_sets(roster, [s for s in roster.shifts if s.agent not in ids], sets, run)
