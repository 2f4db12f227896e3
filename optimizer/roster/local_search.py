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
the cheapest seen, never worse than the input.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from optimizer.roster.build import SCALE, Objective, scaled_weights
from optimizer.roster.constraints.activities import activities_apart
from optimizer.roster.constraints.consecutive_days import consecutive_days_violations
from optimizer.roster.constraints.preferences import preference_penalty
from optimizer.roster.constraints.rest import rest_window
from optimizer.roster.constraints.service_level import service_curves
from optimizer.roster.constraints.weekly_minutes import weekly_minutes_violations
from optimizer.roster.constraints.working_days import working_days_violations
from optimizer.roster.evaluate import staffed_matrix
from optimizer.roster.problem import Activity, Agent, Roster, RosterProblem, Shift
from optimizer.roster.shifts import ShiftType

__all__ = ["LocalSearchOptions", "LocalSearchStats", "gain_table", "local_search"]

Choice = tuple[int, int | None, int | None]  # (shift type, break offset, lunch offset) minutes
Week = list[Choice | None]
Blocks = list[tuple["_Geometry", NDArray[np.int64]]]


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


@dataclass(frozen=True, slots=True)
class _Geometry:
    """The shift types of one (day, paid length), every start, with the valid (break, lunch)
    offset pairs; arrays in intervals (-1: no such activity)."""

    types: tuple[ShiftType, ...]
    start_min: NDArray[np.int64]
    first: NDArray[np.int64]
    span: int
    pairs: tuple[tuple[int | None, int | None], ...]
    brk: NDArray[np.int64]
    lun: NDArray[np.int64]
    brk_len: int
    lun_len: int


def _pairs(problem: RosterProblem, st: ShiftType) -> list[tuple[int | None, int | None]]:
    """(break, lunch) offsets a shift of this geometry may have (windows and the gap)."""
    breaks: list[int | None] = list(st.break_offsets) if st.has_break else [None]
    lunches: list[int | None] = list(st.lunch_offsets) if st.has_lunch else [None]
    return [
        (b, x)
        for b in breaks
        for x in lunches
        if b is None or x is None or activities_apart(problem.rules, b, x)
    ]


