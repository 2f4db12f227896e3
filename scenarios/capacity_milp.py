"""Optimisation mode of a capacity plan: a MILP (pulp + CBC) choosing class weeks and sizes.

Model (``w`` an allowed class week, ``k`` a hireable contract, ``t`` a week)::

    x[k, w] >= 0 integer      hires on contract k in the class of week w
    y[w] in {0, 1}            a class runs in week w
    hours[w] = sum_k weekly_hours_k x[k, w]      contracted hours of the class
    short[t], surplus[t] >= 0

    min  sum_kw (hire_cost_k + paid_cost_k * paid_hours_per_hire[k, w]) x[k, w]
         + under_cost * sum_t short[t] + over_cost * sum_t surplus[t]
    s.t. base[t] + sum_w unit[w, t] hours[w] - need[t] = surplus[t] - short[t]        (t)
         class_min y[w] <= sum_k x[k, w] <= class_max y[w];  x[k, w] <= class_max y[w]
         sum_kw x[k, w] <= max_hires                     (only when a hiring budget is set)

``unit[w, t]`` is the productive hours in week t per contracted hour of a class of week w
(expected survivors x productivity x (1 - shrinkage)); every contract shares attrition and
ramp, so a class's supply depends only on its contracted hours. Writing the balance rows on
``hours[w]`` instead of every ``x[k, w]`` makes them 3x sparser with 3 contracts, which roughly
halved the gap CBC reaches in 10 s on the 104-week benchmark.

``base`` and ``prod`` come from :func:`scenarios.cohorts.cohort_series` (expected survivors x
productivity x hours x (1 - shrinkage)), so the model is linear and the projection of the
chosen plan reproduces its objective exactly. The constant paid-hour cost of the starting staff
is added to the reported objective and bound but excluded from the gap (the gap is measured on
the part the model can change, which is stricter).

The best bound is read from CBC's log ("Lower bound" when stopped early; a proven optimum is
its own bound). When the log has no bound, the LP relaxation is solved and its optimum is
reported as the bound (``bound_source`` says which).
"""

from __future__ import annotations

import dataclasses
import math
import re
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pulp

from scenarios.capacity import CapacityProjection, merge_classes, project_plan
from scenarios.capacity_model import CapacityPlanInput, HireClass, validate_plan_input
from scenarios.cohorts import cohort_series, starting_series
from scenarios.errors import InputError, Problem

__all__ = [
    "CapacityPlan",
    "MilpSettings",
    "SolverReport",
    "lp_relaxation_bound",
    "optimise_plan",
]

