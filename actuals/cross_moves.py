"""Intraday moves of cross-trained agents: an agent rostered on another queue of the site and
skilled on this one answers this queue's calls for a block of the rest of the day.

The agent's shift does not change (start, end, breaks and lunch stay), so every rule
``check_roster`` checks on either roster still holds; the rules a move adds are checked here:
the agent is skilled on this queue and has no shift on this queue's roster that day, is on
the phone (not on a break or lunch) on the other queue during the whole block, the block
starts no earlier than ``from_min`` and this queue is open during it. Its effect is the
expected calls answered within the threshold gained on this queue minus those lost on the
other (each queue's own model and reforecast); a move is proposed only when the sum is
positive. Paid time does not change, so moves rank by net calls gained.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from actuals.proposals import DayService, Proposal, answered_within, clock
from optimizer.roster.evaluate import staffed_matrix
from optimizer.roster.problem import Roster, RosterProblem, Shift

BLOCKS_MIN = (30, 60, 120)


@dataclass(frozen=True, slots=True)
class Lender:
    """Another queue of the site on the same day and grid: its name, weekly roster problem,
    roster and reforecast (``service.day`` the same day of the same week)."""

    queue: str
    problem: RosterProblem
    roster: Roster
    service: DayService


def _blocks(problem: RosterProblem, lender: Lender, shift: Shift,
            from_min: int) -> Iterator[tuple[int, int]]:  # fmt: skip
    """(start, end) minutes of the blocks the agent could move: on the phone throughout on the
    lender's roster, from ``from_min`` on, this queue open."""
    grid = problem.interval_min
    phone = staffed_matrix(lender.problem, Roster(shifts=(shift,)))[shift.day]
    window = problem.opening_hours[shift.day]
    if window is None:
        return
    first = max(-(-from_min // grid) * grid, shift.start_min, window[0])
    for block in BLOCKS_MIN:
        for start in range(first, min(shift.end_min, window[1]) - block + 1, grid):
            if phone[start // grid : (start + block) // grid].min() >= 1:
                yield start, start + block


def cross_moves(problem: RosterProblem, roster: Roster, service: DayService,
                lenders: list[Lender], skilled: frozenset[str]) -> list[Proposal]:  # fmt: skip
    """Every move of an agent in ``skilled`` (codes skilled on this queue) from a lender's
    roster to this queue for a block (30, 60 or 120 minutes) with a positive net gain, best
    first. ``answered_within_gain`` is the net gain (this queue's minus the lender's loss)."""
    base_here, _ = answered_within(problem, roster, service)
    here_today = {s.agent for s in roster.shifts if s.day == service.day}  # already here
    found: list[Proposal] = []
    for lender in lenders:
        if lender.problem.interval_min != problem.interval_min:
            continue  # another grid: not compared
        base_there, _ = answered_within(lender.problem, lender.roster, lender.service)
        for shift in lender.roster.shifts:
            if shift.day != service.day or shift.agent not in skilled - here_today:
                continue
            for start, end in _blocks(problem, lender, shift, service.from_min):
                delta = np.zeros(problem.intervals_per_day)
                delta[start // problem.interval_min : end // problem.interval_min] = 1.0
                here, sl = answered_within(problem, roster, service, delta)
                there, _ = answered_within(lender.problem, lender.roster, lender.service, -delta)
                gain = (here - base_here) + (there - base_there)
                if gain <= 1e-9:
                    continue
                text = (f"answers this queue {clock(start)}-{clock(end)} instead of "
                        f"{lender.queue} (+{here - base_here:.1f} here, "
                        f"{there - base_there:.1f} there)")  # fmt: skip
                found.append(Proposal("cross_queue", shift.agent, text, 0, gain, sl, roster))
    return sorted(found, key=lambda p: -p.answered_within_gain)