def _geometries(problem: RosterProblem, types: list[ShiftType]) -> dict[tuple[int, int], _Geometry]:
    grid = problem.interval_min
    groups: dict[tuple[int, int], list[ShiftType]] = {}
    for st in types:
        groups.setdefault((st.day, st.paid_min), []).append(st)
    out = {}
    for key, sts in groups.items():
        sts.sort(key=lambda s: s.start_min)
        pairs = _pairs(problem, sts[0])
        if not pairs:
            continue
        starts = np.array([s.start_min for s in sts], dtype=np.int64)
        out[key] = _Geometry(
            tuple(sts),
            starts,
            starts // grid,
            sts[0].span_min // grid,
            tuple(pairs),
            np.array([-1 if b is None else b // grid for b, _ in pairs], dtype=np.int64),
            np.array([-1 if x is None else x // grid for _, x in pairs], dtype=np.int64),
            problem.rules.break_rule.duration_min // grid,
            problem.rules.lunch_rule.duration_min // grid,
        )
    return out


def gain_table(problem: RosterProblem, objective: Objective, most: int) -> NDArray[np.float64]:
    """``table[d, t, k]``: cost decrease (objective units) from the ``k+1``-th agent on the
    phone in interval ``t`` of day ``d``, for ``k`` in ``0..most`` (beyond: as at ``most``)."""
    days, per_day = problem.days, problem.intervals_per_day
    k = np.arange(most + 1)
    if objective == "deviation":
        w = problem.weights
        below = k[None, None, :] < np.asarray(problem.requirement, dtype=np.int64)[:, :, None]
        return np.where(below, w.under_per_agent_interval, -w.over_per_agent_interval)
    _, w_over, _ = scaled_weights(problem)
    table = np.full((days, per_day, most + 1), -w_over / SCALE)
    for (d, t), curve in service_curves(problem).items():
        slopes = np.repeat(np.asarray(curve.slopes, dtype=np.float64), curve.lengths)[: most + 1]
        table[d, t, : slopes.size] = slopes / SCALE
    return table


class _State:
    """The roster as one choice per agent and day, with its staffed matrix."""

    def __init__(
        self,
        problem: RosterProblem,
        types: list[ShiftType],
        agents: tuple[Agent, ...],
        roster: Roster,
        objective: Objective,
    ) -> None:
        self.problem = problem
        self.types = types
        self.staffed = staffed_matrix(problem, roster)
        self.table = gain_table(problem, objective, len(agents))
        self.cells = np.arange(problem.intervals_per_day)
        self.w_paid = problem.weights.paid_per_agent_interval / problem.interval_min
        self.geo = _geometries(problem, types)
        index = {(st.day, st.start_min, st.paid_min): st.index for st in types}
        self.week: dict[str, Week] = {a.id: [None] * problem.days for a in agents}
        for s in roster.shifts:
            if s.agent not in self.week:
                raise ValueError(f"{s.agent} has shifts but is not among the agents searched")
            k = index.get((s.day, s.start_min, s.paid_min(problem.rules)))
            if k is None:
                raise ValueError(f"the shift of {s.agent} on day {s.day} is not a shift type")
            start = {a.kind: a.start_min - s.start_min for a in s.activities}
            self.week[s.agent][s.day] = (k, start.get("break"), start.get("lunch"))

    def covered(self, choice: Choice) -> list[tuple[int, int]]:
        """Interval ranges ``[a, b)`` on the phone for a choice, on its day."""
        grid, rules = self.problem.interval_min, self.problem.rules
        st = self.types[choice[0]]
        cuts = []
        if choice[1] is not None:
            b = (st.start_min + choice[1]) // grid
            cuts.append((b, b + rules.break_rule.duration_min // grid))
        if choice[2] is not None:
            x = (st.start_min + choice[2]) // grid
            cuts.append((x, x + rules.lunch_rule.duration_min // grid))
        out, at = [], st.start_min // grid
        for a, b in sorted(cuts):
            out.append((at, a))
            at = b
        out.append((at, st.end_min // grid))
        return [(a, b) for a, b in out if b > a]

    def apply(self, day: int, choice: Choice | None, sign: int) -> None:
        if choice is not None:
            for a, b in self.covered(choice):
                self.staffed[day, a:b] += sign

    def gains(self, day: int) -> NDArray[np.float64]:
        """Cost decrease of one more agent on the phone in each interval of ``day``."""
        k = np.minimum(self.staffed[day], self.table.shape[2] - 1)
        gains: NDArray[np.float64] = self.table[day, self.cells, k]
        return gains

    def contribution(self, agent: Agent, day: int, choice: Choice | None) -> float:
        """Cost the choice adds to the roster without it (``staffed`` must exclude it)."""
        if choice is None:
            return 0.0
        g = self.gains(day)
        value = sum(float(g[a:b].sum()) for a, b in self.covered(choice))
        st = self.types[choice[0]]
        pref = preference_penalty(agent.preferences, day, st.start_min)
        return self.w_paid * st.paid_min - value + pref

    def roster(self) -> Roster:
        rules = self.problem.rules
        shifts = []
        for agent, week in self.week.items():
            for day, c in enumerate(week):
                if c is None:
                    continue
                st = self.types[c[0]]
                acts = []
                if c[1] is not None:
                    b = st.start_min + c[1]
                    acts.append(Activity("break", b, b + rules.break_rule.duration_min))
                if c[2] is not None:
                    x = st.start_min + c[2]
                    acts.append(Activity("lunch", x, x + rules.lunch_rule.duration_min))
                acts.sort(key=lambda a: a.start_min)
                shifts.append(Shift(agent, day, st.start_min, st.end_min, tuple(acts)))
        return Roster(tuple(shifts))


class _Rules:
    """An agent's rules for the shift of one day, the rest of the week fixed."""

    def __init__(self, problem: RosterProblem, types: list[ShiftType]) -> None:
        self.problem = problem
        self.types = types

    def window(self, agent: Agent, week: Week, day: int) -> tuple[int, int] | None:
        """Earliest start and latest end (minutes of ``day``) of a shift on ``day``, from
        availability and the rest to the neighbouring shifts (and last week's); ``None`` if
        the day cannot be worked (availability, working days, days off, consecutive days)."""
        window = agent.availability[day]
        if window is None:
            return None
        others = [d for d, c in enumerate(week) if c is not None and d != day]
        if working_days_violations(self.problem, agent, [*others, day]):
            return None
        if consecutive_days_violations(self.problem, agent, {*others, day}):
            return None
        lo, hi = window
        before = [d for d in others if d < day]
        after = [d for d in others if d > day]
        previous = (before[-1], self.types[_type(week, before[-1])].end_min) if before else None
        following = (after[0], self.types[_type(week, after[0])].start_min) if after else None
        earliest, latest = rest_window(self.problem, agent, day, previous, following)
        lo = lo if earliest is None else max(lo, earliest)
        hi = hi if latest is None else min(hi, latest)
        return (lo, hi) if hi > lo else None

    def _rest_of_week(self, week: Week, day: int) -> int:
        return sum(self.types[c[0]].paid_min for d, c in enumerate(week) if c and d != day)

    def paid_range(self, agent: Agent, week: Week, day: int) -> tuple[int, int]:
        """Paid minutes a shift on ``day`` may have."""
        rest = self._rest_of_week(week, day)
        return agent.min_weekly_paid_min - rest, agent.max_weekly_paid_min - rest

    def may_be_off(self, agent: Agent, week: Week, day: int) -> bool:
        rest = self._rest_of_week(week, day)
        return not weekly_minutes_violations(agent, rest, rest != 0)


def _type(week: Week, day: int) -> int:
    choice = week[day]
    if choice is None:
        raise ValueError(f"no shift on day {day}")
    return choice[0]


def _day_options(
    state: _State, rules: _Rules, agent: Agent, week: Week, day: int, lengths: set[int]
) -> tuple[NDArray[np.float64], Blocks]:
    """Cost of every valid shift on ``day`` with a paid length in ``lengths`` (the staffed
    matrix must exclude the agent's shift there), flattened block by block (one block per
    length: starts x activity pairs); :func:`_decode` turns an index into the choice."""
    bounds = rules.window(agent, week, day)
    blocks: Blocks = []
    costs: list[NDArray[np.float64]] = []
    if bounds is None:
        return np.empty(0), blocks
    lo, hi = bounds
    prefix = np.concatenate(([0.0], np.cumsum(state.gains(day))))
    grid = state.problem.interval_min
    for paid in sorted(lengths):
        geo = state.geo.get((day, paid))
        if geo is None:
            continue
        sel = np.flatnonzero((geo.start_min >= lo) & (geo.start_min + geo.span * grid <= hi))
        if sel.size == 0:
            continue
        i0 = geo.first[sel][:, None]
        value = np.repeat(prefix[i0 + geo.span] - prefix[i0], len(geo.pairs), axis=1)
        if geo.brk[0] >= 0:
            b = i0 + geo.brk[None, :]
            value -= prefix[b + geo.brk_len] - prefix[b]
        if geo.lun[0] >= 0:
            x = i0 + geo.lun[None, :]
            value -= prefix[x + geo.lun_len] - prefix[x]
        cost = state.w_paid * paid - value
        if agent.preferences.active:
            pref = [preference_penalty(agent.preferences, day, int(m)) for m in geo.start_min[sel]]
            cost += np.asarray(pref)[:, None]
        blocks.append((geo, sel))
        costs.append(cost.ravel())
    return (np.concatenate(costs) if costs else np.empty(0)), blocks


def _decode(blocks: Blocks, index: int) -> Choice:
    for geo, sel in blocks:
        size = sel.size * len(geo.pairs)
        if index < size:
            s, j = divmod(index, len(geo.pairs))
            brk, lun = geo.pairs[j]
            return geo.types[int(sel[s])].index, brk, lun
        index -= size
    raise IndexError(index)


class _Search:
    """Moves of one agent at a time on a :class:`_State`; each returns the cost change."""

    def __init__(self, state: _State, rules: _Rules, agents: tuple[Agent, ...], seed: int):
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
        return _day_options(self.state, self.rules, agent, week, day, lengths)

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
        week[day] = None if i == costs.size else _decode(blocks, i)
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
        week[dst] = _decode(blocks, i)
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
            v1, n1 = _cheapest(st, self.rules, agent, week, d1, {m1})
            if n1 is None:
                continue
            week[d1] = n1
            v2, n2 = _cheapest(st, self.rules, agent, week, d2, {m2})
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


def _cheapest(
    state: _State, rules: _Rules, agent: Agent, week: Week, day: int, lengths: set[int]
) -> tuple[float, Choice | None]:
    costs, blocks = _day_options(state, rules, agent, week, day, lengths)
    if costs.size == 0:
        return math.inf, None
    i = int(np.argmin(costs))
    return float(costs[i]), _decode(blocks, i)


class _Best:
    """The cheapest state seen (cost relative to the start)."""

    def __init__(self, state: _State) -> None:
        self.cost = 0.0
        self.week = {a: list(w) for a, w in state.week.items()}
        self.staffed = state.staffed.copy()

    def offer(self, state: _State, cost: float) -> bool:
        if cost >= self.cost - 1e-9:
            return False
        self.cost = cost
        self.week = {a: list(w) for a, w in state.week.items()}
        self.staffed = state.staffed.copy()
        return True

    def restore(self, state: _State) -> None:
        state.week = {a: list(w) for a, w in self.week.items()}
        state.staffed = self.staffed.copy()


def _unit(state: _State) -> float:
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
) -> tuple[Roster, LocalSearchStats]:
    """Anneal ``roster`` (valid, shifts of the enumerated ``types``, ``agents`` only) until
    ``anneal_share`` of the time to ``deadline`` (``time.monotonic()``), then descend until
    no single agent can improve or the deadline passes. Never returns a costlier roster."""
    start = time.monotonic()
    if not agents:
        return roster, LocalSearchStats(0.0, 0, 0, 0.0)
    state = _State(problem, types, agents, roster, options.objective)
    search = _Search(state, _Rules(problem, types), agents, options.seed)
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
