"""Hiring what-ifs on a roster week: add hires as agents, roster with and without them.

:func:`hiring_scenario` takes the plan (given counts, the minimum for a target or the
cost-optimal hires of :mod:`optimizer.roster.hiring`), rosters the base week and the week with
the hires (:func:`hired_problem`: the hires as regular agents) and compares coverage and
predicted SL per hire.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from optimizer.errors import InputError, Problem
from optimizer.roster.attrition import DayLoss, compare_coverage, week_service_level
from optimizer.roster.hiring import (
    HeadcountTarget,
    HiringOptions,
    HiringPlan,
    MarginalHire,
    Vacancy,
    given_plan,
    marginal_hires,
    minimum_hires,
    optimal_hires,
    vacancy_agents,
    validate_vacancies,
)
from optimizer.roster.problem import RosterProblem
from optimizer.roster.solve import RosterResult, SolveOptions, solve_roster

__all__ = ["HiringOutcome", "hired_problem", "hiring_scenario"]

DEFAULT_HIRING = HiringOptions()
DEFAULT_SOLVE = SolveOptions()


def hired_problem(
    problem: RosterProblem, vacancies: Sequence[Vacancy], counts: Mapping[str, int]
) -> RosterProblem:
    """The problem with ``counts[vacancy name]`` hires per group added as regular agents."""
    validate_vacancies(problem, vacancies)
    names = {v.name for v in vacancies}
    bad = [
        Problem(None, f"counts[{k}]", "unknown", "no such vacancy")
        for k in counts
        if k not in names
    ]
    bad += [
        Problem(None, f"counts[{v.name}]", "out_of_range", f"0..{v.max_hires}")
        for v in vacancies
        if not 0 <= counts.get(v.name, 0) <= v.max_hires
    ]
    if bad:
        raise InputError(bad)
    hires = [
        replace(a, id=a.id.replace("VAC-", "HIRE-", 1), optional=False, fixed_cost=0.0)
        for v in vacancies
        for a in vacancy_agents(problem, replace(v, max_hires=counts.get(v.name, 0)))
    ]
    return replace(problem, agents=problem.agents + tuple(hires))


@dataclass(frozen=True, slots=True)
class HiringOutcome:
    """A hiring scenario: the plan, base and hired rosters, per-day change (``DayLoss`` with
    negative losses as gains) and gains per hire (under agent-hours, SL points)."""

    plan: HiringPlan
    base: RosterResult
    hired: RosterResult
    days: tuple[DayLoss, ...]
    under_agent_hours_saved_per_hire: float
    service_level_gain_per_hire: float | None
    marginal: tuple[MarginalHire, ...]


def hiring_scenario(
    problem: RosterProblem,
    vacancies: Sequence[Vacancy],
    *,
    counts: Mapping[str, int] | None = None,
    target: HeadcountTarget | None = None,
    options: HiringOptions = DEFAULT_HIRING,
    solve_options: SolveOptions = DEFAULT_SOLVE,
    base: RosterResult | None = None,
    with_marginal: bool = True,
) -> HiringOutcome:
    """Hire ``counts`` per vacancy name ("what if we hire 10 part-timers"), or the minimum for
    ``target``, or the cost-optimal hires; roster them and compare with the base roster."""
    if counts is not None:
        plan = given_plan(vacancies, counts)
    elif target is not None:
        plan = minimum_hires(problem, vacancies, target, options)
    else:
        plan = optimal_hires(problem, vacancies, options)
    chosen = {h.vacancy: h.hires for h in plan.hires}
    base_result = base if base is not None else solve_roster(problem, solve_options)
    hired = solve_roster(hired_problem(problem, vacancies, chosen), solve_options)
    days = compare_coverage(problem, base_result.coverage, hired.coverage)
    n = max(1, plan.total_hires)
    saved = -sum(d.lost_covered_agent_hours for d in days) / n
    sl_base = week_service_level(problem, base_result.coverage)
    sl_hired = week_service_level(problem, hired.coverage)
    sl_gain = None if sl_base is None or sl_hired is None else (sl_hired - sl_base) / n
    marginal = marginal_hires(problem, vacancies, plan, options) if with_marginal else ()
    return HiringOutcome(plan, base_result, hired, days, saved, sl_gain, marginal)
