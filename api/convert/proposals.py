"""Intraday proposals at the API edge: the day's newest roster and its weekly problem (as the
roster job built it, from today's rows) into ``actuals.proposals.propose``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlmodel import Session, col, select

from actuals.proposals import DayService, propose
from api.convert.roster import build_problem
from api.tables import Queue, Requirement, Roster
from forecasting.errors import InvalidInput
from optimizer.requirements import ServiceGoal, StaffingModel
from optimizer.roster.io import ROSTER_SCHEMA, roster_from_json

PER_KIND = 4  # best proposals of each kind


def day_roster(session: Session, queue: Queue, day: date) -> tuple[Roster, Requirement] | None:
    """The newest roster job of the queue whose week holds ``day``."""
    query = (
        select(Roster, Requirement)
        .where(col(Roster.requirement_id) == Requirement.id)
        .where(col(Requirement.queue_id) == queue.id, col(Roster.source) == "roster_job")
        .where(col(Roster.week_start) <= day)
        .order_by(col(Roster.id).desc())
    )
    for roster, requirement in session.exec(query).all():
        if (day - roster.week_start).days < 7:
            return roster, requirement
    return None


def _day_grid(
    values: np.ndarray, starts: pd.Series, zone: str, slots: int, step: int
) -> np.ndarray:
    local = pd.DatetimeIndex(starts).tz_convert(zone)
    grid = np.zeros(slots)
    grid[(local.hour * 60 + local.minute) // step] = values
    return grid


def day_proposals(
    session: Session,
    queue: Queue,
    zone: str,
    day: date,
    forecast: tuple[pd.Series, np.ndarray, np.ndarray],
    from_instant: datetime,
    shrinkage: float,
) -> list[dict[str, Any]]:
    """The best 4 checked proposals of each kind for the rest of ``day`` (``forecast``:
    interval starts, reforecast calls, AHT); none when the day has no roster job or its
    problem cannot be built from today's rows (agents or contracts removed since)."""
    found = day_roster(session, queue, day)
    if found is None:
        return []
    row, requirement = found
    try:
        problem = build_problem(session, requirement, row.week_start).problem
    except InvalidInput:
        return []
    roster = roster_from_json({"schema": ROSTER_SCHEMA, "shifts": row.shifts})
    starts, calls, aht = forecast
    step, slots = problem.interval_min, problem.intervals_per_day
    local = pd.Timestamp(from_instant).tz_convert(zone)
    service = DayService(
        day=(day - row.week_start).days, from_min=local.hour * 60 + local.minute,
        calls=_day_grid(calls, starts, zone, slots, step),
        aht_s=np.maximum(_day_grid(aht, starts, zone, slots, step), 1.0),
        goal=ServiceGoal(queue.service_level, queue.answer_within_s),
        model=StaffingModel(kind=queue.model, patience_s=queue.patience_s),  # type: ignore[arg-type]
        shrinkage=shrinkage,
    )  # fmt: skip
    ranked = propose(problem, roster, service)
    kept = [p for kind in ("overtime", "move_activity", "early_release")
            for p in [q for q in ranked if q.kind == kind][:PER_KIND]]  # fmt: skip
    return [
        {"kind": p.kind, "agent": p.agent, "description": p.description,
         "paid_min": p.paid_min, "answered_within_gain": p.answered_within_gain,
         "rest_sl": p.rest_sl}
        for p in kept
    ]  # fmt: skip
