"""Solve a roster problem: aggregate CP-SAT, assignment to named agents, activity repair.

1. Agents with no individually valid week are explained and left off (:mod:`explain`).
2. The LP relaxation of the aggregate model (GLOP) gives ``lp_bound`` and a rounded hint.
3. CP-SAT solves the aggregate model (shift-type counts per agent class with exact break and
   lunch offsets) within most of the time limit; its best bound certifies the gap.
   The LNS (:mod:`lns`) adapts its neighbourhood radius; at 70 % of its time a checkpoint
   assigns the incumbent to named agents and freezes every class whose assignment deviated at
   the counts it really got (the aggregate is repaired around them). An incumbent at the LP
   bound is optimal: the search stops there.
4. Each class's counts go to its named agents (:mod:`assign`), all per-agent rules exact.
5. If an assignment had to deviate from the counts, breaks and lunches are re-placed for the
   final shifts and the agent-level polish repairs coverage; if the checkpoint's exactly
   assigned roster is still cheaper, it is returned instead.
6. The last :data:`LOCAL_SHARE` of the time limit anneals the named roster one agent at a time
   (:mod:`local_search`: exact per-agent rules, heat-bath moves, then descent), unless the
   roster's cost already equals the LP bound. The roster is
   checked by the independent :func:`check_roster`.

Progress events say what their figure is: ``estimate=True`` for the aggregate model's
objective (what the named agents may not reach), ``estimate=False`` for the cost of a named,
valid roster. The returned roster is the cheapest valid named roster seen (:mod:`named`), so it
never costs more than a non-estimate event reported; one that still breaks a rule is
reported ``INVALID``. Days no roster can cover are named in ``RosterResult.warnings``
(:mod:`diagnose`).
"""

from __future__ import annotations

import dataclasses
import math
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ortools.sat.python import cp_model

from optimizer.errors import InputError
from optimizer.roster.assign import assign_class
from optimizer.roster.backend import CpBackend
from optimizer.roster.bound import lp_solution
from optimizer.roster.build import SCALE, AggregateModel, build_aggregate
from optimizer.roster.check import Violation, check_roster
from optimizer.roster.compose import ActivityCounts, compose_shifts
from optimizer.roster.constraints.availability import class_shift_types
from optimizer.roster.constraints.service_level import require_demand
from optimizer.roster.diagnose import ShortfallWarning, structural_shortfalls
from optimizer.roster.evaluate import (
    RosterKpis,
    ServiceLevelKpis,
    evaluate_roster,
    evaluate_service_level,
    staffed_matrix,
)
from optimizer.roster.explain import Explanation, explain_agents
from optimizer.roster.greedy import greedy_assign
from optimizer.roster.lns import DayNeighbourhoods, restricted_days
from optimizer.roster.local_search import LocalSearchOptions, local_search
from optimizer.roster.named import BestNamed
from optimizer.roster.polish import Incumbent, PolishOptions, polish_roster
from optimizer.roster.problem import Agent, Roster, RosterProblem
from optimizer.roster.shifts import AgentClass, ShiftType, agent_classes, enumerate_shift_types

__all__ = [
    "RosterResult",
    "SolveOptions",
    "SolverProgress",
    "SolverReport",
    "solve_roster",
]


@dataclass(frozen=True, slots=True)
class SolveOptions:
    """Time limit (seconds, whole solve), CP-SAT workers, seed and objective (``deviation``:
    the instance cost; ``service_level``: :mod:`optimizer.roster.constraints.service_level`)."""

    time_limit_s: float = 60
    workers: int = 2
    seed: int = 0
    objective: Literal["deviation", "service_level"] = "deviation"


@dataclass(frozen=True, slots=True)
class SolverProgress:
    """An improving solution: objective and LP bound in cost units.

    ``estimate``: true when ``objective`` is the aggregate model's (an estimate: its counts
    may not decompose into named agents' weeks), false when it is the cost of a valid named
    roster (the final roster costs at most that much).
    """

    objective: float
    bound: float
    gap: float
    seconds: float
    estimate: bool = True


