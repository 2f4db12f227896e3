"""Which shifts the actuals compare with: what the roster's agents were given. That is the
newest publication of the roster (``schedule_publication``, an edited version possibly), else
the solved roster; except for the agents a later publication of the site's week speaks for (a
site roster published over the queue's roster, or another roster of the queue): their week
comes from the site's published schedule (:func:`api.convert.last_week.week_schedule`).
Intraday proposals, adherence and the report's planned staffing read it from here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from api.convert.last_week import week_schedule
from api.convert.roster import queue_agents
from api.convert.roster_edits import Version, solved_version, version_of
from api.tables import Queue, Requirement, Roster, SchedulePublication
from optimizer.roster.evaluate import staffed_grid
from optimizer.roster.io import stored_roster


def publication_of(session: Session, row: Roster) -> SchedulePublication | None:
    query = select(SchedulePublication).where(col(SchedulePublication.roster_id) == row.id)
    return session.exec(query.order_by(col(SchedulePublication.id).desc())).first()


def schedule(session: Session, row: Roster) -> Version:
    """The roster's newest published version, else the solved roster (version 1)."""
    found = publication_of(session, row)
    return solved_version(row) if found is None else version_of(session, row, found.version)


@dataclass(frozen=True)
class Given:
    """The week the roster's agents were given: ``version`` (:func:`schedule`), ``shifts``
    (that version's, the ``overlaid`` agents' from the site's published week instead) and
    ``overlaid``: agent -> the publication (not of this roster) their week comes from."""

    version: Version
    shifts: list[Any]
    overlaid: dict[str, int]


def given(session: Session, row: Roster) -> Given:
    """What ``row``'s agents (those of its shifts and the queue's agents today) were given for
    its week (module docstring)."""
    version = schedule(session, row)
    week = week_schedule(session, row.site_id, row.week_start)
    requirement = session.get(Requirement, row.requirement_id)
    if week is None or requirement is None:
        return Given(version, version.shifts, {})
    agents = {s["agent"] for s in version.shifts}
    agents |= {a.code for a in queue_agents(session, row.site_id, requirement.queue_id)}
    overlaid = {}
    for agent in sorted(agents):
        speaker = week.speaker(agent)
        if speaker is not None and speaker.roster_id != row.id and speaker.id is not None:
            overlaid[agent] = speaker.id
    if not overlaid:
        return Given(version, version.shifts, {})
    shifts = [s for s in version.shifts if s["agent"] not in overlaid]
    shifts += [s for s in week.shifts if s["agent"] in overlaid]
    shifts.sort(key=lambda s: (s["agent"], s["day"], s["start"]))
    return Given(version, shifts, overlaid)


def scheduled_coverage(session: Session, row: Roster) -> dict[str, list[Any]]:
    """The roster's coverage columns (forecast calls, AHT, required) with ``staffed`` from what
    its agents were given (:func:`given`; an interval the version does not list has none
    staffed)."""
    week = given(session, row)
    if week.overlaid:
        requirement = session.get(Requirement, row.requirement_id)
        queue = None if requirement is None else session.get(Queue, requirement.queue_id)
        assert queue is not None  # given() found the requirement
        grid = staffed_grid(stored_roster(week.shifts), 7, queue.interval_min)
        slot = [m // queue.interval_min for m in row.coverage["minute"]]
        staffed = [int(grid[d, k]) for d, k in zip(row.coverage["day"], slot, strict=True)]
        return {**row.coverage, "staffed": staffed}
    version = week.version
    if version.number == 1:
        return row.coverage
    staffed_at = dict(zip(version.coverage["interval_start"], version.coverage["staffed"],
                          strict=True))  # fmt: skip
    return {**row.coverage,
            "staffed": [staffed_at.get(t, 0) for t in row.coverage["interval_start"]]}  # fmt: skip
