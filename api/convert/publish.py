"""Published schedules: a site's week (its publications laid over each other, newest on top),
its shifts in the site's local time (an agent's view, CSV and iCalendar exports)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from api import ics
from api.auth import token_hash
from api.convert.last_week import week_schedule
from api.errors import not_found
from api.schemas import minute_to_hhmm
from api.tables import Agent, AgentScheduleLink, SchedulePublication, Site
from forecasting.calendar import local_instant


@dataclass(frozen=True)
class Published:
    """A publication with its site and the shifts of the version it froze."""

    publication: SchedulePublication
    site: Site
    shifts: list[Any]


def published(
    session: Session, site_id: int, week_start: dt.date | None, agent: str | None = None
) -> Published:
    """The site's published schedule of the week (404 when nothing is published, or when
    ``agent`` is not an agent of the site)."""
    site = session.get(Site, site_id)
    if site is None:
        raise not_found("site", site_id)
    if agent is not None:
        query = select(Agent.id).where(col(Agent.site_id) == site_id, col(Agent.code) == agent)
        if session.exec(query).first() is None:
            raise not_found(f"agent of site {site_id}", repr(agent))
    found = week_schedule(session, site_id, week_start)
    if found is None:
        week = "" if week_start is None else f" for the week of {week_start}"
        raise not_found(f"published schedule of site {site_id}{week}", "")
    return Published(found.publication, site, found.shifts)


def local(week_start: dt.date, day: int, minute: int, zone: str) -> dt.datetime:
    """The local (tz-aware, in ``zone``) instant of ``minute`` after midnight of day ``day``."""
    instant = local_instant(week_start + dt.timedelta(days=day), minute, zone)
    moment: dt.datetime = instant.tz_convert(zone).to_pydatetime()
    return moment


def agent_shifts(p: Published, agent: str) -> list[dict[str, Any]]:
    """``agent``'s published shifts: local date, start, end and activities (local times)."""
    week, zone = p.publication.week_start, p.site.zone
    out = []
    for s in sorted((s for s in p.shifts if s["agent"] == agent), key=lambda s: s["day"]):
        day = s["day"]
        acts = [{"kind": a["kind"], "start": local(week, day, a["start"], zone),
                 "end": local(week, day, a["end"], zone)} for a in s["activities"]]  # fmt: skip
        out.append({"date": week + dt.timedelta(days=s["day"]),
                    "start": local(week, s["day"], s["start"], zone),
                    "end": local(week, s["day"], s["end"], zone), "activities": acts})  # fmt: skip
    return out


def agent_calendar(p: Published, agent: str) -> str:
    """The agent's published week as iCalendar: one event per shift, break and lunch."""
    site_id = p.site.id
    events = []
    for shift in agent_shifts(p, agent):
        uid = f"{site_id}-{agent}-{shift['date']}"
        acts = ", ".join(f"{a['kind']} {a['start']:%H:%M}-{a['end']:%H:%M}"
                         for a in shift["activities"])  # fmt: skip
        events.append(ics.Event(f"{uid}@staffwise", shift["start"], shift["end"],
                                f"Shift ({p.site.name})", acts))  # fmt: skip
        for a in shift["activities"]:
            events.append(ics.Event(f"{uid}-{a['kind']}@staffwise", a["start"], a["end"],
                                    a["kind"].capitalize()))  # fmt: skip
    name = f"{agent} - {p.site.name} - week of {p.publication.week_start}"
    return ics.calendar(name, events, p.publication.published_at)


def schedule_csv(p: Published) -> str:
    """One line per published shift: agent, local date, start, end, break, lunch."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["agent", "date", "start", "end", "break", "lunch"])
    week = p.publication.week_start
    for s in sorted(p.shifts, key=lambda s: (s["agent"], s["day"], s["start"])):
        acts = {a["kind"]: f"{minute_to_hhmm(a['start'])}-{minute_to_hhmm(a['end'])}"
                for a in s["activities"]}  # fmt: skip
        writer.writerow([s["agent"], (week + dt.timedelta(days=s["day"])).isoformat(),
                         minute_to_hhmm(s["start"]), minute_to_hhmm(s["end"]),
                         acts.get("break", ""), acts.get("lunch", "")])  # fmt: skip
    return buffer.getvalue()


def link_agent(session: Session, secret: str) -> Agent:
    """The agent of an active schedule link (404 for an unknown or revoked secret, as for a
    page that does not exist)."""
    query = select(AgentScheduleLink).where(
        col(AgentScheduleLink.secret_sha256) == token_hash(secret)
    )
    link = session.exec(query).first()
    agent = None if link is None or link.revoked_at else session.get(Agent, link.agent_id)
    if agent is None:
        raise not_found("schedule link", "given")
    return agent
