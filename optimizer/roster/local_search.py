"""Agent-level local search on a finished roster: heat-bath annealing, then exact descent.

The aggregate search (:mod:`optimizer.roster.solve`) works on counts with CP-SAT and, within
its time limit, leaves rosters that single agents could still improve: a break moved by 15
minutes, a shift started half an hour later, a day off swapped. This stage searches those
moves directly on the named roster, fast:

* the *gain* of one more agent on the phone in an interval follows from the current staffed
  matrix (:func:`gain_table`: ``under`` below the requirement, ``-over`` at or above it; with
  the service-level objective, the slope of the interval's service curve), so the value of a
  shift with a given break and lunch is a sum of gains, read from prefix sums: all starts and
  activity placements of one paid length on one day are valued at once (numpy);
* a step takes one agent's shift out of one day and draws its replacement among *all* valid
  shifts of that day (and no shift, where the week allows) with probability proportional to
  ``exp(-cost change / T)`` (heat bath), or moves the shift to one of the agent's days off the
  same way; a walk that finds no new best for a while restarts from the best roster seen;
* after the annealing, best responses (re-place a day, move a shift to a day off, trade paid
  length between two working days) descend to a local optimum.

Every alternative respects the agent's rules exactly (availability, contract lengths, opening
hours and start grid through the shift types, rest between shifts also across the week
boundary, consecutive days, working days and days off, weekly paid minutes, activity windows
and the minimum work between activities), so a valid roster stays valid; the returned roster is
the cheapest seen, never worse than the input. The state, the valuation of a day's shifts and
the agent's rules for one day live in :mod:`optimizer.roster.local_state`.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from optimizer.roster.local_state import (
    Blocks,
    Choice,
    DayRules,
    State,
    Week,
    cheapest,
    day_options,
    decode,
    gain_table,
)
from optimizer.roster.local_state import activity_pairs as _pairs  # noqa: F401 (tests)
from optimizer.roster.model import Objective
from optimizer.roster.problem import Agent, Roster, RosterProblem
from optimizer.roster.shifts import ShiftType

__all__ = ["LocalSearchOptions", "LocalSearchStats", "gain_table", "local_search"]


@dataclass(frozen=True, slots=True)
class LocalSearchOptions:
    """Temperatures (start, end) in units of the gain of a needed agent-interval, the steps
    without a new best after which the walk restarts from the best, the share of the time
    spent annealing (the rest: descent) and the seed."""

    temperatures: tuple[float, float] = (0.03, 0.015)
    restart_steps: int = 5_000
    anneal_share: float = 0.9
    move_share: float = 0.2  # of the steps: move a shift to a day off (else re-draw a day)
    seed: int = 0
    objective: Objective = "deviation"


@dataclass(frozen=True, slots=True)
class LocalSearchStats:
    """Cost change (objective units, negative = better), annealing steps, descent moves."""

    improvement: float
    steps: int
    moves: int
    seconds: float


class _Search:
    """Moves of one agent at a time on a :class:`State`; each returns the cost change."""

    def __init__(self, state: State, rules: DayRules, agents: tuple[Agent, ...], seed: int):
        self.state = state
        self.rules = rules
        self.rng = random.Random(seed)
        self.moves = 0
        self.days = [d for d, o in enumerate(state.problem.opening_hours) if o is not None]
        self.lengths = {
            a.id: set(state.problem.contract(a.contract).shift_paid_min) for a in agents
        }

    def _options(self, agent: Agent, week: Week, day: int) -> tuple[NDArray[np.float64], Blocks]:
        lo, hi = self.rules.paid_range(agent, week, day)
        lengths = {m for m in self.lengths[agent.id] if lo <= m <= hi}
        return day_options(self.state, self.rules, agent, week, day, lengths)

    def _draw(self, delta: NDArray[np.float64], temp: float | None) -> int:
        """The best index (``temp`` None) or one drawn with weights exp(-delta / temp)."""
        if temp is None:
            return int(np.argmin(delta))
        weights = np.exp(-(delta - delta.min()) / temp)
        cumulative = np.cumsum(weights)
        pick = int(np.searchsorted(cumulative, self.rng.random() * cumulative[-1], "right"))
        return min(pick, delta.size - 1)

    def redo_day(self, agent: Agent, day: int, temp: float | None = None) -> float:
        """Re-choose the shift of ``day`` among every valid one (and none, if allowed)."""
        st, week = self.state, self.state.week[agent.id]
        old = week[day]
        st.apply(day, old, -1)
        current = st.contribution(agent, day, old)
        costs, blocks = self._options(agent, week, day)
        off = self.rules.may_be_off(agent, week, day)
        delta = np.append(costs, 0.0) - current if off else costs - current
        if delta.size == 0 or (temp is None and delta.min() >= -1e-9):
            st.apply(day, old, +1)
            return 0.0
        i = self._draw(delta, temp)
        week[day] = None if i == costs.size else decode(blocks, i)
        st.apply(day, week[day], +1)
        self.moves += week[day] != old
        return float(delta[i])

    def move_day(self, agent: Agent, src: int, dst: int, temp: float | None = None) -> float:
        """Move the shift of ``src`` to the day off ``dst`` (any valid shift there), or not."""
        st, week = self.state, self.state.week[agent.id]
        old = week[src]
        if old is None or week[dst] is not None:
            return 0.0
        st.apply(src, old, -1)
        current = st.contribution(agent, src, old)
        week[src] = None
        costs, blocks = self._options(agent, week, dst)
        delta = np.append(costs - current, 0.0)  # last: keep the shift where it is
        i = self._draw(delta, temp) if temp is not None or delta.min() < -1e-9 else costs.size
        if i == costs.size:
            week[src] = old
            st.apply(src, old, +1)
            return 0.0
        week[dst] = decode(blocks, i)
        st.apply(dst, week[dst], +1)
        self.moves += 1
        return float(delta[i])

    def trade_length(self, agent: Agent, d1: int, d2: int) -> float:
        """Best shifts of two working days whose paid lengths change but keep their sum."""
        st, week = self.state, self.state.week[agent.id]
        c1, c2 = week[d1], week[d2]
        if c1 is None or c2 is None or len(self.lengths[agent.id]) < 2:
            return 0.0
        m1_old, m2_old = st.types[c1[0]].paid_min, st.types[c2[0]].paid_min
        st.apply(d1, c1, -1)
        st.apply(d2, c2, -1)
        current = st.contribution(agent, d1, c1) + st.contribution(agent, d2, c2)
        best: tuple[float, Choice | None, Choice | None] = (current - 1e-9, None, None)
        for m1 in sorted(self.lengths[agent.id] - {m1_old}):
            m2 = m1_old + m2_old - m1
            if m2 not in self.lengths[agent.id]:
                continue
            v1, n1 = cheapest(st, self.rules, agent, week, d1, {m1})
            if n1 is None:
                continue
            week[d1] = n1
            v2, n2 = cheapest(st, self.rules, agent, week, d2, {m2})
            week[d1] = c1
            if n2 is not None and v1 + v2 < best[0]:
                best = (v1 + v2, n1, n2)
        _, n1, n2 = best
        if n1 is None or n2 is None:
            st.apply(d1, c1, +1)
            st.apply(d2, c2, +1)
            return 0.0
        week[d1], week[d2] = n1, n2
        st.apply(d1, n1, +1)
        st.apply(d2, n2, +1)
        self.moves += 1
        return best[0] - current

    def descend(self, agent: Agent) -> float:
        """Best responses of one agent: every day, every shift to every day off, every
        length trade; returns the cost change (<= 0)."""
        week = self.state.week[agent.id]
        change = sum(self.redo_day(agent, d) for d in self.days)
        for src in [d for d in self.days if week[d] is not None]:
            for dst in [d for d in self.days if week[d] is None]:
                moved = self.move_day(agent, src, dst)
                change += moved
                if moved < 0:
                    break
        worked = [d for d in self.days if week[d] is not None]
        for i, d1 in enumerate(worked):
            for d2 in worked[i + 1 :]:
                change += self.trade_length(agent, d1, d2)
        return change


class _Best:
    """The cheapest state seen (cost relative to the start)."""

    def __init__(self, state: State) -> None:
        self.cost = 0.0
        self.week = {a: list(w) for a, w in state.week.items()}
        self.staffed = state.staffed.copy()

    def offer(self, state: State, cost: float) -> bool:
        if cost >= self.cost - 1e-9:
            return False
        self.cost = cost
        self.week = {a: list(w) for a, w in state.week.items()}
        self.staffed = state.staffed.copy()
        return True

    def restore(self, state: State) -> None:
        state.week = {a: list(w) for a, w in self.week.items()}
        state.staffed = self.staffed.copy()


def _unit(state: State) -> float:
    """Gain of a needed agent-interval: the scale of the temperatures."""
    positive = state.table[state.table > 0]
    return float(np.median(positive)) if positive.size else 1.0


def _anneal(
    search: _Search,
    agents: tuple[Agent, ...],
    deadline: float,
    options: LocalSearchOptions,
    should_stop: Callable[[], bool] | None,
) -> tuple[float, int]:
    """Heat-bath walk until ``deadline``; leaves the best state seen in ``search.state``.
    Returns its cost change and the number of steps."""
    state, rng = search.state, search.rng
    best = _Best(state)
    unit = _unit(state)
    hot, cold = (t * unit for t in options.temperatures)
    start = time.monotonic()
    span = max(1e-6, deadline - start)
    cost, steps, since, temp = 0.0, 0, 0, hot
    while True:
        if steps % 64 == 0:
            now = time.monotonic()
            if now >= deadline or (should_stop is not None and should_stop()):
                break
            temp = hot * (cold / hot) ** ((now - start) / span)
        steps += 1
        agent = agents[rng.randrange(len(agents))]
        week = state.week[agent.id]
        if rng.random() >= options.move_share:
            cost += search.redo_day(agent, search.days[rng.randrange(len(search.days))], temp)
        else:
            worked = [d for d in search.days if week[d] is not None]
            off = [d for d in search.days if week[d] is None]
            if worked and off:
                cost += search.move_day(agent, rng.choice(worked), rng.choice(off), temp)
        if best.offer(state, cost):
            since = 0
        elif (since := since + 1) > options.restart_steps:
            best.restore(state)
            cost, since = best.cost, 0
    best.restore(state)
    return best.cost, steps


def local_search(
    problem: RosterProblem,
    types: list[ShiftType],
    agents: tuple[Agent, ...],
    roster: Roster,
    deadline: float,
    options: LocalSearchOptions = LocalSearchOptions(),
    should_stop: Callable[[], bool] | None = None,
    table: NDArray[np.float64] | None = None,
) -> tuple[Roster, LocalSearchStats]:
    """Anneal ``roster`` (valid, shifts of the enumerated ``types``, ``agents`` only) until
    ``anneal_share`` of the time to ``deadline`` (``time.monotonic()``), then descend until
    no single agent can improve or the deadline passes. Never returns a costlier roster.
    ``table[d, t, k]``: the gain of the ``k+1``-th agent on the phone, instead of the
    problem's requirement and weights (the site polish's trade rounds)."""
    start = time.monotonic()
    if not agents:
        return roster, LocalSearchStats(0.0, 0, 0, 0.0)
    state = State(problem, types, agents, roster, options.objective)
    if table is not None:
        state.table = table
    search = _Search(state, DayRules(problem, types), agents, options.seed)
    until = start + options.anneal_share * max(0.0, deadline - start)
    change, steps = _anneal(search, agents, until, options, should_stop)
    search.moves = 0
    order = list(agents)
    while time.monotonic() < deadline and not (should_stop is not None and should_stop()):
        search.rng.shuffle(order)
        step = 0.0
        for agent in order:
            if time.monotonic() >= deadline:
                break
            step += search.descend(agent)
        change += step
        if step > -1e-9:
            break
    stats = LocalSearchStats(change, steps, search.moves, time.monotonic() - start)
    return state.roster(), stats
