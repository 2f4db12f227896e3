"""The state of the agent-level local search (:mod:`optimizer.roster.local_search`).

The roster as one choice (shift type, activity offsets) per agent and day, with its staffed
matrix; the gain of one more agent on the phone per interval; the shift geometries of one (day,
paid length, activity lengths) with their valid activity patterns; an agent's rules for the
shift of one day (the rule families' pure checks, the rest of the week fixed); and every valid
shift of a day valued at once from prefix sums of the gains.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from optimizer.roster.constraints.activities import shift_activities
from optimizer.roster.constraints.consecutive_days import consecutive_days_violations
from optimizer.roster.constraints.preferences import preference_penalty
from optimizer.roster.constraints.rest import rest_window
from optimizer.roster.constraints.service_level import service_curves
from optimizer.roster.constraints.weekly_minutes import weekly_minutes_violations
from optimizer.roster.constraints.working_days import working_days_violations
from optimizer.roster.evaluate import staffed_matrix
from optimizer.roster.model import SCALE, Objective, scaled_weights
from optimizer.roster.problem import Agent, Roster, RosterProblem, Shift
from optimizer.roster.shifts import ShiftType, valid_patterns

__all__ = [
    "Blocks",
    "Choice",
    "DayRules",
    "Geometry",
    "State",
    "Week",
    "activity_pairs",
    "cheapest",
    "day_options",
    "decode",
    "gain_table",
]

Choice = tuple[int, tuple[int, ...]]  # (shift type, activity offsets in slot order) minutes
Week = list[Choice | None]
Blocks = list[tuple["Geometry", NDArray[np.int64]]]


@dataclass(frozen=True, slots=True)
class Geometry:
    """The shift types of one (day, paid length, activity lengths), every start, with the
    valid activity patterns (offsets per slot); arrays in intervals."""

    types: tuple[ShiftType, ...]
    start_min: NDArray[np.int64]
    first: NDArray[np.int64]
    span: int
    patterns: tuple[tuple[int, ...], ...]
    offsets: NDArray[np.int64]  # patterns x slots
    lengths: tuple[int, ...]


def activity_pairs(problem: RosterProblem, st: ShiftType) -> list[tuple[int, ...]]:
    """Activity offsets (slot order) a shift of this geometry may have (windows and gaps)."""
    return valid_patterns(st)


def _shape(st: ShiftType) -> tuple[int, int, tuple[int, ...]]:
    return st.day, st.paid_min, tuple(s.duration_min for s in st.slots)


def _geometries(
    problem: RosterProblem, types: list[ShiftType]
) -> dict[tuple[int, int], list[Geometry]]:
    grid = problem.interval_min
    groups: dict[tuple[int, int, tuple[int, ...]], list[ShiftType]] = {}
    for st in types:
        groups.setdefault(_shape(st), []).append(st)
    out: dict[tuple[int, int], list[Geometry]] = {}
    for (day, paid, _), sts in groups.items():
        sts.sort(key=lambda s: s.start_min)
        patterns = valid_patterns(sts[0])
        if not patterns:
            continue
        starts = np.array([s.start_min for s in sts], dtype=np.int64)
        offsets = np.array(patterns, dtype=np.int64).reshape(len(patterns), len(sts[0].slots))
        out.setdefault((day, paid), []).append(
            Geometry(
                tuple(sts),
                starts,
                starts // grid,
                sts[0].span_min // grid,
                tuple(patterns),
                offsets // grid,
                tuple(s.duration_min // grid for s in sts[0].slots),
            )
        )
    return out


def _choice_of(st: ShiftType, s: Shift) -> tuple[int, ...] | None:
    """Offsets (slot order) of the activities of ``s`` in one of the type's orders."""
    acts = sorted(s.activities, key=lambda a: a.start_min)
    for order in st.orders or ((),):
        if len(order) != len(acts):
            continue
        slots = [st.slots[i] for i in order]
        if all(sl.kind == a.kind and sl.duration_min == a.end_min - a.start_min
               for sl, a in zip(slots, acts, strict=True)):  # fmt: skip
            offsets = [0] * len(order)
            for i, a in zip(order, acts, strict=True):
                offsets[i] = a.start_min - s.start_min
            return tuple(offsets)
    return None


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


