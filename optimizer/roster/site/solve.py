"""Solve a site roster: LP bound, SCIP rounds on the site model, named assignment, exact cost.

0. One live queue and nothing else is today's problem: today's engine solves it
   (:mod:`single`), so the result is exactly the single-queue one.
1. Agents with no individually valid week are explained and left off (:mod:`explain`).
2. The LP relaxation of the site model (:mod:`optimizer.roster.site.model`, GLOP, at most
   :data:`LP_SHARE` of the time) gives the bound, when the full model has at most
   :data:`FULL_MODEL_COPIES` shift-type copies; larger sites get the LP of the pooled site
   (every agent every skill, :func:`pooled_site`: one group, ``lp_status`` ``POOLED``). An LP
   skipped or stopped by its time limit bounds nothing: ``bound`` is then ``None``.
3. The baseline (every queue summed into one ``/1`` problem, :mod:`baseline`) is solved by
   today's engine for :data:`BASELINE_SHARE` of the time left after the LP: a valid roster
   of known cost and the start of the search. (Starting from the LP's rounding instead gave
   MS-S-9 278-304 in 30 s; from the baseline 263.7.)
4. Then one or two passes (:func:`_passes`; a second when at least :data:`PASS_MIN_S` is left
   for it) of:

   a. SCIP rounds (:mod:`mip_rounds`) on the site model in the neighbourhood of the best
      roster's shift types (:mod:`neighbourhood`), from its counts, activities and exact
      allocation: each round frees one skill group's week or one day of every group, the
      allocation and backlog free all week (:data:`LANES` rounds at once). Until the
      fourteenth session CP-SAT's day LNS did this step; on MS-L-9 it often found nothing.
   b. Each group's class counts go to its named agents (:mod:`named_roster`; skills only
      decide which group an agent is in); breaks and lunches are re-placed where the
      assignment deviated. The roster is checked (:func:`check_site_roster`) and scored by
      the exact LP (:func:`site_cost`); it replaces the best when valid and cheaper.
   A large site's second pass is *focused* (:class:`_Pass`): its rounds take
   :data:`FOCUS_ROUNDS_PART` of it, each up to :data:`FOCUS_ROUND_MAX_S`, skill groups' weeks
   most idle first (:func:`by_idle`). From one MS-L-9 first pass (362.616), the unfocused
   second pass ended at 333.714, the focused one at 323.862 / 324.366 (twice).
   c. The best is polished (:mod:`polish`: today's agent-level local search per skill set
      against the exact LP's live cover and uncovered requirement, kept while the exact cost
      falls; it moves starts and lengths beyond the rounds' neighbourhood), which centres
      the next pass's neighbourhood.

A ``should_stop`` callback (a cancel, a shutdown) interrupts the LP, the baseline's engine and
the SCIP rounds (their processes are killed); the counts found so far are named quickly
(:data:`STOPPED_ASSIGN_S`, at least a second per skill group) and the best valid roster so far
is returned with ``report.stopped_early``.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from ortools.linear_solver import pywraplp

from optimizer.roster import cpsat, named_roster
from optimizer.roster.backend import LpBackend
from optimizer.roster.explain import rosterable
from optimizer.roster.mip_days import MipDays
from optimizer.roster.model import SCALE, Objective
from optimizer.roster.named_roster import Solution
from optimizer.roster.problem import Agent, Roster, Shift
from optimizer.roster.shifts import ShiftType, enumerate_shift_types
from optimizer.roster.site.baseline import summed_problem
from optimizer.roster.site.check import check_site_roster
from optimizer.roster.site.cost import SiteCost, site_cost
from optimizer.roster.site.linear import LpSink
from optimizer.roster.site.mip_rounds import (
    MipSolution,
    SiteMip,
    build_site_mip,
    by_idle,
    roster_hint,
    site_tiers,
)
from optimizer.roster.site.model import SiteModel, build_site_model
from optimizer.roster.site.neighbourhood import neighbour_types, type_copies
from optimizer.roster.site.polish import polish_site
from optimizer.roster.site.problem import SiteProblem, SiteRoster
from optimizer.roster.site.result import (
    SiteReport,
    SiteResult,
    SiteSolveOptions,
    site_gap,
    site_status,
)
from optimizer.roster.site.single import is_single_queue, solve_single_queue
from optimizer.roster.solve import solve_roster
from optimizer.roster.solve_options import SolveOptions
from optimizer.roster.violation import Violation

__all__ = [
    "SiteReport",
    "SiteResult",
    "SiteSolveOptions",
    "pooled_site",
    "site_lp_bound",
    "solve_site",
]

LP_SHARE = 0.45
LP_MIN_S = 8.0  # small sites: up to half the time limit, so that a loaded machine still bounds
BASELINE_SHARE = 0.15  # of the time left after the LP (MS-L-9: 660-677 in 68-200 s)
BASELINE_MIN_S = 5.0
FIRST_PASS_SHARE = 0.6  # of the time after the baseline: rounds, then the polish; the second
PASS_MIN_S = 30.0  # pass (at least this long) searches near the first's polished roster
ROUNDS_PART = 0.7  # of a pass: the SCIP rounds and the naming; the polish (:mod:`polish`) the rest
ASSIGN_SHARE = 0.15  # of the rounds' part: the naming
LNS_RADIUS = 4  # SCIP rounds: a plan's counts within 4 of the incumbent (then adapted)
SETTLE_SHARE = 0.2  # of the search time at most: the baseline's counts completed by SCIP
SETTLE_MAX_S = 30.0  # (MS-L-9: 3.8 s; an LP over the week with every count fixed)
ROUND_SHARE = 0.1  # of the search time: one SCIP round's limit, within these bounds
ROUND_MIN_S = 2.0
MIN_ROUND_S = 0.2  # rounds are still issued with this much left (a tiny site's take ms)
LANES = 2  # SCIP rounds at once (at most one per worker): skill groups seldom interact
ROUND_MAX_S = 20.0  # MS-L-9: a 20-37-agent group's week is proved in 3-8 s or not in 20 s
FOCUS_FIRST_PASS_SHARE = 0.5  # a large site's first pass (the focused second gets the rest)
FOCUS_ROUNDS_PART = 0.9  # a large site's second pass: rounds (the second polish gained ~1 on L)
FOCUS_ROUND_SHARE = 0.25  # its rounds' limit (of its search time), within ROUND_MIN_S and
FOCUS_ROUND_MAX_S = 45.0  # this (MS-L-9: the most idle groups' weeks gain in 40-90 s rounds)
FULL_MODEL_COPIES = 4000  # shift-type copies: MS-S-9 1,017 (LP 8 s), MS-M-9 12,664 (>6 min)
POOLED_MODEL_COPIES = 4000  # the pooled site's: MS-M-9, MS-L-9 1,366 (LP 40-47 s at load 7)
POOLED_LP_SOLVER = "CLP"  # the pooled LP alone: MS-L-9 6.8 s (GLOP 28.9 s), MS-M-9 3.7 s (16.6 s);
# GLOP stays for the full site LP (MS-S-9 1.8 s, CLP 8.6 s) and the single-queue bound
NEIGHBOUR_STEPS = 1  # larger sites: start times within one step of the best roster's
FULL_ROUNDS_COPIES = 2000  # a site this small: its second pass searches every shift type
STOPPED_ASSIGN_S = 2.0  # after a stop request: naming the counts found so far


Stop = Callable[[], bool]


@dataclass(frozen=True, slots=True)
class _Pass:
    """A pass's deadline; ``wide``: its rounds search every shift type (a small site's second
    pass); ``focused``: long rounds and a short polish (a large site's second pass)."""

    end: float
    wide: bool = False
    focused: bool = False

    @property
    def rounds_part(self) -> float:
        """The share of the pass its rounds (naming included) take; the polish the rest."""
        return FOCUS_ROUNDS_PART if self.focused else ROUNDS_PART

    def round_limit(self, left: float) -> float:
        """One SCIP round's limit when ``left`` seconds of search remain."""
        share, most = (FOCUS_ROUND_SHARE, FOCUS_ROUND_MAX_S) if self.focused else (
            ROUND_SHARE, ROUND_MAX_S)  # fmt: skip
        return min(most, max(ROUND_MIN_S, share * left))


def never() -> bool:
    return False


@contextmanager
def _interrupting(solver: pywraplp.Solver, should_stop: Stop) -> Iterator[None]:
    """Interrupt ``solver``'s ``Solve`` when ``should_stop`` turns true (polled every 0.2 s)."""
    done = threading.Event()

    def watch() -> None:
        while not done.wait(cpsat.WATCH_S):
            if should_stop():
                solver.InterruptSolve()
                return

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()


@dataclass(frozen=True, slots=True)
class _Bound:
    value: float | None
    status: str
    seconds: float
    values: dict[str, float]


def _lp_backend(solver_id: str) -> LpBackend:
    """``solver_id``'s LP backend, GLOP when this OR-Tools build lacks it."""
    try:
        return LpBackend(solver_id)
    except RuntimeError:  # pragma: no cover - the wheels ship CLP
        return LpBackend()


def site_lp_bound(
    site: SiteProblem,
    types: list[ShiftType],
    agents: tuple[Agent, ...],
    limit_s: float,
    should_stop: Stop = never,
    solver_id: str = "GLOP",
) -> _Bound:
    """LP relaxation of the site model by ``solver_id`` within ``limit_s`` (no bound if it does
    not finish or ``should_stop`` interrupts it; CLP cannot be interrupted, so a stop waits for
    it: MS-L-9's pooled LP takes 7 s)."""
    start = time.monotonic()
    backend = _lp_backend(solver_id)
    sm = build_site_model(site, backend, LpSink(backend.solver), types, agents)
    backend.solver.SetTimeLimit(max(1, int(1000 * (limit_s - (time.monotonic() - start)))))
    with _interrupting(backend.solver, should_stop):
        status = backend.solver.Solve()
    seconds = time.monotonic() - start
    if status != backend.solver.OPTIMAL:
        return _Bound(None, "NOT_FINISHED", seconds, {})
    values = {v.name(): v.solution_value() for v in backend.solver.variables()}
    value = backend.solver.Objective().Value() / SCALE + sm.constant
    return _Bound(value, "OPTIMAL", seconds, values)


def _named(
    site: SiteProblem,
    sm: SiteModel,
    solution: Solution,
    opts: SiteSolveOptions,
    deadline: float,
) -> tuple[Roster, int]:
    """Each group's counts to its named agents; returns the roster and the classes whose
    assignment deviated."""
    shifts: list[Shift] = []
    deviated = 0
    for i, g in enumerate(sm.groups):
        share = max(1.0, (deadline - time.monotonic()) / (len(sm.groups) - i))
        end = time.monotonic() + share
        assigned, bad = named_roster.assign_all(
            g.problem, g.model, solution, opts.workers, opts.seed, end
        )
        staffed = [[0] * g.problem.intervals_per_day for _ in range(g.problem.days)]
        for (d, t), var in g.model.over.items():
            staffed[d][t] = int(solution.value(var))
        target = dataclasses.replace(
            g.problem,
            requirement=tuple(tuple(r) for r in staffed),
            weights=site.core.weights,
        )
        settings: tuple[int, int, Objective] = (opts.workers, opts.seed, "deviation")
        left = max(1.0, end - time.monotonic())
        incumbent = named_roster.named_incumbent(
            target, g.model, solution, assigned, bool(bad), settings, left
        )
        shifts += incumbent.roster(g.problem).shifts
        deviated += len(bad)
    return Roster(tuple(shifts)), deviated


def _rounds(
    site: SiteProblem,
    smip: SiteMip,
    roster: Roster,
    until: _Pass,
    lanes: int,
    should_stop: Stop,
) -> tuple[dict[str, float], int] | None:
    """SCIP rounds (:mod:`mip_rounds`) from ``roster``'s counts and allocation until
    ``until.end`` (a focused pass: skill groups' weeks most idle first, :func:`by_idle`):
    the best values by name and their scaled objective (``None`` when SCIP could not
    complete ``roster``'s solution)."""
    days = [d for d, o in enumerate(site.core.opening_hours) if o is not None]
    hint = roster_hint(site, smip.model, roster)
    groups = range(len(smip.model.groups))
    tiers = site_tiers(by_idle(smip.model, hint) if until.focused else groups, days)
    mip = MipDays(smip.mip, radius=LNS_RADIUS, lanes=lanes, tiers=tiers, min_round_s=MIN_ROUND_S)
    try:
        left = until.end - time.monotonic()
        limit = max(1.0, min(SETTLE_SHARE * left, SETTLE_MAX_S))
        start = mip.settle(hint, set(), limit, should_stop=should_stop)
        if start is None or should_stop():
            return start
        return mip.run(*start, days, until.end, until.round_limit(left), should_stop)
    finally:
        mip.close()


def _site_candidate(
    site: SiteProblem,
    types: list[ShiftType],
    agents: tuple[Agent, ...],
    roster: Roster,
    until: _Pass,
    opts: SiteSolveOptions,
    should_stop: Stop = never,
) -> tuple[Roster | None, str, float | None, int]:
    """The site model's roster near ``roster`` (:mod:`neighbourhood`; over every shift type
    when ``until.wide``; named by ``until.end``; ``None`` if SCIP found nothing), its
    aggregate status and objective (cost units), and the classes whose assignment
    deviated."""
    deadline = until.end
    types_of = None if until.wide else neighbour_types(site, types, agents, roster, NEIGHBOUR_STEPS)
    smip = build_site_mip(site, types, agents, types_of)
    search_end = deadline - ASSIGN_SHARE * (deadline - time.monotonic())
    lanes = max(1, min(LANES, opts.workers))
    searched = dataclasses.replace(until, end=search_end)
    found = _rounds(site, smip, roster, searched, lanes, should_stop)
    if found is None:
        return None, "NOT_FOUND", None, 0
    values, objective = found
    aggregate = objective / SCALE + smip.model.constant
    if should_stop():  # name the counts found so far, quickly
        deadline = min(deadline, time.monotonic() + STOPPED_ASSIGN_S)
    named, deviated = _named(site, smip.model, MipSolution(values), opts, deadline)
    return named, "FEASIBLE", aggregate, deviated


Scored = tuple[SiteRoster, SiteCost, list[Violation]]


def _scored(site: SiteProblem, roster: Roster) -> Scored:
    sr = SiteRoster(roster)
    return sr, site_cost(site, sr), check_site_roster(site, sr)


def _baseline(
    site: SiteProblem, limit_s: float, opts: SiteSolveOptions, should_stop: Stop
) -> Roster | None:
    """Today's engine on every queue summed into one ``/1`` problem (:mod:`baseline`);
    ``None`` when its aggregate search found nothing in ``limit_s`` (a loaded machine)."""
    options = SolveOptions(time_limit_s=max(2.0, limit_s), workers=opts.workers, seed=opts.seed)
    try:
        return solve_roster(summed_problem(site), options, should_stop=should_stop).roster
    except RuntimeError:
        return None


def _first_baseline(
    site: SiteProblem, opts: SiteSolveOptions, deadline: float, should_stop: Stop
) -> Roster:
    """The baseline within :data:`BASELINE_SHARE` of the time left (at least
    :data:`BASELINE_MIN_S` or a third of it), else with most of what is left."""
    left = deadline - time.monotonic()
    limit = max(BASELINE_SHARE * left, min(BASELINE_MIN_S, left / 3))
    roster = _baseline(site, limit, opts, should_stop)
    if roster is None and not should_stop():
        roster = _baseline(site, 0.7 * (deadline - time.monotonic()), opts, should_stop)
    if roster is None:
        raise RuntimeError("no roster found: the baseline's aggregate search found nothing")
    return roster


def pooled_site(site: SiteProblem) -> SiteProblem:
    """``site`` with every agent given every queue: a relaxation (more skills never raise the
    optimum), one skill group, so its LP is small (MS-M-9 and MS-L-9: 1,366 shift-type copies
    instead of 12,664 and 29,385)."""
    every = frozenset(q.id for q in site.queues)
    return dataclasses.replace(site, skills={agent: every for agent in site.skills})


def _bound(
    site: SiteProblem,
    types: list[ShiftType],
    agents: tuple[Agent, ...],
    limit_s: float,
    should_stop: Stop,
) -> _Bound:
    """The LP bound of the full model when it is small enough to solve in ``limit_s``, else
    of the pooled site (:func:`pooled_site`; status ``POOLED``). On MS-M-9 the pooled LP is
    41.237, the published bound; on MS-L-9 161.148 against the published 173.297 (the
    skills bind there). The pooled LP is solved by :data:`POOLED_LP_SOLVER`."""
    if type_copies(site, types, agents) <= FULL_MODEL_COPIES:
        return site_lp_bound(site, types, agents, limit_s, should_stop)
    pooled = pooled_site(site)
    if type_copies(pooled, types, agents) > POOLED_MODEL_COPIES:
        return _Bound(None, "SKIPPED", 0.0, {})
    bound = site_lp_bound(pooled, types, agents, limit_s, should_stop, POOLED_LP_SOLVER)
    return bound if bound.value is None else dataclasses.replace(bound, status="POOLED")


@dataclass
class _Search:
    """The passes' state: the best roster so far (valid before invalid, then cheaper), the
    candidate it came from, the last rounds' aggregate figures and the polish's total gain."""

    best: Scored
    source: str
    baseline_cost: float
    aggregate_status: str = "NOT_RUN"
    aggregate_objective: float | None = None
    deviated: int = 0
    polish_gain: float = 0.0

    def offer(self, scored: Scored, source: str) -> None:
        if (bool(scored[2]), scored[1].cost) < (bool(self.best[2]), self.best[1].cost):
            self.best, self.source = scored, source


def _pass(
    site: SiteProblem,
    types: list[ShiftType],
    agents: tuple[Agent, ...],
    search: _Search,
    until: _Pass,
    opts: SiteSolveOptions,
    stop: Stop,
) -> None:
    """SCIP rounds near the best roster (``until.rounds_part`` of the pass, naming included),
    then the polish of the best until ``until.end``."""
    rounds_end = time.monotonic() + until.rounds_part * (until.end - time.monotonic())
    if not stop():
        roster, status, objective, deviated = _site_candidate(
            site, types, agents, search.best[0].roster,
            dataclasses.replace(until, end=rounds_end), opts, stop,
        )  # fmt: skip
        search.aggregate_status, search.aggregate_objective = status, objective
        search.deviated += deviated
        if roster is not None:
            search.offer(_scored(site, roster), "site_model")
    if search.best[2] or stop():
        return
    before = search.best[1].cost
    polished, value = polish_site(site, search.best[0].roster, types, agents, until.end, stop)
    if value < before - 1e-9:
        search.polish_gain += before - value
        search.best = _scored(site, polished)


def _passes(
    site: SiteProblem,
    types: list[ShiftType],
    agents: tuple[Agent, ...],
    baseline: Roster,
    deadline: float,
    opts: SiteSolveOptions,
    stop: Stop,
) -> _Search:
    """Passes of rounds and polish from the baseline until ``deadline``: the first takes
    :data:`FIRST_PASS_SHARE` (a large site: :data:`FOCUS_FIRST_PASS_SHARE`) of the time
    when a second of at least :data:`PASS_MIN_S` fits or the site is small
    (:data:`FULL_ROUNDS_COPIES`). Each pass's rounds search the neighbourhood of the roster
    the last one polished; a small site's second pass searches every shift type (the API
    test's tiny e-mail site: 2.308 near the baseline's types, 0.21 over all, bound 0.159; the
    2-day test site: 80.192 near, nothing over all in 2 s rounds); a larger site's second
    pass is focused (long rounds on the most idle groups first, a short polish:
    :class:`_Pass`)."""
    scored = _scored(site, baseline)
    search = _Search(scored, "baseline", scored[1].cost)
    left = deadline - time.monotonic()
    small = type_copies(site, types, agents) <= FULL_ROUNDS_COPIES
    passes = [_Pass(deadline)]
    share = FIRST_PASS_SHARE if small else FOCUS_FIRST_PASS_SHARE
    if small or (1 - share) * left >= PASS_MIN_S:
        first = time.monotonic() + share * left
        passes = [_Pass(first), _Pass(deadline, wide=small, focused=not small)]
    for p in passes:
        if stop():
            break
        _pass(site, types, agents, search, p, opts, stop)
    return search


def solve_site(
    site: SiteProblem,
    options: SiteSolveOptions | None = None,
    should_stop: Stop | None = None,
) -> SiteResult:
    """The cheapest valid roster found within ``options.time_limit_s`` (module docstring).

    One live queue and nothing else is today's problem: :func:`solve_single_queue`.
    ``should_stop`` (polled) ends the solve early with the best valid roster found so far
    (``report.stopped_early``); a stop before the baseline has a roster is a ``RuntimeError``."""
    opts = options or SiteSolveOptions()
    stop = should_stop or never
    if is_single_queue(site):
        return solve_single_queue(site, opts, should_stop)
    start = time.monotonic()
    deadline = start + opts.time_limit_s
    types = enumerate_shift_types(site.core)
    agents, explanations = rosterable(site.core, types)
    limit = opts.time_limit_s
    bound = _bound(site, types, agents, max(LP_SHARE * limit, min(0.5 * limit, LP_MIN_S)), stop)
    baseline = _first_baseline(site, opts, deadline, stop)  # the start (the LP only bounds)
    search = _passes(site, types, agents, baseline, deadline, opts, stop)
    sr, cost, violations = search.best
    gap = site_gap(cost.cost, bound.value)
    report = SiteReport(
        status=site_status(violations, gap), objective=cost.cost, bound=bound.value, gap=gap,
        seconds=time.monotonic() - start, lp_status=bound.status, lp_seconds=bound.seconds,
        aggregate_status=search.aggregate_status,
        aggregate_objective=search.aggregate_objective, source=search.source,
        baseline_cost=search.baseline_cost,
        skill_sets=len({site.skill_set(a.id) for a in agents}),
        assignment_deviation=search.deviated, stopped_early=stop(),
        polish_gain=search.polish_gain,
    )  # fmt: skip
    return SiteResult(sr, cost, report, tuple(violations), tuple(explanations))
