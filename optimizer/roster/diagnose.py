"""Diagnoses of a roster problem that no solver run can fix (pure functions).

* :func:`grid_conflicts`: a queue interval and rules/contracts that cannot give a valid roster
  (a 15-minute break on a 30-minute queue: every break ends off the grid, ``check_roster``
  rejects every shift). Fields are named as in the roster instance (``rules.break.
  duration_minutes``, ``contracts[FT40].shift_paid_minutes``).
* :func:`structural_shortfalls`: days whose requirement no roster can meet, and why (no shift
  length fits the opening hours, no agent available, not enough agents), with the hours the
  roster leaves short on such a day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from optimizer.roster.problem import ActivityRule, Agent, Contract, RosterProblem, Rules, Window
from optimizer.roster.shifts import ShiftType, fits

__all__ = [
    "GridConflict",
    "ShortfallCause",
    "ShortfallWarning",
    "grid_conflicts",
    "structural_shortfalls",
]

ShortfallCause = Literal["no_shift_fits_opening_hours", "no_agent_available", "not_enough_agents"]


@dataclass(frozen=True, slots=True)
class GridConflict:
    """A rule or contract field that cannot fit the queue's interval grid."""

    field: str
    code: str
    message: str


def _applies(rule: ActivityRule, lengths: Sequence[int]) -> bool:
    """Whether some shift needs the activity (any length when no contract is known)."""
    if lengths:
        return any(rule.required(m) for m in lengths)
    return rule.required_if_paid_min_at_least <= 1440


