"""The aggregate search of a roster solve: CP-SAT near the LP solution, then the LNS with a
checkpoint (steps 2-4 of :mod:`optimizer.roster.solve`).

The LP relaxation (GLOP) gives the bound and a rounded hint; CP-SAT first searches the LP's
neighbourhood (:data:`FIRST_SHARE` of the time; everywhere if it holds no solution), then the
day LNS improves the incumbent: SCIP solves its rounds (:mod:`mip_days`, the same model by
name) and CP-SAT takes the counts back (its model holds the incumbent for the assignment).
With two workers there are :data:`CHAINS` first phases (one CP-SAT worker each, their own
seeds) and a chain of rounds from each, side by side, until the checkpoint; the best chain
goes on (where a chain ends depends on its start: on M-1 one chain gave 0.7-5.7 % over five
seeds, two chains 0.68 % on all five).
When the rounds stop improving, at the latest at :data:`CHECKPOINT_SHARE` of the LNS time, the
incumbent is assigned to named agents; classes whose assignment deviated, and :func:`loose`
classes, are split into one class per member (else the deviating ones are frozen at the
counts they really got and the aggregate is repaired around them). An incumbent at the LP
bound is optimal: the search stops there.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from optimizer.roster import cpsat, named_roster
from optimizer.roster.backend import CpBackend
from optimizer.roster.bound import lp_solution
from optimizer.roster.build import build_aggregate
from optimizer.roster.compose import Shifts
from optimizer.roster.constraints.shift_mix import binds
from optimizer.roster.evaluate import objective_cost
from optimizer.roster.lns import restricted_days
from optimizer.roster.mip_days import MipDays, build_mip, run_chains
from optimizer.roster.model import SCALE, AggregateModel
from optimizer.roster.named import BestNamed
from optimizer.roster.parallel import side_by_side
from optimizer.roster.problem import Roster, RosterProblem
from optimizer.roster.shifts import AgentClass, ShiftType
from optimizer.roster.solve_options import SolveOptions, SolverProgress

__all__ = [
    "AggregateSearch",
    "Checkpoint",
    "ProgressRelay",
    "at_bound",
    "round_s",
    "scaled_floor",
    "search_aggregate",
]

RADIUS = 0  # counts of the first search within this of the LP solution (floor..ceil)
FIRST_SHARE = 0.12  # of the aggregate share: the LP rounding neighbourhood
FIRST_MIN_S = 1.0  # at least (the LP and the model's construction count in the share)
LNS_RADIUS = 4  # counts of a freed day move within 4 of the incumbent (M-1: 4 beat 2 and 7)
CHECKPOINT_SHARE = 0.4  # of the LNS time: assign to agents, freeze classes that deviate
LOOSE_MAX = 10  # members: loose classes up to this size are split at the checkpoint
LANES = 1  # SCIP rounds at a time: two lanes cost M-3 (3.52 / 4.46 / 2.02 % vs 1.45-2.33)
CHAINS = 2  # first phases (one CP-SAT worker each) and round chains side by side: see below
MATERIALISE_S = 30.0  # at most, for CP-SAT to take SCIP's counts (presolve: well under 1 s)


class ProgressRelay(cp_model.CpSolverSolutionCallback):
    """Passes every improving aggregate solution (an estimate) and every cheaper named roster
    to ``on_progress``, and stops the search when ``should_stop`` says so."""

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
        self.lp_bound = -math.inf  # until the LP (or the column bound) is known
        self.named: BestNamed | None = None  # named rosters seen (set by solve_roster)

    def named_roster(self, cost: float) -> None:
        """Report a valid named roster of ``cost`` (not an estimate)."""
        if self._on_progress is not None:
            bound = self.lp_bound
            gap = max(0.0, (cost - bound) / cost) if cost > 0 else 0.0
            seconds = time.monotonic() - self._start
            self._on_progress(SolverProgress(cost, bound, gap, seconds, estimate=False))

    def estimate(self, scaled_objective: float) -> None:
        """Report an improving aggregate solution of ``scaled_objective`` (an estimate)."""
        if self._on_progress is not None:
            obj = scaled_objective / SCALE
            bound = self.lp_bound
            gap = (obj - bound) / obj if obj > 0 else 0.0
            self._on_progress(SolverProgress(obj, bound, gap, time.monotonic() - self._start))

    def on_solution_callback(self) -> None:
        self.estimate(self.objective_value)
        if self._should_stop is not None and self._should_stop():
            self.stop_search()


def scaled_floor(lp_bound: float) -> float:
    """The least integer (scaled) aggregate objective the LP bound allows: an incumbent at or
    below it is optimal (``inf`` bound: no floor)."""
    if not math.isfinite(lp_bound):
        return -math.inf
    return float(math.ceil(lp_bound * SCALE - 1e-6))


def at_bound(cost: float, lp_bound: float) -> bool:
    """True when a roster's ``cost`` equals the LP lower bound (it is optimal)."""
    return math.isfinite(lp_bound) and cost <= lp_bound + 1e-9 * max(1.0, abs(lp_bound))


