"""Core inputs of a hiring or attrition scenario: the stored roster week plus vacancies, a
target or the leavers, every check done before a job is queued.

The week is the roster problem of the requirement's queue (``api.convert.roster.build_problem``,
the same as a roster job). Vacancies may name any contract of the site, also one no current
agent has (it is added to the problem). Problems name the request field (``vacancies.0.count``,
``target``, ``remove.share``, ...) so the API answers a 422, never a failed job or a 500.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from api.convert.roster import RosterInput, build_problem, site_contracts, staffed_header
from api.schemas import HiringScenarioCreate, LeaversBody, VacancyBody
from api.tables import Requirement
from forecasting.errors import InvalidInput, Problem
from optimizer.roster.attrition import select_by_tenure, select_named, select_random_share
from optimizer.roster.explain import explain_agents
from optimizer.roster.hiring import HeadcountTarget, Vacancy, daily_window
from optimizer.roster.problem import RosterProblem
from optimizer.roster.shifts import enumerate_shift_types
from scenarios.hiring_scenario import hired_problem


@dataclass(frozen=True)
class HiringInput:
    """The roster week and what the scenario changes in it (by ``kind``)."""

    data: RosterInput
    vacancies: tuple[Vacancy, ...] = ()
    counts: dict[str, int] | None = None  # kind "hire": hires per vacancy name
    target: HeadcountTarget | None = None  # kind "minimum_hires"
    removed: tuple[str, ...] = ()  # kind "attrition": agent codes

    @property
    def problem(self) -> RosterProblem:
        return self.data.problem


def check_hiring_input(session: Session, body: HiringScenarioCreate) -> None:
    """The up-front checks of POST /v1/hiring-scenarios: every check of
    :func:`load_hiring_input` (same 422s), on the week without its need and AHT grids; the
    problem itself is built once, by the job's worker."""
    problem, site = staffed_header(session, _requirement(session, body), body.week_start)
    assert site.id is not None
    _changes(session, body, problem, site.id)


def load_hiring_input(session: Session, body: HiringScenarioCreate) -> HiringInput:
    """Validate ``body`` against the stored site and week; raise ``InvalidInput`` (422)."""
    data = build_problem(session, _requirement(session, body), body.week_start)
    assert data.site.id is not None
    problem, changes = _changes(session, body, data.problem, data.site.id)
    return HiringInput(dataclasses.replace(data, problem=problem), **changes)


def _requirement(session: Session, body: HiringScenarioCreate) -> Requirement:
    requirement = session.get(Requirement, body.requirement_id)
    if requirement is None:
        message = f"requirement {body.requirement_id} does not exist"
        raise InvalidInput([Problem(None, "requirement_id", "unknown", message)])
    shape = _shape_problems(body)
    if shape:
        raise InvalidInput(shape)
    return requirement


def _changes(
    session: Session, body: HiringScenarioCreate, problem: RosterProblem, site_id: int
) -> tuple[RosterProblem, dict[str, Any]]:
    """The week's problem with the contracts the vacancies name, and what the scenario changes
    in it (``HiringInput``'s fields by ``kind``), checked."""
    if body.kind == "attrition":
        assert body.remove is not None
        return problem, {"removed": _leavers(problem, body.remove)}
    problem = _with_contracts(session, problem, site_id, body.vacancies)
    start_day = body.week_start.weekday()  # the site's week_start_day (checked above)
    vacancies = tuple(_vacancy(problem, v, body.kind, start_day) for v in body.vacancies)
    _check_windows(vacancies, body.vacancies)
    counts = None
    if body.kind == "hire":
        counts = {v.name: b.count or 0 for v, b in zip(vacancies, body.vacancies, strict=True)}
    try:
        hired_problem(problem, vacancies, counts or {})  # the core's checks of vacancies
    except InvalidInput as exc:
        raise InvalidInput([vacancy_problem(p) for p in exc.problems]) from exc
    _check_weeks(problem, vacancies)
    target = None
    if body.target is not None:
        target = HeadcountTarget(body.target.max_under_agent_hours, body.target.service_level)
    return problem, {"vacancies": vacancies, "counts": counts, "target": target}


# ---- request shape per kind ----------------------------------------------------------------


def _not_allowed(field: str, kind: str) -> Problem:
    return Problem(None, field, "not_allowed", f"{field} is not used by kind {kind!r}")


def _shape_problems(body: HiringScenarioCreate) -> list[Problem]:
    if body.kind == "attrition":
        problems = _leaver_shape(body.remove)
        problems += [_not_allowed("vacancies", body.kind)] if body.vacancies else []
        return problems + ([_not_allowed("target", body.kind)] if body.target else [])
    problems = [] if body.vacancies else [Problem(None, "vacancies", "missing", "no vacancy")]
    problems += [_not_allowed("remove", body.kind)] if body.remove else []
    for i, v in enumerate(body.vacancies):
        problems += _vacancy_shape(i, v, body.kind)
    if body.kind == "hire":
        return problems + ([_not_allowed("target", body.kind)] if body.target else [])
    target = body.target
    if target is None or (target.service_level is None and target.max_under_agent_hours is None):
        message = "set target.service_level and/or target.max_under_agent_hours"
        problems.append(Problem(None, "target", "missing", message))
    return problems


def _vacancy_shape(i: int, v: VacancyBody, kind: str) -> list[Problem]:
    field = f"vacancies.{i}"
    if kind == "minimum_hires":
        out = []
        if v.max_hires is None:
            out.append(Problem(i, f"{field}.max_hires", "missing", "open positions to fill"))
        if v.count is not None:
            message = "count is for kind 'hire'; minimum_hires chooses the hires"
            out.append(Problem(i, f"{field}.count", "not_allowed", message))
        return out
    if v.count is None:
        return [Problem(i, f"{field}.count", "missing", "hires to add")]
    if v.max_hires is not None and v.max_hires < v.count:
        return [Problem(i, f"{field}.max_hires", "out_of_range", "must be >= count")]
    return []


