"""Roster problem and roster solution: frozen dataclasses shared by every stage.

Times are integer minutes from midnight of the day (0..1440); days are 0..``days - 1``
(0 = the first day of the site's week, e.g. Sunday for a Sun-Thu site; day ``d`` is the date
``week_start + d``); every time lies on the ``interval_min`` grid. A shift belongs to the day it
starts; with ``RosterProblem.overnight_shifts`` it may end after midnight (``end_min`` up to
``start_min + 1440``, see :meth:`RosterProblem.open_until`), otherwise it ends by midnight.
``requirement[d][t]`` is the number of agents needed *on the phone* in interval ``t`` of day
``d`` (breaks and lunches do not count as staffed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

ActivityKind = Literal["break", "lunch"]
Anchor = Literal["start", "end"]
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

    ``last_shift_end_min`` is relative to 00:00 of this week's first day (day 0; negative, or
    positive when last week's last-night shift ended on day 0) or ``None``.
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
class ActivitySpec:
    """One activity of a break rule set (all minutes).

    ``window``: with ``anchor="start"``, earliest and latest start after the shift start; with
    ``anchor="end"``, least and most minutes between the activity's end and the shift end.
    ``min_to_other_end_min``: the activity ends at least this long before the shift end
    (anchor start) or starts at least this long after the shift start (anchor end).
    ``durations_min``: the lengths allowed (e.g. ``(30, 45, 60)`` for a 30-60 min lunch).
    """

    kind: ActivityKind
    durations_min: tuple[int, ...]
    paid: bool
    anchor: Anchor
    window: Window
    min_to_other_end_min: int = 0


@dataclass(frozen=True, slots=True)
class BreakRuleSet:
    """The activities of every shift whose paid length lies in ``[min_paid_min, max_paid_min)``
    (``None``: no upper bound), in this order (``any_order``: in any order), each pair of
    consecutive activities at least ``min_work_between_min`` apart."""

    min_paid_min: int
    max_paid_min: int | None
    activities: tuple[ActivitySpec, ...]
    min_work_between_min: int
    any_order: bool = False

    def applies(self, paid_min: int) -> bool:
        return self.min_paid_min <= paid_min and (
            self.max_paid_min is None or paid_min < self.max_paid_min
        )


def _spec(kind: ActivityKind, rule: ActivityRule) -> ActivitySpec:
    window = (rule.earliest_start_after_shift_start_min, rule.latest_start_after_shift_start_min)
    return ActivitySpec(
        kind, (rule.duration_min,), rule.paid, "start", window, rule.min_min_before_shift_end
    )


@lru_cache(maxsize=64)
def legacy_rule_sets(
    break_rule: ActivityRule, lunch_rule: ActivityRule, gap_min: int
) -> tuple[BreakRuleSet, ...]:
    """Today's one break + one lunch (in either order) as rule sets by paid-length band."""
    rules: tuple[tuple[ActivityKind, ActivityRule], ...] = (
        ("break", break_rule),
        ("lunch", lunch_rule),
    )
    cuts = sorted(
        {0, break_rule.required_if_paid_min_at_least, lunch_rule.required_if_paid_min_at_least}
    )
    out = []
    for i, lo in enumerate(cuts):
        hi = cuts[i + 1] if i + 1 < len(cuts) else None
        specs = tuple(_spec(kind, rule) for kind, rule in rules if rule.required(lo))
        if specs:
            out.append(BreakRuleSet(lo, hi, specs, gap_min, any_order=len(specs) > 1))
    return tuple(out)


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
    rule_sets: tuple[BreakRuleSet, ...] | None = None

    def bands(self) -> tuple[BreakRuleSet, ...]:
        """The break rule sets: ``rule_sets`` when given, else ``break_rule`` + ``lunch_rule``
        expressed as rule sets (:func:`legacy_rule_sets`)."""
        if self.rule_sets is not None:
            return self.rule_sets
        return legacy_rule_sets(
            self.break_rule, self.lunch_rule, self.min_work_between_activities_min
        )

    def band(self, paid_min: int) -> BreakRuleSet | None:
        """The rule set of a shift of ``paid_min`` paid minutes (``None``: no activities)."""
        return next((b for b in self.bands() if b.applies(paid_min)), None)

    def unpaid_kinds(self) -> frozenset[str]:
        """Activity kinds that are not paid (a kind is paid or unpaid in every rule set)."""
        if self.rule_sets is None:
            pairs = (("break", self.break_rule.paid), ("lunch", self.lunch_rule.paid))
            return frozenset(kind for kind, paid in pairs if not paid)
        return frozenset(a.kind for b in self.rule_sets for a in b.activities if not a.paid)


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
    overnight_shifts: bool = False

    @property
    def days(self) -> int:
        return len(self.requirement)

    def open_until(self, day: int) -> int:
        """Latest end (minutes of ``day``) of a shift starting on ``day`` (day open).

        Without ``overnight_shifts``: the closing time. With it, a closing time past 1440 is
        kept, and a day open until midnight continues into the next day when that one opens
        at 00:00 (the day after the last one of a 7-day week is next week's day 0, assumed
        to open as this week's day 0)."""
        window = self.opening_hours[day]
        if window is None:
            return 0
        if not self.overnight_shifts:
            return window[1]
        return through_midnight(self.opening_hours, day, cyclic=self.days == 7)[1]

    @property
    def intervals_per_day(self) -> int:
        return 1440 // self.interval_min

    def contract(self, contract_id: str) -> Contract:
        for contract in self.contracts:
            if contract.id == contract_id:
                return contract
        raise KeyError(contract_id)


def through_midnight(
    windows: tuple[Window | None, ...], day: int, *, cyclic: bool = True
) -> Window:
    """``windows[day]`` (open) continued into the next day when it ends at midnight and the
    next day's window starts at 00:00: its end becomes 1440 + the next window's end (at most
    2880). ``cyclic``: the day after the last is day 0 (a 7-day week whose pattern repeats);
    otherwise the last day is not continued. Opening hours and an agent's availability alike
    (an overnight shift starts on one day and may end within the next day's window)."""
    window = windows[day]
    if window is None:
        raise ValueError(f"day {day} has no window")
    start, end = window
    following = day + 1 if day + 1 < len(windows) else (0 if cyclic else None)
    nxt = None if following is None else windows[following]
    if end != 1440 or nxt is None or nxt[0] > 0:
        return window
    return (start, 1440 + min(nxt[1], 1440))


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
        unpaid = rules.unpaid_kinds()
        off = sum(a.end_min - a.start_min for a in self.activities if a.kind in unpaid)
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