def round_s(time_limit_s: float) -> float:
    """Seconds per LNS round: 5 s at the 120 s of M-1, between 2 and 10 s."""
    return min(10.0, max(2.0, time_limit_s / 24))


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """Assignments of the classes frozen at the checkpoint, and the checkpoint's complete
    named roster (breaks and lunches re-placed where its assignment deviated): a fallback of
    known cost."""

    known: dict[int, Shifts]
    named: Roster | None


NO_CHECKPOINT = Checkpoint({}, None)


@dataclass(frozen=True, slots=True)
class AggregateSearch:
    """The aggregate model, the solver holding its best solution, the LP bound (cost units)
    and the checkpoint."""

    model: AggregateModel
    solver: cp_model.CpSolver
    lp_bound: float
    checkpoint: Checkpoint


@dataclass
class _Run:
    """One aggregate model searched again and again (every round of the LNS)."""

    backend: CpBackend
    options: SolveOptions
    progress: ProgressRelay
    should_stop: Callable[[], bool] | None

    def __call__(self, limit: float, chain: int | None = None) -> cp_model.CpSolver:
        """A solve with every worker; with ``chain`` i, one worker, seed ``seed + i`` and
        progress reported by chain 0 only (solves side by side)."""
        lone = chain is not None
        return cpsat.run(
            self.backend.model,
            limit,
            workers=1 if lone else self.options.workers,
            seed=self.options.seed + (chain or 0),
            callback=self.progress if chain in (None, 0) else None,
            should_stop=self.should_stop,
            linearization_level=2,
        )

    def stopped(self) -> bool:
        return self.should_stop is not None and self.should_stop()


