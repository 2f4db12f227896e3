"""Build the core's weekly ``RosterProblem`` from stored rows (site, rules, staff, requirement).

The requirement's UTC intervals are mapped to the site's local week (wall-clock minutes):
problem day 0 is ``week_start``, which falls on the site's ``week_start_day`` (Sunday for a
Sun-Thu site), and day ``d`` is the date ``week_start + d``; the site's opening hours, agents'
availability and wished days off (stored Mon..Sun) are rotated to that order. On the autumn DST
day the repeated wall-clock interval takes the larger need of its
two instants; in the spring gap the skipped interval needs nobody. Time off removes the day
from the agent's availability. Only active agents serving the requirement's queue take part;
their stored preferences (wished days off, preferred start window) are priced in the objective.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from sqlmodel import Session, col, select

from api.convert.absences import absent_agent, leave_credits, week_absences
from api.convert.last_week import carry_last_week
from api.convert.rules import core_rules, core_weights, rules_body
from api.convert.weeks import week_start_problem
from api.schemas import RosterJobCreate
from api.tables import Agent, Contract, Queue, Requirement, ShiftRules, Site
from forecasting.errors import InvalidInput, Problem
from optimizer.errors import InputError
from optimizer.roster import problem as rp
from optimizer.roster.constraints.service_level import require_demand

T = TypeVar("T")


def rotate_week(week: Sequence[T], week_start_day: int) -> list[T]:
    """Seven Mon..Sun entries reordered so that entry 0 is ``week_start_day`` (Mon = 0)."""
    return [week[(week_start_day + d) % 7] for d in range(7)]


def local_week_grid(
    starts: pd.Series, values: np.ndarray, zone: str, week_start: dt.date, interval_min: int
) -> np.ndarray:
    """``values`` at UTC ``starts`` as a (7, 1440 / interval_min) local grid (max on repeats)."""
    per_day = 1440 // interval_min
    grid = np.zeros((7, per_day))
    local = pd.DatetimeIndex(pd.to_datetime(starts, utc=True)).tz_convert(zone)
    day = (local.normalize().tz_localize(None) - pd.Timestamp(week_start)).days.to_numpy()
    slot = ((local.hour * 60 + local.minute) // interval_min).to_numpy()
    inside = (day >= 0) & (day < 7)
    np.maximum.at(grid, (day[inside], slot[inside]), np.asarray(values, dtype=float)[inside])
    return grid


def open_mask(opening_hours: list[Any], interval_min: int) -> np.ndarray:
    """(7, intervals per day) mask of the intervals inside ``opening_hours`` (in day order)."""
    per_day = 1440 // interval_min
    mask = np.zeros((7, per_day))
    for day, window in enumerate(opening_hours):
        if window is not None:
            mask[day, window[0] // interval_min : window[1] // interval_min] = 1.0
    return mask


def _window(pair: Any) -> rp.Window | None:
    return None if pair is None else (int(pair[0]), int(pair[1]))


def core_preferences(raw: dict[str, Any] | None, week_start_day: int = 0) -> rp.Preferences:
    """Stored agent preferences (start times in local minutes, days off as weekdays, Mon = 0)
    as the core's ``Preferences`` (days off as days of a week starting on ``week_start_day``)."""
    if raw is None:
        return rp.Preferences()
    return rp.Preferences(
        days_off=tuple(sorted({(int(d) - week_start_day) % 7 for d in raw.get("days_off", [])})),
        day_off_weight=float(raw.get("day_off_weight", 0.0)),
        preferred_start=_window(raw.get("preferred_start")),
        start_weight=float(raw.get("start_weight", 0.0)),
    )


def queue_agents(session: Session, site_id: int, queue_id: int) -> list[Agent]:
    """Active agents of the site who serve the queue, by code."""
    query = select(Agent).where(col(Agent.site_id) == site_id, col(Agent.active))
    rows = session.exec(query.order_by(col(Agent.code))).all()
    return [a for a in rows if queue_id in a.queue_ids]


def _agent_contracts(session: Session, rows: Sequence[Agent]) -> dict[int, rp.Contract]:
    """The core contract of each contract id the agents hold."""
    return {cid: _contract(session, cid) for cid in dict.fromkeys(r.contract_id for r in rows)}


