"""Shift types (day, start, paid length) and the admissible break/lunch offsets of each.

A shift type is the on-site geometry every stage works with; its activities are placed at
offsets (minutes after the shift start) taken from the rules' windows, on the interval grid.
"""

from __future__ import annotations

from dataclasses import dataclass

from optimizer.roster.problem import ActivityRule, Agent, Preferences, RosterProblem, Rules, Window

__all__ = ["AgentClass", "ShiftType", "agent_classes", "enumerate_shift_types"]


@dataclass(frozen=True, slots=True)
class ShiftType:
    """A shift of ``paid_min`` paid minutes starting at ``start_min`` on ``day``."""

    index: int
    day: int
    start_min: int
    paid_min: int
    span_min: int
    has_break: bool
    has_lunch: bool
    break_offsets: tuple[int, ...]
    lunch_offsets: tuple[int, ...]

    @property
    def end_min(self) -> int:
        return self.start_min + self.span_min


def span_of(rules: Rules, paid_min: int) -> int:
    """On-site minutes of a shift of ``paid_min`` paid minutes (unpaid activities added)."""
    span = paid_min
    for rule in (rules.break_rule, rules.lunch_rule):
        if rule.required(paid_min) and not rule.paid:
            span += rule.duration_min
    return span


def activity_offsets(rule: ActivityRule, span_min: int, grid_min: int) -> tuple[int, ...]:
    """Start offsets allowed for an activity in a shift of ``span_min`` on-site minutes."""
    lo = rule.earliest_start_after_shift_start_min
    hi = min(
        rule.latest_start_after_shift_start_min,
        span_min - rule.min_min_before_shift_end - rule.duration_min,
    )
    first = -(-lo // grid_min) * grid_min
    return tuple(range(first, hi + 1, grid_min))


def enumerate_shift_types(problem: RosterProblem) -> list[ShiftType]:
    """Every shift type that fits the opening hours and the start granularity.

    Shift types whose mandatory activities cannot be placed are left out.
    """
    rules = problem.rules
    lengths = sorted({m for c in problem.contracts for m in c.shift_paid_min})
    step = max(rules.start_granularity_min, problem.interval_min)
    types: list[ShiftType] = []
    for day, opening in enumerate(problem.opening_hours):
        if opening is None:
            continue
        for paid in lengths:
            span = span_of(rules, paid)
            brk = rules.break_rule.required(paid)
            lunch = rules.lunch_rule.required(paid)
            b_off = activity_offsets(rules.break_rule, span, problem.interval_min) if brk else ()
            l_off = activity_offsets(rules.lunch_rule, span, problem.interval_min) if lunch else ()
            if (brk and not b_off) or (lunch and not l_off):
                continue
            first = -(-opening[0] // step) * step
            for start in range(first, opening[1] - span + 1, step):
                types.append(
                    ShiftType(len(types), day, start, paid, span, brk, lunch, b_off, l_off)
                )
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
