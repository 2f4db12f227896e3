"""The hiring model: the roster engine's aggregate model plus vacancy classes and their hires.

Vacancy groups become classes of optional agents (:func:`vacancy_agents`); the vacancy family
(:mod:`optimizer.roster.constraints.vacancies`) gives each an integer ``hires``; the target
and the objective (:class:`HiringGoal`) complete it. The same builder
feeds CP-SAT and its LP relaxation (:func:`lp_relaxation`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

from optimizer.errors import InputError, Problem
from optimizer.roster import cpsat
from optimizer.roster.attrition import predicted_service_level as _sl_matrix
from optimizer.roster.attrition import week_service_level
from optimizer.roster.backend import BIG, Backend, CpBackend, LpBackend, Terms
from optimizer.roster.build import build_aggregate
from optimizer.roster.constraints.vacancies import add_vacancies
from optimizer.roster.explain import explain_agents, rosterable
from optimizer.roster.hiring.types import (
    HeadcountTarget,
    HireSpec,
    HiringGoal,
    HiringPlan,
    HiringReport,
    Vacancy,
    hire_counts,
)
from optimizer.roster.model import SCALE, AggregateModel
from optimizer.roster.problem import Agent, RosterProblem
from optimizer.roster.shifts import AgentClass, ShiftType, agent_classes, enumerate_shift_types

__all__ = [
    "HireModel",
    "check_vacancy_weeks",
    "goal_scale",
    "hire_model",
    "lp_relaxation",
    "restrict_to_lp",
    "sl_staffing",
    "solution_plan",
    "staffed_counts",
    "vacancy_agents",
    "validate_vacancies",
]


def validate_vacancies(problem: RosterProblem, vacancies: Sequence[Vacancy]) -> None:
    known = {c.id for c in problem.contracts}
    problems: list[Problem] = []
    names = [v.name for v in vacancies]
    for i, v in enumerate(vacancies):
        if v.contract not in known:
            problems.append(Problem(i, "contract", "unknown", f"no contract {v.contract!r}"))
        if v.max_hires < 0:
            problems.append(Problem(i, "max_hires", "out_of_range", "must be >= 0"))
        if not math.isfinite(v.hiring_cost) or v.hiring_cost < 0:
            problems.append(Problem(i, "hiring_cost", "out_of_range", "must be >= 0"))
        if v.availability is not None and len(v.availability) != problem.days:
            problems.append(Problem(i, "availability", "length", f"need {problem.days} days"))
        if names.count(v.name) > 1:
            problems.append(Problem(i, "label", "duplicate", f"vacancy {v.name!r} repeated"))
    if problems:
        raise InputError(problems)


def vacancy_agents(problem: RosterProblem, vacancy: Vacancy) -> tuple[Agent, ...]:
    """The optional agents of a vacancy group (ids ``VAC-<name>-<n>``)."""
    contract = problem.contract(vacancy.contract)
    availability = vacancy.availability or tuple(problem.opening_hours)
    return tuple(
        Agent(
            f"VAC-{vacancy.name}-{n:03d}",
            contract.id,
            availability,
            contract.min_weekly_paid_min,
            contract.max_weekly_paid_min,
            contract.max_days,
            optional=True,
            fixed_cost=vacancy.hiring_cost,
        )
        for n in range(1, vacancy.max_hires + 1)
    )


def check_vacancy_weeks(
    problem: RosterProblem, vacancies: Sequence[Vacancy], types: list[ShiftType]
) -> None:
    """Every vacancy group must have a valid week once filled; else name the rules in conflict."""
    problems = []
    for i, v in enumerate(vacancies):
        if v.max_hires == 0:
            continue
        hired = replace(vacancy_agents(problem, replace(v, max_hires=1))[0], optional=False)
        for e in explain_agents(replace(problem, agents=(hired,)), types):
            problems.append(Problem(i, "availability", "no_valid_week", e.message))
    if problems:
        raise InputError(problems)


def sl_staffing(problem: RosterProblem, service_level: float) -> np.ndarray[Any, Any]:
    """Fewest agents on the phone per interval for an Erlang C SL of ``service_level``."""
    if problem.demand is None:
        raise InputError(
            [Problem(None, "target.service_level", "no_demand", "instance has no demand data")]
        )
    if not 0.0 < service_level < 1.0:
        raise InputError([Problem(None, "target.service_level", "out_of_range", "in (0, 1)")])
    calls = np.asarray(problem.demand.calls, dtype=np.float64)
    need = np.where(calls > 0, -1, 0).astype(np.int64)
    n = 0
    while (need < 0).any():
        sl = _sl_matrix(problem, np.full(calls.shape, n, dtype=np.int64))
        assert sl is not None
        need[(need < 0) & (sl >= service_level)] = n
        n += 1
    return need


class Recording:
    """A backend wrapper that keeps the builder's objective terms instead of setting them."""

    def __init__(self, inner: Backend) -> None:
        self.inner = inner
        self.objective: Terms = []

    def int_var(self, lb: int, ub: int, name: str) -> Any:
        return self.inner.int_var(lb, ub, name)

    def add_linear(self, terms: Terms, lb: int, ub: int, name: str) -> None:
        self.inner.add_linear(terms, lb, ub, name)

    def minimize(self, terms: Terms) -> None:
        self.objective = list(terms)