def _leaver_shape(remove: LeaversBody | None) -> list[Problem]:
    if remove is None:
        return [Problem(None, "remove", "missing", "name the leavers (agent_ids, share, tenure)")]
    forms = [x is not None for x in (remove.agent_ids, remove.share, remove.tenure_weeks)]
    if sum(forms) != 1:
        message = "give exactly one of agent_ids, share, tenure_weeks"
        return [Problem(None, "remove", "missing" if not any(forms) else "ambiguous", message)]
    if isinstance(remove.share, float | int) and not 0.0 <= remove.share <= 1.0:
        return [Problem(None, "remove.share", "out_of_range", "share must lie in [0, 1]")]
    if remove.tenure_weeks is not None and remove.below_weeks is None:
        return [Problem(None, "remove.below_weeks", "missing", "needed with tenure_weeks")]
    return []


# ---- vacancies ---------------------------------------------------------------------------


def _with_contracts(
    session: Session, problem: RosterProblem, site_id: int, bodies: Sequence[VacancyBody]
) -> RosterProblem:
    """The week's problem plus the site contracts the vacancies name and no agent has."""
    have = {c.id for c in problem.contracts}
    wanted = {v.contract for v in bodies} - have
    if not wanted:
        return problem
    known = site_contracts(session, site_id)
    unknown = [
        Problem(i, f"vacancies.{i}.contract", "unknown",
                f"site {site_id} has no contract {v.contract!r}")
        for i, v in enumerate(bodies) if v.contract not in known
    ]  # fmt: skip
    if unknown:
        raise InvalidInput(unknown)
    added = tuple(known[code] for code in sorted(wanted))
    contracts = tuple(sorted(problem.contracts + added, key=lambda c: c.id))
    return dataclasses.replace(problem, contracts=contracts)


def _vacancy(problem: RosterProblem, body: VacancyBody, kind: str, start_day: int) -> Vacancy:
    """The core's vacancy; ``body.days`` are weekdays (Mon = 0), the problem's days count from
    the week start (weekday ``start_day``), as ``api.convert.roster`` rotates stored weeks."""
    window = None
    if body.availability is not None or body.days is not None:
        start, end = body.availability.minutes() if body.availability else (0, 1440)
        days = None if body.days is None else [(d - start_day) % 7 for d in body.days]
        window = daily_window(problem, start, end, days)
    if kind == "minimum_hires" or body.max_hires is not None:
        max_hires = body.max_hires or 0
    else:
        max_hires = (body.count or 0) + 1  # one open position: the value of one more hire
    return Vacancy(body.contract, max_hires, body.hiring_cost, window, body.label or "")


def _check_windows(vacancies: Sequence[Vacancy], bodies: Sequence[VacancyBody]) -> None:
    bad = [
        Problem(i, f"vacancies.{i}.availability", "outside_opening_hours",
                "the window does not overlap the opening hours of any chosen day")
        for i, v in enumerate(vacancies)
        if v.availability is not None and all(w is None for w in v.availability)
    ]  # fmt: skip
    if bad:
        raise InvalidInput(bad)


def _check_weeks(problem: RosterProblem, vacancies: Sequence[Vacancy]) -> None:
    """Every vacancy needs a valid week once filled (the check ``minimum_hires`` makes, done
    here for every kind: a hire who cannot work would silently add nothing)."""
    open_ = [v for v in vacancies if v.max_hires > 0]
    hired = hired_problem(problem, open_, {v.name: 1 for v in open_})
    hires = tuple(a for a in hired.agents if a.id.startswith("HIRE-"))
    position = {a.id: i for a in hires for i, v in enumerate(vacancies)
                if a.id == f"HIRE-{v.name}-001"}  # fmt: skip
    explained = explain_agents(dataclasses.replace(hired, agents=hires),
                               enumerate_shift_types(problem))  # fmt: skip
    bad = [
        Problem(position[e.agent], f"vacancies.{position[e.agent]}.availability",
                "no_valid_week", e.message.replace(e.agent, "a hire"))
        for e in explained
    ]  # fmt: skip
    if bad:
        raise InvalidInput(bad)


def vacancy_problem(p: Problem) -> Problem:
    """A core problem of the vacancy at position ``row`` with the request's field path."""
    field = p.field if p.row is None else f"vacancies.{p.row}.{p.field}"
    return Problem(p.row, field, p.code, p.message)


# ---- leavers -----------------------------------------------------------------------------


def _leavers(problem: RosterProblem, remove: LeaversBody) -> tuple[str, ...]:
    try:
        if remove.agent_ids is not None:
            ids = select_named(problem, remove.agent_ids)
        elif remove.share is not None:
            ids = select_random_share(problem, remove.share, seed=remove.seed)
        else:
            assert remove.tenure_weeks is not None and remove.below_weeks is not None
            ids = select_by_tenure(problem, remove.tenure_weeks, below_weeks=remove.below_weeks)
    except InvalidInput as exc:
        raise InvalidInput(
            [Problem(p.row, f"remove.{p.field}", p.code, p.message) for p in exc.problems]
        ) from exc
    if len(ids) == len(problem.agents):
        message = f"every one of the week's {len(ids)} agents would leave"
        raise InvalidInput([Problem(None, "remove", "no_agents_left", message)])
    return ids