def search_aggregate(
    problem: RosterProblem,
    classes: list[AgentClass],
    types: list[ShiftType],
    options: SolveOptions,
    time_limit_s: float,
    progress: ProgressRelay,
    should_stop: Callable[[], bool] | None,
    lp: tuple[float, dict[str, float]] | None = None,
) -> AggregateSearch:
    """Search the aggregate model for ``time_limit_s`` from the call, the LP and the model's
    construction included (see the module docstring); ``lp``: the LP of these ``classes``
    (bound, values by name) when the caller solved it already."""
    deadline = time.monotonic() + time_limit_s
    agents = tuple(a for c in classes for a in c.agents)
    if lp is None:
        lp = lp_solution(problem, agents, options.objective, classes)[:2]
    lp_bound, lp_values = lp
    backend = CpBackend()
    m = build_aggregate(problem, backend, types, classes, objective=options.objective)
    domains = cpsat.save_domains(backend.model, backend.variables)
    restricted = {var.index for var, _ in m.count_vars()}
    progress.lp_bound = max(progress.lp_bound, lp_bound)  # a tighter bound known stays
    run = _Run(backend, options, progress, should_stop)
    first = max(FIRST_MIN_S, FIRST_SHARE * (deadline - time.monotonic()))
    found: list[cp_model.CpSolver] = []
    for box in (restricted, restricted - mixed(m)):  # then the classes the mix binds free
        cpsat.restore_domains(backend.model, backend.variables, domains)
        backend.model.clear_hints()
        cpsat.hint_near(backend.model, backend.variables, lp_values, box, RADIUS)
        found = _first_phases(run, first, min(CHAINS, options.workers))
        if found:
            break
    if not found:  # the LP neighbourhood holds no solution: search everywhere
        cpsat.restore_domains(backend.model, backend.variables, domains)
        found = [run(max(first, deadline - time.monotonic()))]  # until found: the share left
    solver = found[0]
    floor = scaled_floor(lp_bound)
    if not cpsat.found(solver) or run.stopped() or solver.objective_value <= floor:
        return AggregateSearch(m, solver, lp_bound, NO_CHECKPOINT)  # nothing left to search
    mip = _mip_days(problem, types, classes, options)
    state = _State(m, _DayRounds(run, restricted_days(m), mip, floor), solver)
    try:
        days = [d for d, o in enumerate(problem.opening_hours) if o is not None]
        checkpoint_at = time.monotonic() + CHECKPOINT_SHARE * (deadline - time.monotonic())
        solver = state.rounds.improve(state.solver, days, checkpoint_at, found[1:])
        if solver.objective_value <= floor or run.stopped():
            return AggregateSearch(state.m, solver, lp_bound, NO_CHECKPOINT)
        state, checkpoint = _checkpoint(
            problem, dataclasses.replace(state, solver=solver), deadline
        )
        if progress.named is not None:
            progress.named.offer(checkpoint.named)
        solver = state.rounds.improve(state.solver, days, deadline)
        return AggregateSearch(state.m, solver, lp_bound, checkpoint)
    finally:
        mip.close()
        state.rounds.mip.close()


def mixed(m: AggregateModel) -> set[int]:
    """Indices of the class counts of classes of several members and lengths (those the
    shift-mix family binds).

    Why they may leave the LP's rounding box: with the shift-mix edges, L-1's box (every count
    between floor and ceil of its LP value) held no solution (proved at once), and the search
    from anywhere ended 1.3-1.6 % above the bound on 5 seeds (0.08-1.40 % before the edges).
    With those classes' counts free in the box, CP-SAT proved 1190.772 optimal there in 4 s."""
    several = {c.index for c in m.classes if binds(c)}
    return {var.index for (c, _), var in m.x.items() if c in several}


def _first_phases(run: _Run, limit_s: float, chains: int) -> list[cp_model.CpSolver]:
    """The LP neighbourhood searched by ``chains`` CP-SAT solves at once (one worker each,
    seeds ``seed``, ``seed + 1``, ...; one solve with every worker when ``chains`` is 1);
    the solves that found a solution, cheapest first.

    Why one worker each: on M-1 (LP given, 12.8 s) one worker reached 100.5-108.0 on seeds
    0-3 and two workers 104.4-121.0, so a second start costs the first nothing."""
    if chains <= 1:
        solvers = [run(limit_s)]
    else:
        solvers = side_by_side([functools.partial(run, limit_s, i) for i in range(chains)])
    return sorted((s for s in solvers if cpsat.found(s)), key=lambda s: s.objective_value)


def _mip_days(
    problem: RosterProblem, types: list[ShiftType], classes: list[AgentClass], options: SolveOptions
) -> MipDays:
    """The SCIP day rounds of ``classes``, :data:`LANES` at a time."""
    model = build_mip(problem, types, classes, options.objective)
    return MipDays(model, radius=LNS_RADIUS, lanes=LANES)


@dataclass(frozen=True)
class _State:
    """One aggregate model under search: the model, its day rounds and the incumbent."""

    m: AggregateModel
    rounds: _DayRounds
    solver: cp_model.CpSolver


def loose(cls: AgentClass) -> bool:
    """True for a class of 2 to :data:`LOOSE_MAX` members whose counts need not decompose
    into its members' weeks (several shift lengths or a weekly range)."""
    first = cls.agents[0]
    ranged = len(cls.lengths) > 1 or first.min_weekly_paid_min != first.max_weekly_paid_min
    return 2 <= cls.size <= LOOSE_MAX and ranged


