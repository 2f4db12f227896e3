"""Guided minimum of hires for large models: probe hire counts from the LP bound upwards.

For each count ``k`` (``ceil(L) + 1``, ``ceil(L)``, then upwards, ``L`` the LP bound) the hires
are fixed (split among the vacancy groups as in the LP) and the model is searched for a
solution meeting the target: first in the LP's neighbourhood, everywhere if it holds none, then
by day neighbourhoods. The first ``k`` reached at ``ceil(L)`` is proven minimal.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace

from ortools.sat.python import cp_model

from optimizer.roster import cpsat
from optimizer.roster.backend import CpBackend
from optimizer.roster.hiring.model import (
    HireModel,
    check_vacancy_weeks,
    hire_model,
    lp_relaxation,
    restrict_to_lp,
    solution_plan,
    validate_vacancies,
)
from optimizer.roster.hiring.types import (
    HeadcountTarget,
    HireSpec,
    HiringOptions,
    HiringPlan,
    HiringReport,
    Vacancy,
    hire_counts,
)
from optimizer.roster.lns import DayNeighbourhoods, restricted_days
from optimizer.roster.problem import RosterProblem
from optimizer.roster.shifts import enumerate_shift_types

__all__ = ["guided_minimum"]


def _split(vacancies: Sequence[Vacancy], lp_hires: Mapping[int, float], k: int) -> dict[int, int]:
    """``k`` hires shared among the vacancy groups like the LP's hires (largest remainders)."""
    caps = {i: v.max_hires for i, v in enumerate(vacancies)}
    total = sum(lp_hires.values())
    share = {i: k * (lp_hires.get(i, 0.0) / total if total > 0 else 1 / len(caps)) for i in caps}
    out = {i: min(caps[i], math.floor(share[i] + 1e-6)) for i in caps}
    order = sorted(caps, key=lambda i: share[i] - out[i], reverse=True)
    while sum(out.values()) < k and any(out[i] < caps[i] for i in caps):
        for i in order:
            if out[i] < caps[i] and sum(out.values()) < k:
                out[i] += 1
    return out


def _run_for(model: cp_model.CpModel, options: HiringOptions, seconds: float) -> cp_model.CpSolver:
    return cpsat.run(model, seconds, workers=options.workers, seed=options.seed)


def _meets(hm: HireModel, solver: cp_model.CpSolver) -> bool:
    return cpsat.found(solver) and (hm.excess is None or solver.value(hm.excess) == 0)


def _reach(
    problem: RosterProblem,
    vacancies: Sequence[Vacancy],
    spec: HireSpec,
    options: HiringOptions,
    seconds: float,
) -> tuple[HireModel, cp_model.CpSolver] | None:
    """A solution with the hires of ``spec.fixed`` meeting the target, if one is found."""
    deadline = time.monotonic() + seconds
    _, lp_values, _ = lp_relaxation(problem, vacancies, spec)
    if not lp_values:
        return None  # even the relaxation cannot reach the target with these hires
    backend = CpBackend()
    hm, _ = hire_model(problem, vacancies, spec, backend)
    domains = restrict_to_lp(hm, backend, lp_values)
    solver = _run_for(backend.model, options, 0.4 * seconds)
    if not cpsat.found(solver):
        cpsat.restore_domains(backend.model, backend.variables, domains)
        solver = _run_for(backend.model, options, 0.3 * seconds)
    if _meets(hm, solver) or not cpsat.found(solver):
        return (hm, solver) if _meets(hm, solver) else None
    last: list[cp_model.CpSolver] = [solver]

    def make(limit: float) -> cp_model.CpSolver:
        last[0] = _run_for(backend.model, options, limit)
        return last[0]

    lns = DayNeighbourhoods(backend, restricted_days(hm.m))
    days = [d for d, o in enumerate(problem.opening_hours) if o is not None]
    best = lns.run(
        solver,
        make,
        days,
        deadline,
        max(2.0, seconds / 30),
        should_stop=lambda: _meets(hm, last[0]),
    )
    return (hm, best) if _meets(hm, best) else None


def guided_minimum(
    problem: RosterProblem,
    vacancies: Sequence[Vacancy],
    target: HeadcountTarget,
    options: HiringOptions,
) -> HiringPlan:
    """Fewest hires for ``target`` by probing hire counts from the LP bound up (the
    ``guided`` strategy of :class:`HiringOptions`)."""
    start = time.monotonic()
    deadline = start + options.time_limit_s
    validate_vacancies(problem, vacancies)
    check_vacancy_weeks(problem, vacancies, enumerate_shift_types(problem))
    spec = HireSpec("count", target)
    lp_bound, _, lp_hires = lp_relaxation(problem, vacancies, spec)
    first = math.ceil(lp_bound - 1e-6)
    top = sum(v.max_hires for v in vacancies)
    best: tuple[int, tuple[HireModel, cp_model.CpSolver]] | None = None
    for k in _probe_order(first, top):
        if best is not None and k >= best[0]:
            continue
        left = deadline - time.monotonic()
        if left < 5.0:
            break
        fixed = _split(vacancies, lp_hires, k)
        spec_k = replace(spec, objective="roster_cost", fixed=fixed)
        found = _reach(problem, vacancies, spec_k, options, max(5.0, left / 2))
        if found is not None:
            best = (k, found)
            if k == first:
                break
    if best is not None:
        return _guided_plan(problem, vacancies, best[1], (best[0], first, lp_bound), start)
    seconds = time.monotonic() - start
    report = HiringReport("TARGET_NOT_REACHED", math.nan, float(first), math.nan, seconds, lp_bound)
    return HiringPlan(hire_counts(vacancies, {}), report, -1, (), None)


def _probe_order(first: int, top: int) -> list[int]:
    """``first + 1`` before ``first`` (one hire above the bound is usually reachable and
    already certifies a small gap), then upwards."""
    if first + 1 > top:
        return [first] if first <= top else []
    return [first + 1, first, *range(first + 2, top + 1)]


def _guided_plan(
    problem: RosterProblem,
    vacancies: Sequence[Vacancy],
    found: tuple[HireModel, cp_model.CpSolver],
    figures: tuple[int, int, float],
    start: float,
) -> HiringPlan:
    hm, solver = found
    k, first, lp_bound = figures
    status = "OPTIMAL" if k == first else "FEASIBLE"
    report = HiringReport(
        status,
        float(k),
        float(first),
        (k - first) / k if k else 0.0,
        time.monotonic() - start,
        lp_bound,
    )
    return solution_plan(vacancies, hm, solver, report)