@dataclass(frozen=True, slots=True)
class SolverReport:
    """Status and certified figures of the final roster.

    ``objective`` is the cost of the returned roster (with ``objective="service_level"``: its
    service-level objective, :class:`ServiceLevelKpis`); ``best_bound`` the best proven lower
    bound of that objective, the LP relaxation of the aggregate model (``lp_bound``; the
    CP-SAT search runs in neighbourhoods of the LP and of its incumbent, so its own bound
    certifies nothing);
    ``gap = (objective - best_bound) / objective``. ``status`` is ``OPTIMAL`` only when the
    roster's cost meets the bound (gap 0, proven), else ``FEASIBLE``, and ``INVALID`` whenever
    ``check_roster`` finds violations (``solver_status`` then keeps the OPTIMAL / FEASIBLE the
    figures alone would give); ``aggregate_status`` is
    the CP-SAT status of the last aggregate search (``OPTIMAL`` there means optimal within its
    neighbourhood, not for the problem); ``assignment_deviation`` the number of agent classes
    whose named assignment had to deviate from the aggregate counts.
    """

    status: str
    objective: float
    best_bound: float
    gap: float
    seconds: float
    lp_bound: float
    aggregate_objective: float
    assignment_deviation: int
    stopped_early: bool
    aggregate_status: str = ""
    local_search_gain: float = 0.0
    solver_status: str = ""


@dataclass(frozen=True, slots=True)
class RosterResult:
    """Roster, coverage (staffed per day x interval), unmet demand, KPIs and report;
    ``service_level``: predicted SL and the service-level objective (with demand data)."""

    roster: Roster
    coverage: tuple[tuple[int, ...], ...]
    unmet: tuple[tuple[int, ...], ...]
    kpis: RosterKpis
    report: SolverReport
    explanations: tuple[Explanation, ...]
    violations: tuple[Violation, ...]
    service_level: ServiceLevelKpis | None = None
    warnings: tuple[ShortfallWarning, ...] = ()


class _Progress(cp_model.CpSolverSolutionCallback):
    def __init__(
        self,
        start: float,
        on_progress: Callable[[SolverProgress], None] | None,
        should_stop: Callable[[], bool] | None,
    ) -> None:
        super().__init__()
        self._start = start
        self._on_progress = on_progress
        self._should_stop = should_stop
        self.lp_bound = 0.0
        self.named: BestNamed | None = None  # named rosters seen (set by solve_roster)

    def named_roster(self, cost: float) -> None:
        """Report a valid named roster of ``cost`` (not an estimate)."""
        if self._on_progress is not None:
            bound = self.lp_bound
            gap = max(0.0, (cost - bound) / cost) if cost > 0 else 0.0
            seconds = time.monotonic() - self._start
            self._on_progress(SolverProgress(cost, bound, gap, seconds, estimate=False))

    def on_solution_callback(self) -> None:
        if self._on_progress is not None:
            obj = self.objective_value / SCALE
            bound = self.lp_bound
            gap = (obj - bound) / obj if obj > 0 else 0.0
            self._on_progress(SolverProgress(obj, bound, gap, time.monotonic() - self._start))
        if self._should_stop is not None and self._should_stop():
            self.stop_search()


def _watch(
    solver: cp_model.CpSolver, should_stop: Callable[[], bool], done: threading.Event
) -> None:
    while not done.wait(0.2):
        if should_stop():
            solver.stop_search()
            return


def _run(
    model: cp_model.CpModel,
    options: SolveOptions,
    time_limit_s: float,
    callback: _Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.5, time_limit_s)
    solver.parameters.num_workers = max(1, options.workers)
    solver.parameters.random_seed = options.seed
    solver.parameters.linearization_level = 2
    done = threading.Event()
    watcher = None
    if should_stop is not None:
        watcher = threading.Thread(target=_watch, args=(solver, should_stop, done), daemon=True)
        watcher.start()
    try:
        solver.solve(model, callback)
    finally:
        done.set()
        if watcher is not None:
            watcher.join()
    return solver


Shifts = dict[str, dict[int, ShiftType]]
RADIUS = 0
AGGREGATE_SHARE = 0.92  # of the time limit; the rest: assignment (and polish if it deviated)
FIRST_SHARE = 0.25  # of the aggregate share: the LP rounding neighbourhood
LNS_RADIUS = 4  # counts of a freed day move within 4 of the incumbent (M-1: 4 beat 2 and 7)
CHECKPOINT_SHARE = 0.7  # of the LNS time: assign to agents, freeze classes that deviate
LOCAL_SHARE = 0.2  # of the time limit, last: agent-level local search on the named roster
LOCAL_MAX_S = 30.0  # at most (L-1, 600 s: the aggregate needs the time more)
RESTRICTED = ("x[", "brk_", "lun_")


