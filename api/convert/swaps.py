"""A shift swap between two agents (docs/schedule.md, "Shift swaps"): ``agent``'s shift on
``day`` goes to ``other`` and ``other``'s shift on ``other_day`` goes to ``agent``; either side
may be no shift. The swap stands only when both agents' weeks stay valid."""

from __future__ import annotations

import dataclasses

from forecasting.errors import InvalidInput, Problem
from optimizer.roster import problem as rp
from optimizer.roster.check import check_roster
from optimizer.roster.violation import Violation


def _shift(roster: rp.Roster, agent: str, day: int) -> rp.Shift | None:
    return next((s for s in roster.shifts if (s.agent, s.day) == (agent, day)), None)


def swapped(roster: rp.Roster, agent: str, day: int, other: str, other_day: int) -> rp.Roster:
    """``roster`` with the two shifts given to each other's agent (422 when neither exists)."""
    mine, theirs = _shift(roster, agent, day), _shift(roster, other, other_day)
    if mine is None and theirs is None:
        message = f"neither {agent!r} on day {day} nor {other!r} on day {other_day} has a shift"
        raise InvalidInput([Problem(None, "day", "no_shift", message)])
    kept = [s for s in roster.shifts if s is not mine and s is not theirs]
    if mine is not None:
        kept.append(dataclasses.replace(mine, agent=other))
    if theirs is not None:
        kept.append(dataclasses.replace(theirs, agent=agent))
    return rp.Roster(tuple(kept))


def swap_violations(
    problem: rp.RosterProblem, roster: rp.Roster, agents: tuple[str, str]
) -> list[Violation]:
    """The rule breaks of the two agents' weeks in ``roster``."""
    return [v for v in check_roster(problem, roster) if v.agent in agents]
