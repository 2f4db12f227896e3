"""Roster problem and roster solution: frozen dataclasses shared by every stage.

Times are integer minutes from midnight of the day (0..1440); days are 0..``days - 1``
(0 = the first day of the site's week, e.g. Sunday for a Sun-Thu site; day ``d`` is the date
``week_start + d``); every time lies on the ``interval_min`` grid and no shift crosses
midnight.
``requirement[d][t]`` is the number of agents needed *on the phone* in interval ``t`` of day
``d`` (breaks and lunches do not count as staffed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ActivityKind = Literal["break", "lunch"]
Window = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Contract:
    """Allowed paid shift lengths and weekly bounds of a contract type."""

    id: str
    shift_paid_min: tuple[int, ...]
    min_weekly_paid_min: int
    max_weekly_paid_min: int
    max_days: int
    label: str = ""


@dataclass(frozen=True, slots=True)
class History:
    """Last week's tail: consecutive days worked up to the last day of the previous week and
    the last shift end.

    ``last_shift_end_min`` is relative to 00:00 of this week's first day (day 0; negative) or
    ``None``.
    """

    consecutive_days_worked: int = 0
    last_shift_end_min: int | None = None


@dataclass(frozen=True, slots=True)
class Preferences:
    """Soft wishes of an agent, priced in objective units (same units as the coverage costs).

    ``days_off``: days of the week (0 = its first day) the agent wishes to be off; each one
    worked costs ``day_off_weight``. ``preferred_start``: ``(earliest, latest)`` preferred
    shift start (minutes, every day); a shift starting outside costs ``start_weight`` per hour
    of distance to the window (pro rata).
    """

    days_off: tuple[int, ...] = ()
    day_off_weight: float = 0.0
    preferred_start: Window | None = None
    start_weight: float = 0.0

    @property
    def active(self) -> bool:
        return (bool(self.days_off) and self.day_off_weight > 0) or (
            self.preferred_start is not None and self.start_weight > 0
        )

    def shift_cost(self, day: int, start_min: int) -> float:
        """Penalty of working a shift starting at ``start_min`` on ``day``."""
        cost = self.day_off_weight if day in self.days_off else 0.0
        if self.preferred_start is not None:
            lo, hi = self.preferred_start
            distance = max(0, lo - start_min, start_min - hi)
            cost += self.start_weight * distance / 60.0
        return cost


@dataclass(frozen=True, slots=True)
class Agent:
    """A named agent. ``availability[d]`` is ``(earliest start, latest end)`` or ``None``.

    ``optional`` marks an agent the optimiser may leave unused (e.g. a vacancy to hire); an
    optional agent that works costs ``fixed_cost`` in objective units. ``preferences``: soft
    wishes priced in the objective (:class:`Preferences`).
    """

    id: str
    contract: str
    availability: tuple[Window | None, ...]
    min_weekly_paid_min: int
    max_weekly_paid_min: int
    max_days: int
    history: History = History()
    optional: bool = False
    fixed_cost: float = 0.0
    preferences: Preferences = Preferences()


@dataclass(frozen=True, slots=True)
class ActivityRule:
    """Placement of a break or lunch relative to the shift (all minutes)."""

    duration_min: int
    paid: bool
    required_if_paid_min_at_least: int
    earliest_start_after_shift_start_min: int
    latest_start_after_shift_start_min: int
    min_min_before_shift_end: int

    def required(self, paid_min: int) -> bool:
        return paid_min >= self.required_if_paid_min_at_least


@dataclass(frozen=True, slots=True)
class Rules:
    """Labour rules common to every agent."""

    start_granularity_min: int
    min_rest_min: int
    max_consecutive_days: int
    min_days_off: int
    min_work_between_activities_min: int
    break_rule: ActivityRule
    lunch_rule: ActivityRule


@dataclass(frozen=True, slots=True)
class ObjectiveWeights:
    """Cost per agent-interval of under-coverage, over-coverage and paid time.

    ``per_late_call``: cost per call not answered within the threshold, for the service-level
    objective (``None``: ``under_per_agent_interval * aht_s / interval_s``, see
    :mod:`optimizer.roster.constraints.service_level`).
    """

    under_per_agent_interval: float = 1.0
    over_per_agent_interval: float = 0.1
    paid_per_agent_interval: float = 0.002
    per_late_call: float | None = None


@dataclass(frozen=True, slots=True)
class DemandData:
    """Per-interval queue data behind the requirement (for the service-level objective)."""

    calls: tuple[tuple[float, ...], ...]
    aht_s: float
    service_level_target: float
    answer_within_s: float


@dataclass(frozen=True, slots=True)
class RosterProblem:
    """A weekly rostering problem."""

    name: str
    interval_min: int
    opening_hours: tuple[Window | None, ...]
    requirement: tuple[tuple[int, ...], ...]
    rules: Rules
    contracts: tuple[Contract, ...]
    agents: tuple[Agent, ...]
    weights: ObjectiveWeights = ObjectiveWeights()
    demand: DemandData | None = None

    @property
    def days(self) -> int:
        return len(self.requirement)

    @property
    def intervals_per_day(self) -> int:
        return 1440 // self.interval_min

    def contract(self, contract_id: str) -> Contract:
        for contract in self.contracts:
            if contract.id == contract_id:
                return contract
        raise KeyError(contract_id)


@dataclass(frozen=True, slots=True)
class Activity:
    """A break or lunch inside a shift, ``[start_min, end_min)``."""

    kind: ActivityKind
    start_min: int
    end_min: int


@dataclass(frozen=True, slots=True)
class Shift:
    """One agent's shift on one day, ``[start_min, end_min)`` on site, with its activities."""

    agent: str
    day: int
    start_min: int
    end_min: int
    activities: tuple[Activity, ...] = ()

    def paid_min(self, rules: Rules) -> int:
        """On-site minutes minus the unpaid activities under ``rules``."""
        unpaid = {"break": not rules.break_rule.paid, "lunch": not rules.lunch_rule.paid}
        off = sum(a.end_min - a.start_min for a in self.activities if unpaid[a.kind])
        return self.end_min - self.start_min - off


@dataclass(frozen=True, slots=True)
class Roster:
    """A weekly roster: the shifts of every working agent (absent agents are off all week)."""

    shifts: tuple[Shift, ...] = field(default_factory=tuple)

    def by_agent(self) -> dict[str, list[Shift]]:
        out: dict[str, list[Shift]] = {}
        for shift in sorted(self.shifts, key=lambda s: (s.agent, s.day, s.start_min)):
            out.setdefault(shift.agent, []).append(shift)
        return out
