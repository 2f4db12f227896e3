"""Day neighbourhoods of the aggregate model solved by SCIP, the MIP solver bundled with OR-Tools.

The day LNS (:mod:`optimizer.roster.lns`) frees the counts of one day or two adjacent days and
searches them with CP-SAT. A day's neighbourhood is a shift-scheduling problem with breaks,
whose LP relaxation is tight: a branch-and-cut solver proves it optimal in 1-5 s where CP-SAT
(2 workers) usually ends its 5 s round at the hinted incumbent. Measured on M-1 from one
incumbent of the first phase (106.848, LP bound 88.035), 60 s of rounds: CP-SAT 94.996, SCIP
89.248 after one cycle of single days (21 s) and 88.840 after 63 s.

The model is the same builder's (:func:`optimizer.roster.build.build_aggregate`) on a
``pywraplp`` back end, exported once to an ``MPModelProto``; each round edits the bounds of the
count variables in that proto (every count outside the chosen days fixed at the incumbent,
those of the chosen days within the plan's radius of it, :attr:`MipDays.frozen` fixed at their
values), hints the incumbent (a complete solution: SCIP starts from it, so a round never
returns a worse one) and solves with a time limit. Radii adapt per plan as in the CP-SAT LNS.
Values travel between this model and the CP-SAT model by variable name (the builder names
both alike).

The rounds run in worker processes (:mod:`scip_pool`), ``lanes`` at a time: a stop request
kills the running rounds instead of waiting up to a round's limit, and with two lanes two
plans are solved at once from the best solution known when each starts. A lane's answer
better than the best replaces it (every answer is a complete solution); one that improved
its own start but was beaten meanwhile by the other lane is issued again from the new best.
Measured on M-1 from the same first-phase incumbents (60 s of rounds, alone): 118.380 ->
91.572 on one lane, 90.960 on two; 115.976 -> 90.552 both ways (two independent chains, the
second with its plans shuffled or the three-day tier first, never beat the first: the plans
in day order chain their gains). The roster solve runs one lane
(:data:`optimizer.roster.aggregate_search.LANES`): two cost M-3 1-3 % on seeds 0-2.
Independent chains from *different* starts do pay (:func:`run_chains`): before the checkpoint
the solve runs one chain per first-phase incumbent, each in its own process, and keeps the best.
"""

from __future__ import annotations

import functools
import itertools
import threading
import time
from collections.abc import Callable, Hashable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from ortools.linear_solver import linear_solver_pb2

from optimizer.roster.backend import LpBackend
from optimizer.roster.build import build_aggregate
from optimizer.roster.model import Objective
from optimizer.roster.parallel import side_by_side
from optimizer.roster.problem import RosterProblem
from optimizer.roster.scip_pool import Answer, Round, ScipPool
from optimizer.roster.shifts import AgentClass, ShiftType

__all__ = ["MipDays", "MipModel", "build_mip", "run_chains"]

Values = dict[str, float]  # variable name -> value (integers for counts; a site model's
# allocation is continuous)
Start = Mapping[str, float]
Cell = Hashable  # what a plan frees a count by: its day (a site model: skill group and day)
Plan = tuple[Cell, ...]  # the cells a neighbourhood frees


@dataclass(frozen=True)
class MipModel:
    """The aggregate model as an ``MPModelProto``: variable names in proto order, and the
    (proto index, cell) of every count variable (class shift counts, break and lunch counts;
    the cell is the count's day, or what else a plan names it by)."""

    proto: linear_solver_pb2.MPModelProto
    names: tuple[str, ...]
    counts: tuple[tuple[int, Cell], ...]
    classes: frozenset[int]  # proto indices of the class shift counts (the rest: activities)
    upper: dict[int, float]  # the counts' bounds as built

    @functools.cached_property
    def integer(self) -> np.ndarray:
        """Which variables are integer (boolean, proto order); continuous ones (a site
        model's allocation) keep their values unrounded."""
        return np.array([v.is_integer for v in self.proto.variable], dtype=bool)


