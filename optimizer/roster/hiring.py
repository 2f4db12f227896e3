"""Hiring scenarios on the roster model: vacancies, hires by contract, minimum head count.

A :class:`Vacancy` is a group of up to ``max_hires`` optional agents of one contract and one
availability pattern, each costing ``hiring_cost`` when filled. The hiring model is the
roster engine's aggregate model (:func:`optimizer.roster.build.build_aggregate`: shift-type
counts per agent class with exact break and lunch offsets) plus the vacancy family
(:mod:`optimizer.roster.constraints.vacancies`): one integer ``hires`` per vacancy group that
bounds the group's shifts, days and paid minutes as if ``hires`` people of the contract worked.

* :func:`minimum_hires`: fewest hires (or cheapest) such that a coverage target holds as a hard
  constraint: under-coverage at most ``max_under_agent_hours``, and/or predicted Erlang C
  service level at least ``service_level`` in every interval with calls. The aggregate model is
  a relaxation of real rosters, so CP-SAT's bound proves that no smaller number of hires can
  reach the target; when time runs out the gap is reported.
* :func:`optimal_hires`: hires minimising roster cost plus hiring cost.
* :func:`marginal_hires`: what one more hire of each group would still gain.
* :func:`hiring_scenario`: the plan (optimised or given counts), the base roster and the
  roster the hires make possible (:func:`solve_roster` with the hires as regular agents), and
  coverage / predicted SL gained per hire.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
from ortools.sat.python import cp_model

from optimizer.errors import InputError, Problem
from optimizer.roster import cpsat
from optimizer.roster.attrition import DayLoss, compare_coverage, week_service_level
from optimizer.roster.attrition import predicted_service_level as _sl_matrix
from optimizer.roster.backend import BIG, Backend, CpBackend, LpBackend, Terms
from optimizer.roster.build import SCALE, AggregateModel, build_aggregate
from optimizer.roster.constraints.vacancies import add_vacancies
from optimizer.roster.explain import explain_agents
from optimizer.roster.lns import DayNeighbourhoods, restricted_days
from optimizer.roster.problem import Agent, RosterProblem, Window
from optimizer.roster.shifts import AgentClass, ShiftType, agent_classes, enumerate_shift_types
from optimizer.roster.solve import RosterResult, SolveOptions, solve_roster

__all__ = [
    "HeadcountTarget",
    "HireCount",
    "HiringOptions",
    "HiringOutcome",
    "HiringPlan",
    "HiringReport",
    "MarginalHire",
    "Vacancy",
    "best_under_agent_intervals",
    "daily_window",
    "hired_problem",
    "hiring_scenario",
    "marginal_hires",
    "minimum_hires",
    "optimal_hires",
    "sl_staffing",
    "vacancy_agents",
]

DEFAULT_SOLVE = SolveOptions()
EXACT_MAX_AGENTS = 60
Objective = Literal["count", "cost", "roster_cost", "under"]


@dataclass(frozen=True, slots=True)
class Vacancy:
    """Up to ``max_hires`` positions on ``contract``; ``availability[d]`` per day or ``None``
    for the opening hours of every open day; ``label`` names the group (default: contract)."""

    contract: str
    max_hires: int
    hiring_cost: float = 0.0
    availability: tuple[Window | None, ...] | None = None
    label: str = ""

    @property
    def name(self) -> str:
        return self.label or self.contract


@dataclass(frozen=True, slots=True)
class HeadcountTarget:
    """Coverage target: under-coverage at most ``max_under_agent_hours`` and/or predicted SL at
    least ``service_level`` (answered within the instance's threshold) in every interval."""

    max_under_agent_hours: float | None = None
    service_level: float | None = None


@dataclass(frozen=True, slots=True)
class HiringOptions:
    """CP-SAT time limit (seconds), workers, seed; ``minimize`` hires by count or by cost.

    ``strategy`` of :func:`minimum_hires` (count only): ``exact`` minimises the hires in one
    CP-SAT model; ``guided`` takes the LP bound ``L`` and tries ``ceil(L)``, ``ceil(L) + 1``, ...
    hires (split as in the LP) with the hires fixed, each searched around the LP solution then
    by day neighbourhoods, so the first count that reaches the target is proven minimal when it
    equals ``ceil(L)``; ``auto`` is ``exact`` for small models (at most ``EXACT_MAX_AGENTS``
    agents and vacancies), else ``guided``.
    """

    time_limit_s: float = 30.0
    workers: int = 2
    seed: int = 0
    minimize: Literal["count", "cost"] = "count"
    strategy: Literal["auto", "exact", "guided"] = "auto"


@dataclass(frozen=True, slots=True)
class HireCount:
    """Hires chosen in one vacancy group."""

    vacancy: str
    contract: str
    hires: int
    max_hires: int
    hiring_cost: float


@dataclass(frozen=True, slots=True)
class HiringReport:
    """Solver figures of the hiring model in its objective's units (hires, or cost).

    ``best_bound`` is CP-SAT's proven lower bound (rounded up for integer hire counts);
    ``gap = (objective - best_bound) / objective`` (0 when both are 0); ``lp_bound`` is the LP
    relaxation (GLOP) of the same model.
    """

    status: str
    objective: float
    best_bound: float
    gap: float
    seconds: float
    lp_bound: float


@dataclass(frozen=True, slots=True)
class HiringPlan:
    """Hires per vacancy group, the solver report, and the aggregate coverage they give.

    ``coverage[d][t]`` is agents on the phone in the aggregate solution; ``under_agent_intervals``
    its under-coverage; ``week_service_level`` the call-weighted predicted SL (or ``None``).
    """

    hires: tuple[HireCount, ...]
    report: HiringReport
    under_agent_intervals: int
    coverage: tuple[tuple[int, ...], ...]
    week_service_level: float | None

    @property
    def total_hires(self) -> int:
        return sum(h.hires for h in self.hires)

    @property
    def hiring_cost(self) -> float:
        return sum(h.hires * h.hiring_cost for h in self.hires)

    def by_contract(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for h in self.hires:
            out[h.contract] = out.get(h.contract, 0) + h.hires
        return out


def daily_window(
    problem: RosterProblem, start_min: int, end_min: int, days: Sequence[int] | None = None
) -> tuple[Window | None, ...]:
    """Availability ``[start, end)`` on ``days`` (default: all), clipped to the opening hours."""
    wanted = set(range(problem.days) if days is None else days)
    out: list[Window | None] = []
    for d, opening in enumerate(problem.opening_hours):
        lo, hi = (max(start_min, opening[0]), min(end_min, opening[1])) if opening else (0, 0)
        out.append((lo, hi) if d in wanted and hi > lo else None)
    return tuple(out)


def _validate(problem: RosterProblem, vacancies: Sequence[Vacancy]) -> None:
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


def _check_vacancy_weeks(
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


class _Recording:
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
class _HireModel:
    m: AggregateModel
    recording: _Recording
    hires: dict[int, Any]  # vacancy position -> hires variable
    excess: Any = None  # under-coverage above the target (penalised so that it is 0 if it can be)


def _classes(
    problem: RosterProblem, vacancies: Sequence[Vacancy], types: list[ShiftType]
) -> tuple[list[AgentClass], dict[int, int]]:
    excluded = {e.agent for e in explain_agents(problem, types)}
    base = agent_classes(problem, tuple(a for a in problem.agents if a.id not in excluded))
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


def _build(problem: RosterProblem, vacancies: Sequence[Vacancy], backend: Backend) -> _HireModel:
    types = enumerate_shift_types(problem)
    classes, position = _classes(problem, vacancies, types)
    recording = _Recording(backend)
    m = build_aggregate(problem, recording, types, classes)
    by_class = add_vacancies(m, [c for c in classes if c.index in position])
    return _HireModel(m, recording, {position[c]: var for c, var in by_class.items()})


def _add_target(hm: _HireModel, target: HeadcountTarget) -> None:
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


def _objective(hm: _HireModel, vacancies: Sequence[Vacancy], objective: Objective) -> Terms:
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


def _fix_hires(hm: _HireModel, fixed: Mapping[int, int] | None) -> None:
    for i, var in hm.hires.items():
        if fixed is not None and i in fixed:
            hm.m.backend.add_linear([(var, 1)], fixed[i], fixed[i], f"fixed_hires[{i}]")


@dataclass(frozen=True, slots=True)
class _Spec:
    objective: Objective
    target: HeadcountTarget | None = None
    fixed: Mapping[int, int] | None = None


def _model(
    problem: RosterProblem, vacancies: Sequence[Vacancy], spec: _Spec, backend: Backend
) -> tuple[_HireModel, Terms]:
    hm = _build(problem, vacancies, backend)
    if spec.target is not None:
        _add_target(hm, spec.target)
    _fix_hires(hm, spec.fixed)
    terms = _objective(hm, vacancies, spec.objective)
    backend.minimize(terms)
    return hm, terms


def _scale(objective: Objective) -> float:
    return 1.0 if objective in ("count", "under") else float(SCALE)


def _lp_bound(
    problem: RosterProblem, vacancies: Sequence[Vacancy], spec: _Spec
) -> tuple[float, dict[str, float]]:
    """LP relaxation optimum (objective units) and its variable values by name."""
    backend = LpBackend()
    _model(problem, vacancies, spec, backend)
    status = backend.solver.Solve()
    if status != backend.solver.OPTIMAL:
        return math.inf, {}
    values = {v.name(): v.solution_value() for v in backend.solver.variables()}
    return float(backend.solver.Objective().Value()) / _scale(spec.objective), values


def _run(model: cp_model.CpModel, options: HiringOptions) -> tuple[cp_model.CpSolver, str]:
    solver = cpsat.run(model, options.time_limit_s, workers=options.workers, seed=options.seed)
    return solver, cpsat.status(solver)


def _report(
    solver: cp_model.CpSolver,
    hm: _HireModel,
    status: str,
    spec: _Spec,
    lp_bound: float,
    seconds: float,
) -> HiringReport:
    """Figures in hires (or cost); a solution whose excess is positive misses the target:
    ``INFEASIBLE`` when proven optimal (no hires can reach it), else ``TARGET_NOT_REACHED``."""
    scale = _scale(spec.objective)
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


def _staffed(hm: _HireModel, solver: cp_model.CpSolver) -> tuple[tuple[int, ...], ...]:
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


def _solve(
    problem: RosterProblem, vacancies: Sequence[Vacancy], spec: _Spec, options: HiringOptions
) -> HiringPlan:
    start = time.monotonic()
    _validate(problem, vacancies)
    _check_vacancy_weeks(problem, vacancies, enumerate_shift_types(problem))
    lp_bound, lp_values = _lp_bound(problem, vacancies, spec)
    backend = CpBackend()
    hm, _ = _model(problem, vacancies, spec, backend)
    size = len(problem.agents) + sum(v.max_hires for v in vacancies)
    if size > EXACT_MAX_AGENTS and lp_values:
        solver, status, restricted = _solve_near_lp(hm, backend, lp_values, options)
    else:
        cpsat.hint_near(backend.model, backend.variables, lp_values)
        (solver, status), restricted = _run(backend.model, options), False
    report = _report(solver, hm, status, spec, lp_bound, time.monotonic() - start)
    if report.status not in ("OPTIMAL", "FEASIBLE"):
        return HiringPlan(_counts(vacancies, {}), report, -1, (), None)
    if restricted:
        report = _lp_certified(report, spec)
    counts = {i: int(solver.value(var)) for i, var in hm.hires.items()}
    coverage = _staffed(hm, solver)
    under = sum(int(solver.value(u)) for u in hm.m.under.values())
    return HiringPlan(
        _counts(vacancies, counts),
        report,
        under,
        coverage,
        week_service_level(problem, coverage),
    )


def _solve_near_lp(
    hm: _HireModel, backend: CpBackend, lp_values: Mapping[str, float], options: HiringOptions
) -> tuple[cp_model.CpSolver, str, bool]:
    """Large models: search the LP neighbourhood first (60 % of the time), everywhere if it
    holds no solution. A neighbourhood solution is never reported as proven (``FEASIBLE``)."""
    domains = _restrict_to_lp(hm, backend, lp_values)
    solver, status = _run(backend.model, replace(options, time_limit_s=0.6 * options.time_limit_s))
    if status in ("OPTIMAL", "FEASIBLE"):
        return solver, "FEASIBLE", True
    cpsat.restore_domains(backend.model, backend.variables, domains)
    solver, status = _run(backend.model, replace(options, time_limit_s=0.4 * options.time_limit_s))
    return solver, status, False


def _lp_certified(report: HiringReport, spec: _Spec) -> HiringReport:
    """The bound of a neighbourhood search is the LP bound (rounded up for counts)."""
    bound = report.lp_bound
    if spec.objective in ("count", "under"):
        bound = float(math.ceil(bound - 1e-6))
    bound = min(report.objective, bound)
    gap = (report.objective - bound) / report.objective if report.objective > 0 else 0.0
    return replace(report, best_bound=bound, gap=gap)


def _counts(vacancies: Sequence[Vacancy], counts: Mapping[int, int]) -> tuple[HireCount, ...]:
    return tuple(
        HireCount(v.name, v.contract, counts.get(i, 0), v.max_hires, v.hiring_cost)
        for i, v in enumerate(vacancies)
    )


def minimum_hires(
    problem: RosterProblem,
    vacancies: Sequence[Vacancy],
    target: HeadcountTarget,
    options: HiringOptions = HiringOptions(),
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
    spec = _Spec(options.minimize, target)
    size = len(problem.agents) + sum(v.max_hires for v in vacancies)
    exact = options.strategy == "exact" or (options.strategy == "auto" and size <= EXACT_MAX_AGENTS)
    if exact or options.minimize == "cost":
        return _solve(problem, vacancies, spec, options)
    return _guided_minimum(problem, vacancies, target, options)


def optimal_hires(
    problem: RosterProblem,
    vacancies: Sequence[Vacancy],
    options: HiringOptions = HiringOptions(),
) -> HiringPlan:
    """Hires minimising the instance's roster cost plus the hiring costs."""
    return _solve(problem, vacancies, _Spec("roster_cost"), options)


def best_under_agent_intervals(
    problem: RosterProblem, options: HiringOptions = HiringOptions()
) -> HiringPlan:
    """The aggregate model's least under-coverage with the problem's own agents (no hires)."""
    return _solve(problem, (), _Spec("under"), options)


@dataclass(frozen=True, slots=True)
class MarginalHire:
    """What one more hire in ``vacancy`` gains over the plan (aggregate optimum, both solved
    with the same options): roster cost saved, under agent-hours saved, SL points gained."""

    vacancy: str
    contract: str
    cost_saved: float
    under_agent_hours_saved: float
    service_level_gain: float | None
    proven: bool


def _fixed_optimum(
    problem: RosterProblem,
    vacancies: Sequence[Vacancy],
    fixed: dict[int, int],
    options: HiringOptions,
) -> HiringPlan:
    free = [replace(v, hiring_cost=0.0) for v in vacancies]
    return _solve(problem, free, _Spec("roster_cost", fixed=fixed), options)


def marginal_hires(
    problem: RosterProblem,
    vacancies: Sequence[Vacancy],
    plan: HiringPlan,
    options: HiringOptions = HiringOptions(),
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


def hired_problem(
    problem: RosterProblem, vacancies: Sequence[Vacancy], counts: Mapping[str, int]
) -> RosterProblem:
    """The problem with ``counts[vacancy name]`` hires per group added as regular agents."""
    _validate(problem, vacancies)
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


def _given_plan(vacancies: Sequence[Vacancy], counts: Mapping[str, int]) -> HiringPlan:
    by_pos = {i: counts.get(v.name, 0) for i, v in enumerate(vacancies)}
    report = HiringReport("GIVEN", float(sum(by_pos.values())), math.nan, math.nan, 0.0, math.nan)
    return HiringPlan(_counts(vacancies, by_pos), report, -1, (), None)


def hiring_scenario(
    problem: RosterProblem,
    vacancies: Sequence[Vacancy],
    *,
    counts: Mapping[str, int] | None = None,
    target: HeadcountTarget | None = None,
    options: HiringOptions = HiringOptions(),
    solve_options: SolveOptions = DEFAULT_SOLVE,
    base: RosterResult | None = None,
    with_marginal: bool = True,
) -> HiringOutcome:
    """Hire ``counts`` per vacancy name ("what if we hire 10 part-timers"), or the minimum for
    ``target``, or the cost-optimal hires; roster them and compare with the base roster."""
    if counts is not None:
        plan = _given_plan(vacancies, counts)
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


def _restrict_to_lp(
    hm: _HireModel, backend: CpBackend, lp_values: Mapping[str, float]
) -> list[list[int]]:
    """Hint the LP solution and keep shift/activity counts at its floor..ceil (the roster
    engine's LP neighbourhood); returns the original domains."""
    domains = cpsat.save_domains(backend.model, backend.variables)
    restricted = {var.index for var, _ in hm.m.count_vars()}
    cpsat.hint_near(backend.model, backend.variables, lp_values, restricted)
    return domains


def _run_for(model: cp_model.CpModel, options: HiringOptions, seconds: float) -> cp_model.CpSolver:
    return _run(model, replace(options, time_limit_s=seconds))[0]


def _meets(hm: _HireModel, solver: cp_model.CpSolver) -> bool:
    ok = solver.response_proto.status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return ok and (hm.excess is None or solver.value(hm.excess) == 0)


def _reach(
    problem: RosterProblem,
    vacancies: Sequence[Vacancy],
    spec: _Spec,
    options: HiringOptions,
    seconds: float,
) -> tuple[_HireModel, cp_model.CpSolver] | None:
    """A solution with the hires of ``spec.fixed`` meeting the target, if one is found."""
    deadline = time.monotonic() + seconds
    _, lp_values = _lp_bound(problem, vacancies, spec)
    if not lp_values:
        return None  # even the relaxation cannot reach the target with these hires
    backend = CpBackend()
    hm, _ = _model(problem, vacancies, spec, backend)
    domains = _restrict_to_lp(hm, backend, lp_values)
    solver = _run_for(backend.model, options, 0.4 * seconds)
    if solver.response_proto.status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        cpsat.restore_domains(backend.model, backend.variables, domains)
        solver = _run_for(backend.model, options, 0.3 * seconds)
    if _meets(hm, solver) or solver.response_proto.status not in (
        cp_model.OPTIMAL,
        cp_model.FEASIBLE,
    ):
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


def _guided_minimum(
    problem: RosterProblem,
    vacancies: Sequence[Vacancy],
    target: HeadcountTarget,
    options: HiringOptions,
) -> HiringPlan:
    start = time.monotonic()
    deadline = start + options.time_limit_s
    _validate(problem, vacancies)
    _check_vacancy_weeks(problem, vacancies, enumerate_shift_types(problem))
    spec = _Spec("count", target)
    lp_bound, lp_values = _lp_bound(problem, vacancies, spec)
    first = math.ceil(lp_bound - 1e-6)
    lp_hires = {i: lp_values.get(f"hires[{c}]", 0.0) for c, i in _positions(problem, vacancies)}
    top = sum(v.max_hires for v in vacancies)
    best: tuple[int, tuple[_HireModel, cp_model.CpSolver]] | None = None
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
    return HiringPlan(_counts(vacancies, {}), report, -1, (), None)


def _probe_order(first: int, top: int) -> list[int]:
    """``first + 1`` before ``first`` (one hire above the bound is usually reachable and
    already certifies a small gap), then upwards."""
    if first + 1 > top:
        return [first] if first <= top else []
    return [first + 1, first, *range(first + 2, top + 1)]


def _positions(problem: RosterProblem, vacancies: Sequence[Vacancy]) -> list[tuple[int, int]]:
    """(class index, vacancy position) as :func:`_classes` numbers the vacancy classes."""
    types = enumerate_shift_types(problem)
    _, position = _classes(problem, vacancies, types)
    return list(position.items())


def _guided_plan(
    problem: RosterProblem,
    vacancies: Sequence[Vacancy],
    found: tuple[_HireModel, cp_model.CpSolver],
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
    counts = {i: int(solver.value(var)) for i, var in hm.hires.items()}
    coverage = _staffed(hm, solver)
    under = sum(int(solver.value(u)) for u in hm.m.under.values())
    return HiringPlan(
        _counts(vacancies, counts), report, under, coverage, week_service_level(problem, coverage)
    )
