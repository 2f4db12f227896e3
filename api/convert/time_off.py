"""Time-off requests against a roster week (docs/schedule.md, "Time off"): the days a request
covers in the week, its absences, the shifts it takes away and its predicted effect."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session

from api.convert import reoptimise as cr
from api.convert import roster_edits as ce
from api.tables import Agent, Roster, TimeOff, TimeOffRequest
from forecasting.errors import InvalidInput, Problem
from optimizer.roster import problem as rp


def request_days(request: TimeOffRequest) -> list[dt.date]:
    span = (request.last_day - request.first_day).days
    return [request.first_day + dt.timedelta(days=d) for d in range(span + 1)]


def hours_of(request: TimeOffRequest) -> list[int] | None:
    if request.start_minute is None or request.end_minute is None:
        return None
    return [request.start_minute, request.end_minute]


def week_absences(request: TimeOffRequest, agent: Agent, row: Roster) -> list[dict[str, Any]]:
    """The request's absences in ``row``'s week (``{agent, day, hours}``; 422 when none)."""
    days = [(d - row.week_start).days for d in request_days(request)]
    found = [{"agent": agent.code, "day": d, "hours": hours_of(request)} for d in days
             if 0 <= d < 7]  # fmt: skip
    if not found:
        message = f"request {request.id} has no day in the week of {row.week_start}"
        raise InvalidInput([Problem(None, "roster_id", "outside_week", message)])
    return found


def _overlaps(shift: rp.Shift, hours: list[int] | None) -> bool:
    return hours is None or (shift.start_min < hours[1] and hours[0] < shift.end_min)


def lost_shifts(roster: rp.Roster, absences: list[dict[str, Any]]) -> list[rp.Shift]:
    """The shifts of ``roster`` an absence takes away (a whole day, or hours overlapping)."""
    out: list[rp.Shift] = []
    for a in absences:
        out.extend(s for s in roster.shifts if (s.agent, s.day) == (a["agent"], a["day"])
                   and _overlaps(s, a["hours"]))  # fmt: skip
    return out


def _level(kpis: dict[str, Any]) -> float | None:
    sl = kpis.get("service_level")
    return None if not sl else sl.get("service_level_week")


def impact(
    session: Session, row: Roster, version: int, absences: list[dict[str, Any]], pending: bool
) -> dict[str, Any]:
    """The week of version ``version`` of ``row`` without the shifts the absences take away,
    evaluated against the week with them (``pending``: not stored yet, applied here)."""
    base = ce.version_of(session, row, version)
    data = ce.roster_input(session, row)
    data = cr.with_absences(session, data, absences if pending else [])
    roster = ce.core_roster(base.shifts)
    lost = lost_shifts(roster, absences)
    after = rp.Roster(tuple(s for s in roster.shifts if s not in lost))
    found = ce.assess(data, after, row.week_start)
    before_by_day = ce.staffed_by_day(base.coverage)
    after_by_day = ce.staffed_by_day(found.coverage)
    lost_json = [s for s in base.shifts if (s["agent"], s["day"]) in
                 {(x.agent, x.day) for x in lost}]  # fmt: skip
    return {
        "lost_shifts": lost_json, "kpis_before": base.kpis, "kpis_after": found.kpis,
        "staffed_by_day_before": before_by_day, "staffed_by_day_after": after_by_day,
        "under_difference": int(found.kpis["under_agent_intervals"])
        - int(base.kpis["under_agent_intervals"]),
        "cost_difference": float(found.kpis["cost"]) - float(base.kpis["cost"]),
        "service_level_before": _level(base.kpis), "service_level_after": _level(found.kpis),
        "valid_after": not found.violations, "violations_after": found.violations,
    }  # fmt: skip


def approve(session: Session, request: TimeOffRequest) -> list[TimeOff]:
    """The ``time_off`` rows of an approved request (one per day)."""
    assert request.id is not None
    return [
        TimeOff(
            agent_id=request.agent_id,
            day=day,
            kind="leave",
            note=request.reason[:300],
            start_minute=request.start_minute,
            end_minute=request.end_minute,
            request_id=request.id,
        )
        for day in request_days(request)
    ]
