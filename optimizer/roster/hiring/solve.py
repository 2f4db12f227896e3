"""Solve the hiring model: minimum hires, cost-optimal hires, the gain of one more hire.

Small models are solved exactly by CP-SAT (hinted with the LP solution); larger ones (more than
:data:`EXACT_MAX_AGENTS` agents and vacancies) first in the LP's neighbourhood and are then
certified by the LP bound only. The guided minimum (:mod:`.search`) probes hire counts instead.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace

from ortools.sat.python import cp_model

from optimizer.errors import InputError, Problem
from optimizer.roster import cpsat
from optimizer.roster.backend import CpBackend
from optimizer.roster.hiring.model import (
    HireModel,
    check_vacancy_weeks,
    goal_scale,
    hire_model,
    lp_relaxation,
    restrict_to_lp,
    solution_plan,
    validate_vacancies,
)
from optimizer.roster.hiring.search import guided_minimum
from optimizer.roster.hiring.types import (
    EXACT_MAX_AGENTS,
    HeadcountTarget,
    HireSpec,
    HiringOptions,
    HiringPlan,
    HiringReport,
    MarginalHire,
    Vacancy,
    hire_counts,
)
from optimizer.roster.problem import RosterProblem
from optimizer.roster.shifts import enumerate_shift_types

__all__ = ["best_under_agent_intervals", "marginal_hires", "minimum_hires", "optimal_hires"]

DEFAULT_HIRING = HiringOptions()


def _run(model: cp_model.CpModel, options: HiringOptions) -> tuple[cp_model.CpSolver, str]:
    """Solve with the hiring options; the solver and its status name."""
    solver = cpsat.run(model, options.time_limit_s, workers=options.workers, seed=options.seed)
    return solver, cpsat.status(solver)


def _report(
    solver: cp_model.CpSolver,
    hm: HireModel,
    status: str,
    spec: HireSpec,
    lp_bound: float,
    seconds: float,
) -> HiringReport:
    """Figures in hires (or cost); a solution whose excess is positive misses the target:
    ``INFEASIBLE`` when proven optimal (no hires can reach it), else ``TARGET_NOT_REACHED``."""
    scale = goal_scale(spec.objective)
    if status not in ("OPTIMAL", "FEASIBLE"):
        return HiringReport(status, math.nan, math.nan, math.nan, seconds, lp_bound)
    if hm.excess is not None and solver.value(hm.excess) > 0:
        missed = "INFEASIBLE" if status == "OPTIMAL" else "TARGET_NOT_REACHED"
        return HiringReport(missed, math.nan, math.nan, math.nan, seconds, lp_bound)
    obj = solver.objective_value / scale
    bound = solver.best_objective_bound / scale
    if spec.objective in ("count", "under"):
        bound = float(math.ceil(bound - 1e-6))
    bound = min(obj, bound)
    gap = (obj - bound) / obj if obj > 0 else 0.0
    return HiringReport(status, obj, bound, gap, seconds, lp_bound)


def solve_plan(
    problem: RosterProblem, vacancies: Sequence[Vacancy], spec: HireSpec, options: HiringOptions
) -> HiringPlan:
    """The plan of one hiring model (``spec``) solved by CP-SAT within the options."""
    start = time.monotonic()
    validate_vacancies(problem, vacancies)
    check_vacancy_weeks(problem, vacancies, enumerate_shift_types(problem))
    lp_bound, lp_values, _ = lp_relaxation(problem, vacancies, spec)
    backend = CpBackend()
    hm, _ = hire_model(problem, vacancies, spec, backend)
    size = len(problem.agents) + sum(v.max_hires for v in vacancies)
    if size > EXACT_MAX_AGENTS and lp_values:
        solver, status, restricted = _solve_near_lp(hm, backend, lp_values, options)
    else:
        cpsat.hint_near(backend.model, backend.variables, lp_values)
        (solver, status), restricted = _run(backend.model, options), False
    report = _report(solver, hm, status, spec, lp_bound, time.monotonic() - start)
    if report.status not in ("OPTIMAL", "FEASIBLE"):
        return HiringPlan(hire_counts(vacancies, {}), report, -1, (), None)
    if restricted:
        report = _lp_certified(report, spec)
    return solution_plan(vacancies, hm, solver, report)


def _solve_near_lp(
    hm: HireModel, backend: CpBackend, lp_values: Mapping[str, float], options: HiringOptions
) -> tuple[cp_model.CpSolver, str, bool]:
    """Large models: search the LP neighbourhood first (60 % of the time), everywhere if it
    holds no solution. A neighbourhood solution is never reported as proven (``FEASIBLE``)."""
    domains = restrict_to_lp(hm, backend, lp_values)
    solver, status = _run(backend.model, replace(options, time_limit_s=0.6 * options.time_limit_s))
    if status in ("OPTIMAL", "FEASIBLE"):
        return solver, "FEASIBLE", True
    cpsat.restore_domains(backend.model, backend.variables, domains)
    solver, status = _run(backend.model, replace(options, time_limit_s=0.4 * options.time_limit_s))
    return solver, status, False


def _lp_certified(report: HiringReport, spec: HireSpec) -> HiringReport:
    """The bound of a neighbourhood search is the LP bound (rounded up for counts)."""
    bound = report.lp_bound
    if spec.objective in ("count", "under"):
        bound = float(math.ceil(bound - 1e-6))
    bound = min(report.objective, bound)
    gap = (report.objective - bound) / report.objective if report.objective > 0 else 0.0
    return replace(report, best_bound=bound, gap=gap)


def minimum_hires(
    problem: RosterProblem,
    vacancies: Sequence[Vacancy],
    target: HeadcountTarget,
    options: HiringOptions = DEFAULT_HIRING,
) -> HiringPlan:
    """Fewest hires (``options.minimize="count"``) or cheapest (``"cost"``) meeting ``target``.

    Status ``INFEASIBLE`` means that even every vacancy filled cannot reach the target.
    """
    if target.max_under_agent_hours is None and target.service_level is None:
        raise InputError([Problem(None, "target", "missing", "set a coverage or SL target")])
    if target.max_under_agent_hours is not None and target.max_under_agent_hours < 0:
        raise InputError(
            [Problem(None, "target.max_under_agent_hours", "out_of_range", "must be >= 0")]
        )
    spec = HireSpec(options.minimize, target)
    size = len(problem.agents) + sum(v.max_hires for v in vacancies)
    exact = options.strategy == "exact" or (options.strategy == "auto" and size <= EXACT_MAX_AGENTS)
    if exact or options.minimize == "cost":
        return solve_plan(problem, vacancies, spec, options)
    return guided_minimum(problem, vacancies, target, options)


def optimal_hires(
    problem: RosterProblem,
    vacancies: Sequence[Vacancy],
    options: HiringOptions = DEFAULT_HIRING,
) -> HiringPlan:
    """Hires minimising the instance's roster cost plus the hiring costs."""
    return solve_plan(problem, vacancies, HireSpec("roster_cost"), options)


