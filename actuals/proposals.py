"""Intraday actions on the published roster, ranked by service gained per paid hour.

For one day from ``from_min`` (local minutes) on, with the reforecast calls of the day's
intervals: overtime (a shift ends 30 or 60 minutes later), early release (VTO: ends 30 or 60
minutes earlier, never before ``from_min``) and moving a break or lunch one or two intervals
within the shift. A candidate is kept only when ``optimizer.roster.check_roster`` finds no
broken rule that the published roster did not already break (weekly minutes, rest, activity
windows, opening hours...). Its effect is the expected number of calls answered within the
threshold over the rest of the day (the queueing model with the roster's agents on the phone,
net of ``shrinkage``) and the rest-of-day SL with it. Ranking: overtime by calls gained per
paid hour, moves by calls gained (no paid time), early release by calls lost per paid hour
saved (smallest first). Moves of cross-trained agents between queues: ``actuals.cross_moves``.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import numpy as np

from actuals.types import FloatArray
from optimizer.erlang import queue_kpis
from optimizer.requirements import ServiceGoal, StaffingModel
from optimizer.roster.check import check_roster
from optimizer.roster.evaluate import staffed_matrix
from optimizer.roster.problem import (
    Activity,
    ActivitySpec,
    BreakRuleSet,
    Roster,
    RosterProblem,
    Shift,
)

Kind = Literal["overtime", "early_release", "move_activity", "cross_queue"]


@dataclass(frozen=True, slots=True)
class Proposal:
    """One checked change: ``paid_min`` added (negative: saved), expected calls answered within
    the threshold gained over the rest of the day (negative: lost), the rest-of-day SL after."""

    kind: Kind
    agent: str
    description: str
    paid_min: int
    answered_within_gain: float
    rest_sl: float
    roster: Roster

    @property
    def per_paid_hour(self) -> float:
        """Calls gained per paid hour added (overtime) or lost per paid hour saved (VTO)."""
        return self.answered_within_gain / (self.paid_min / 60.0) if self.paid_min else np.inf


@dataclass(frozen=True, slots=True)
class DayService:
    """The day's reforecast and queue: ``calls``/``aht_s`` per interval of the roster grid."""

    day: int
    from_min: int
    calls: FloatArray
    aht_s: FloatArray
    goal: ServiceGoal
    model: StaffingModel
    shrinkage: float = 0.0


def answered_within(
    problem: RosterProblem, roster: Roster, service: DayService, delta: FloatArray | None = None
) -> tuple[float, float]:
    """Expected calls answered within the threshold from ``from_min`` on, and the SL;
    ``delta``: agents added (scheduled, per interval of the day) to the roster's."""
    grid = problem.interval_min
    first = service.from_min // grid
    staffed = staffed_matrix(problem, roster)[service.day].astype(float)
    if delta is not None:
        staffed = np.maximum(staffed + delta, 0.0)
    agents = staffed[first:] * (1.0 - service.shrinkage)
    calls, aht = service.calls[first:], service.aht_s[first:]
    busy = calls > 0
    if not busy.any():
        return 0.0, 1.0
    kpis = queue_kpis(service.model.kind, calls[busy], aht[busy], agents[busy],
                      interval_s=grid * 60.0, answer_within_s=service.goal.answer_within_s,
                      patience_s=service.model.patience_s)  # fmt: skip
    within = float((calls[busy] * kpis.service_level).sum())
    return within, within / float(calls[busy].sum())


STEPS_MIN = (30, 60, 90, 120, 150, 180, 240)  # longer or shorter by these (contract lengths)


LEAF_CHECKS = 40  # full rule checks per band when placing a longer shift's activities


def _fill(problem: RosterProblem, shift: Shift, from_min: int) -> Shift:
    """``shift`` with the activities its new paid length's break rule set requires and it
    lacks (the site's own rule sets or break + lunch), each at the first start on the grid,
    not before ``from_min``, its window allows; unchanged if none fits (the candidate is
    then refused by the rule check)."""
    for band in problem.rules.bands():
        orders = itertools.permutations(band.activities) if band.any_order else [band.activities]
        for order in orders:
            filled = _fill_band(
                problem, shift, from_min, dataclasses.replace(band, activities=order)
            )
            if filled is not None:
                return filled
    return shift


def _fill_band(
    problem: RosterProblem, shift: Shift, from_min: int, band: BreakRuleSet
) -> Shift | None:
    """``shift`` completed to ``band``'s activities (its own kept, in the band's order), or
    ``None`` when it has an activity the band lacks or no placement passes the check."""
    kept = sorted(shift.activities, key=lambda a: a.start_min)
    todo: list[int] = []
    for i, spec in enumerate(band.activities):
        if len(kept) > i - len(todo) and kept[i - len(todo)].kind == spec.kind:
            continue
        todo.append(i)
    if len(band.activities) - len(todo) != len(kept):
        return None
    checks = [LEAF_CHECKS]
    return _place(problem, shift, from_min, band, todo, checks)


