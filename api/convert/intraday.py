"""Today at the API edge: the day's plan (newest roster), the actuals so far, the same
weekday's earlier actuals, and ``actuals.intraday.rest_of_day`` on them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlmodel import Session, col, select

from actuals.cross_moves import Lender
from actuals.intraday import rest_of_day, tune_level_penalty
from api.convert.actuals import load_actuals, load_plan, report_window
from api.convert.goals import core_goal
from api.convert.proposals import day_proposals, lender
from api.errors import ApiError, invalid
from api.tables import Queue, Site
from optimizer.requirements import StaffingModel

PAST_WEEKS = 12


def _past_days(session: Session, queue: Queue, zone: str, starts: pd.Series) -> np.ndarray | None:
    """Offered calls at the same local times on the same weekday of up to 12 earlier weeks
    (only weeks with every interval stored)."""
    local = pd.DatetimeIndex(starts).tz_convert(zone).tz_localize(None)
    rows = []
    for week in range(1, PAST_WEEKS + 1):
        earlier = (
            (local - pd.Timedelta(days=7 * week))
            .tz_localize(zone, nonexistent="shift_forward", ambiguous=True)
            .tz_convert("UTC")
        )
        stored = load_actuals(session, queue, earlier[0].to_pydatetime(),
                              (earlier[-1] + pd.Timedelta(minutes=1)).to_pydatetime())  # fmt: skip
        found = stored.set_index("interval_start")["offered"].reindex(earlier)
        if found.notna().all():
            rows.append(found.to_numpy(float))
    return np.vstack(rows) if rows else None


def _observed(
    actual: pd.DataFrame, starts: pd.Series, now: datetime | None, step: pd.Timedelta
) -> int:
    """Leading planned intervals with actuals that ended by ``now`` (default: all with actuals)."""
    have = set(actual["interval_start"])
    count = 0
    for start in starts:
        if start not in have or (now is not None and start + step > now):
            break
        count += 1
    return count


@dataclass(frozen=True)
class Reforecast:
    """A queue's day: its plan, shrinkage, observed intervals and ``rest_of_day`` result."""

    plan: pd.DataFrame
    shrinkage: float
    observed: np.ndarray
    result: Any
    tuning: tuple[float, int] = (1.0, 0)  # level penalty, past days replayed to tune it

    @property
    def forecast(self) -> tuple[pd.Series, np.ndarray, np.ndarray]:
        return self.plan["interval_start"], self.result.calls, self.plan["aht_s"].to_numpy(float)


def reforecast(session: Session, queue: Queue, site: Site, day: date,
               now: datetime | None) -> Reforecast:  # fmt: skip
    """The rest of ``day`` from the actuals ended by ``now``; 422 without a plan, or when
    nothing or everything is observed."""
    window = report_window(site.zone, day, day)
    plan, shrinkage = load_plan(session, queue, *window)
    if plan.empty:
        raise invalid("day", "no_plan", f"no roster of this queue covers {day}")
    actual = load_actuals(session, queue, *window)
    starts = plan["interval_start"]
    m0 = _observed(actual, starts, now, pd.Timedelta(minutes=queue.interval_min))
    if not 0 < m0 < len(plan):
        what = "no actuals yet" if m0 == 0 else "every interval is observed"
        raise invalid("day", "nothing_to_update", f"{what} for {day}")
    observed = actual.set_index("interval_start")["offered"].reindex(starts[:m0]).to_numpy(float)
    model = StaffingModel(kind=queue.model, patience_s=queue.patience_s)  # type: ignore[arg-type]
    past = _past_days(session, queue, site.zone, starts)
    level, replayed = (1.0, 0) if past is None else tune_level_penalty(past[::-1], m0)
    result = rest_of_day(
        plan["calls"].to_numpy(float), observed, past,
        aht_s=plan["aht_s"].to_numpy(float),
        rostered_agents=plan["rostered"].to_numpy(float) * (1.0 - shrinkage),
        interval_min=queue.interval_min, goal=core_goal(queue), model=model, shrinkage=shrinkage,
        level_penalty=level,
    )  # fmt: skip
    return Reforecast(plan, shrinkage, observed, result, (level, replayed))


def _lenders(
    session: Session, queue: Queue, site: Site, day: date, from_instant: datetime
) -> list[tuple[Lender, date]]:
    """The site's other queues with a roster for ``day``, reforecast from their actuals ended
    by ``from_instant`` (the day-ahead forecast where they have none yet)."""
    query = select(Queue).where(col(Queue.site_id) == site.id, col(Queue.id) != queue.id)
    found = []
    for other in session.exec(query).all():
        plan, shrinkage = load_plan(session, other, *report_window(site.zone, day, day))
        if plan.empty:
            continue
        try:
            forecast = reforecast(session, other, site, day, from_instant).forecast
        except ApiError:  # nothing observed yet (or all): the day-ahead forecast
            forecast = (plan["interval_start"], plan["calls"].to_numpy(float),
                        plan["aht_s"].to_numpy(float))  # fmt: skip
        lend = lender(session, other, site.zone, day, forecast, from_instant, shrinkage)
        if lend is not None:
            found.append(lend)
    return found


def intraday_view(
    session: Session, queue: Queue, day: date, now: datetime | None
) -> dict[str, Any]:
    """The day's intervals: day-ahead calls, actuals so far, reforecast, requirement, rostered
    agents and predicted SL, proposals (cross-queue moves too) and a summary; 422 when nothing
    or everything is observed."""
    site = session.get(Site, queue.site_id)
    assert site is not None
    today = reforecast(session, queue, site, day, now)
    plan, shrinkage, observed, result = today.plan, today.shrinkage, today.observed, today.result
    starts, m0 = plan["interval_start"], len(observed)
    from_instant = starts.iloc[m0].to_pydatetime()
    lenders = _lenders(session, queue, site, day, from_instant)
    proposals = day_proposals(session, queue, site.zone, day, today.forecast, from_instant,
                              shrinkage, lenders)  # fmt: skip
    return {
        "queue_id": queue.id, "day": day.isoformat(), "observed_intervals": m0,
        "proposals": proposals,
        "ratio_so_far": result.ratio_so_far, "rest_of_day_sl": result.rest_sl,
        "goal_sl": queue.service_level, "shapes": result.k,
        "level_penalty": today.tuning[0], "tuned_on_days": today.tuning[1],
        "intervals": {
            "interval_start": [t.isoformat() for t in starts],
            "day_ahead_calls": plan["calls"].astype(float).tolist(),
            "actual_calls": [*observed.tolist(), *[None] * (len(plan) - m0)],
            "calls": result.calls.tolist(),
            "required": result.required.astype(int).tolist(),
            "rostered": plan["rostered"].astype(float).tolist(),
            "predicted_sl": result.predicted_sl.tolist(),
        },
    }  # fmt: skip