def backend_vars(m: AggregateModel) -> list[cp_model.IntVar]:
    """The CP-SAT variables of an aggregate model built on :class:`CpBackend`."""
    return m.backend.variables if isinstance(m.backend, CpBackend) else []


def _status(solver: cp_model.CpSolver) -> str:
    return str(solver.status_name(solver.response_proto.status))


def _hint(
    backend: CpBackend,
    lp_values: dict[str, float],
    radius: int | None,
    free: frozenset[str] = frozenset(),
) -> None:
    """Hint the rounded LP solution; with ``radius``, keep counts within it of the LP.

    Variables named in ``free`` (single-agent classes) keep their domain; activity counts may
    reach 1 even where the LP has none, so that such an agent can take any shift.
    """
    for var in backend.variables:
        value = lp_values.get(var.name)
        if value is None:
            continue
        backend.model.add_hint(var, round(value))
        if radius is None or not var.name.startswith(RESTRICTED) or var.name in free:
            continue
        domain = backend.model.proto.variables[var.index].domain
        lo, hi = domain[0], domain[len(domain) - 1]
        top = math.ceil(value - 1e-6) + radius
        if free and not var.name.startswith("x["):
            top = max(top, 1)
        domain.clear()
        domain.extend([max(lo, math.floor(value + 1e-6) - radius), min(hi, top)])


def _restore(backend: CpBackend, domains: list[list[int]]) -> None:
    for var, dom in zip(backend.variables, domains, strict=True):
        target = backend.model.proto.variables[var.index].domain
        target.clear()
        target.extend(dom)


def _activity_counts(m: AggregateModel, solver: cp_model.CpSolver) -> dict[int, ActivityCounts]:
    def read(group: dict[int, Any]) -> dict[int, int]:
        return {o: int(solver.value(v)) for o, v in group.items()}

    return {
        k: (
            read(av.break_before),
            read(av.lunch_before),
            read(av.break_after),
            read(av.lunch_after),
        )
        for k, av in m.acts.items()
    }


def _class_counts(
    m: AggregateModel, solver: cp_model.CpSolver, cls: AgentClass
) -> dict[ShiftType, int]:
    return {m.types[k]: int(solver.value(v)) for (c, k), v in m.x.items() if c == cls.index}


def _assign_all(
    problem: RosterProblem,
    m: AggregateModel,
    solver: cp_model.CpSolver,
    options: SolveOptions,
    classes: list[AgentClass],
    deadline: float,
    known: Mapping[int, Shifts] | None = None,
) -> tuple[Shifts, list[int]]:
    """Assign every class; a class whose counts cannot be assigned may use any of its types.

    ``known``: classes whose counts were frozen to an earlier assignment keep it. Returns the
    shifts and the classes whose assignment deviated from their counts.
    """
    shifts: Shifts = {}
    deviating = []
    remaining = list(classes)
    while remaining:
        cls = remaining.pop(0)
        if known is not None and cls.index in known:
            shifts.update(known[cls.index])
            continue
        budget = max(1.0, (deadline - time.monotonic()) / (len(remaining) + 1))
        counts = _class_counts(m, solver, cls)
        quick = greedy_assign(problem, cls, counts)
        if quick is not None:
            shifts.update(quick)
            continue
        result = assign_class(
            problem,
            cls,
            counts,
            extra_types=class_shift_types(m.types, cls),
            time_limit_s=budget,
            workers=options.workers,
            seed=options.seed,
        )
        shifts.update(result.shifts)
        if result.deviation:
            deviating.append(cls.index)
    return shifts, deviating


def _replace_activities(
    problem: RosterProblem,
    types: list[ShiftType],
    shifts: dict[str, dict[int, ShiftType]],
    options: SolveOptions,
    time_limit_s: float,
    hints: dict[str, float],
    previous: dict[int, int],
) -> dict[int, ActivityCounts]:
    """Best break/lunch offsets for fixed shifts (after an assignment deviated).

    Shift types whose count did not change keep their aggregate activity counts; only the
    activities of changed types move.
    """
    fixed: dict[int, int] = {}
    for days in shifts.values():
        for st in days.values():
            fixed[st.index] = fixed.get(st.index, 0) + 1
    backend = CpBackend()
    m = build_aggregate(
        problem, backend, types, [], fixed_type_counts=fixed, objective=options.objective
    )
    _hint(backend, hints, None)
    for k, av in m.acts.items():
        if fixed.get(k, 0) != previous.get(k, 0):
            continue
        for group in (av.break_before, av.lunch_before, av.break_after, av.lunch_after):
            for var in group.values():
                value = round(hints.get(var.name, 0))
                backend.model.add_linear_constraint(var, value, value)
    solver = _run(backend.model, options, max(5.0, time_limit_s))
    if _status(solver) not in ("OPTIMAL", "FEASIBLE"):
        raise RuntimeError("activity placement failed for fixed shifts")
    return _activity_counts(m, solver)


