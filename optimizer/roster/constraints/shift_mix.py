"""Shift-mix family: valid inequalities tying a class's long shifts to its working days.

The aggregate model bounds a class's weekly paid minutes only as a total, so it may give a class
a mix of shift lengths that no split into its members' weeks can hold. Seen on L-3 (seed 1): a
part-time class of 24 (960-1200 paid minutes, at most 4 days, shifts of 240-360) got 96
shifts, 61 of them of 330 minutes or more. Four shifts with three of 330 are at least
``3 * 330 + 240 = 1230`` minutes, so each member can hold at most two: the assignment came out
13 shifts short, and the named roster 315 above the aggregate (930 -> 1245).

For each class and each of its shift lengths ``l`` but the shortest, every member's week is a
point ``(n, k)``: ``n`` shifts, ``k`` of them at least ``l`` long. The points a member can
work (weekly minutes within its bounds, days within its limit, the long shifts on days where
they fit) are enumerated exactly; each edge ``a * n + b * k <= c`` of their convex hull holds
for every member, so summed over the members it holds for the class's counts. In the example
the edge through ``(3, 3)`` and ``(4, 2)`` is ``n + k <= 6``: the class may work at most
``6 * 24 - 96 = 48`` long shifts.

Left off one-member classes: their integer counts are their weeks, so the edges are implied
there and would only tighten the LP relaxation. They did (M-2: 70.127 -> 70.371), but the LP's
rounding neighbourhood, where the search starts, became infeasible on M-2, and the search from
anywhere ended at 136-147 on seeds 0-2 against 74.400 without them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from optimizer.roster.backend import BIG, Terms
from optimizer.roster.constraints.availability import class_shift_types
from optimizer.roster.constraints.weekly_minutes import weekly_minimum
from optimizer.roster.constraints.working_days import day_limit
from optimizer.roster.model import AggregateModel
from optimizer.roster.problem import Agent, RosterProblem
from optimizer.roster.shifts import AgentClass, ShiftType

__all__ = ["Edge", "Lengths", "add_shift_mix", "binds", "hull_edges", "week_points"]

Point = tuple[int, int]  # (shifts in the week, long shifts among them)


@dataclass(frozen=True, slots=True)
class Edge:
    """``a * n + b * k <= c`` for every point ``(n, k)`` on one side of a hull edge."""

    a: int
    b: int
    c: int

    def value(self, point: Point) -> int:
        return self.a * point[0] + self.b * point[1]


@dataclass(frozen=True, slots=True)
class Lengths:
    """A class's paid shift lengths below and from a threshold, and the days each fits on."""

    short: tuple[int, ...]
    long: tuple[int, ...]
    short_days: int
    long_days: int
    any_days: int


def _sums(lengths: tuple[int, ...], count: int) -> set[int]:
    """Every total of ``count`` shifts with lengths from ``lengths`` (repeats allowed)."""
    totals = {0}
    for _ in range(count):
        totals = {t + length for t in totals for length in lengths}
    return totals


def week_points(lo: int, hi: int, days: int, lengths: Lengths) -> list[Point]:
    """The points ``(n, k)`` of weeks with ``n <= days`` shifts, ``k`` of them long, paid
    minutes within ``[lo, hi]``, each shift on its own day where its length fits."""
    points = []
    for n in range(min(days, lengths.any_days) + 1):
        for k in range(n + 1):
            if k > lengths.long_days or n - k > lengths.short_days:
                continue
            if (k and not lengths.long) or (n - k and not lengths.short):
                continue
            longs, shorts = _sums(lengths.long, k), _sums(lengths.short, n - k)
            if any(lo <= a + b <= hi for a in longs for b in shorts):
                points.append((n, k))
    return points


def _cross(o: Point, p: Point, q: Point) -> int:
    return (p[0] - o[0]) * (q[1] - o[1]) - (p[1] - o[1]) * (q[0] - o[0])


def _hull(points: Iterable[Point]) -> list[Point]:
    """Vertices of the convex hull, counter-clockwise (Andrew's monotone chain)."""
    pts = sorted(set(points))
    if len(pts) <= 2:
        return pts
    lower: list[Point] = []
    upper: list[Point] = []
    for chain, seq in ((lower, pts), (upper, reversed(pts))):
        for p in seq:
            while len(chain) >= 2 and _cross(chain[-2], chain[-1], p) <= 0:
                chain.pop()
            chain.append(p)
    return lower[:-1] + upper[:-1]


def hull_edges(points: Iterable[Point]) -> list[Edge]:
    """The hull's edges as inequalities, those that bound the long shifts (``b != 0``) and
    are not ``k >= 0`` or ``k <= n``."""
    hull = _hull(points)
    if len(hull) < 2:
        return []
    edges = []
    for i, p in enumerate(hull):
        q = hull[(i + 1) % len(hull)]
        a, b = q[1] - p[1], p[0] - q[0]  # outward normal of a counter-clockwise edge
        g = math.gcd(a, b)
        a, b = a // g, b // g
        if b == 0 or (a, b) in ((0, -1), (-1, 1)):
            continue
        edges.append(Edge(a, b, a * p[0] + b * p[1]))
    return edges


def _lengths(types: list[ShiftType], threshold: int) -> Lengths:
    """``types`` (a class's) split at ``threshold``."""
    short = tuple(sorted({st.paid_min for st in types if st.paid_min < threshold}))
    long = tuple(sorted({st.paid_min for st in types if st.paid_min >= threshold}))
    return Lengths(
        short,
        long,
        len({st.day for st in types if st.paid_min < threshold}),
        len({st.day for st in types if st.paid_min >= threshold}),
        len({st.day for st in types}),
    )


def _member_points(problem: RosterProblem, agent: Agent, lengths: Lengths) -> list[Point]:
    return week_points(
        weekly_minimum(agent), agent.max_weekly_paid_min, day_limit(problem, agent), lengths
    )


def binds(cls: AgentClass) -> bool:
    """Whether the family has edges for ``cls``: several members and several lengths."""
    return cls.size > 1 and len(set(cls.lengths)) > 1


def add_shift_mix(m: AggregateModel) -> None:
    """Per class it :func:`binds`, and each length ``l`` but the shortest: the hull edges of
    its members' ``(shifts, shifts of at least l)`` points, summed over them."""
    for cls in filter(binds, m.classes):
        types = class_shift_types(m.types, cls)
        terms = [(var, m.types[k].paid_min) for (c, k), var in m.x.items() if c == cls.index]
        for threshold in sorted(set(cls.lengths))[1:]:
            mix = _lengths(types, threshold)
            points = [_member_points(m.problem, a, mix) for a in cls.agents]
            if not all(points):
                continue  # a member without a week: explained elsewhere, no cut here
            for j, edge in enumerate(hull_edges(p for each in points for p in each)):
                coefs = (
                    (var, edge.a + (edge.b if paid >= threshold else 0)) for var, paid in terms
                )
                rows: Terms = [(var, coef) for var, coef in coefs if coef]
                cap = sum(max(edge.value(p) for p in each) for each in points)
                m.backend.add_linear(rows, -BIG, cap, f"shift_mix[{cls.index},{threshold},{j}]")