def _split(
    problem: RosterProblem, state: _State, bad: list[int], shifts: Shifts, limit_s: float
) -> _State | None:
    """The aggregate model with each class of ``bad`` split into one class per member (exact
    for them: their counts are their weeks), its incumbent the old one with those members'
    assigned ``shifts`` (break and lunch counts re-placed by SCIP where the type totals
    changed); ``None`` when SCIP settles nothing in ``limit_s``."""
    m, run = state.m, state.rounds.run
    kept = [c for c in m.classes if c.index not in bad]
    classes = [AgentClass(i, c.agents, c.lengths, c.availability) for i, c in enumerate(kept)]
    for cls in (m.classes[c] for c in sorted(bad)):
        for agent in cls.agents:
            classes.append(AgentClass(len(classes), (agent,), cls.lengths, cls.availability))
    options = run.options
    backend = CpBackend()
    split = build_aggregate(problem, backend, m.types, classes, objective=options.objective)
    old = state.rounds.values(state.solver)
    renamed = {c.index: i for i, c in enumerate(kept)}
    start = {var.name: old[var.name] for var, _ in m.count_vars() if var.name in old}
    for (c, k), var in m.x.items():
        if c in renamed:
            start[split.x[renamed[c], k].name] = old[var.name]
    for (c, k), var in split.x.items():
        if c >= len(kept):
            worked = shifts.get(classes[c].agents[0].id, {}).get(m.types[k].day)
            start[var.name] = int(worked is not None and worked.index == k)
    totals = {k: sum(start[v.name] for (_, t), v in split.x.items() if t == k) for k in split.X}
    before = {k: old[var.name] for k, var in m.X.items()}
    days = {
        m.types[k].day for k in set(totals) | set(before) if totals.get(k, 0) != before.get(k, 0)
    }
    mip = _mip_days(problem, m.types, classes, options)
    settled = mip.settle({**old, **start}, days, limit_s, should_stop=run.should_stop)
    rounds = _DayRounds(
        _Run(backend, options, run.progress, run.should_stop),
        restricted_days(split),
        mip,
        state.rounds.floor,
    )
    held = None if settled is None else rounds.materialise(settled[0])
    if held is None:
        mip.close()
        return None
    if not days:  # no type total changed: the same incumbent, its rounds go on
        mip.follow(state.rounds.mip)
    return _State(split, rounds, held)


@dataclass
class _DayRounds:
    """The day LNS: SCIP solves the rounds and the checkpoint's repair (:mod:`mip_days`), the
    CP-SAT model holds the incumbent for the rest of the solve (the assignment); the counts
    the checkpoint froze stay frozen."""

    run: _Run
    counts: list[tuple[cp_model.IntVar, int]]  # the CP-SAT model's count variables
    mip: MipDays
    floor: float

    def improve(
        self,
        solver: cp_model.CpSolver,
        days: list[int],
        deadline: float,
        others: Sequence[cp_model.CpSolver] = (),
    ) -> cp_model.CpSolver:
        """The incumbent ``solver`` improved by rounds until ``deadline``; with ``others``
        (solutions of the same model) a chain of rounds from each at once, the best kept."""
        each = round_s(self.run.options.time_limit_s)
        starts = [(self.values(s), round(s.objective_value)) for s in (solver, *others)]
        values, objective = run_chains(
            self.mip, starts, days, deadline, each,
            self.run.should_stop, self.floor, self.run.progress.estimate,
        )  # fmt: skip
        if objective >= round(solver.objective_value):
            return solver
        return self.materialise(values) or solver

    def repair(
        self, solver: cp_model.CpSolver, frozen: dict[str, int], limit_s: float, worst: int
    ) -> cp_model.CpSolver | None:
        """``solver``'s incumbent repaired around the ``frozen`` counts (kept frozen from
        now on), or ``None`` (nothing frozen) when SCIP finds no repair of objective at most
        ``worst`` in ``limit_s``."""
        before = dict(self.mip.frozen)
        repaired = self.mip.repair(self.values(solver), frozen, limit_s, worst)
        held = None if repaired is None else self.materialise(repaired[0])
        if held is None:
            self.mip.frozen = before
        return held

    def values(self, solver: cp_model.CpSolver) -> dict[str, int]:
        """Every variable of ``solver``'s solution by name."""
        return {v.name: int(solver.value(v)) for v in self.run.backend.variables}

    def materialise(self, values: Mapping[str, float]) -> cp_model.CpSolver | None:
        """A CP-SAT solution holding ``values`` (integers: this model has no continuous
        variable; its counts fixed: presolve decides the rest), ``None`` if CP-SAT does not
        confirm it."""
        model = self.run.backend.model
        for var, _ in self.counts:
            value = round(values[var.name])
            cpsat.set_domain(model, var, value, value)
        model.clear_hints()
        known = (v for v in self.run.backend.variables if v.name in values)
        cpsat.hint(model, ((v, round(values[v.name])) for v in known))
        options = self.run.options
        solver = cpsat.run(model, MATERIALISE_S, workers=options.workers, seed=options.seed)
        return solver if cpsat.found(solver) else None