def _agents(
    session: Session,
    rows: Sequence[Agent],
    contracts: dict[int, rp.Contract],
    week_start: dt.date,
    overnight: bool = False,
) -> list[rp.Agent]:
    """The agents of ``rows`` with their week in day order from ``week_start``; with
    ``overnight`` shifts a day available until 24:00 runs on into the next day's window when
    that one starts at 00:00 (:func:`~optimizer.roster.problem.through_midnight`)."""
    start_day = week_start.weekday()
    off = week_absences(session, rows, week_start)  # whole days or hours (api.convert.absences)
    credits = leave_credits(session, rows)
    agents = []
    for row in rows:
        assert row.id is not None
        contract = contracts[row.contract_id]
        week = rotate_week(row.availability, start_day)
        availability = tuple(_window(p) for p in week)
        if overnight:
            availability = tuple(
                None if w is None else rp.through_midnight(availability, d)
                for d, w in enumerate(availability)
            )
        agent = rp.Agent(
            id=row.code,
            contract=contract.id,
            availability=availability,
            min_weekly_paid_min=contract.min_weekly_paid_min,
            max_weekly_paid_min=contract.max_weekly_paid_min,
            max_days=min(contract.max_days, sum(w is not None for w in availability)),
            history=rp.History(row.consecutive_days_worked, row.last_shift_end_minute),
            preferences=core_preferences(row.preferences, start_day),
        )
        absences = off.get(row.id, [])
        agents.append(absent_agent(agent, contract, credits[row.contract_id], absences))
    return agents


def with_agents(
    session: Session,
    site_id: int,
    problem: rp.RosterProblem,
    rows: Sequence[Agent],
    contracts: dict[int, rp.Contract],
    week_start: dt.date,
) -> rp.RosterProblem:
    """``problem`` with ``rows`` as its agents: their week (availability through the night
    with the problem's overnight shifts, time off, preferences) and the history the site's
    published schedule of the week before gives them (:func:`carry_last_week`)."""
    agents = _agents(session, rows, contracts, week_start, problem.overnight_shifts)
    problem = dataclasses.replace(problem, agents=tuple(agents))
    return carry_last_week(session, site_id, week_start, problem)


def _contract(session: Session, contract_id: int) -> rp.Contract:
    row = session.get(Contract, contract_id)
    assert row is not None  # foreign key
    return core_contract(row)


def site_contracts(session: Session, site_id: int) -> dict[str, rp.Contract]:
    """Every contract of the site (also those no current agent has), by code."""
    rows = session.exec(select(Contract).where(col(Contract.site_id) == site_id)).all()
    return {row.code: core_contract(row) for row in rows}


def core_contract(row: Contract) -> rp.Contract:
    return rp.Contract(
        id=row.code,
        shift_paid_min=tuple(row.shift_paid_minutes),
        min_weekly_paid_min=row.min_weekly_paid_minutes,
        max_weekly_paid_min=row.max_weekly_paid_minutes,
        max_days=row.max_days,
        label=row.label,
    )


def _check_week(requirement: Requirement, site: Site, week_start: dt.date) -> None:
    wrong = week_start_problem(site, week_start)
    problems = [] if wrong is None else [wrong]
    starts = pd.to_datetime(pd.Series(requirement.intervals["interval_start"]), utc=True)
    local = pd.DatetimeIndex(starts).tz_convert(site.zone)
    days = {d for d in local.date if week_start <= d < week_start + dt.timedelta(days=7)}
    if not problems and not days:
        first, last = local.date.min(), local.date.max()
        problems.append(
            Problem(None, "week_start", "outside_requirement",
                    f"requirement {requirement.id} covers {first}..{last}, not the week of "
                    f"{week_start}")
        )  # fmt: skip
    if problems:
        raise InvalidInput(problems)


@dataclass(frozen=True)
class RosterInput:
    """The core problem plus what the API needs around it (local grids of calls and AHT)."""

    problem: rp.RosterProblem
    site: Site
    queue: Queue
    calls: np.ndarray  # (7, intervals per day) expected calls
    aht_s: np.ndarray  # (7, intervals per day) forecast AHT (queue AHT where no calls)


def _week_grid(
    requirement: Requirement, column: str, site: Site, queue: Queue, week_start: dt.date
) -> np.ndarray:
    """The requirement's ``column`` on the local week grid of ``week_start``."""
    starts = pd.Series(requirement.intervals["interval_start"])
    values = np.asarray(requirement.intervals[column])
    return local_week_grid(starts, values, site.zone, week_start, queue.interval_min)


@dataclass(frozen=True)
class _Week:
    """A roster week's rows and its problem without need or agents (:func:`_week`)."""

    site: Site
    queue: Queue
    agents: list[Agent]
    contracts: dict[int, rp.Contract]  # by contract row id
    calls: np.ndarray
    header: rp.RosterProblem


