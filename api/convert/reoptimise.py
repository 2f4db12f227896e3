"""Locks and re-optimisation of a stored roster (docs/schedule.md, "Locks and re-optimise"):
the core's :class:`~optimizer.roster.locks.Locks` from stored or given locks, requested
absences applied to a roster's week before it is approved, and a checked version row."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import Any

from sqlmodel import Session, col, select

from api.convert import roster_edits as ce
from api.convert.absences import Absence, absent_agent
from api.convert.roster import RosterInput, core_contract
from api.tables import Agent, Contract, Roster, RosterLock, RosterVersion
from optimizer.roster import problem as rp
from optimizer.roster.locks import Locks


def lock_dicts(session: Session, roster_id: int) -> list[dict[str, Any]]:
    """The stored locks of a roster: ``{agent, day}`` (a null member: every agent / day)."""
    query = select(RosterLock).where(col(RosterLock.roster_id) == roster_id)
    rows = session.exec(query.order_by(col(RosterLock.id))).all()
    return [{"agent": r.agent, "day": r.day} for r in rows]


def core_locks(items: Iterable[dict[str, Any]]) -> Locks:
    agents, days, shifts = set(), set(), set()
    for item in items:
        agent, day = item.get("agent"), item.get("day")
        if agent is not None and day is not None:
            shifts.add((str(agent), int(day)))
        elif agent is not None:
            agents.add(str(agent))
        elif day is not None:
            days.add(int(day))
    return Locks(frozenset(agents), frozenset(days), frozenset(shifts))


def with_absences(
    session: Session, data: RosterInput, absences: Sequence[dict[str, Any]]
) -> RosterInput:
    """``data`` with the (not yet stored) ``absences`` (``{agent, day, hours}``: agent code,
    day of the week, ``[start, end]`` or null) applied as approved ones would be."""
    if not absences:
        return data
    site_id = data.site.id
    by_code: dict[str, list[Absence]] = {}
    for a in absences:
        hours = None if a.get("hours") is None else (int(a["hours"][0]), int(a["hours"][1]))
        by_code.setdefault(str(a["agent"]), []).append(Absence(int(a["day"]), hours))
    agents = []
    for agent in data.problem.agents:
        if agent.id in by_code:
            contract, credit = _contract_of(session, site_id, agent.id)
            agent = absent_agent(agent, contract, credit, by_code[agent.id])
        agents.append(agent)
    problem = dataclasses.replace(data.problem, agents=tuple(agents))
    return dataclasses.replace(data, problem=problem)


def _contract_of(session: Session, site_id: int | None, code: str) -> tuple[rp.Contract, int]:
    query = (
        select(Contract)
        .join(Agent, col(Agent.contract_id) == Contract.id)
        .where(col(Agent.site_id) == site_id, col(Agent.code) == code)
    )
    row = session.exec(query).one()
    return core_contract(row), row.leave_paid_minutes


def without_days(roster: rp.Roster, absent: Iterable[tuple[str, int]]) -> rp.Roster:
    """``roster`` without the shifts of the given agent-days (an absence's days)."""
    gone = set(absent)
    return rp.Roster(tuple(s for s in roster.shifts if (s.agent, s.day) not in gone))


def version_row(
    data: RosterInput, row: Roster, number: int, roster: rp.Roster, who: tuple[str, int | None],
    kind: str, edit: dict[str, Any] | None,
) -> RosterVersion:  # fmt: skip
    """Version ``number`` of ``row``: ``roster`` checked and evaluated against ``data``."""
    assert row.id is not None
    found = ce.assess(data, roster, row.week_start)
    return RosterVersion(
        roster_id=row.id, number=number, kind=kind, edit=edit, author=who[0],
        author_token_id=who[1], shifts=ce.shifts_json(data.problem, roster),
        violations=found.violations, kpis=found.kpis, coverage=found.coverage,
    )  # fmt: skip