def best_under_agent_intervals(
    problem: RosterProblem, options: HiringOptions = DEFAULT_HIRING
) -> HiringPlan:
    """The aggregate model's least under-coverage with the problem's own agents (no hires)."""
    return solve_plan(problem, (), HireSpec("under"), options)


def _fixed_optimum(
    problem: RosterProblem,
    vacancies: Sequence[Vacancy],
    fixed: dict[int, int],
    options: HiringOptions,
) -> HiringPlan:
    free = [replace(v, hiring_cost=0.0) for v in vacancies]
    return solve_plan(problem, free, HireSpec("roster_cost", fixed=fixed), options)


def marginal_hires(
    problem: RosterProblem,
    vacancies: Sequence[Vacancy],
    plan: HiringPlan,
    options: HiringOptions = DEFAULT_HIRING,
) -> tuple[MarginalHire, ...]:
    """Gain of one more hire per vacancy group that still has an open position."""
    current = {i: h.hires for i, h in enumerate(plan.hires)}
    base = _fixed_optimum(problem, vacancies, current, options)
    hours = problem.interval_min / 60.0
    out = []
    for i, v in enumerate(vacancies):
        if current[i] >= v.max_hires:
            continue
        more = _fixed_optimum(problem, vacancies, {**current, i: current[i] + 1}, options)
        sl = None
        if base.week_service_level is not None and more.week_service_level is not None:
            sl = more.week_service_level - base.week_service_level
        proven = base.report.status == more.report.status == "OPTIMAL"
        out.append(
            MarginalHire(
                v.name,
                v.contract,
                base.report.objective - more.report.objective,
                (base.under_agent_intervals - more.under_agent_intervals) * hours,
                sl,
                proven,
            )
        )
    return tuple(out)