def _report(
    status: str,
    cost: float,
    bounds: tuple[float, float],
    extra: tuple[int, bool, float],
    seconds: float,
    valid: bool = True,
) -> SolverReport:
    lp_bound, aggregate_obj = bounds
    best = lp_bound
    gap = max(0.0, (cost - best) / cost) if cost > 0 else 0.0
    final = "OPTIMAL" if gap <= 1e-9 else "FEASIBLE"
    deviation, stopped, gain = extra
    return SolverReport(
        final if valid else "INVALID", cost, best, gap, seconds, lp_bound, aggregate_obj,
        deviation, stopped, status, gain, final,
    )  # fmt: skip


def _aggregate(
    problem: RosterProblem,
    classes: list[AgentClass],
    types: list[ShiftType],
    options: SolveOptions,
    time_limit_s: float,
    progress: _Progress,
    should_stop: Callable[[], bool] | None,
) -> tuple[AggregateModel, cp_model.CpSolver, float, _Checkpoint]:
    agents = tuple(a for c in classes for a in c.agents)
    lp_bound, lp_values, _ = lp_solution(problem, agents, options.objective)
    backend = CpBackend()
    m = build_aggregate(problem, backend, types, classes, objective=options.objective)
    domains = [list(backend.model.proto.variables[v.index].domain) for v in backend.variables]
    _hint(backend, lp_values, RADIUS)
    progress.lp_bound = lp_bound
    deadline = time.monotonic() + time_limit_s
    first = FIRST_SHARE * time_limit_s
    solver = _run(backend.model, options, first, progress, should_stop)
    if _status(solver) not in ("OPTIMAL", "FEASIBLE"):
        _restore(backend, domains)  # the LP neighbourhood holds no solution: search everywhere
        solver = _run(backend.model, options, first, progress, should_stop)
    floor = scaled_floor(lp_bound)
    if _status(solver) not in ("OPTIMAL", "FEASIBLE") or (should_stop and should_stop()):
        return m, solver, lp_bound, _Checkpoint({}, None)
    if solver.objective_value <= floor:  # at the LP bound: optimal, nothing left to search
        return m, solver, lp_bound, _Checkpoint({}, None)
    lns = DayNeighbourhoods(backend, restricted_days(m, backend), radius=LNS_RADIUS)
    days = [d for d, o in enumerate(problem.opening_hours) if o is not None]

    def run(limit: float) -> cp_model.CpSolver:
        return _run(backend.model, options, limit, progress, should_stop)

    round_s = _round_s(options.time_limit_s)
    checkpoint = time.monotonic() + CHECKPOINT_SHARE * (deadline - time.monotonic())
    solver = lns.run(solver, run, days, checkpoint, round_s, should_stop, floor=floor)
    check = _Checkpoint({}, None)
    if solver.objective_value <= floor or (should_stop and should_stop()):
        return m, solver, lp_bound, check
    solver, check = _checkpoint(problem, types, m, solver, options, lns, run, days, deadline)
    if progress.named is not None:
        progress.named.offer(check.named)
    solver = lns.run(solver, run, days, deadline, round_s, should_stop, floor=floor)
    return m, solver, lp_bound, check


def scaled_floor(lp_bound: float) -> float:
    """The least integer (scaled) aggregate objective the LP bound allows: an incumbent at or
    below it is optimal (``inf`` bound: no floor)."""
    if not math.isfinite(lp_bound):
        return -math.inf
    return float(math.ceil(lp_bound * SCALE - 1e-6))


def at_bound(cost: float, lp_bound: float) -> bool:
    """True when a roster's ``cost`` equals the LP lower bound (it is optimal)."""
    return math.isfinite(lp_bound) and cost <= lp_bound + 1e-9 * max(1.0, abs(lp_bound))


@dataclass(frozen=True, slots=True)
class _Checkpoint:
    """Assignments of the classes frozen at the checkpoint, and the checkpoint's complete
    named roster (breaks and lunches re-placed where its assignment deviated): a fallback of
    known cost."""

    known: dict[int, Shifts]
    named: Roster | None


