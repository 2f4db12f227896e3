"""Build the core's :class:`~optimizer.roster.site.problem.SiteProblem` from stored rows.

The site is the unit: the roster covers the site's queues (or ``queue_ids``), all on one
interval grid. Voice, chat and callback queues are *live*: their need per interval is the
``scheduled`` column of a requirement for the week (``requirement_ids[queue_id]``, else the
queue's newest requirement covering the week). E-mail queues are *deferred*: the newest forecast
covering the week gives the items arriving per interval (rounded), ``aht_s`` the work per item
and ``deadline_minutes`` the deadline in the site's open minutes.

Skills are ``Agent.queue_ids``: an active agent of the site takes part when it serves at least
one of the rostered queues, and serves those of them it lists. An agent with no queue serves
none (as for single-queue roster jobs): it is not rostered. The core problem's requirement is
the sum of the live queues' (so every single-queue rule and check applies unchanged).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from sqlmodel import Session, SQLModel, col, select

from api.convert.goals import is_deferred
from api.convert.roster import _agent_contracts, _window, local_week_grid, rotate_week, with_agents
from api.convert.rules import check_grid, core_rules, core_weights, rules_body
from api.convert.weeks import week_start_problem
from api.errors import ID_MAX, ID_MIN
from api.schemas.site_rosters import CrossTraining, SiteRosterJobCreate
from api.tables import Agent, Contract, Forecast, Queue, Requirement, ShiftRules, Site, TimeOff
from forecasting.errors import InvalidInput, Problem
from optimizer.roster import problem as rp
from optimizer.roster.site.cost import on_phone
from optimizer.roster.site.problem import DeferredQueue, LiveQueue, SiteProblem, SiteRoster


@dataclass(frozen=True)
class SiteInput:
    """The site problem plus the rows it was built from."""

    problem: SiteProblem
    site: Site
    queues: tuple[Queue, ...]
    sources: dict[str, int]  # queue id -> requirement id (live) or forecast id (deferred)
    agents: tuple[Agent, ...]
    rows: tuple[SQLModel, ...]  # the requirements and forecasts read


def _fail(field: str, code: str, message: str) -> InvalidInput:
    return InvalidInput([Problem(None, field, code, message)])


def _covers(intervals: dict[str, list[Any]], zone: str, week_start: dt.date) -> bool:
    starts = pd.DatetimeIndex(pd.to_datetime(pd.Series(intervals["interval_start"]), utc=True))
    local = starts.tz_convert(zone).date
    return any(week_start <= d < week_start + dt.timedelta(days=7) for d in local)


def _queues(session: Session, site: Site, body: SiteRosterJobCreate) -> list[Queue]:
    """The rostered queues (by id), all on one interval grid."""
    rows = session.exec(select(Queue).where(col(Queue.site_id) == site.id).order_by(col(Queue.id)))
    by_id = {q.id: q for q in rows.all()}
    wanted = body.queue_ids if body.queue_ids is not None else list(by_id)
    problems = [
        Problem(None, f"queue_ids[{i}]", "unknown", f"site {site.id} has no queue {qid}")
        for i, qid in enumerate(wanted)
        if qid not in by_id
    ]
    problems += [
        Problem(None, f"requirement_ids.{qid}", "unknown_queue", f"queue {qid} is not rostered")
        for qid in body.requirement_ids
        if qid not in wanted
    ]
    if not wanted:
        problems.append(Problem(None, "queue_ids", "no_queues", f"site {site.id} has no queue"))
    if problems:
        raise InvalidInput(problems)
    queues = [by_id[qid] for qid in dict.fromkeys(wanted)]
    grids = sorted({q.interval_min for q in queues})
    if len(grids) > 1:
        raise _fail(
            "queue_ids",
            "mixed_intervals",
            f"the queues have intervals of {grids} minutes: roster one grid at a time",
        )
    return queues


def _requirement(
    session: Session, queue: Queue, body: SiteRosterJobCreate, zone: str
) -> Requirement:
    """The named requirement of a live queue, else its newest one covering the week."""
    assert queue.id is not None
    named = body.requirement_ids.get(queue.id)
    field = f"requirement_ids.{queue.id}"
    if named is not None:
        row = session.get(Requirement, named) if ID_MIN <= named <= ID_MAX else None
        if row is None or row.queue_id != queue.id:
            raise _fail(field, "unknown", f"queue {queue.id} has no requirement {named}")
        if not _covers(row.intervals, zone, body.week_start):
            raise _fail(
                field,
                "outside_requirement",
                f"requirement {named} does not cover the week of {body.week_start}",
            )
        return row
    query = select(Requirement).where(col(Requirement.queue_id) == queue.id)
    for row in session.exec(query.order_by(col(Requirement.id).desc())).all():
        if _covers(row.intervals, zone, body.week_start):
            return row
    raise _fail(field, "missing_requirement",
                f"{queue.channel} queue {queue.id} ({queue.name}) has no requirement covering "
                f"the week of {body.week_start}: compute one (POST /v1/requirements)")  # fmt: skip


def _forecast(session: Session, queue: Queue, week_start: dt.date, zone: str) -> Forecast:
    query = select(Forecast).where(col(Forecast.queue_id) == queue.id)
    for row in session.exec(query.order_by(col(Forecast.id).desc())).all():
        if _covers(row.intervals, zone, week_start):
            return row
    raise _fail(
        f"queue_ids.{queue.id}",
        "missing_forecast",
        f"e-mail queue {queue.id} ({queue.name}) has no forecast covering the week of "
        f"{week_start}: its arrivals come from one (POST /v1/queues/{queue.id}/forecasts)",
    )


def _grid(intervals: dict[str, list[Any]], column: str, site: Site, queue: Queue,
          week_start: dt.date) -> np.ndarray:  # fmt: skip
    starts = pd.Series(intervals["interval_start"])
    values = np.asarray(intervals[column], dtype=float)
    return local_week_grid(starts, values, site.zone, week_start, queue.interval_min)


def _as_rows(grid: np.ndarray) -> tuple[tuple[int, ...], ...]:
    return tuple(tuple(int(v) for v in day) for day in np.rint(grid))


def _core_queue(
    session: Session, site: Site, queue: Queue, body: SiteRosterJobCreate
) -> tuple[LiveQueue | DeferredQueue, SQLModel]:
    """The core queue and the requirement or forecast row it was built from."""
    if is_deferred(queue):
        if queue.deadline_minutes is None:
            raise _fail(f"queues.{queue.id}.deadline_minutes", "missing",
                        f"e-mail queue {queue.id} ({queue.name}) needs deadline_minutes "
                        f"(PATCH /v1/queues/{queue.id})")  # fmt: skip
        forecast = _forecast(session, queue, body.week_start, site.zone)
        arrivals = _as_rows(_grid(forecast.intervals, "calls", site, queue, body.week_start))
        deferred = DeferredQueue(id=str(queue.id), weight=queue.weight, arrivals=arrivals,
                                 work_min=queue.aht_s / 60.0,
                                 deadline_min=queue.deadline_minutes, name=queue.name)  # fmt: skip
        return deferred, forecast
    requirement = _requirement(session, queue, body, site.zone)
    need = _grid(requirement.intervals, "scheduled", site, queue, body.week_start)
    channel: Literal["voice", "chat"] = "chat" if queue.channel == "chat" else "voice"
    live = LiveQueue(id=str(queue.id), channel=channel, weight=queue.weight,
                     requirement=_as_rows(need), name=queue.name)  # fmt: skip
    return live, requirement


def _closed_to_zero(live: LiveQueue, opening: Sequence[rp.Window | None], grid: int) -> LiveQueue:
    rows = []
    for d, row in enumerate(live.requirement):
        w = opening[d]
        rows.append(tuple(v if w is not None and w[0] <= t * grid < w[1] else 0
                          for t, v in enumerate(row)))  # fmt: skip
    return dataclasses.replace(live, requirement=tuple(rows))


def _site_agents(session: Session, site_id: int, queue_ids: set[int]) -> list[Agent]:
    query = select(Agent).where(col(Agent.site_id) == site_id, col(Agent.active))
    rows = session.exec(query.order_by(col(Agent.code))).all()
    return [a for a in rows if queue_ids & set(a.queue_ids)]


def _core(session: Session, site: Site, grid: int, agents: list[Agent],
          body: SiteRosterJobCreate) -> rp.RosterProblem:  # fmt: skip
    """The site's core problem with the need at zero (set by :func:`load_site_input`)."""
    contracts = _agent_contracts(session, agents)
    rules = rules_body(session.get(ShiftRules, site.id))
    opening = rotate_week(site.opening_hours, site.week_start_day)
    problem = rp.RosterProblem(
        name=f"site{site.id}-{body.week_start}", interval_min=grid,
        opening_hours=tuple(_window(p) for p in opening),
        requirement=((0,) * (1440 // grid),) * 7, rules=core_rules(rules),
        contracts=tuple(sorted(contracts.values(), key=lambda c: c.id)), agents=(),
        weights=core_weights(rules), overnight_shifts=rules.overnight_shifts,
    )  # fmt: skip
    check_grid(problem)
    assert site.id is not None
    return with_agents(session, site.id, problem, agents, contracts, body.week_start)


def load_site_input(session: Session, body: SiteRosterJobCreate) -> SiteInput:
    """The site problem of a site roster job (422 ``InvalidInput`` naming fields)."""
    site = session.get(Site, body.site_id)
    if site is None or site.id is None:
        raise _fail("site_id", "unknown", f"site {body.site_id} does not exist")
    if (wrong := week_start_problem(site, body.week_start)) is not None:
        raise InvalidInput([wrong])
    queues = _queues(session, site, body)
    built = [_core_queue(session, site, q, body) for q in queues]
    ids = {q.id for q in queues if q.id is not None}
    agents = _site_agents(session, site.id, ids)
    if not agents:
        raise _fail(
            "agents",
            "no_agents",
            f"no active agent of site {site.id} serves any of queues {sorted(ids)}",
        )
    core = _core(session, site, queues[0].interval_min, agents, body)
    core_queues = tuple(
        _closed_to_zero(q, core.opening_hours, core.interval_min) if isinstance(q, LiveQueue)
        else q for q, _ in built
    )  # fmt: skip
    need = np.zeros((7, 1440 // core.interval_min), dtype=int)
    for q in core_queues:
        if isinstance(q, LiveQueue):
            need += np.asarray(q.requirement, dtype=int)
    core = dataclasses.replace(core, requirement=_as_rows(need))
    skills = {a.code: frozenset(str(i) for i in a.queue_ids if i in ids) for a in agents}
    problem = SiteProblem(core, core_queues, skills)
    if body.cross_training:  # validated here, applied by the job
        trained_skills(problem, body.cross_training)
    sources = {
        str(q.id): int(getattr(row, "id", 0) or 0)
        for q, (_, row) in zip(queues, built, strict=True)
    }
    return SiteInput(problem, site, tuple(queues), sources, tuple(agents),
                     tuple(row for _, row in built))  # fmt: skip


def _given(problem: SiteProblem, item: CrossTraining, i: int) -> list[str]:
    """The agents ``item`` gives its queue to."""
    qid = str(item.queue_id)
    if all(q.id != qid for q in problem.queues):
        raise _fail(f"cross_training[{i}].queue_id", "unknown", f"queue {qid} is not rostered")
    lacking = [a.id for a in problem.core.agents if qid not in problem.skill_set(a.id)]
    if item.agent_codes is not None:
        known = {a.id for a in problem.core.agents}
        problems = [
            Problem(None, f"cross_training[{i}].agent_codes[{j}]", "unknown",
                    f"agent {code!r} is not on this roster")
            for j, code in enumerate(item.agent_codes) if code not in known
        ]  # fmt: skip
        if problems:
            raise InvalidInput(problems)
        return [c for c in item.agent_codes if c in lacking]
    assert item.agents is not None
    if item.agents > len(lacking):
        raise _fail(
            f"cross_training[{i}].agents",
            "too_many",
            f"only {len(lacking)} agents on this roster do not serve queue {qid}",
        )
    return lacking[: item.agents]


def trained_skills(
    problem: SiteProblem, items: Iterable[CrossTraining]
) -> tuple[SiteProblem, dict[str, list[str]]]:
    """``problem`` with the cross-training applied, and the agents given each queue."""
    skills = dict(problem.skills)
    given: dict[str, list[str]] = {}
    for i, item in enumerate(items):
        agents = _given(problem, item, i)
        qid = str(item.queue_id)
        given.setdefault(qid, [])
        for code in agents:
            if qid not in skills[code]:
                skills[code] = skills[code] | {qid}
                given[qid].append(code)
    return dataclasses.replace(problem, skills=skills), given


def _digest(rows: Iterable[SQLModel | None]) -> str:
    dumped = [None if r is None else r.model_dump(exclude={"created_at", "updated_at"})
              for r in rows]  # fmt: skip
    return hashlib.sha256(json.dumps(dumped, sort_keys=True, default=str).encode()).hexdigest()[:16]


def site_inputs(session: Session, data: SiteInput, week_start: dt.date) -> dict[str, str]:
    """One fingerprint per input family (the names of :mod:`api.fingerprint`): what an
    ``Idempotency-Key`` re-sent later must still find unchanged."""
    agent_ids = [a.id for a in data.agents]
    off = session.exec(
        select(TimeOff).where(col(TimeOff.agent_id).in_(agent_ids),
                              col(TimeOff.day) >= week_start,
                              col(TimeOff.day) < week_start + dt.timedelta(days=7))
        .order_by(col(TimeOff.agent_id), col(TimeOff.day))
    ).all()  # fmt: skip
    contracts = [session.get(Contract, cid) for cid in sorted({a.contract_id for a in data.agents})]
    return {
        "site": _digest([data.site]),
        "queue": _digest(data.queues),
        "shift_rules": _digest([session.get(ShiftRules, data.site.id)]),
        "contracts": _digest(contracts),
        "agents": _digest(data.agents),
        "time_off": _digest(off),
        "requirement": _digest(data.rows),
    }


def _shares(
    site: SiteProblem, values: dict[str, float], group: frozenset[str], day: int, t: int
) -> dict[str, float]:
    """The cost LP's split of one skill group's agent-interval among its queues (names as in
    the site model: ``a[...]`` live, ``p[...]`` deferred)."""
    tag = f"{sorted(group)}"
    out = {}
    for q in site.queues:
        if q.id in group:
            kind = "a" if isinstance(q, LiveQueue) else "p"
            out[q.id] = values.get(f"{kind}[{tag},{q.id},{day},{t}]", 0.0)
    return out


def shift_allocation(
    site: SiteProblem, roster: SiteRoster, values: dict[str, float]
) -> dict[tuple[str, int], list[dict[str, Any]]]:
    """Per (agent, day): blocks ``{queue, start, end, share}`` of the queue that takes the
    largest share of the agent's skill group in each interval on the phone (the exact cost
    LP splits a group's time, not a named agent's: each agent is given its group's split;
    ``share``: that queue's mean share over the block, ``queue`` ``idle`` when none)."""
    grid = site.core.interval_min
    staffed = on_phone(site, roster)
    out: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for s in roster.roster.shifts:
        group = site.skill_set(s.agent)
        off = {t for a in s.activities for t in range(a.start_min // grid, a.end_min // grid)}
        blocks: list[dict[str, Any]] = []
        for t in range(s.start_min // grid, s.end_min // grid):
            if t in off:
                continue
            n = staffed[group, s.day, t] or 1
            shares = _shares(site, values, group, s.day, t)
            best = max(shares, key=lambda q: shares[q], default="idle")
            share = shares.get(best, 0.0) / n
            queue = best if share > 1e-6 else "idle"
            last = blocks[-1] if blocks else None
            if last and last["queue"] == queue and last["end"] == t * grid:
                last["shares"].append(share)
                last["end"] = (t + 1) * grid
            else:
                blocks.append({"queue": queue, "start": t * grid, "end": (t + 1) * grid,
                               "shares": [share]})  # fmt: skip
        out[s.agent, s.day] = [
            {"queue": b["queue"], "start": b["start"], "end": b["end"],
             "share": round(sum(b["shares"]) / len(b["shares"]), 3)}
            for b in blocks
        ]  # fmt: skip
    return out
