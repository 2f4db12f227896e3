"""A site roster as a queue's plan, for the actuals (adherence, the report's planned staffing).

A site planned with site rosters (several queues, shared agents) may have no roster job of a
single queue at all. Its queues' plans then come from the site roster of the week: the live
queue's requirement the site roster was built from (``requirement_ids``) gives the forecast
calls, AHT and required agents per interval, and the site roster's exact cost gives the
agents it gives that queue in each interval (``cost.coverage[queue][day][interval]``:
agent-intervals covering its requirement, fractions where agents split their time). The
agents of the queue (active agents serving it today) are scheduled as the site's published
week has them, else as the newest site roster of the week does.

Which site roster: a published one (its newest publication) before an unpublished one, the
newest first; what-if rosters never (:func:`plan_site_roster`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from sqlmodel import Session, col, select

from api.convert.goals import is_deferred
from api.convert.last_week import week_schedule
from api.convert.roster import queue_agents
from api.tables import Queue, Requirement, SchedulePublication, Site, SiteRosterRow

__all__ = [
    "plan_rank",
    "plan_site_roster",
    "site_plan_frame",
    "site_plans",
    "site_requirement",
    "site_week_shifts",
]


def _publication_id(session: Session, row: SiteRosterRow) -> int | None:
    query = select(SchedulePublication.id).where(col(SchedulePublication.site_roster_id) == row.id)
    ids = [i for i in session.exec(query).all() if i is not None]
    return max(ids) if ids else None


def site_plans(session: Session, queue: Queue) -> list[tuple[SiteRosterRow, int | None]]:
    """The site's site rosters (no what-ifs) that plan ``queue``, with their newest
    publication's id (None: unpublished), oldest first."""
    query = select(SiteRosterRow).where(col(SiteRosterRow.site_id) == queue.site_id)
    rows = session.exec(query.order_by(col(SiteRosterRow.id))).all()
    mine = [r for r in rows if r.what_if is None and str(queue.id) in _queue_ids(r)]
    return [(r, _publication_id(session, r)) for r in mine]


def _queue_ids(row: SiteRosterRow) -> set[str]:
    return {str(q["id"]) for q in row.queues}


def plan_rank(publication_id: int | None, created_at: dt.datetime) -> tuple[int, int, float]:
    """Order of plans (roster jobs and site rosters alike), the one agents were given last:
    unpublished before published; published by their newest publication, unpublished by when
    they were made."""
    if publication_id is not None:
        return (1, publication_id, 0.0)
    return (0, 0, created_at.timestamp())


def plan_site_roster(session: Session, queue: Queue, day: dt.date) -> SiteRosterRow | None:
    """The site roster whose week holds ``day`` and plans ``queue``, the last by
    :func:`plan_rank`."""
    holding = [(r, p) for r, p in site_plans(session, queue) if 0 <= (day - r.week_start).days < 7]
    ranked = sorted(holding, key=lambda rp: plan_rank(rp[1], rp[0].created_at))
    return ranked[-1][0] if ranked else None


def site_week_shifts(session: Session, queue: Queue, row: SiteRosterRow) -> list[Any]:
    """The shifts of ``queue``'s agents in ``row``'s week as they were given: the site's
    published week where a publication speaks for them, else ``row``'s."""
    assert queue.id is not None
    agents = {a.code for a in queue_agents(session, queue.site_id, queue.id)}
    agents |= {a for a, skills in row.skills.items() if str(queue.id) in map(str, skills)}
    week = week_schedule(session, row.site_id, row.week_start)
    given = [] if week is None else [s for s in week.shifts if s["agent"] in agents]
    spoken = set() if week is None else {a for a in agents if week.speaker(a) is not None}
    own = [s for s in row.shifts if s["agent"] in agents - spoken]
    return sorted(given + own, key=lambda s: (s["agent"], s["day"], s["start"]))


def site_requirement(session: Session, queue: Queue, row: SiteRosterRow) -> Requirement | None:
    """The requirement of the live ``queue`` the site roster ``row`` was built from (None for
    a deferred queue, whose entry names a forecast, or when it is gone)."""
    if is_deferred(queue):
        return None
    found = session.get(Requirement, row.requirement_ids.get(str(queue.id), -1))
    return found if found is not None and found.queue_id == queue.id else None


def site_plan_frame(
    session: Session, queue: Queue, row: SiteRosterRow, requirement: Requirement
) -> pd.DataFrame | None:
    """Plan rows (``actuals.report.PLAN_COLUMNS``) of a live ``queue`` from the site roster
    ``row`` and its ``requirement`` (:func:`site_requirement`): the requirement's intervals
    inside the roster's week, ``rostered`` the agents the site roster gives the queue there
    (None without the queue's coverage)."""
    coverage = (row.cost or {}).get("coverage", {}).get(str(queue.id))
    site = session.get(Site, row.site_id)
    if coverage is None or site is None:
        return None
    intervals = requirement.intervals
    starts = pd.DatetimeIndex(pd.to_datetime(intervals["interval_start"], utc=True))
    local = starts.tz_convert(site.zone)
    day = (local.normalize().tz_localize(None) - pd.Timestamp(row.week_start)).days.to_numpy()
    slot = ((local.hour * 60 + local.minute) // queue.interval_min).to_numpy()
    grid = np.asarray(coverage, dtype=float)
    inside = (day >= 0) & (day < grid.shape[0]) & (slot < grid.shape[1])
    rostered = np.zeros(len(starts))
    rostered[inside] = grid[day[inside], slot[inside]]
    frame = pd.DataFrame({
        "interval_start": starts, "calls": np.asarray(intervals["calls"], dtype=float),
        "aht_s": np.asarray(intervals["aht_s"], dtype=float),
        "required": np.asarray(intervals["scheduled"], dtype=float).astype(int),
        "rostered": rostered,
    })  # fmt: skip
    return frame[inside].reset_index(drop=True)