class State:
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
        self.overnight = any(st.end_min > 1440 for st in types)
        self.week: dict[str, Week] = {a.id: [None] * problem.days for a in agents}
        for s in roster.shifts:
            if s.agent not in self.week:
                raise ValueError(f"{s.agent} has shifts but is not among the agents searched")
            self.week[s.agent][s.day] = self._choice(s)

    def _choice(self, s: Shift) -> Choice:
        paid = s.paid_min(self.problem.rules)
        for geo in self.geo.get((s.day, paid), []):
            hit = np.flatnonzero(geo.start_min == s.start_min)
            st = geo.types[int(hit[0])] if hit.size else None
            offsets = None if st is None or st.end_min != s.end_min else _choice_of(st, s)
            if st is not None and offsets is not None:
                return st.index, offsets
        raise ValueError(f"the shift of {s.agent} on day {s.day} is not a shift type")

    def covered(self, choice: Choice) -> list[tuple[int, int]]:
        """Interval ranges ``[a, b)`` on the phone for a choice, from its day's first interval
        (past the day's last one: the next day)."""
        grid = self.problem.interval_min
        st = self.types[choice[0]]
        cuts = []
        for slot, offset in zip(st.slots, choice[1], strict=True):
            b = (st.start_min + offset) // grid
            cuts.append((b, b + slot.duration_min // grid))
        out, at = [], st.start_min // grid
        for a, b in sorted(cuts):
            out.append((at, a))
            at = b
        out.append((at, st.end_min // grid))
        return [(a, b) for a, b in out if b > a]

    def apply(self, day: int, choice: Choice | None, sign: int) -> None:
        if choice is None:
            return
        per_day = self.problem.intervals_per_day
        for a, b in self.covered(choice):
            self.staffed[day, a : min(b, per_day)] += sign
            if b > per_day and day + 1 < self.problem.days:  # overnight: the next day's part
                self.staffed[day + 1, max(0, a - per_day) : b - per_day] += sign

    def gains(self, day: int) -> NDArray[np.float64]:
        """Cost decrease of one more agent on the phone in each interval of ``day`` and, past
        its last interval, of the next day (zero past the last day: not this week's)."""
        k = np.minimum(self.staffed[day], self.table.shape[2] - 1)
        gains: NDArray[np.float64] = self.table[day, self.cells, k]
        if not self.overnight:
            return gains
        if day + 1 < self.problem.days:
            k = np.minimum(self.staffed[day + 1], self.table.shape[2] - 1)
            return np.concatenate((gains, self.table[day + 1, self.cells, k]))
        return np.concatenate((gains, np.zeros_like(gains)))

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
        shifts = []
        for agent, week in self.week.items():
            for day, c in enumerate(week):
                if c is None:
                    continue
                st = self.types[c[0]]
                acts = shift_activities(st, c[1])
                shifts.append(Shift(agent, day, st.start_min, st.end_min, acts))
        return Roster(tuple(shifts))


class DayRules:
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
        previous = (
            (before[-1], self.types[_chosen_type(week, before[-1])].end_min) if before else None
        )
        following = (
            (after[0], self.types[_chosen_type(week, after[0])].start_min) if after else None
        )
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


def _chosen_type(week: Week, day: int) -> int:
    choice = week[day]
    if choice is None:
        raise ValueError(f"no shift on day {day}")
    return choice[0]


def day_options(
    state: State, rules: DayRules, agent: Agent, week: Week, day: int, lengths: set[int]
) -> tuple[NDArray[np.float64], Blocks]:
    """Cost of every valid shift on ``day`` with a paid length in ``lengths`` (the staffed
    matrix must exclude the agent's shift there), flattened block by block (one block per
    length: starts x activity pairs); :func:`decode` turns an index into the choice."""
    bounds = rules.window(agent, week, day)
    blocks: Blocks = []
    costs: list[NDArray[np.float64]] = []
    if bounds is None:
        return np.empty(0), blocks
    lo, hi = bounds
    prefix = np.concatenate(([0.0], np.cumsum(state.gains(day))))
    grid = state.problem.interval_min
    for geo in (g for paid in sorted(lengths) for g in state.geo.get((day, paid), [])):
        paid = geo.types[0].paid_min
        sel = np.flatnonzero((geo.start_min >= lo) & (geo.start_min + geo.span * grid <= hi))
        if sel.size == 0:
            continue
        i0 = geo.first[sel][:, None]
        value = np.repeat(prefix[i0 + geo.span] - prefix[i0], len(geo.patterns), axis=1)
        for j, length in enumerate(geo.lengths):
            b = i0 + geo.offsets[None, :, j]
            value -= prefix[b + length] - prefix[b]
        cost = state.w_paid * paid - value
        if agent.preferences.active:
            pref = [preference_penalty(agent.preferences, day, int(m)) for m in geo.start_min[sel]]
            cost += np.asarray(pref)[:, None]
        blocks.append((geo, sel))
        costs.append(cost.ravel())
    return (np.concatenate(costs) if costs else np.empty(0)), blocks


def decode(blocks: Blocks, index: int) -> Choice:
    for geo, sel in blocks:
        size = sel.size * len(geo.patterns)
        if index < size:
            s, j = divmod(index, len(geo.patterns))
            return geo.types[int(sel[s])].index, geo.patterns[j]
        index -= size
    raise IndexError(index)


def cheapest(
    state: State, rules: DayRules, agent: Agent, week: Week, day: int, lengths: set[int]
) -> tuple[float, Choice | None]:
    costs, blocks = day_options(state, rules, agent, week, day, lengths)
    if costs.size == 0:
        return math.inf, None
    i = int(np.argmin(costs))
    return float(costs[i]), decode(blocks, i)
