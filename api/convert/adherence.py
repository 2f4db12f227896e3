"""Schedule adherence at the API edge: the day's scheduled on-phone spans (the roster of the
queue covering the day, as its agents were given it: ``api.convert.schedule_source``, a site
roster published over it included; its shifts minus breaks and lunches, in the site's zone)
and the stored attendance spans into ``actuals.adherence``."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pandas as pd
from sqlmodel import Session

from actuals.adherence import adherence, totals
from api.convert.actuals import load_attendance, report_window
from api.convert.proposals import day_schedule
from api.errors import invalid
from api.tables import Queue, Site
from optimizer.roster.io import stored_roster
from optimizer.roster.problem import Shift


def on_phone(shift: Shift) -> list[tuple[int, int]]:
    """The shift's on-phone minutes (from its day's midnight): the shift minus its activities."""
    spans, at = [], shift.start_min
    for activity in sorted(shift.activities, key=lambda a: a.start_min):
        if activity.start_min > at:
            spans.append((at, activity.start_min))
        at = max(at, activity.end_min)
    if shift.end_min > at:
        spans.append((at, shift.end_min))
    return spans


def scheduled_spans(shifts: list[Shift], first: date, zone: str) -> pd.DataFrame:
    """``agent``, ``start``, ``end`` (UTC) of the shifts' on-phone minutes; ``day`` counts
    from ``first`` (the roster's week start)."""
    rows = []
    for shift in shifts:
        midnight = pd.Timestamp(first + timedelta(days=shift.day))
        for lo, hi in on_phone(shift):
            start, end = (
                (midnight + pd.Timedelta(minutes=m)).tz_localize(zone, nonexistent="shift_forward",
                                                                 ambiguous=True)
                for m in (lo, hi)
            )  # fmt: skip
            rows.append((shift.agent, start.tz_convert("UTC"), end.tz_convert("UTC")))
    return pd.DataFrame(rows, columns=["agent", "start", "end"])


def adherence_view(session: Session, queue: Queue, day: date) -> dict[str, Any]:
    """Per agent scheduled, actual and adherent minutes of ``day``, with the team's totals;
    422 ``no_plan`` when no roster job or site roster of the queue covers the day."""
    site = session.get(Site, queue.site_id)
    assert site is not None
    week = day_schedule(session, queue, day)
    if week is None:
        raise invalid("day", "no_plan", f"no roster or site roster of this queue covers {day}")
    roster = stored_roster(week.shifts)
    index = (day - week.week_start).days
    scheduled = scheduled_spans([s for s in roster.shifts if s.day == index], week.week_start,
                                site.zone)  # fmt: skip
    window = report_window(site.zone, day, day)
    actual = load_attendance(session, queue, *window)
    frame = adherence(scheduled, actual, (pd.Timestamp(window[0]), pd.Timestamp(window[1])))
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    summary = {k: (None if v != v else v) for k, v in totals(frame).items()}
    return {"queue_id": queue.id, "day": day.isoformat(), "roster_id": week.roster_id,
            "site_roster_id": week.site_roster_id, "version": week.version,
            "overlaid": week.overlaid, "agents": records, "totals": summary}  # fmt: skip