def _week(session: Session, requirement: Requirement, week_start: dt.date) -> _Week:
    """The checks every roster week passes (the week against the site and the requirement, an
    agent serving the queue) and its problem with the need left at zero and no agents: grid,
    opening hours, rules, weights, the contracts the agents hold and the demand."""
    queue = session.get(Queue, requirement.queue_id)
    assert queue is not None
    site = session.get(Site, queue.site_id)
    assert site is not None and site.id is not None and queue.id is not None
    _check_week(requirement, site, week_start)
    rows = queue_agents(session, site.id, queue.id)
    if not rows:
        raise InvalidInput(
            [Problem(None, "agents", "no_agents", f"no active agent of site {site.id} serves "
                     f"queue {queue.id}")]
        )  # fmt: skip
    calls = _week_grid(requirement, "calls", site, queue, week_start)
    body = rules_body(session.get(ShiftRules, site.id))
    contracts = _agent_contracts(session, rows)
    opening_hours = rotate_week(site.opening_hours, site.week_start_day)
    header = rp.RosterProblem(
        name=f"site{site.id}-queue{queue.id}-{week_start}",
        interval_min=queue.interval_min,
        opening_hours=tuple(_window(p) for p in opening_hours),
        requirement=((0,) * (1440 // queue.interval_min),) * 7,
        rules=core_rules(body),
        contracts=tuple(sorted(contracts.values(), key=lambda c: c.id)),
        agents=(),
        weights=core_weights(body),
        overnight_shifts=body.overnight_shifts,
        demand=rp.DemandData(
            calls=tuple(tuple(float(v) for v in day) for day in calls),
            aht_s=queue.aht_s,
            service_level_target=queue.service_level,
            answer_within_s=queue.answer_within_s,
        ),
    )
    return _Week(site, queue, rows, contracts, calls, header)


def build_problem(session: Session, requirement: Requirement, week_start: dt.date) -> RosterInput:
    """The weekly roster problem of ``requirement``'s queue for the local week ``week_start``."""
    week = _week(session, requirement, week_start)
    site, queue, header = week.site, week.queue, week.header
    need = _week_grid(requirement, "scheduled", site, queue, week_start)
    need = need * open_mask(list(header.opening_hours), queue.interval_min)
    problem = dataclasses.replace(
        header, requirement=tuple(tuple(int(v) for v in day) for day in need)
    )
    assert site.id is not None
    problem = with_agents(session, site.id, problem, week.agents, week.contracts, week_start)
    aht = _week_grid(requirement, "aht_s", site, queue, week_start)
    return RosterInput(problem, site, queue, week.calls, np.where(aht > 0, aht, queue.aht_s))


def _requirement(session: Session, requirement_id: int) -> Requirement:
    requirement = session.get(Requirement, requirement_id)
    if requirement is None:
        message = f"requirement {requirement_id} does not exist"
        raise InvalidInput([Problem(None, "requirement_id", "unknown", message)])
    return requirement


def load_input(session: Session, body: RosterJobCreate) -> RosterInput:
    """The roster problem of a roster job (built once, by the job's worker)."""
    return build_problem(session, _requirement(session, body.requirement_id), body.week_start)


def roster_header(session: Session, body: RosterJobCreate) -> rp.RosterProblem:
    """What the up-front checks of a roster job read (:func:`check_objective`, the route's grid
    check), without building its problem: the week, site, agents and requirement are checked
    as :func:`load_input` checks them, and the problem comes with the need at zero and without
    agents (no need grid, availability, time off or preferences are read)."""
    return _week(session, _requirement(session, body.requirement_id), body.week_start).header


def staffed_header(
    session: Session, requirement: Requirement, week_start: dt.date
) -> tuple[rp.RosterProblem, Site]:
    """:func:`roster_header` with the queue's agents (their week, time off and preferences, as
    :func:`build_problem` reads them) and the site: what the up-front checks of a hiring
    scenario read, without the need and AHT grids."""
    week = _week(session, requirement, week_start)
    assert week.site.id is not None
    problem = with_agents(session, week.site.id, week.header, week.agents, week.contracts,
                          week_start)  # fmt: skip
    return problem, week.site


def check_objective(problem: rp.RosterProblem, objective: str) -> None:
    """A 422 (field ``objective``) when ``service_level`` lacks the queue's demand data."""
    if objective != "service_level":
        return
    try:
        require_demand(problem)
    except InputError as exc:
        raise InvalidInput(
            [Problem(p.row, "objective", p.code, f"service_level needs the queue's demand: "
                     f"{p.field}: {p.message}") for p in exc.problems]
        ) from exc  # fmt: skip
