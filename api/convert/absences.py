"""Approved absences in a roster week: whole days and hours off, and the contract's leave
credit (docs/schedule.md, "Time off").

A whole day of leave removes the day from the agent's availability; an absence of some hours
keeps the longer part of the day's window outside them. When the contract counts leave
(``leave_paid_minutes`` > 0), each day of leave on a day the agent is available counts that
many paid minutes toward the week (an absence of hours: its length, at most that much) and a
whole day counts as one of the contract's working days, so the weekly bounds and the day limit
are lowered by them. Whatever the contract says, an absence never leaves the agent with a
weekly minimum the remaining days cannot hold: the minimum is lowered to what they can
(before, one leave day on a fixed-hours contract made the agent's week impossible and the
solver left the agent without any shift).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from api.tables import Agent, Contract, TimeOff
from optimizer.roster import problem as rp


@dataclass(frozen=True)
class Absence:
    """One approved absence on ``day`` (0 = the week's first day); ``hours``: local minutes
    ``(start, end)``, None for the whole day."""

    day: int
    hours: tuple[int, int] | None = None


def week_absences(
    session: Session, rows: Sequence[Agent], week_start: dt.date
) -> dict[int, list[Absence]]:
    """The stored absences (``time_off``) of the agents of ``rows`` in the week, by agent id."""
    query = select(TimeOff).where(
        col(TimeOff.agent_id).in_([a.id for a in rows]),
        col(TimeOff.day) >= week_start,
        col(TimeOff.day) < week_start + dt.timedelta(days=7),
    )
    out: dict[int, list[Absence]] = {}
    for item in session.exec(query).all():
        hours = None
        if item.start_minute is not None and item.end_minute is not None:
            hours = (item.start_minute, item.end_minute)
        out.setdefault(item.agent_id, []).append(Absence((item.day - week_start).days, hours))
    return out


def leave_credits(session: Session, rows: Sequence[Agent]) -> dict[int, int]:
    """``leave_paid_minutes`` of each contract the agents of ``rows`` hold, by contract id."""
    ids = list(dict.fromkeys(r.contract_id for r in rows))
    query = select(Contract.id, Contract.leave_paid_minutes).where(col(Contract.id).in_(ids))
    return {int(cid or 0): int(credit) for cid, credit in session.exec(query).all()}


def _outside(window: rp.Window | None, hours: tuple[int, int] | None) -> rp.Window | None:
    """The longer part of ``window`` outside ``hours`` (None: nothing left)."""
    if window is None or hours is None:
        return None
    lo, hi = window
    parts = [(lo, min(hi, hours[0])), (max(lo, hours[1]), hi)]
    best = max(parts, key=lambda p: p[1] - p[0])
    return best if best[1] > best[0] else None


def absent_agent(
    agent: rp.Agent, contract: rp.Contract, credit: int, absences: Sequence[Absence]
) -> rp.Agent:
    """``agent`` (its availability without absences) with ``absences`` applied."""
    if not absences:
        return agent
    availability = list(agent.availability)
    credited, credited_days = 0, 0
    for absence in absences:
        if not 0 <= absence.day < len(availability) or availability[absence.day] is None:
            continue
        if absence.hours is None:
            credited, credited_days = credited + credit, credited_days + (credit > 0)
        else:
            credited += min(credit, absence.hours[1] - absence.hours[0])
        availability[absence.day] = _outside(availability[absence.day], absence.hours)
    days = min(contract.max_days - credited_days, sum(w is not None for w in availability))
    days = max(0, days)
    most = max(0, agent.max_weekly_paid_min - credited)
    least = max(0, agent.min_weekly_paid_min - credited)
    least = min(least, most, days * max(contract.shift_paid_min))
    return dataclasses.replace(
        agent, availability=tuple(availability), min_weekly_paid_min=least,
        max_weekly_paid_min=most, max_days=days,
    )  # fmt: skip
