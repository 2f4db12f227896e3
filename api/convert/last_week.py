"""Last week's published schedule as this week's history (rest and consecutive days across
the week boundary).

A week's roster needs each agent's history: the days worked in a row up to last Sunday and
when the last shift ended (after midnight of this Monday for last Sunday's night shift). The
agent row holds both as fields a planner can set; when the site has published the week
before, its shifts are the facts and replace those fields for every agent who worked in it
(:func:`optimizer.roster.constraints.rest.next_week_history`: the same rule the core uses
for the interchange format). The site's schedule of a week is its publications laid over each
other (:func:`week_schedule`, as agents see it, docs/schedule.md); agents without a shift in it
keep their fields.

Kept apart from :mod:`api.convert.publish` (which needs :mod:`api.convert.roster` through
the roster edits), so :mod:`api.convert.roster` can use it without an import cycle.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from api.tables import Roster, RosterVersion, SchedulePublication, SiteRosterRow
from optimizer.roster import problem as rp
from optimizer.roster.constraints.rest import next_week_history

__all__ = [
    "WeekSchedule",
    "carry_last_week",
    "newest",
    "overlay",
    "published_shifts",
    "week_schedule",
]


def newest(
    session: Session, site_id: int, week_start: dt.date | None
) -> SchedulePublication | None:
    """The newest publication of ``site_id``'s week ``week_start`` (None: its newest week)."""
    query = select(SchedulePublication).where(col(SchedulePublication.site_id) == site_id)
    if week_start is not None:
        query = query.where(col(SchedulePublication.week_start) == week_start)
    order = (col(SchedulePublication.week_start).desc(), col(SchedulePublication.id).desc())
    return session.exec(query.order_by(*order)).first()


def published_shifts(session: Session, publication: SchedulePublication) -> list[Any]:
    """The shifts ``publication`` froze: a site roster's, or a roster's version (version 1:
    the solved roster)."""
    if publication.site_roster_id is not None:
        site_roster = session.get(SiteRosterRow, publication.site_roster_id)
        return [] if site_roster is None else list(site_roster.shifts)
    if publication.version == 1:
        row = session.get(Roster, publication.roster_id)
        return [] if row is None else list(row.shifts)
    query = select(RosterVersion).where(
        col(RosterVersion.roster_id) == publication.roster_id,
        col(RosterVersion.number) == publication.version,
    )
    found = session.exec(query).first()
    return [] if found is None else list(found.shifts)


@dataclass(frozen=True)
class WeekSchedule:
    """A site's published week: its newest publication, the shifts agents see and, per agent,
    the publication their week comes from (``speakers``; ``everyone``: the newest publication
    of every agent's week, an older row without ``agents``, for the agents not in
    ``speakers``)."""

    publication: SchedulePublication
    shifts: list[Any]
    speakers: dict[str, SchedulePublication] = field(default_factory=dict)
    everyone: SchedulePublication | None = None

    def speaker(self, agent: str) -> SchedulePublication | None:
        """The publication ``agent``'s week comes from (None: no publication speaks for it)."""
        return self.speakers.get(agent, self.everyone)


def speaks_for(agents: list[Any] | None, shifts: list[Any]) -> set[str] | None:
    """The agents whose weeks a publication of ``agents`` and ``shifts`` replaces: its
    ``agents`` and those of its shifts (``None``: every agent's)."""
    return None if agents is None else set(agents) | {s["agent"] for s in shifts}


def overlay(layers: Iterable[tuple[list[Any] | None, list[Any]]]) -> list[Any]:
    """Publications laid over each other, oldest first: each ``(agents, shifts)`` replaces
    the shifts of the agents it speaks for (:func:`speaks_for`) by its own ``shifts``."""
    out: list[Any] = []
    for agents, shifts in layers:
        speaks = speaks_for(agents, shifts)
        out = [] if speaks is None else [s for s in out if s["agent"] not in speaks]
        out += shifts
    return sorted(out, key=lambda s: (s["agent"], s["day"], s["start"]))


def week_schedule(
    session: Session, site_id: int, week_start: dt.date | None
) -> WeekSchedule | None:
    """The site's schedule of week ``week_start`` (None: its newest published week): every
    publication of the week laid over the ones before it (:func:`overlay`), so a publication
    of one queue's roster replaces its agents' weeks and keeps the other queues' agents'."""
    found = newest(session, site_id, week_start)
    if found is None:
        return None
    query = select(SchedulePublication).where(
        col(SchedulePublication.site_id) == site_id,
        col(SchedulePublication.week_start) == found.week_start,
    )
    rows = session.exec(query.order_by(col(SchedulePublication.id))).all()
    layers = [(r.agents, published_shifts(session, r)) for r in rows]
    speakers: dict[str, SchedulePublication] = {}
    everyone = None
    for row, layer in zip(rows, layers, strict=True):  # as overlay() lays them
        speaks = speaks_for(*layer)
        if speaks is None:
            speakers, everyone = {}, row
        else:
            speakers.update(dict.fromkeys(speaks, row))
    return WeekSchedule(found, overlay(layers), speakers, everyone)


def carry_last_week(
    session: Session, site_id: int, week_start: dt.date, problem: rp.RosterProblem
) -> rp.RosterProblem:
    """``problem`` with the history of every agent who worked in the site's published
    schedule of the week before ``week_start`` taken from it (module docstring)."""
    previous = week_schedule(session, site_id, week_start - dt.timedelta(days=7))
    if previous is None or problem.days != 7:
        return problem
    worked: dict[str, list[rp.Shift]] = defaultdict(list)
    for s in previous.shifts:
        worked[s["agent"]].append(rp.Shift(s["agent"], s["day"], s["start"], s["end"]))
    agents = tuple(
        dataclasses.replace(a, history=next_week_history(problem, a, worked[a.id]))
        if a.id in worked
        else a
        for a in problem.agents
    )
    return dataclasses.replace(problem, agents=agents)