@dataclass
class HireModel:
    m: AggregateModel
    recording: Recording
    hires: dict[int, Any]  # vacancy position -> hires variable
    excess: Any = None  # under-coverage above the target (penalised so that it is 0 if it can be)


def hire_classes(
    problem: RosterProblem, vacancies: Sequence[Vacancy], types: list[ShiftType]
) -> tuple[list[AgentClass], dict[int, int]]:
    base = agent_classes(problem, rosterable(problem, types)[0])
    position: dict[int, int] = {}
    for i, v in enumerate(vacancies):
        if v.max_hires > 0:
            members = vacancy_agents(problem, v)
            cls = AgentClass(
                len(base),
                members,
                problem.contract(v.contract).shift_paid_min,
                members[0].availability,
            )
            position[cls.index] = i
            base.append(cls)
    return base, position


def _build(problem: RosterProblem, vacancies: Sequence[Vacancy], backend: Backend) -> HireModel:
    types = enumerate_shift_types(problem)
    classes, position = hire_classes(problem, vacancies, types)
    recording = Recording(backend)
    m = build_aggregate(problem, recording, types, classes)
    by_class = add_vacancies(m, [c for c in classes if c.index in position])
    return HireModel(m, recording, {position[c]: var for c, var in by_class.items()})


def _add_target(hm: HireModel, target: HeadcountTarget) -> None:
    """The SL target is hard; the under-coverage limit is ``sum under - excess <= limit`` with
    ``excess`` penalised above any saving in hires (see :func:`_objective`), so a solution is
    always at hand and every solution with ``excess = 0`` meets the target."""
    m = hm.m
    if target.max_under_agent_hours is not None:
        limit = math.floor(target.max_under_agent_hours * 60 / m.problem.interval_min + 1e-9)
        terms: Terms = [(u, 1) for u in m.under.values()]
        total = sum(sum(row) for row in m.problem.requirement)
        hm.excess = m.backend.int_var(0, max(0, total - max(0, limit)), "target_excess")
        m.backend.add_linear([*terms, (hm.excess, -1)], 0, max(0, limit), "target_under")
    if target.service_level is not None:
        need = sl_staffing(m.problem, target.service_level)
        for (d, t), n in np.ndenumerate(need):
            req = m.problem.requirement[d][t]
            if n <= req and (d, t) not in m.under:
                continue
            if (d, t) not in m.under:
                m.backend.add_linear([], 1, 1, f"target_sl_unreachable[{d},{t}]")
                continue
            pair: Terms = [(m.over[d, t], 1), (m.under[d, t], -1)]
            m.backend.add_linear(pair, int(n) - req, BIG, f"target_sl[{d},{t}]")


