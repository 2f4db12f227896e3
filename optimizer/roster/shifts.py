"""Shift types (day, start, paid length, activity lengths) and the admissible activity offsets.

A shift type is the on-site geometry every stage works with. Its activities (:class:`Slot`, one
per activity of the break rule set of its paid length, :meth:`Rules.band`) are placed at offsets
(minutes after the shift start) taken from the rule set's windows, on the interval grid, in one
of the type's ``orders`` (positions in time -> slot indices). An activity allowing several
lengths (a 30-60 min lunch) gives one shift type per combination of lengths.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from optimizer.roster.problem import (
    ActivityKind,
    ActivitySpec,
    Agent,
    BreakRuleSet,
    Preferences,
    RosterProblem,
    Rules,
    Window,
)

__all__ = [
    "AgentClass",
    "ShiftType",
    "Slot",
    "agent_classes",
    "enumerate_shift_types",
    "valid_patterns",
]


@dataclass(frozen=True, slots=True)
class Slot:
    """One activity of a shift type: its kind, length and allowed start offsets."""

    kind: ActivityKind
    duration_min: int
    offsets: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ShiftType:
    """A shift of ``paid_min`` paid minutes starting at ``start_min`` on ``day``."""

    index: int
    day: int
    start_min: int
    paid_min: int
    span_min: int
    slots: tuple[Slot, ...] = ()
    orders: tuple[tuple[int, ...], ...] = ()
    gap_min: int = 0

    @property
    def end_min(self) -> int:
        return self.start_min + self.span_min

    def __hash__(self) -> int:
        # integers only (string hashes vary per process: sets of types must iterate alike)
        return hash(
            (
                self.index, self.day, self.start_min, self.paid_min, self.span_min,
                self.has_break, self.has_lunch, self.break_offsets, self.lunch_offsets,
            )
        )  # fmt: skip

    def _first(self, kind: str) -> Slot | None:
        return next((s for s in self.slots if s.kind == kind), None)

    @property
    def has_break(self) -> bool:
        return self._first("break") is not None

    @property
    def has_lunch(self) -> bool:
        return self._first("lunch") is not None

    @property
    def break_offsets(self) -> tuple[int, ...]:
        slot = self._first("break")
        return () if slot is None else slot.offsets

    @property
    def lunch_offsets(self) -> tuple[int, ...]:
        slot = self._first("lunch")
        return () if slot is None else slot.offsets

    def chain_ok(self, order: tuple[int, ...], offsets: tuple[int, ...]) -> bool:
        """Whether ``offsets`` (one per slot) follow ``order`` with the minimum work between."""
        return all(
            offsets[i] + self.slots[i].duration_min + self.gap_min <= offsets[j]
            for i, j in itertools.pairwise(order)
        )


def valid_patterns(st: ShiftType) -> list[tuple[int, ...]]:
    """Every tuple of offsets (one per slot, slot order) in one of the type's orders."""
    return [
        offs
        for offs in itertools.product(*(s.offsets for s in st.slots))
        if any(st.chain_ok(order, offs) for order in st.orders or ((),))
    ]


def span_of(rules: Rules, paid_min: int) -> int:
    """On-site minutes of a shift of ``paid_min`` paid minutes with the shortest activities."""
    band = rules.band(paid_min)
    if band is None:
        return paid_min
    return paid_min + sum(min(a.durations_min) for a in band.activities if not a.paid)


def spec_offsets(
    spec: ActivitySpec, duration: int, span_min: int, grid_min: int
) -> tuple[int, ...]:
    """Start offsets allowed for an activity of ``duration`` in a shift of ``span_min``."""
    if spec.anchor == "start":
        lo = spec.window[0]
        hi = min(spec.window[1], span_min - spec.min_to_other_end_min - duration)
    else:
        lo = max(span_min - spec.window[1] - duration, spec.min_to_other_end_min)
        hi = span_min - spec.window[0] - duration
    first = -(-lo // grid_min) * grid_min
    return tuple(range(first, hi + 1, grid_min))


def _orders(band: BreakRuleSet) -> tuple[tuple[int, ...], ...]:
    n = len(band.activities)
    if band.any_order:
        return tuple(itertools.permutations(range(n)))
    return (tuple(range(n)),)


def _variants(
    band: BreakRuleSet | None, paid: int, grid: int
) -> list[tuple[int, tuple[Slot, ...], tuple[tuple[int, ...], ...], int]]:
    """(span, slots, orders, gap) of every combination of activity lengths whose activities
    all have an offset."""
    if band is None:
        return [(paid, (), (), 0)]
    out = []
    for lengths in itertools.product(*(a.durations_min for a in band.activities)):
        span = paid + sum(n for a, n in zip(band.activities, lengths, strict=True) if not a.paid)
        slots = tuple(
            Slot(a.kind, n, spec_offsets(a, n, span, grid))
            for a, n in zip(band.activities, lengths, strict=True)
        )
        if all(s.offsets for s in slots):
            out.append((span, slots, _orders(band), band.min_work_between_min))
    return out


def enumerate_shift_types(problem: RosterProblem) -> list[ShiftType]:
    """Every shift type that fits the opening hours (:meth:`RosterProblem.open_until`) and the
    start granularity. Shift types whose activities cannot be placed are left out."""
    rules = problem.rules
    lengths = sorted({m for c in problem.contracts for m in c.shift_paid_min})
    step = max(rules.start_granularity_min, problem.interval_min)
    types: list[ShiftType] = []
    for day, opening in enumerate(problem.opening_hours):
        if opening is None:
            continue
        until = problem.open_until(day)
        last_start = min(until, opening[1] - 1, 1439)
        for paid in lengths:
            for span, slots, orders, gap in _variants(rules.band(paid), paid, problem.interval_min):
                first = -(-opening[0] // step) * step
                for start in range(first, min(until - span, last_start) + 1, step):
                    types.append(ShiftType(len(types), day, start, paid, span, slots, orders, gap))
    return types


def fits(agent_window: Window | None, shift: ShiftType) -> bool:
    """Whether ``shift`` lies inside the availability window of its day."""
    return (
        agent_window is not None
        and agent_window[0] <= shift.start_min
        and shift.end_min <= agent_window[1]
    )


@dataclass(frozen=True, slots=True)
class AgentClass:
    """Agents interchangeable for the aggregate model (same contract, availability and
    preferences)."""

    index: int
    agents: tuple[Agent, ...]
    lengths: tuple[int, ...]
    availability: tuple[Window | None, ...]

    @property
    def preferences(self) -> Preferences:
        return self.agents[0].preferences

    @property
    def size(self) -> int:
        return len(self.agents)


def agent_classes(problem: RosterProblem, agents: tuple[Agent, ...]) -> list[AgentClass]:
    """Group agents by contract lengths, weekly bounds, day limit, availability and
    preferences (inactive preferences do not split a class)."""
    groups: dict[tuple[object, ...], list[Agent]] = {}
    for agent in agents:
        lengths = problem.contract(agent.contract).shift_paid_min
        key = (
            lengths,
            agent.min_weekly_paid_min,
            agent.max_weekly_paid_min,
            agent.max_days,
            agent.availability,
            agent.optional,
            agent.preferences if agent.preferences.active else Preferences(),
        )
        groups.setdefault(key, []).append(agent)
    return [
        AgentClass(
            i,
            tuple(members),
            problem.contract(members[0].contract).shift_paid_min,
            members[0].availability,
        )
        for i, members in enumerate(groups.values())
    ]