def build_mip(
    problem: RosterProblem,
    types: list[ShiftType],
    classes: list[AgentClass],
    objective: Objective = "deviation",
) -> MipModel:
    """The aggregate model of ``classes`` over ``types`` for SCIP."""
    backend = LpBackend("SCIP", integer=True)
    m = build_aggregate(problem, backend, types, classes, objective=objective)
    counts = tuple((var.index(), types[k].day) for var, k in m.count_vars())
    proto = backend.proto()
    class_counts = frozenset(var.index() for var in m.x.values())
    upper = {i: proto.variable[i].upper_bound for i, _ in counts}
    return MipModel(proto, tuple(v.name for v in proto.variable), counts, class_counts, upper)


@dataclass
class MipDays:
    """The LNS driver over one :class:`MipModel`: neighbourhoods of one, two or three days
    (:meth:`run`), every class and activity count of those days free within the plan's
    radius; ``lanes`` rounds at a time, each in its own SCIP process (:mod:`scip_pool`), so
    that a stop request ends a round at once. Call :meth:`close` when done (it ends them)."""

    model: MipModel
    radius: int = 4
    max_radius: int = 8
    patience: int = 1  # full cycles of plans without improvement before the search stops
    frozen: dict[str, int] = field(default_factory=dict)  # name -> fixed value
    lanes: int = 1
    tiers: list[list[Plan]] | None = None  # the plans of each tier (default: by days)
    min_round_s: float = 1.0  # no round is issued with less time left (a small site: less)
    _radii: dict[Plan, int] = field(default_factory=dict)  # kept across runs
    _next: dict[int, int] = field(default_factory=dict)  # tier -> rounds run
    _pool: ScipPool | None = None

    def close(self) -> None:
        """End the SCIP processes."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def twin(self) -> MipDays:
        """A driver of the same model, settings and frozen counts, one lane, its own state."""
        return MipDays(self.model, self.radius, self.max_radius, self.patience,
                       dict(self.frozen), tiers=self.tiers,
                       min_round_s=self.min_round_s)  # fmt: skip

    def follow(self, other: MipDays) -> None:
        """Go on with ``other``'s plan position and radii (a model whose incumbent is
        ``other``'s, e.g. the checkpoint's split when it changed no count's value)."""
        self._radii = dict(other._radii)
        self._next = dict(other._next)

    def _lanes(self) -> ScipPool:
        if self._pool is None:
            self._pool = ScipPool(self.model.proto, self.lanes)
        return self._pool

    def _task(
        self,
        values: Start,
        plan: Plan,
        radius: int,
        limit_s: float,
        activities_free: bool = False,
    ) -> Round:
        """A round from ``values`` (the hint) with the counts of ``plan``'s days within
        ``radius`` of them (or free: break and lunch counts with ``activities_free``), the other
        counts and :attr:`frozen` fixed."""
        names, classes = self.model.names, self.model.classes
        chosen = set(plan)
        count = len(self.model.counts)
        index = np.empty(count, dtype=np.int32)
        lower, upper = np.empty(count), np.empty(count)
        for at, (i, cell) in enumerate(self.model.counts):
            name = names[i]
            value = self.frozen.get(name, values[name])
            lo, hi = float(value), float(value)
            if cell in chosen and name not in self.frozen:
                lo, hi = max(0, value - radius), value + radius
                if activities_free and i not in classes:
                    lo, hi = 0.0, self.model.upper[i]
            index[at], lower[at], upper[at] = i, lo, hi
        hinted = [(i, values[n]) for i, n in enumerate(names) if n in values]
        return Round(
            index, lower, upper,
            np.array([i for i, _ in hinted], dtype=np.int32),
            np.array([v for _, v in hinted], dtype=np.float64),
            limit_s,
        )  # fmt: skip

    def repair(
        self, start: Start, frozen: Mapping[str, int], limit_s: float, worst: int | None = None
    ) -> tuple[Values, int] | None:
        """A solution with ``frozen`` counts at their values (added to :attr:`frozen`), the
        other class counts kept and the break and lunch counts of the days where a frozen
        count changed re-placed (:meth:`settle`; the rounds then adapt the rest); ``None`` when
        none is found in ``limit_s`` or the best found has a scaled objective above ``worst``
        (the frozen set is then left unchanged)."""
        names = self.model.names
        changed = {name for name, value in frozen.items() if start[name] != value}
        days = {cell for i, cell in self.model.counts if names[i] in changed}
        before = dict(self.frozen)
        self.frozen.update(frozen)
        settled = self.settle({**start, **frozen}, days, limit_s, worst)
        if settled is None:
            self.frozen = before
        return settled

    def settle(
        self,
        start: Start,
        days: AbstractSet[Cell],
        limit_s: float,
        worst: int | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> tuple[Values, int] | None:
        """The best solution SCIP finds in ``limit_s`` with every class count at its ``start``
        value and the break and lunch counts of ``days`` free (``start`` need not be a solution
        there: a break placement problem, which SCIP solves in seconds), those of other days
        fixed; ``None`` when there is none of scaled objective at most ``worst`` or a stop
        request (``should_stop``) ended the round.

        Why class counts fixed: with them free within :attr:`max_radius` as well, SCIP's best
        in 10 s was once 1330.9 on M-3 (seed 2; 482.0-501.9 on seeds 0-1)."""
        task = self._task(start, tuple(days), 0, limit_s, activities_free=True)
        answer = self._lanes().solve(task, should_stop)
        if answer.found and (worst is None or answer.objective <= worst):
            return self._values(answer), round(answer.objective)
        return None

    def _values(self, answer: Answer) -> Values:
        """The answer by name: integer variables rounded, continuous ones as solved."""
        values, integer = answer.values, self.model.integer
        if integer.all():
            return dict(zip(self.model.names, np.rint(values).astype(int).tolist(), strict=True))
        exact = np.where(integer, np.rint(values), values).tolist()
        ints = integer.tolist()
        return {
            n: int(v) if i else v for n, v, i in zip(self.model.names, exact, ints, strict=True)
        }

    def run(
        self,
        start: Start,
        objective: int,
        days: list[int],
        deadline: float,
        round_s: float,
        should_stop: Callable[[], bool] | None = None,
        floor: float | None = None,
        on_better: Callable[[int], Any] | None = None,
    ) -> tuple[Values, int]:
        """Improve ``start`` (every variable by name, scaled ``objective``) until ``deadline``,
        a stop request or ``floor`` (a lower bound), or until :attr:`patience` full cycles of
        every tier of plans bring no improvement; returns the best values and their scaled
        objective; ``on_better`` is called with each improving objective.

        Tiers (:attr:`tiers` when given, else by ``days``): one day or any two days first; when
        a full cycle of them brings nothing, any three days (larger rounds, often not proven
        optimal), back to the first tier after an improvement. Each lane starts its next round
        from the best solution known then; an answer better than the best (every answer is a
        complete solution) replaces it."""
        best, best_obj = dict(start), objective
        tiers = self.tiers if self.tiers is not None else _tiers(days)
        cycle = _Cycle([t for t in tiers if t], self.patience, self._next)
        pool = self._lanes()
        running: dict[int, tuple[Plan, int, int]] = {}  # lane -> plan, radius, objective
        while not (should_stop is not None and should_stop()):
            if floor is not None and best_obj <= floor:
                break  # optimal: the running rounds cannot do better
            issuing = deadline - time.monotonic() > self.min_round_s
            while issuing and len(running) < pool.size and (plan := cycle.plan()) is not None:
                lane = min(set(range(pool.size)) - set(running))
                radius = self._radii.setdefault(plan, self.radius)
                limit = min(round_s, deadline - time.monotonic())
                pool.submit(lane, self._task(best, plan, radius, limit))
                running[lane] = plan, radius, best_obj
            if not running:
                break
            got = pool.next(0.2)
            if got is None:
                continue
            plan, radius, began = running.pop(got[0])
            answer = got[1]
            if answer.found and round(answer.objective) < best_obj:
                best, best_obj = self._values(answer), round(answer.objective)
                cycle.improved()
                if on_better is not None:
                    on_better(best_obj)
            elif answer.found and round(answer.objective) < began:
                cycle.again(plan)  # it improved a solution another lane has beaten since
            elif answer.optimal:  # the radius grows after a round proven optimal
                self._radii[plan] = min(self.max_radius, radius + 1)
            else:  # and shrinks after one that is not
                self._radii[plan] = max(1, radius - 1)
        pool.stop()  # rounds still running (a stop request) are dropped
        return best, best_obj


def run_chains(
    main: MipDays,
    starts: Sequence[tuple[Start, int]],
    days: list[int],
    deadline: float,
    round_s: float,
    should_stop: Callable[[], bool] | None = None,
    floor: float | None = None,
    on_better: Callable[[int], Any] | None = None,
) -> tuple[Values, int]:
    """:meth:`MipDays.run` from each of ``starts`` at once, one chain per start, each in its
    own SCIP process; the first chain on ``main``, the others on copies of it (closed here).
    Returns the best chain's values and scaled objective; ``main`` goes on with that chain's
    plan position (:meth:`MipDays.follow`). ``on_better`` hears each objective better than
    every chain's so far; a chain at ``floor`` ends the others.

    Why chains from several starts: a chain's end depends on its start (the first phase's
    incumbent); on M-1 the chains from four first-phase incumbents ended at 88.8-92.1 after
    60 s of rounds, and a solve's gap at 0.7-5.7 % depending on it."""
    if len(starts) == 1:
        ((values, objective),) = starts
        return main.run(values, objective, days, deadline, round_s, should_stop, floor, on_better)
    chains = [main] + [main.twin() for _ in starts[1:]]
    lock, reached = threading.Lock(), threading.Event()
    best = [starts[0][1]]

    def better(objective: int) -> None:
        with lock:
            if objective < best[0]:
                best[0] = objective
                if on_better is not None:
                    on_better(objective)
        if floor is not None and objective <= floor:
            reached.set()

    def stop() -> bool:
        return reached.is_set() or (should_stop is not None and should_stop())

    def chain(i: int) -> Callable[[], tuple[Values, int]]:
        def call() -> tuple[Values, int]:
            values, objective = starts[i]
            better(objective)
            return chains[i].run(values, objective, days, deadline, round_s, stop, floor, better)

        return call

    try:
        results = side_by_side([chain(i) for i in range(len(chains))], on_error=reached.set)
    finally:
        for side in chains[1:]:
            side.close()
    winner = min(range(len(results)), key=lambda i: results[i][1])
    if winner != 0:
        main.follow(chains[winner])
    return results[winner]


@dataclass
class _Cycle:
    """The plans in turn: the first tier's until :attr:`patience` full cycles of it bring no
    improvement, then the next tier's; back to the first after an improvement; ``None`` when
    the last tier is spent."""

    tiers: list[list[Plan]]
    patience: int
    turns: dict[int, int]  # tier -> plans issued (kept across runs by the caller)
    level: int = 0
    since_best: int = 0
    retry: list[Plan] = field(default_factory=list)

    def again(self, plan: Plan) -> None:
        """Issue ``plan`` next (from the new best: its gain may still be there)."""
        self.retry.append(plan)

    def plan(self) -> Plan | None:
        if self.retry:
            return self.retry.pop(0)
        while self.level < len(self.tiers):
            plans = self.tiers[self.level]
            if self.since_best < self.patience * len(plans):
                turn = self.turns.get(self.level, 0)
                self.turns[self.level] = turn + 1
                self.since_best += 1
                return plans[turn % len(plans)]
            self.level, self.since_best = self.level + 1, 0
        return None

    def improved(self) -> None:
        self.level, self.since_best = 0, 0


def _tiers(days: list[int]) -> list[list[Plan]]:
    """The plans of each tier: one day or any two days, then any three days."""
    return [
        [(d,) for d in days] + list(itertools.combinations(days, 2)),
        list(itertools.combinations(days, 3)),
    ]