def _objective(hm: HireModel, vacancies: Sequence[Vacancy], objective: HiringGoal) -> Terms:
    hire_cost: Terms = [
        (var, round(vacancies[i].hiring_cost * SCALE)) for i, var in hm.hires.items()
    ]
    if objective in ("count", "cost"):
        terms = [(var, 1) for var in hm.hires.values()] if objective == "count" else hire_cost
        if hm.excess is not None:
            # one agent-interval of excess costs more than hiring every vacancy
            worst = sum(
                c * vacancies[i].max_hires
                for (i, _), (_, c) in zip(hm.hires.items(), terms, strict=True)
            )
            terms = [*terms, (hm.excess, worst + 1)]
        return terms
    if objective == "under":
        return [(u, 1) for u in hm.m.under.values()]
    guide: Terms = [] if hm.excess is None else [(hm.excess, 10 * SCALE)]
    return hm.recording.objective + hire_cost + guide


def _fix_hires(hm: HireModel, fixed: Mapping[int, int] | None) -> None:
    for i, var in hm.hires.items():
        if fixed is not None and i in fixed:
            hm.m.backend.add_linear([(var, 1)], fixed[i], fixed[i], f"fixed_hires[{i}]")


def hire_model(
    problem: RosterProblem, vacancies: Sequence[Vacancy], spec: HireSpec, backend: Backend
) -> tuple[HireModel, Terms]:
    hm = _build(problem, vacancies, backend)
    if spec.target is not None:
        _add_target(hm, spec.target)
    _fix_hires(hm, spec.fixed)
    terms = _objective(hm, vacancies, spec.objective)
    backend.minimize(terms)
    return hm, terms


def goal_scale(objective: HiringGoal) -> float:
    """Model units per objective unit (hires and intervals are counted, costs scaled)."""
    return 1.0 if objective in ("count", "under") else float(SCALE)


def lp_relaxation(
    problem: RosterProblem, vacancies: Sequence[Vacancy], spec: HireSpec
) -> tuple[float, dict[str, float], dict[int, float]]:
    """LP relaxation optimum (objective units), its variable values by name (to hint the
    CP-SAT model of the same builder) and its hires per vacancy position."""
    backend = LpBackend()
    hm, _ = hire_model(problem, vacancies, spec, backend)
    status = backend.solver.Solve()
    if status != backend.solver.OPTIMAL:
        return math.inf, {}, {}
    values = {v.name(): v.solution_value() for v in backend.solver.variables()}
    hires = {i: var.solution_value() for i, var in hm.hires.items()}
    bound = float(backend.solver.Objective().Value()) / goal_scale(spec.objective)
    return bound, values, hires


def staffed_counts(hm: HireModel, solver: cp_model.CpSolver) -> tuple[tuple[int, ...], ...]:
    """Agents on the phone per day and interval in the solution (0 where nothing is open)."""
    rows = []
    for d, req_row in enumerate(hm.m.problem.requirement):
        row = []
        for t, req in enumerate(req_row):
            if (d, t) in hm.m.under:
                row.append(req + solver.value(hm.m.over[d, t]) - solver.value(hm.m.under[d, t]))
            else:
                row.append(0)
        rows.append(tuple(int(v) for v in row))
    return tuple(rows)


def solution_plan(
    vacancies: Sequence[Vacancy], hm: HireModel, solver: cp_model.CpSolver, report: HiringReport
) -> HiringPlan:
    """The plan of a solution: hires per group, under-coverage, coverage and predicted SL."""
    counts = {i: int(solver.value(var)) for i, var in hm.hires.items()}
    coverage = staffed_counts(hm, solver)
    under = sum(int(solver.value(u)) for u in hm.m.under.values())
    sl = week_service_level(hm.m.problem, coverage)
    return HiringPlan(hire_counts(vacancies, counts), report, under, coverage, sl)


def restrict_to_lp(
    hm: HireModel, backend: CpBackend, lp_values: Mapping[str, float]
) -> list[list[int]]:
    """Hint the LP solution and keep shift/activity counts at its floor..ceil (the roster
    engine's LP neighbourhood); returns the original domains."""
    domains = cpsat.save_domains(backend.model, backend.variables)
    restricted = {var.index for var, _ in hm.m.count_vars()}
    cpsat.hint_near(backend.model, backend.variables, lp_values, restricted)
    return domains
