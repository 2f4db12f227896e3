"""Intraday proposals at the API edge: the day's newest roster and its weekly problem (as the
roster job built it, from today's rows) into ``actuals.proposals.propose``, and the other
queues of the site (their rosters and reforecasts) into ``actuals.cross_moves``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlmodel import Session, col, select

from actuals.cross_moves import Lender, cross_moves
from actuals.proposals import DayService, propose
from api.convert.roster import build_problem
from api.convert.schedule_source import given, publication_of
from api.convert.site_plan import plan_site_roster, site_requirement, site_week_shifts
from api.tables import Agent, Queue, Requirement, Roster
from forecasting.errors import InvalidInput
from optimizer.requirements import ServiceGoal, StaffingModel
from optimizer.roster.io import stored_roster
from optimizer.roster.problem import Roster as CoreRoster
from optimizer.roster.problem import RosterProblem

PER_KIND = 4  # best proposals of each kind


def day_roster(session: Session, queue: Queue, day: date) -> tuple[Roster, Requirement] | None:
    """The newest published roster job of the queue whose week holds ``day``, else its newest
    roster job (``api.convert.schedule_source``)."""
    query = (
        select(Roster, Requirement)
        .where(col(Roster.requirement_id) == Requirement.id)
        .where(col(Requirement.queue_id) == queue.id, col(Roster.source) == "roster_job")
        .where(col(Roster.week_start) <= day)
        .order_by(col(Roster.id).desc())
    )
    holding = [(r, q) for r, q in session.exec(query).all() if (day - r.week_start).days < 7]
    published = [(r, q) for r, q in holding if publication_of(session, r) is not None]
    ranked = published or holding
    return ranked[0] if ranked else None


def _day_grid(
    values: np.ndarray, starts: pd.Series, zone: str, slots: int, step: int
) -> np.ndarray:
    local = pd.DatetimeIndex(starts).tz_convert(zone)
    grid = np.zeros(slots)
    grid[(local.hour * 60 + local.minute) // step] = values
    return grid


Forecast = tuple[pd.Series, np.ndarray, np.ndarray]  # interval starts, calls, AHT


@dataclass(frozen=True)
class DaySchedule:
    """What the queue's agents were given for the week holding a day: the shifts, the week's
    start, the live requirement behind them (None: e-mail, or gone) and where they come from
    (``roster_id`` and its ``version`` with the agents a later publication ``overlaid``, or
    ``site_roster_id``)."""

    shifts: list[Any]
    week_start: date
    requirement: Requirement | None
    roster_id: int | None
    site_roster_id: int | None
    version: int
    overlaid: dict[str, int]


def day_schedule(session: Session, queue: Queue, day: date) -> DaySchedule | None:
    """The day's newest roster job as its agents were given it
    (``api.convert.schedule_source``), else the site roster planning the queue
    (:mod:`api.convert.site_plan`); None without either."""
    found = day_roster(session, queue, day)
    if found is not None:
        row, requirement = found
        week = given(session, row)
        return DaySchedule(week.shifts, row.week_start, requirement, row.id, None,
                           week.version.number, week.overlaid)  # fmt: skip
    site_row = plan_site_roster(session, queue, day)
    if site_row is None:
        return None
    shifts = site_week_shifts(session, queue, site_row)
    source = site_requirement(session, queue, site_row)
    return DaySchedule(shifts, site_row.week_start, source, None, site_row.id, 1, {})


def _day_plan(
    session: Session, queue: Queue, day: date
) -> tuple[RosterProblem, CoreRoster, date] | None:
    """The weekly problem and roster of :func:`day_schedule`, and its week start; None without
    one, without a live requirement or when its problem cannot be built from today's rows
    (agents or contracts removed since)."""
    week = day_schedule(session, queue, day)
    if week is None or week.requirement is None:
        return None
    try:
        problem = build_problem(session, week.requirement, week.week_start).problem
    except InvalidInput:
        return None
    shifts = week.shifts
    if week.site_roster_id is not None:  # a site roster's agents may have left the queue since
        ids = {a.id for a in problem.agents}
        shifts = [s for s in shifts if s["agent"] in ids]
    return problem, stored_roster(shifts), week.week_start


def _service(
    problem: RosterProblem, queue: Queue, zone: str, days: tuple[date, date],
    forecast: Forecast, from_instant: datetime, shrinkage: float,
) -> DayService:  # fmt: skip
    """The reforecast of ``days[0]`` (in the week starting ``days[1]``) on the roster grid."""
    starts, calls, aht = forecast
    step, slots = problem.interval_min, problem.intervals_per_day
    local = pd.Timestamp(from_instant).tz_convert(zone)
    return DayService(
        day=(days[0] - days[1]).days, from_min=local.hour * 60 + local.minute,
        calls=_day_grid(calls, starts, zone, slots, step),
        aht_s=np.maximum(_day_grid(aht, starts, zone, slots, step), 1.0),
        goal=ServiceGoal(queue.service_level, queue.answer_within_s),
        model=StaffingModel(kind=queue.model, patience_s=queue.patience_s),  # type: ignore[arg-type]
        shrinkage=shrinkage,
    )  # fmt: skip


def lender(session: Session, queue: Queue, zone: str, day: date, forecast: Forecast,
           from_instant: datetime, shrinkage: float) -> tuple[Lender, date] | None:  # fmt: skip
    """Another queue of the site as a source of cross-trained agents (its week start too)."""
    plan = _day_plan(session, queue, day)
    if plan is None:
        return None
    problem, roster, week_start = plan
    service = _service(problem, queue, zone, (day, week_start), forecast, from_instant, shrinkage)
    return Lender(queue.name, problem, roster, service), week_start


def skilled_codes(session: Session, queue: Queue) -> frozenset[str]:
    """Codes of the site's active agents skilled on ``queue``."""
    query = select(Agent).where(col(Agent.site_id) == queue.site_id, col(Agent.active))
    return frozenset(a.code for a in session.exec(query).all() if queue.id in a.queue_ids)


def day_proposals(
    session: Session,
    queue: Queue,
    zone: str,
    day: date,
    forecast: Forecast,
    from_instant: datetime,
    shrinkage: float,
    lenders: list[tuple[Lender, date]] | None = None,
) -> list[dict[str, Any]]:
    """The best 4 checked proposals of each kind for the rest of ``day`` (``forecast``:
    interval starts, reforecast calls, AHT; ``lenders``: the site's other queues, with their
    week starts); none when neither a roster job nor a site roster plans the day, or its
    problem cannot be built."""
    plan = _day_plan(session, queue, day)
    if plan is None:
        return []
    problem, roster, week_start = plan
    service = _service(problem, queue, zone, (day, week_start), forecast, from_instant, shrinkage)
    same_week = [lend for lend, start in lenders or [] if start == week_start]
    ranked = propose(problem, roster, service)
    ranked += cross_moves(problem, roster, service, same_week, skilled_codes(session, queue))
    kept = [p for kind in ("overtime", "cross_queue", "move_activity", "early_release")
            for p in [q for q in ranked if q.kind == kind][:PER_KIND]]  # fmt: skip
    return [
        {"kind": p.kind, "agent": p.agent, "description": p.description,
         "paid_min": p.paid_min, "answered_within_gain": p.answered_within_gain,
         "rest_sl": p.rest_sl}
        for p in kept
    ]  # fmt: skip