def _named(
    problem: RosterProblem,
    types: list[ShiftType],
    m: AggregateModel,
    solver: cp_model.CpSolver,
    shifts: Shifts,
    deviated: bool,
    options: SolveOptions,
    time_limit_s: float,
) -> Incumbent:
    """The named roster of an assignment of ``solver``'s counts: the aggregate's break and
    lunch counts when it was exact, else activities re-placed for the shifts really assigned."""
    if not deviated:
        return Incumbent(shifts, _activity_counts(m, solver))
    hints = {
        v.name: float(solver.value(v))
        for v in backend_vars(m)
        if v.name.startswith(("brk_", "lun_"))
    }
    previous = {k: int(solver.value(v)) for k, v in m.X.items()}
    acts = _replace_activities(problem, types, shifts, options, time_limit_s, hints, previous)
    return Incumbent(shifts, acts)


def _compose(problem: RosterProblem, incumbent: Incumbent) -> Roster:
    return Roster(tuple(compose_shifts(problem, incumbent.shifts, incumbent.acts)))


def _checkpoint(
    problem: RosterProblem,
    types: list[ShiftType],
    m: AggregateModel,
    solver: cp_model.CpSolver,
    options: SolveOptions,
    lns: DayNeighbourhoods,
    run: Callable[[float], cp_model.CpSolver],
    days: list[int],
    deadline: float,
) -> tuple[cp_model.CpSolver, _Checkpoint]:
    """Assign the incumbent to agents; freeze each class whose assignment deviated at the
    counts it really got, and repair the aggregate around them, so that the rest of the
    search accounts for what the named agents can work (the aggregate is a relaxation).

    A repair costlier than the checkpoint's named roster is refused (the classes stay free):
    on L-1 two part-time classes missing 3 shifts of their counts froze an aggregate of
    1187.3 into a repair of 1403.4, while the named roster at hand cost 1249.9 (before polish).

    Returns the (repaired) incumbent and the checkpoint."""
    now = time.monotonic()
    shifts, bad = _assign_all(problem, m, solver, options, m.classes, now + 0.3 * (deadline - now))
    round_s = _round_s(options.time_limit_s)
    named = _compose(
        problem, _named(problem, types, m, solver, shifts, bool(bad), options, round_s)
    )
    if not bad:
        return solver, _Checkpoint({}, named)
    frozen: dict[int, int] = {}
    known: dict[int, Shifts] = {}
    for c in bad:
        members = {a.id for a in m.classes[c].agents}
        known[c] = {aid: by for aid, by in shifts.items() if aid in members}
        counts: dict[int, int] = {}
        for by in known[c].values():
            for st in by.values():
                counts[st.index] = counts.get(st.index, 0) + 1
        for (ci, k), var in m.x.items():
            if ci == c:
                frozen[var.index] = counts.get(k, 0)
    limit = min(4 * round_s, deadline - time.monotonic())
    worst = round(_cost(problem, named, options) * SCALE)
    repaired = lns.repair(solver, run, frozen, days, max(1.0, limit), worst)
    if repaired is None:
        return solver, _Checkpoint({}, named)
    return repaired, _Checkpoint(known, named)


def _round_s(time_limit_s: float) -> float:
    """Seconds per LNS round: 5 s at the 120 s of M-1, between 2 and 10 s."""
    return min(10.0, max(2.0, time_limit_s / 24))