def _activity_conflicts(kind: str, rule: ActivityRule, grid: int) -> list[GridConflict]:
    out = []
    path = f"rules.{kind}"
    if rule.duration_min % grid:
        out.append(
            GridConflict(
                f"{path}.duration_minutes",
                "off_grid",
                f"a {rule.duration_min}-min {kind} is not a multiple of the queue's {grid}-min "
                f"interval: it would end between two intervals",
            )
        )
    earliest = rule.earliest_start_after_shift_start_min
    latest = rule.latest_start_after_shift_start_min
    first = -(-earliest // grid) * grid
    if first > latest:
        out.append(
            GridConflict(
                f"{path}.latest_start_after_shift_start_minutes",
                "window_too_short",
                f"the {kind} window ({earliest}-{latest} min after the shift start) holds no start "
                f"on the queue's {grid}-min grid",
            )
        )
    return out


def grid_conflicts(
    interval_min: int, rules: Rules, contracts: Sequence[Contract]
) -> list[GridConflict]:
    """Every field of ``rules`` and ``contracts`` that no roster on an ``interval_min`` grid
    can honour: break/lunch durations not a multiple of the interval, an activity window
    without a start on the grid, shift starts off the grid, paid lengths off the grid.

    Activities never required (no contract length reaches their threshold) are not checked.
    """
    grid = interval_min
    out = []
    step = rules.start_granularity_min
    if step % grid and grid % step:
        out.append(
            GridConflict(
                "rules.shift_start_granularity_minutes",
                "off_grid",
                f"shift starts every {step} min do not fall on the queue's {grid}-min intervals",
            )
        )
    lengths = sorted({m for c in contracts for m in c.shift_paid_min})
    for kind, rule in (("break", rules.break_rule), ("lunch", rules.lunch_rule)):
        if _applies(rule, lengths):
            out.extend(_activity_conflicts(kind, rule, grid))
    for i, band in enumerate(rules.rule_sets or ()):
        for j, spec in enumerate(band.activities):
            if any(n % grid for n in spec.durations_min):
                field = f"rules.break_rule_sets[{i}].activities[{j}].minutes"
                message = (
                    f"{spec.kind} lengths {spec.durations_min} min are off the {grid}-min grid"
                )
                out.append(GridConflict(field, "off_grid", message))
    for contract in contracts:
        off = [m for m in contract.shift_paid_min if m % grid]
        if off:
            out.append(
                GridConflict(
                    f"contracts[{contract.id}].shift_paid_minutes",
                    "off_grid",
                    f"contract {contract.id}: paid lengths {off} min are not multiples of the "
                    f"queue's {grid}-min interval",
                )
            )
    return out


@dataclass(frozen=True, slots=True)
class ShortfallWarning:
    """A day the requirement cannot be met by any roster.

    ``hours_short``: agent-hours on the phone the roster leaves short that day;
    ``structural_hours``: the part no roster can cover (a lower bound); ``cause``: the
    main reason for the structural part.
    """

    code: str
    day: int
    hours_short: float
    structural_hours: float
    cause: ShortfallCause
    detail: str

    @property
    def message(self) -> str:
        return (
            f"day {self.day}: {self.hours_short:.1f} agent-hours short, at least "
            f"{self.structural_hours:.1f} whatever the roster: {self.detail}"
        )


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _day_capacity(
    problem: RosterProblem, day: int, types: Sequence[ShiftType], agents: Sequence[Agent]
) -> tuple[np.ndarray, np.ndarray]:
    """Per interval of ``day``: whether some shift type covers it, and how many agents could
    be on site then (each agent once, whatever shift covers the interval)."""
    per_day, grid = problem.intervals_per_day, problem.interval_min
    covered = np.zeros(per_day, dtype=bool)
    able = np.zeros(per_day, dtype=np.int64)
    on_day = [st for st in types if st.day == day]
    for st in on_day:
        covered[st.start_min // grid : st.end_min // grid] = True
    profiles: dict[tuple[tuple[int, ...], Window | None], int] = {}  # alike on this day
    for agent in agents:
        key = (problem.contract(agent.contract).shift_paid_min, agent.availability[day])
        profiles[key] = profiles.get(key, 0) + 1
    for (lengths, window), count in profiles.items():
        mine = np.zeros(per_day, dtype=bool)
        for st in on_day:
            if st.paid_min in lengths and fits(window, st):
                mine[st.start_min // grid : st.end_min // grid] = True
        able += count * mine
    return covered, able


def _detail(problem: RosterProblem, day: int, cause: ShortfallCause) -> str:
    window = problem.opening_hours[day]
    hours = "closed" if window is None else f"{_hhmm(window[0])}-{_hhmm(window[1])}"
    lengths = sorted({m for c in problem.contracts for m in c.shift_paid_min})
    span = f"{lengths[0] / 60:g}-{lengths[-1] / 60:g} h" if lengths else "none"
    if cause == "no_shift_fits_opening_hours":
        return f"no contract's shift ({span} paid) fits the opening hours {hours}"
    if cause == "no_agent_available":
        return f"no agent is available for a shift in the opening hours {hours}"
    return "fewer agents can work then than the requirement needs"


def structural_shortfalls(
    problem: RosterProblem,
    types: Sequence[ShiftType],
    agents: Sequence[Agent],
    unmet: Sequence[Sequence[int]],
) -> list[ShortfallWarning]:
    """One warning per day on which some requirement cannot be met by any roster.

    An interval is structurally short by ``max(0, required - able)``, where ``able`` counts
    the ``agents`` (those rostered) with some allowed shift type covering it; its cause is
    ``no_shift_fits_opening_hours`` when no shift type covers it at all, ``no_agent_available``
    when no agent could be there, else ``not_enough_agents``. A day's cause is the one with
    the most structurally short agent-intervals. ``unmet``: the roster's shortfall per day x
    interval (agents), reported as ``hours_short``.
    """
    hour = problem.interval_min / 60
    out = []
    for day, need in enumerate(problem.requirement):
        req = np.asarray(need, dtype=np.int64)
        if not req.any():
            continue
        covered, able = _day_capacity(problem, day, types, agents)
        short = np.maximum(0, req - able)
        if not short.any():
            continue
        by_cause: dict[ShortfallCause, int] = {
            "no_shift_fits_opening_hours": int(short[~covered].sum()),
            "no_agent_available": int(short[covered & (able == 0)].sum()),
            "not_enough_agents": int(short[covered & (able > 0)].sum()),
        }
        cause = max(by_cause, key=lambda c: by_cause[c])
        hours_short = max(float(sum(unmet[day])), float(short.sum())) * hour
        out.append(
            ShortfallWarning(
                "structural_shortfall",
                day,
                round(hours_short, 2),
                round(float(short.sum()) * hour, 2),
                cause,
                _detail(problem, day, cause),
            )
        )
    return out