def _starts(shift: Shift, spec: ActivitySpec, length: int, grid: int, from_min: int) -> range:
    """Grid starts of an activity of ``length`` minutes that its window allows."""
    lo, hi = spec.window
    if spec.anchor == "start":
        first, last = shift.start_min + lo, shift.start_min + hi
        last = min(last, shift.end_min - spec.min_to_other_end_min - length)
    else:
        first, last = shift.end_min - hi - length, shift.end_min - lo - length
        first = max(first, shift.start_min + spec.min_to_other_end_min)
    first = max(first, from_min)
    return range(-(-first // grid) * grid, last + 1, grid)


def _place(
    problem: RosterProblem, shift: Shift, from_min: int, band: BreakRuleSet, todo: list[int],
    checks: list[int],
) -> Shift | None:  # fmt: skip
    """Depth-first placement of the band's activities ``todo`` (indices, in order)."""
    rules, grid = problem.rules, problem.interval_min
    if not todo:
        if not band.applies(shift.paid_min(rules)) or checks[0] <= 0:
            return None
        checks[0] -= 1
        return None if _broken_shift(problem, shift) else shift
    spec = band.activities[todo[0]]
    ordered = sorted(shift.activities, key=lambda a: a.start_min)
    before = ordered[: todo[0]]
    after = ordered[todo[0] :]
    gap = band.min_work_between_min
    for length in spec.durations_min:
        for start in _starts(shift, spec, length, grid, from_min):
            if before and start < before[-1].end_min + gap:
                continue
            if after and start + length + gap > after[0].start_min:
                break
            added = Activity(spec.kind, start, start + length)
            trial = dataclasses.replace(shift, activities=(*before, added, *after))
            found = _place(problem, trial, from_min, band, todo[1:], checks)
            if found is not None or checks[0] <= 0:
                return found
    return None


def _broken_shift(problem: RosterProblem, shift: Shift) -> bool:
    return any(v.day == shift.day for v in check_roster(problem, Roster(shifts=(shift,))))


def _candidates(
    problem: RosterProblem, shift: Shift, from_min: int
) -> Iterator[tuple[Kind, Shift, str]]:
    window = problem.opening_hours[shift.day]
    close = window[1] if window is not None else shift.end_min
    for step in STEPS_MIN:
        if shift.end_min + step <= close and shift.end_min >= from_min:
            later = _fill(
                problem, dataclasses.replace(shift, end_min=shift.end_min + step), from_min
            )
            yield "overtime", later, f"works {step} min longer (until {clock(later.end_min)})"
        end = shift.end_min - step
        if (
            end >= from_min
            and end > shift.start_min
            and all(a.end_min <= end for a in shift.activities)
        ):
            earlier = dataclasses.replace(shift, end_min=end)
            yield "early_release", earlier, f"leaves {step} min early ({clock(end)})"
    yield from _moves(problem, shift, from_min)


def _moves(
    problem: RosterProblem, shift: Shift, from_min: int
) -> Iterator[tuple[Kind, Shift, str]]:
    grid = problem.interval_min
    for index, activity in enumerate(shift.activities):
        if activity.start_min < from_min:
            continue
        for move in (-2 * grid, -grid, grid, 2 * grid):
            start = activity.start_min + move
            if start < from_min:
                continue
            moved = dataclasses.replace(activity, start_min=start, end_min=activity.end_min + move)
            activities = (*shift.activities[:index], moved, *shift.activities[index + 1 :])
            text = f"{activity.kind} at {clock(start)} instead of {clock(activity.start_min)}"
            yield "move_activity", dataclasses.replace(shift, activities=activities), text


def clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _broken(problem: RosterProblem, roster: Roster) -> set[tuple[str, int | None, str]]:
    return {(v.agent, v.day, v.rule) for v in check_roster(problem, roster)}


def propose(problem: RosterProblem, roster: Roster, service: DayService) -> list[Proposal]:
    """Every checked overtime, early release and activity move of ``service.day``, ranked
    (module doc): overtime first, then moves, then early releases."""
    base_within, _sl = answered_within(problem, roster, service)
    before = _broken(problem, roster)
    found: list[Proposal] = []
    for shift in roster.shifts:
        if shift.day != service.day:
            continue
        for kind, changed, text in _candidates(problem, shift, service.from_min):
            shifts = tuple(changed if s is shift else s for s in roster.shifts)
            candidate = Roster(shifts=shifts)
            if _broken(problem, candidate) - before:
                continue
            within, sl = answered_within(problem, candidate, service)
            paid = changed.paid_min(problem.rules) - shift.paid_min(problem.rules)
            found.append(
                Proposal(kind, shift.agent, text, paid, within - base_within, sl, candidate)
            )
    order = {"overtime": 0, "move_activity": 1, "early_release": 2}
    return sorted(found, key=lambda p: (order[p.kind], _rank(p)))


def _rank(proposal: Proposal) -> float:
    if proposal.kind == "overtime":
        return -proposal.per_paid_hour
    if proposal.kind == "move_activity":
        return -proposal.answered_within_gain
    return proposal.per_paid_hour  # calls lost per hour saved (gain < 0, paid < 0: >= 0)