Status = Literal["optimal", "feasible", "infeasible", "not_solved"]
_BOUND_RE = re.compile(r"^Lower bound:\s*(-?[0-9.eE+-]+)", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class MilpSettings:
    """Solver settings. With ``threads=1`` CBC is deterministic when it finishes within the
    time limit; when the time limit binds, the result depends on machine speed, so set
    ``max_nodes`` (a node limit) for bit-for-bit repeatable results on any machine."""

    time_limit_s: float = 10.0
    gap_rel: float | None = None
    threads: int = 1
    max_nodes: int | None = None


@dataclass(frozen=True, slots=True)
class SolverReport:
    """``objective`` and ``bound`` are total plan costs; ``gap`` is relative on the variable
    part (objective minus constants); ``bound_source``: cbc_log, proven_optimal or
    lp_relaxation."""

    status: Status
    objective: float
    bound: float
    gap: float
    seconds: float
    bound_source: str
    solver: str
    time_limit_s: float


@dataclass(frozen=True, slots=True)
class CapacityPlan:
    """The chosen classes, their projection (weekly, cohort and HR views) and the report."""

    classes: tuple[HireClass, ...]
    projection: CapacityProjection
    report: SolverReport


@dataclass(frozen=True, slots=True)
class _Columns:
    keys: tuple[tuple[str, int], ...]  # (contract, week)
    prod: np.ndarray  # (columns, weeks) productive hours per hire
    cost: np.ndarray  # (columns,) cost per hire
    base: np.ndarray  # (weeks,) productive hours of the starting staff
    constant: float  # paid-hour cost of the starting staff


def _columns(inp: CapacityPlanInput) -> _Columns:
    keys, prods, costs = [], [], []
    for contract in (c for c in inp.contracts if c.hireable):
        for week in inp.hiring.allowed_weeks(inp.horizon_weeks):
            s = cohort_series(inp, contract=contract.name, tenure_at_start=-week, headcount=1.0)
            keys.append((contract.name, week))
            prods.append(s.productive_hours)
            costs.append(contract.hire_cost + contract.cost_per_paid_hour * s.paid_hours.sum())
    base = np.zeros(inp.horizon_weeks)
    constant = 0.0
    for cohort in inp.cohorts:
        s = starting_series(inp, cohort)
        base += s.productive_hours
        constant += inp.contract(cohort.contract).cost_per_paid_hour * float(s.paid_hours.sum())
    prod = np.asarray(prods).reshape(len(keys), inp.horizon_weeks)
    return _Columns(tuple(keys), prod, np.asarray(costs, dtype=np.float64), base, constant)


def _var(prob: pulp.LpProblem, name: str, up: float | None, cat: str) -> pulp.LpVariable:
    """A variable >= 0 (``prob.add_variable`` where pulp has it, the pulp 2.x way otherwise)."""
    if hasattr(prob, "add_variable"):
        return prob.add_variable(name, lowBound=0, upBound=up, cat=cat)
    return pulp.LpVariable(name, lowBound=0, upBound=up, cat=cat)


def _unit_profiles(inp: CapacityPlanInput, cols: _Columns) -> dict[int, np.ndarray]:
    """Productive hours per contracted weekly hour of a class of week w, per week. Every
    contract shares attrition and ramp, so a class's supply depends only on its contracted
    hours: one column per class instead of one per contract keeps the balance rows sparse."""
    out: dict[int, np.ndarray] = {}
    for i, (name, week) in enumerate(cols.keys):
        out.setdefault(week, cols.prod[i] / inp.contract(name).weekly_hours)
    return out


def _class_hours(
    prob: pulp.LpProblem,
    inp: CapacityPlanInput,
    cols: _Columns,
    x: dict[tuple[str, int], pulp.LpVariable],
) -> dict[int, pulp.LpVariable]:
    """``hours[w] = sum_k weekly_hours_k x[k, w]``: contracted hours of the class of week w."""
    hours: dict[int, pulp.LpVariable] = {}
    for w in sorted({w for _, w in cols.keys}):
        hours[w] = _var(prob, f"hours_{w}", None, "Continuous")
        terms = [(x[key], inp.contract(key[0]).weekly_hours) for key in cols.keys if key[1] == w]
        prob += (pulp.LpAffineExpression(terms) - hours[w] == 0, f"class_hours_{w}")
    return hours


def _build(
    inp: CapacityPlanInput, cols: _Columns, *, relax: bool
) -> tuple[pulp.LpProblem, dict[tuple[str, int], pulp.LpVariable]]:
    cat = "Continuous" if relax else "Integer"
    hiring, costs = inp.hiring, inp.costs
    prob = pulp.LpProblem("capacity_plan", pulp.LpMinimize)
    x = {key: _var(prob, f"x_{key[0]}_{key[1]}", None, cat) for key in cols.keys}
    weeks = sorted({w for _, w in cols.keys})
    y = {w: _var(prob, f"y_{w}", 1.0, cat) for w in weeks}
    short = [_var(prob, f"short_{t}", None, "Continuous") for t in range(inp.horizon_weeks)]
    surplus = [_var(prob, f"surplus_{t}", None, "Continuous") for t in range(inp.horizon_weeks)]
    prob += (
        pulp.lpSum(float(c) * x[key] for key, c in zip(cols.keys, cols.cost, strict=True))
        + costs.under_per_hour * pulp.lpSum(short)
        + costs.over_per_hour * pulp.lpSum(surplus)
    )
    hours = _class_hours(prob, inp, cols, x)
    unit = _unit_profiles(inp, cols)
    for t in range(inp.horizon_weeks):
        terms = [(hours[w], float(unit[w][t])) for w in hours if unit[w][t]]
        supply = pulp.LpAffineExpression(terms)
        rhs = float(inp.need_hours[t] - cols.base[t])
        prob += (supply - surplus[t] + short[t] == rhs, f"balance_{t}")
    for w in weeks:
        members = [x[key] for key in cols.keys if key[1] == w]
        prob += (pulp.lpSum(members) <= hiring.class_size_max * y[w], f"class_max_{w}")
        prob += (pulp.lpSum(members) >= hiring.class_size_min * y[w], f"class_min_{w}")
        for var in members:
            prob += var <= hiring.class_size_max * y[w]
    if hiring.max_hires is not None:
        prob += (pulp.lpSum(x.values()) <= hiring.max_hires, "max_hires")
    return prob, x


def _solve(prob: pulp.LpProblem, settings: MilpSettings, *, mip: bool) -> tuple[float, str]:
    """Solve with CBC; return (seconds, log text)."""
    with tempfile.TemporaryDirectory(prefix="staffwise-cbc-") as tmp:
        log_path = Path(tmp) / "cbc.log"
        with warnings.catch_warnings():  # pulp 3.x announces the 4.0 rename; 2.9-3.x is fine
            warnings.simplefilter("ignore", DeprecationWarning)
            solver = pulp.PULP_CBC_CMD(
                mip=mip,
                msg=False,
                timeLimit=settings.time_limit_s,
                gapRel=settings.gap_rel,
                threads=settings.threads,
                logPath=str(log_path),
                maxNodes=settings.max_nodes if mip else None,
            )
        started = time.perf_counter()
        prob.solve(solver)
        seconds = time.perf_counter() - started
        text = log_path.read_text() if log_path.exists() else ""
    return seconds, text


def _status(prob: pulp.LpProblem) -> Status:
    if prob.status == pulp.LpStatusInfeasible:
        return "infeasible"
    if prob.sol_status == pulp.LpSolutionOptimal:
        return "optimal"
    if prob.sol_status in (pulp.LpSolutionIntegerFeasible,):
        return "feasible"
    return "not_solved"


def _lp_bound(inp: CapacityPlanInput, cols: _Columns, settings: MilpSettings) -> float:
    relaxed, _ = _build(inp, cols, relax=True)
    _solve(relaxed, settings, mip=False)
    return float(pulp.value(relaxed.objective) or 0.0)


def lp_relaxation_bound(inp: CapacityPlanInput, settings: MilpSettings | None = None) -> float:
    """Optimum of the LP relaxation (hires and class switches continuous), as a total plan
    cost: a lower bound no hiring plan can beat."""
    validate_plan_input(inp)
    cols = _columns(inp)
    return _lp_bound(inp, cols, settings or MilpSettings()) + cols.constant


def _bound(
    inp: CapacityPlanInput,
    cols: _Columns,
    settings: MilpSettings,
    status: Status,
    objective: float,
    log: str,
) -> tuple[float, str]:
    found = _BOUND_RE.findall(log)
    if found:
        return float(found[-1]), "cbc_log"
    if status == "optimal" and not settings.gap_rel:
        return objective, "proven_optimal"
    return _lp_bound(inp, cols, settings), "lp_relaxation"


def optimise_plan(inp: CapacityPlanInput, settings: MilpSettings | None = None) -> CapacityPlan:
    """Optimisation mode: the cheapest classes (weeks, sizes per contract) for ``inp``.

    ``settings.time_limit_s`` covers building the model and CBC's search; ``report.seconds``
    is the whole call until the solution is read back."""
    settings = settings or MilpSettings()
    validate_plan_input(inp)
    if not math.isfinite(settings.time_limit_s) or settings.time_limit_s <= 0:
        problem = Problem(None, "time_limit_s", "out_of_range", "time_limit_s must be > 0")
        raise InputError([problem])
    started = time.perf_counter()
    cols = _columns(inp)
    prob, x = _build(inp, cols, relax=False)
    remaining = max(settings.time_limit_s - (time.perf_counter() - started), 0.1)
    _, log = _solve(prob, dataclasses.replace(settings, time_limit_s=remaining), mip=True)
    seconds = time.perf_counter() - started
    status = _status(prob)
    if status in ("infeasible", "not_solved"):
        report = SolverReport(
            status, math.nan, math.nan, math.nan, seconds, "none", "cbc", settings.time_limit_s
        )
        return CapacityPlan((), project_plan(inp, ()), report)
    classes = merge_classes(
        [HireClass(w, c, round(var.value() or 0.0)) for (c, w), var in x.items()]
    )
    projection = project_plan(inp, classes)
    objective = projection.cost.total - cols.constant
    bound, source = _bound(inp, cols, settings, status, objective, log)
    bound = min(bound, objective)
    gap = (objective - bound) / max(abs(objective), 1e-9) if objective else 0.0
    report = SolverReport(
        status=status,
        objective=objective + cols.constant,
        bound=bound + cols.constant,
        gap=max(gap, 0.0),
        seconds=seconds,
        bound_source=source,
        solver="cbc",
        time_limit_s=settings.time_limit_s,
    )
    return CapacityPlan(classes, projection, report)