def _frozen_counts(
    m: AggregateModel, shifts: Shifts, bad: list[int]
) -> tuple[dict[str, int], dict[int, Shifts]]:
    """The class counts of the deviating classes ``bad`` as they were really assigned
    (variable name -> count), and those classes' assignments."""
    frozen: dict[str, int] = {}
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
                frozen[var.name] = counts.get(k, 0)
    return frozen, known


def _checkpoint(
    problem: RosterProblem, state: _State, deadline: float
) -> tuple[_State, Checkpoint]:
    """Assign the incumbent to agents; split each class whose assignment deviated, and each
    :func:`loose` class, into one class per member (:func:`_split`), so that the rest of the
    search accounts for what its named agents can work (the aggregate is a relaxation); where
    SCIP cannot settle the split model, freeze the deviating classes at the counts they really
    got and repair the aggregate around them.

    Why loose classes too: their counts need not decompose into their members' weeks, and on
    M-2 the final assignment deviated in 1-3 of them (a named roster 6-8 above the aggregate's
    72-73). Split after the first phase instead (from its poorer incumbent), M-3 ended at
    465.6 / 465.9 / 477.4 on seeds 0-2 (at the checkpoint: 465.9 / 465.0 / 469.2).

    A repair costlier than the checkpoint's named roster is refused (the classes stay free):
    on L-1 two part-time classes missing 3 shifts of their counts froze an aggregate of
    1187.3 into a repair of 1403.4, while the named roster at hand cost 1249.9 (before polish).

    Returns the model and incumbent to search on, and the checkpoint."""
    m, solver, rounds = state.m, state.solver, state.rounds
    options = rounds.run.options
    now = time.monotonic()
    shifts, bad = named_roster.assign_all(
        problem, m, solver, options.workers, options.seed, now + 0.3 * (deadline - now)
    )
    each = round_s(options.time_limit_s)
    incumbent = named_roster.named_incumbent(
        problem, m, solver, shifts, bool(bad), options.settings, each
    )
    named = incumbent.roster(problem)
    wide = sorted(set(bad) | {c.index for c in m.classes if loose(c)})
    if not wide:
        return state, Checkpoint({}, named)
    limit = max(2 * each, min(4 * each, deadline - time.monotonic()))  # a repair needs time
    split = _split(problem, state, wide, shifts, max(1.0, limit))
    if split is not None:
        return split, Checkpoint({}, named)
    if not bad:
        return state, Checkpoint({}, named)
    frozen, known = _frozen_counts(m, shifts, bad)
    worst = round(objective_cost(problem, named, options.objective) * SCALE)
    repaired = rounds.repair(solver, frozen, max(1.0, limit), worst)
    if repaired is None:
        return state, Checkpoint({}, named)
    return dataclasses.replace(state, solver=repaired), Checkpoint(known, named)