def solve_roster(
    problem: RosterProblem,
    options: SolveOptions = SolveOptions(),
    *,
    on_progress: Callable[[SolverProgress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> RosterResult:
    """Roster of minimum cost within ``options.time_limit_s`` (see module docstring).

    ``objective="service_level"`` needs ``problem.demand`` (else ``InputError`` naming it).
    """
    if options.objective == "service_level":
        require_demand(problem)
    start = time.monotonic()
    deadline = start + options.time_limit_s
    core = deadline - min(LOCAL_MAX_S, LOCAL_SHARE * options.time_limit_s)  # then local search
    types = enumerate_shift_types(problem)
    explanations = explain_agents(problem, types)
    excluded = {e.agent for e in explanations}
    agents = tuple(a for a in problem.agents if a.id not in excluded)
    classes = agent_classes(problem, agents)
    progress = _Progress(start, on_progress, should_stop)
    named = BestNamed(problem, lambda r: _cost(problem, r, options), progress.named_roster)
    progress.named = named  # the checkpoint's named roster is offered when it is built
    share = max(1.0, AGGREGATE_SHARE * (core - time.monotonic()))
    m, solver, lp_bound, check = _aggregate(
        problem, classes, types, options, share, progress, should_stop
    )
    status = _status(solver)
    if status not in ("OPTIMAL", "FEASIBLE"):
        raise RuntimeError(f"aggregate roster model returned {status}")
    shifts, bad = _assign_all(problem, m, solver, options, m.classes, core, check.known)
    deviation = len(bad)
    remaining = max(1.0, core - time.monotonic())
    incumbent = _named(problem, types, m, solver, shifts, bool(bad), options, remaining)
    if deviation:  # the assignment lost some of the aggregate's coverage: repair per agent
        polish = PolishOptions(
            round_s=_round_s(options.time_limit_s),
            workers=options.workers,
            seed=options.seed,
            objective=options.objective,
        )
        incumbent, _ = polish_roster(problem, types, agents, incumbent, core, polish, should_stop)
    named.offer(_compose(problem, incumbent))  # kept unless the checkpoint's is better
    roster = named.roster
    assert roster is not None
    gain = 0.0
    if not at_bound(named.cost, lp_bound):  # else provably optimal
        better, gain = _local(problem, types, agents, roster, deadline, options, should_stop)
        named.offer(better)
        roster = named.roster or roster
    stopped = should_stop is not None and should_stop()
    result = _result(
        problem, roster, explanations, solver, lp_bound, (deviation, stopped, gain), start, options
    )
    warnings = structural_shortfalls(problem, types, agents, result.unmet)
    return dataclasses.replace(result, warnings=tuple(warnings))


def _local(
    problem: RosterProblem,
    types: list[ShiftType],
    agents: tuple[Agent, ...],
    roster: Roster,
    deadline: float,
    options: SolveOptions,
    should_stop: Callable[[], bool] | None,
) -> tuple[Roster, float]:
    """The agent-level local search until ``deadline``; returns the roster and the cost it
    removed. Skipped after a stop request; a result that is not cheaper and valid (the search
    keeps every rule, so this guard is a second line) leaves the roster as it was."""
    if should_stop is not None and should_stop():
        return roster, 0.0
    ls = LocalSearchOptions(seed=options.seed, objective=options.objective)
    better, _ = local_search(problem, types, agents, roster, deadline, ls, should_stop)
    before, after = _cost(problem, roster, options), _cost(problem, better, options)
    if after < before and not check_roster(problem, better):
        return better, before - after
    return roster, 0.0


def preferred(problem: RosterProblem, rosters: Sequence[Roster], options: SolveOptions) -> Roster:
    """The first of the valid rosters (``check_roster``) of least cost; the least costly
    when none is valid."""
    return min(
        rosters, key=lambda r: (len(check_roster(problem, r)) > 0, _cost(problem, r, options))
    )


def _cost(problem: RosterProblem, roster: Roster, options: SolveOptions) -> float:
    if options.objective == "service_level":
        return evaluate_service_level(problem, roster).objective
    return evaluate_roster(problem, roster).cost


def _result(
    problem: RosterProblem,
    roster: Roster,
    explanations: list[Explanation],
    solver: cp_model.CpSolver,
    lp_bound: float,
    extra: tuple[int, bool, float],
    start: float,
    options: SolveOptions,
) -> RosterResult:
    kpis = evaluate_roster(problem, roster)
    service = _service_level(problem, roster, options)
    cost = kpis.cost if service is None or options.objective == "deviation" else service.objective
    staffed = staffed_matrix(problem, roster)
    unmet = [
        tuple(max(0, r - int(s)) for r, s in zip(req, row, strict=True))
        for req, row in zip(problem.requirement, staffed, strict=True)
    ]
    bounds = (lp_bound, solver.objective_value / SCALE)
    violations = tuple(check_roster(problem, roster))
    seconds = time.monotonic() - start
    report = _report(_status(solver), cost, bounds, extra, seconds, valid=not violations)
    return RosterResult(
        roster,
        tuple(tuple(int(v) for v in row) for row in staffed),
        tuple(unmet),
        kpis,
        report,
        tuple(explanations),
        violations,
        service,
    )


def _service_level(
    problem: RosterProblem, roster: Roster, options: SolveOptions
) -> ServiceLevelKpis | None:
    """SL figures when the problem has usable demand data (always for the SL objective)."""
    if options.objective == "service_level":
        return evaluate_service_level(problem, roster)
    try:
        return evaluate_service_level(problem, roster) if problem.demand is not None else None
    except InputError:
        return None
