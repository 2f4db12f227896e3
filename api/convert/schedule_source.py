"""Which version of a roster the actuals compare with: the version agents were given, i.e. the
newest publication of the roster (``schedule_publication``, an edited version possibly), else
the solved roster itself. Intraday proposals, adherence and the report's planned staffing
read it from here."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from api.convert.roster_edits import Version, solved_version, version_of
from api.tables import Roster, SchedulePublication


def publication_of(session: Session, row: Roster) -> SchedulePublication | None:
    query = select(SchedulePublication).where(col(SchedulePublication.roster_id) == row.id)
    return session.exec(query.order_by(col(SchedulePublication.id).desc())).first()


def schedule(session: Session, row: Roster) -> Version:
    """The roster's newest published version, else the solved roster (version 1)."""
    found = publication_of(session, row)
    return solved_version(row) if found is None else version_of(session, row, found.version)


def scheduled_coverage(session: Session, row: Roster) -> dict[str, list[Any]]:
    """The roster's coverage columns (forecast calls, AHT, required) with ``staffed`` from the
    version agents were given (an interval that version does not list has none staffed)."""
    version = schedule(session, row)
    if version.number == 1:
        return row.coverage
    staffed = dict(zip(version.coverage["interval_start"], version.coverage["staffed"],
                       strict=True))  # fmt: skip
    return {**row.coverage,
            "staffed": [staffed.get(t, 0) for t in row.coverage["interval_start"]]}  # fmt: skip
