"""Solve a roster problem: aggregate CP-SAT, assignment to named agents, activity repair.

1. Agents with no individually valid week are explained and left off (:mod:`explain`).
2. The LP relaxation of the aggregate model (GLOP) gives ``lp_bound`` and a rounded hint.
3. CP-SAT solves the aggregate model (shift-type counts per agent class with exact break and
   lunch offsets) within most of the time limit; its best bound certifies the gap.
   The day LNS (rounds solved by SCIP, :mod:`mip_days`; the CP-SAT model holds the incumbent)
   adapts its neighbourhood radius; when its rounds stop improving (at the latest 40 % into
   its time) a checkpoint assigns the incumbent to named agents and splits every class whose
   assignment deviated into one class per member (small part-time classes are split from
   the start, :func:`search_classes`) (else
   freezes the deviating ones at the counts they really got and repairs the aggregate around
   them). An incumbent at the LP bound is optimal: the search stops there. Steps 2-3:
   :mod:`aggregate_search`.
4. Each class's counts go to its named agents (:mod:`named_roster`: :mod:`greedy`, else
   :mod:`assign`), all per-agent rules exact.
5. If an assignment had to deviate from the counts, breaks and lunches are re-placed for the
   final shifts and the agent-level polish repairs coverage; if the checkpoint's exactly
   assigned roster is still cheaper, it is returned instead.
   On a site of at most :data:`SPLIT_AGENTS` agents, column generation over the agents'
   valid weeks runs first (at most :data:`PRICE_SHARE` of the time). When its bound is above
   the LP's (the agents' weeks bind, :func:`_columns`), it replaces the LP's, steps 2-5
   get :data:`AGGREGATE_WITH_PRICE` of the time left before the local search, and the
   integer master over the priced weeks (:mod:`price_branch`) has the rest, keeping only
   rosters cheaper than the best named one.
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
import time
from collections.abc import Callable
from dataclasses import dataclass

from optimizer.errors import InputError
from optimizer.roster import cpsat, named_roster
from optimizer.roster.aggregate_search import (
    AggregateSearch,
    ProgressRelay,
    at_bound,
    loose,
    round_s,
    search_aggregate,
)
from optimizer.roster.bound import lp_solution
from optimizer.roster.check import Violation, check_roster
from optimizer.roster.constraints.service_level import require_demand
from optimizer.roster.diagnose import ShortfallWarning, structural_shortfalls
from optimizer.roster.evaluate import (
    RosterKpis,
    ServiceLevelKpis,
    evaluate_roster,
    evaluate_service_level,
    objective_cost,
    staffed_matrix,
)
from optimizer.roster.explain import Explanation, rosterable
from optimizer.roster.local_search import LocalSearchOptions, local_search
from optimizer.roster.model import SCALE
from optimizer.roster.named import BestNamed
from optimizer.roster.polish import PolishOptions, polish_roster
from optimizer.roster.price_branch import (
    Columns,
    IntegerMaster,
    add_weeks,
    price_columns,
    roster_weeks,
)
from optimizer.roster.problem import Agent, Roster, RosterProblem
from optimizer.roster.shifts import AgentClass, ShiftType, agent_classes, enumerate_shift_types
from optimizer.roster.solve_options import SolveOptions, SolverProgress

__all__ = [
    "RosterResult",
    "SolveOptions",
    "SolverProgress",
    "SolverReport",
    "solve_roster",
]

AGGREGATE_SHARE = 0.92  # of the time limit; the rest: assignment (and polish if it deviated)
LOCAL_SHARE = 0.2  # of the time limit, last: agent-level local search on the named roster
LOCAL_MAX_S = 30.0  # at most (L-1, 600 s: the aggregate needs the time more)
SPLIT_AGENTS = 60  # sites up to this size: split classes, and price and branch where it binds
PRICE_SHARE = 0.4  # of the time before the local search, at most: column generation
AGGREGATE_WITH_PRICE = 0.2  # of the time left after it: aggregate search and assignment
WEEKS_BIND = 1e-3  # column bound above the LP by more than this (relative): price and branch
SPLIT_MIN_SIZE = 2  # ... when they have at least this many members (one member: exact anyway)
DEFAULT_OPTIONS = SolveOptions()


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


def _report(
    cost: float,
    search: AggregateSearch,
    stage: tuple[int, bool, float],
    seconds: float,
    valid: bool,
) -> SolverReport:
    """The report of a roster of ``cost``; ``stage``: classes whose assignment deviated,
    stopped early, local search gain."""
    deviation, stopped, gain = stage
    base = SolverReport(
        status="",
        objective=cost,
        best_bound=search.lp_bound,
        gap=0.0,
        seconds=seconds,
        lp_bound=search.lp_bound,
        aggregate_objective=search.solver.objective_value / SCALE,
        assignment_deviation=deviation,
        stopped_early=stopped,
        aggregate_status=cpsat.status(search.solver),
        local_search_gain=gain,
    )
    return bounded_report(base, cost, search.lp_bound, seconds, valid)


def bounded_report(
    base: SolverReport, cost: float, bound: float, seconds: float, valid: bool
) -> SolverReport:
    """``base`` with the figures of a roster of ``cost`` against ``bound``: gap, and status
    ``OPTIMAL`` at the bound, else ``FEASIBLE`` (``INVALID`` for a roster that breaks a rule)."""
    gap = max(0.0, (cost - bound) / cost) if cost > 0 else 0.0
    final = "OPTIMAL" if gap <= 1e-9 else "FEASIBLE"
    return dataclasses.replace(
        base, status=final if valid else "INVALID", objective=cost, best_bound=bound,
        gap=gap, seconds=seconds, lp_bound=bound, solver_status=final,
    )  # fmt: skip


def solve_roster(
    problem: RosterProblem,
    options: SolveOptions = DEFAULT_OPTIONS,
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
    agents, explanations = rosterable(problem, types)
    progress = ProgressRelay(start, on_progress, should_stop)
    named = BestNamed(
        problem, lambda r: objective_cost(problem, r, options.objective), progress.named_roster
    )
    progress.named = named  # the checkpoint's named roster is offered when it is built
    classes = search_classes(problem, agents)
    lp, columns = None, None
    if 0 < len(agents) <= SPLIT_AGENTS:  # small site: the LP, then price where weeks bind
        lp = lp_solution(problem, agents, options.objective, classes)[:2]
        columns = _columns(problem, types, agents, options,
                           (start + PRICE_SHARE * (core - start), should_stop), lp[0])  # fmt: skip
    if columns is not None:
        progress.lp_bound = max(progress.lp_bound, columns.bound.bound)  # events' gaps use it
    # with columns the aggregate search and its assignment end halfway to ``core``: the
    # integer master (cut off below their roster's cost) gets the rest
    assigned_by = core if columns is None else (
        time.monotonic() + AGGREGATE_WITH_PRICE * (core - time.monotonic())
    )  # fmt: skip
    search = _aggregate(problem, types, (classes, lp), options, (assigned_by, deadline), progress,
                        should_stop)  # fmt: skip
    if columns is not None and columns.bound.bound > search.lp_bound:
        search = dataclasses.replace(search, lp_bound=columns.bound.bound)
    deviation = _assign(problem, types, agents, search, named, options, assigned_by, should_stop)
    if columns is not None and not at_bound(named.cost, search.lp_bound):
        _branch(problem, types, columns, named, options, core, progress, should_stop)
    roster = named.roster
    assert roster is not None
    gain = 0.0
    if not at_bound(named.cost, search.lp_bound):  # else provably optimal
        better, gain = _local(problem, types, agents, roster, deadline, options, should_stop)
        named.offer(better)
        roster = named.roster or roster
    stopped = should_stop is not None and should_stop()
    result = _result(problem, roster, search, (deviation, stopped, gain), start, options)
    warnings = structural_shortfalls(problem, types, agents, result.unmet)
    return dataclasses.replace(result, warnings=tuple(warnings), explanations=tuple(explanations))


def _binding_floor(lp_bound: float) -> float:
    """The column bound above which the agents' weeks bind: the LP bound plus
    :data:`WEEKS_BIND` of it (demo week: 35.684 against 34.934; S-1, S-2, S-3: equal)."""
    return lp_bound + WEEKS_BIND * max(1.0, abs(lp_bound))


def _aggregate(
    problem: RosterProblem,
    types: list[ShiftType],
    split: tuple[list[AgentClass], tuple[float, dict[str, float]] | None],
    options: SolveOptions,
    until: tuple[float, float],
    progress: ProgressRelay,
    should_stop: Callable[[], bool] | None,
) -> AggregateSearch:
    """The aggregate search on the split classes (``split``: them and their LP when solved
    already), then on the plain ones if it found nothing, until ``until[0]`` (the
    assignment's deadline; a starved search may take the time up to ``until[1]``, the
    solve's); a ``RuntimeError`` when nothing is found at all."""
    assigned_by, deadline = until
    share = max(1.0, AGGREGATE_SHARE * (assigned_by - time.monotonic()))
    classes, lp = split
    agents = tuple(a for c in classes for a in c.agents)
    search = search_aggregate(problem, classes, types, options, share, progress, should_stop, lp)
    plain = agent_classes(problem, agents)
    if not cpsat.found(search.solver) and len(plain) < len(classes):
        # the split model found nothing in time (its LP rounding is often infeasible and a
        # first solution elsewhere is slow under load): the plain classes instead
        share = max(0.25 * share, AGGREGATE_SHARE * (assigned_by - time.monotonic()))
        search = search_aggregate(problem, plain, types, options, share, progress, should_stop)
    if not cpsat.found(search.solver) and not (should_stop is not None and should_stop()):
        # starved (seen under load 7 on 2 cores: M-3 at 120 s, the 24/7 test at 15 s): the
        # plain classes once more, with the local search's time, rather than no roster
        rest = max(1.0, deadline - time.monotonic())
        search = search_aggregate(problem, plain, types, options, rest, progress, should_stop)
    if not cpsat.found(search.solver):
        raise RuntimeError(f"aggregate roster model returned {cpsat.status(search.solver)}")
    return search


def _columns(
    problem: RosterProblem,
    types: list[ShiftType],
    agents: tuple[Agent, ...],
    options: SolveOptions,
    until: tuple[float, Callable[[], bool] | None],
    lp_bound: float,
) -> Columns | None:
    """The valid weeks priced by column generation until ``until`` (a deadline, a stop
    request), when their bound binds: above :func:`_binding_floor` of the split classes' LP
    bound, i.e. the agents' individual weeks bind, which class totals do not see, so the
    integer master over the weeks gets the time. ``None`` otherwise (the aggregate model is as
    tight there and its search was the better engine) or when no master was solved. The
    generation stops as soon as its master falls to that floor: its bound cannot bind then."""
    floor = _binding_floor(lp_bound)
    columns = price_columns(problem, agents, types, options.objective, *until, floor=floor)
    binds = math.isfinite(columns.bound.master) and columns.bound.bound > floor
    return columns if binds else None


def _branch(
    problem: RosterProblem,
    types: list[ShiftType],
    columns: Columns,
    named: BestNamed,
    options: SolveOptions,
    deadline: float,
    progress: ProgressRelay,
    should_stop: Callable[[], bool] | None,
) -> None:
    """The integer master over the priced weeks and the weeks of the best named roster so far,
    cut off at that roster's cost, until ``deadline``; its roster is offered to ``named``."""
    if should_stop is not None and should_stop():
        return
    weeks = roster_weeks(problem, types, named.roster) if named.roster is not None else {}
    add_weeks(columns.groups, weeks)
    master = IntegerMaster(problem, types, columns.groups, options.objective)
    if named.roster is not None and named.valid:
        master.below(named.cost)
    limit = deadline - time.monotonic()
    if limit > 1.0:
        named.offer(master.solve(limit, options.workers, options.seed, progress, should_stop))


def search_classes(problem: RosterProblem, agents: tuple[Agent, ...]) -> list[AgentClass]:
    """The aggregate model's agent classes: :func:`agent_classes`, with each
    :func:`loose` class split into one class per member on larger sites (:func:`_split_where`);
    on a site of at most :data:`SPLIT_AGENTS` agents every class of at least :data:`SPLIT_MIN_SIZE`
    members (with 4, a PT class of 2-3 still deviated once in five: 73.08 instead of 45.3)
    whose counts need not decompose into its members' weeks (several shift lengths,
    a weekly range, or members with different histories) is split into one class per agent:
    the model is exact for them and their assignment cannot deviate.

    Why: on the demo week (36 agents) a part-time class of five got 23 shifts, only five of
    them longer than 4 h and four of those on Saturday; two members working four days each
    needed two long shifts to reach their weekly minimum, so the assignment deviated (2-3
    classes per run), spent 9-28 s of a 30 s solve in CP-SAT, and the final roster cost
    43-227 while the aggregate showed 37-40.
    """
    classes = agent_classes(problem, agents)
    if len(agents) > SPLIT_AGENTS:
        return _split_where(classes, loose)
    return _split_where(classes, _inexact)


def _inexact(cls: AgentClass) -> bool:
    """True for a class of at least :data:`SPLIT_MIN_SIZE` members whose counts need not
    decompose (several lengths, a weekly range, or members with different histories)."""
    first = cls.agents[0]
    return cls.size >= SPLIT_MIN_SIZE and not (
        len(cls.lengths) == 1
        and first.min_weekly_paid_min == first.max_weekly_paid_min
        and len({a.history for a in cls.agents}) == 1
    )


def _split_where(
    classes: list[AgentClass], split: Callable[[AgentClass], bool]
) -> list[AgentClass]:
    """``classes`` with each class ``split`` selects turned into one class per member,
    renumbered in order.

    Why :func:`loose` classes from the start on larger sites (they used to be split only at
    the checkpoint, from their assigned weeks): the aggregate's best counts for them did not
    decompose, the checkpoint's named roster came out far above the aggregate (M-3: 460.5 ->
    512.3) and the rounds after it had too little time to recover (M-3 seeds 0-2: 1.92 /
    2.06 / 5.18 %; split from the start 0.73 / 0.88 / 0.88 %; M-2's LP rises from 69.837
    to 70.127); M-1 1.13 / 1.13 / 1.81 % instead of 0.68 % on 5 seeds, both within the goal."""
    out: list[AgentClass] = []
    for cls in classes:
        for members in [(a,) for a in cls.agents] if split(cls) else [cls.agents]:
            out.append(AgentClass(len(out), members, cls.lengths, cls.availability))
    return out


def _assign(
    problem: RosterProblem,
    types: list[ShiftType],
    agents: tuple[Agent, ...],
    search: AggregateSearch,
    named: BestNamed,
    options: SolveOptions,
    core: float,
    should_stop: Callable[[], bool] | None,
) -> int:
    """Assign the aggregate's final counts to the named agents (the checkpoint's frozen
    classes keep their assignment); after a deviation re-place activities and polish. The
    roster is offered to ``named``; returns the number of classes that deviated."""
    m, solver = search.model, search.solver
    known = search.checkpoint.known
    shifts, bad = named_roster.assign_all(
        problem, m, solver, options.workers, options.seed, core, known
    )
    remaining = max(1.0, core - time.monotonic())
    incumbent = named_roster.named_incumbent(
        problem, m, solver, shifts, bool(bad), options.settings, remaining
    )
    if bad:  # the assignment lost some of the aggregate's coverage: repair per agent
        polish = PolishOptions(
            round_s=round_s(options.time_limit_s),
            workers=options.workers,
            seed=options.seed,
            objective=options.objective,
        )
        incumbent, _ = polish_roster(problem, types, agents, incumbent, core, polish, should_stop)
    named.offer(incumbent.roster(problem))  # kept unless the checkpoint's is better
    return len(bad)


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
    before = objective_cost(problem, roster, options.objective)
    after = objective_cost(problem, better, options.objective)
    if after < before and not check_roster(problem, better):
        return better, before - after
    return roster, 0.0


def _result(
    problem: RosterProblem,
    roster: Roster,
    search: AggregateSearch,
    stage: tuple[int, bool, float],
    start: float,
    options: SolveOptions,
) -> RosterResult:
    def report(cost: float, valid: bool) -> SolverReport:
        return _report(cost, search, stage, time.monotonic() - start, valid=valid)

    return roster_result(problem, roster, options, report)


def roster_result(
    problem: RosterProblem,
    roster: Roster,
    options: SolveOptions,
    report: Callable[[float, bool], SolverReport],
    *,
    explanations: tuple[Explanation, ...] = (),
    warnings: tuple[ShortfallWarning, ...] = (),
) -> RosterResult:
    """``roster``'s figures on ``problem`` (KPIs, coverage, unmet, violations, SL where the
    demand allows) with the report ``report(cost, valid)`` makes; the cost is the objective's
    (the SL objective's value under ``service_level``, else the deviation cost)."""
    kpis = evaluate_roster(problem, roster)
    service = _service_level(problem, roster, options)
    cost = kpis.cost if service is None or options.objective == "deviation" else service.objective
    staffed = staffed_matrix(problem, roster)
    unmet = [
        tuple(max(0, r - int(s)) for r, s in zip(req, row, strict=True))
        for req, row in zip(problem.requirement, staffed, strict=True)
    ]
    violations = tuple(check_roster(problem, roster))
    return RosterResult(
        roster=roster,
        coverage=tuple(tuple(int(v) for v in row) for row in staffed),
        unmet=tuple(unmet),
        kpis=kpis,
        report=report(cost, not violations),
        explanations=explanations,
        violations=violations,
        service_level=service,
        warnings=warnings,
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
