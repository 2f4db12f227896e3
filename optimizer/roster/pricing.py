"""The cheapest valid week of one agent under given shift-type prices (exact dynamic program).

The pricing problem of the column generation (:mod:`colgen`): choose at most one shift type per
day among those the agent may work so that every per-agent rule holds (weekly minutes, working
days and days off, rest between consecutive days and from last week's last shift, consecutive
working days with last week's tail) and the sum of the chosen types' prices is least.

The state after a day is (paid minutes so far in grid units, days worked, length of the run of
consecutive working days ending that day, earliest start allowed next day by rest): the last
one only takes the few values that constrain some start (a "rest bucket"), so the tables stay
small. Each day is one vectorised step over all states (numpy). Rest is checked between
consecutive days only (a shift that reaches two days ahead is not modelled), so with overnight
shifts the result is a relaxation (still a valid pricing for a lower bound).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from optimizer.roster.constraints.rest import earliest_monday_start
from optimizer.roster.constraints.working_days import day_limit
from optimizer.roster.problem import Agent, RosterProblem
from optimizer.roster.shifts import ShiftType

__all__ = ["WeekPricer"]

INF = math.inf


@dataclass(frozen=True, slots=True)
class _Choice:
    """Best type per (day, incoming rest bucket, paid units, outgoing rest bucket)."""

    price: float
    st: ShiftType


class WeekPricer:
    """Cheapest valid weeks for agents that share rules, types and history (one group)."""

    def __init__(self, problem: RosterProblem, agent: Agent, types: list[ShiftType]) -> None:
        self.problem = problem
        self.agent = agent
        self.unit = math.gcd(*{st.paid_min for st in types}, agent.max_weekly_paid_min) or 1
        self.days = problem.days
        self.by_day: list[list[ShiftType]] = [[] for _ in range(self.days)]
        for st in types:
            self.by_day[st.day].append(st)
        rest = problem.rules.min_rest_min
        earliest = [min((s.start_min for s in day), default=0) for day in self.by_day]
        limits = {-INF}
        for day in self.by_day:
            for st in day:
                nxt = earliest[st.day + 1] if st.day + 1 < self.days else INF
                if st.end_min + rest - 1440 > nxt:
                    limits.add(st.end_min + rest - 1440)
        self.first = earliest_monday_start(problem, agent)
        limits.add(self.first if self.first > earliest[0] else -INF)
        self.limits = sorted(limits)  # bucket b: next day's start >= limits[b]
        self.bucket_of = {v: i for i, v in enumerate(self.limits)}
        self.structure = [[(st, st.paid_min // self.unit, self._out_bucket(st),
                            [b for b, limit in enumerate(self.limits) if st.start_min >= limit])
                           for st in day] for day in self.by_day]  # fmt: skip
        self.max_units = agent.max_weekly_paid_min // self.unit
        self.max_days = day_limit(problem, agent)
        self.run_limit = problem.rules.max_consecutive_days

    def _out_bucket(self, st: ShiftType) -> int:
        nxt = st.end_min + self.problem.rules.min_rest_min - 1440
        return self.bucket_of.get(nxt, 0)

    def _choices(self, day: int, prices: dict[int, float]) -> dict[tuple[int, int, int], _Choice]:
        """(incoming bucket, paid units, outgoing bucket) -> cheapest type of ``day``."""
        out: dict[tuple[int, int, int], _Choice] = {}
        for st, units, b_out, entries in self.structure[day]:  # prices change, these do not
            price = prices.get(st.index)
            if price is None:
                continue
            for b_in in entries:
                key = (b_in, units, b_out)
                best = out.get(key)
                if best is None or price < best.price:
                    out[key] = _Choice(price, st)
        return out

    def _start(self) -> np.ndarray:
        shape = (self.max_units + 1, self.max_days + 1, self.run_limit + 1, len(self.limits))
        table = np.full(shape, INF)
        run = min(self.agent.history.consecutive_days_worked, self.run_limit)
        table[0, 0, run, self.bucket_of.get(self.first, 0)] = 0.0
        return table

    def _step(self, table: np.ndarray, choices: dict[tuple[int, int, int], _Choice]) -> np.ndarray:
        new = np.full(table.shape, INF)
        new[:, :, 0, 0] = table.min(axis=(2, 3))  # a day off
        for (b_in, units, b_out), choice in choices.items():
            if units > self.max_units or self.max_days == 0:
                continue
            source = table[: table.shape[0] - units, :-1, :-1, b_in] + choice.price
            target = new[units:, 1:, 1:, b_out]
            np.minimum(target, source, out=target)
        return new

    def cheapest(self, prices: dict[int, float]) -> tuple[float, list[ShiftType]]:
        """Least total price of a valid week and its shifts (``inf``, [] when none is valid).
        ``prices``: shift type index -> price; types without a price are not worked."""
        weeks = self.cheapest_weeks(prices, 1)
        return weeks[0] if weeks else (INF, [])

    def cheapest_weeks(
        self, prices: dict[int, float], count: int
    ) -> list[tuple[float, list[ShiftType]]]:
        """The cheapest valid week (first) and up to ``count - 1`` more: the cheapest of other
        weekly totals of paid minutes, each with its price."""
        choices = [self._choices(d, prices) for d in range(self.days)]
        tables = [self._start()]
        for d in range(self.days):
            tables.append(self._step(tables[-1], choices[d]))
        final = tables[-1]
        low = 0 if self.agent.optional else math.ceil(self.agent.min_weekly_paid_min / self.unit)
        per_total = final[low:].reshape(final.shape[0] - low, -1)
        best = per_total.min(axis=1)
        order = [int(i) for i in np.argsort(best, kind="stable") if np.isfinite(best[i])]
        out = []
        for i in order[:count]:
            rest = np.unravel_index(int(np.argmin(per_total[i])), final.shape[1:])
            state = (i + low, *(int(s) for s in rest))
            out.append((float(final[state]), self._trace(tables, choices, state)))
        return out

    def _trace(
        self,
        tables: list[np.ndarray],
        choices: list[dict[tuple[int, int, int], _Choice]],
        state: tuple[int, ...],
    ) -> list[ShiftType]:
        """The shifts of the week ending in ``state`` (walking the tables backwards)."""
        week: list[ShiftType] = []
        for d in range(self.days - 1, -1, -1):
            units, days, run, bucket = state
            value, before = float(tables[d + 1][state]), tables[d]
            if run == 0 and bucket == 0:
                sub = before[units, days]
                if _close(float(sub.min()), value):
                    r, b = np.unravel_index(int(np.argmin(sub)), sub.shape)
                    state = (units, days, int(r), int(b))
                    continue
            state = self._worked(before, choices[d], state, value, week)
        return week[::-1]

    def _worked(
        self,
        before: np.ndarray,
        choices: dict[tuple[int, int, int], _Choice],
        state: tuple[int, ...],
        value: float,
        week: list[ShiftType],
    ) -> tuple[int, ...]:
        units, days, run, bucket = state
        for (b_in, u, b_out), choice in choices.items():
            if b_out != bucket or u > units or days == 0 or run == 0:
                continue
            prev = (units - u, days - 1, run - 1, b_in)
            if _close(float(before[prev]) + choice.price, value):
                week.append(choice.st)
                return prev
        raise RuntimeError("pricing trace lost its way")  # pragma: no cover


def _close(a: float, b: float) -> bool:
    """``a`` equals ``b`` within the DP's rounding (numpy's ``isclose`` at 1e-9, on floats:
    a hundred times faster per call, which the trace makes hundreds of thousands of)."""
    return a == b or abs(a - b) <= 1e-9 + 1e-9 * abs(b)
