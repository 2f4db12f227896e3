"""Multi-skill staffing: agents per skill group and interval so that every queue meets its goal
in a simulation of the routing, using the capacity that cross-trained agents pool.

In the spirit of Cezik & L'Ecuyer (2008, "Staffing multiskill call centers via linear
programming and simulation", Management Science 54(2)) without their LP: a feasible start,
then simulation-checked greedy removals.

1. **Start**: each queue's dedicated Erlang requirement (Erlang C, or Erlang A when the run's
   patience is exponential) placed on the group that serves it with fewest skills, or a given
   ``start`` plan (e.g. half of each queue's agents moved to cross-trained groups).
2. **Repair**: simulate; in every interval where a queue misses its goal add one agent to that
   queue's fewest-skill group; repeat until every queue meets its goal everywhere.
3. **Removal**: per round and group (fewest skills first), remove one agent of the group in
   every interval still open for it, simulate once, keep the removal where every queue still
   meets its goal in that interval and close the interval for the group where one does not.
   Intervals are treated as independent within a round (as the simulation correction of one
   queue does); step 4 catches the carry-over between them.
4. **Verify**: the final plan is simulated again and repaired (step 2) where needed.

A queue meets its goal in an interval when the one-sided ``confidence`` bound of each target is
on the right side (:func:`optimizer.simulation.goal_met`); ``max_occupancy`` is not supported
(a queue's occupancy is not defined when agents are shared). All runs use the same seed
(common random numbers), so a plan always simulates the same way.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from optimizer.errors import InputError, Problem
from optimizer.requirements import ServiceGoal, StaffingModel, required_agents
from optimizer.simulation import SimulationConfig, goal_met
from optimizer.simulation.multiskill import (
    MultiSkillResult,
    SkillGroup,
    SkillQueue,
    simulate_multiskill,
)

IntArray = NDArray[np.int64]
MAX_SIMULATIONS = 80


@dataclass(frozen=True, slots=True, eq=False)
class MultiSkillStaffing:
    """Agents per group (rows, in the groups' order) and interval (columns).

    ``start_agents``: the plan the search started from; ``met``: per queue and interval, goal
    met by the returned plan; ``converged``: the search ended within its budget with every
    goal met; ``simulations``: runs used; ``result``: the simulation of the returned plan.
    """

    agents: IntArray
    start_agents: IntArray
    met: NDArray[np.bool_]
    converged: bool
    simulations: int
    result: MultiSkillResult

    def agent_hours(self, interval_min: int) -> float:
        """Agent-hours of the plan (agents taking calls, before shrinkage)."""
        return float(self.agents.sum()) * interval_min / 60.0

    def queue_agents(self) -> NDArray[np.float64]:
        """Per-queue requirement that accounts for pooling: agents per queue and interval,
        fractional, each group's agents split by the busy time it gave each of its queues
        (:meth:`MultiSkillResult.agents_by_queue`); sums to the plan's agents."""
        return self.result.agents_by_queue()


@dataclass(slots=True)
class _Search:
    """State of one search: inputs, the run budget, and the runs made."""

    queues: list[SkillQueue]
    groups: list[SkillGroup]
    goals: list[ServiceGoal]
    config: SimulationConfig
    confidence: float
    budget: int
    runs: int = 0

    def met(self, plan: IntArray) -> tuple[NDArray[np.bool_], MultiSkillResult]:
        """Per queue and interval: goal met by ``plan``; counts one run."""
        self.runs += 1
        result = simulate_multiskill(self.queues, self.groups, plan, self.config)
        met = np.array(
            [
                goal_met(r, g, self.confidence)
                for r, g in zip(result.queues, self.goals, strict=True)
            ]
        )
        return met, result

    def home(self, q: int) -> int:
        """The group serving queue ``q`` with fewest skills (first in group order on ties)."""
        name = self.queues[q].name
        serving = [g for g, group in enumerate(self.groups) if name in group.queues]
        return min(serving, key=lambda g: (len(self.groups[g].queues), g))


def _check(queues: Sequence[SkillQueue], groups: Sequence[SkillGroup], goals: Sequence[ServiceGoal],
           confidence: float) -> None:  # fmt: skip
    problems = []
    if len(goals) != len(queues):
        problems.append(Problem(None, "goals", "length_mismatch", "one goal per queue"))
    for q, goal in enumerate(goals):
        if goal.max_occupancy is not None:
            msg = "max_occupancy is not defined per queue when agents are shared"
            problems.append(Problem(None, f"goals[{q}].max_occupancy", "not_supported", msg))
    served = {name for group in groups for name in group.queues}
    for q, queue in enumerate(queues):
        if queue.name not in served:
            problems.append(Problem(None, f"queues[{q}]", "unserved", "no group serves it"))
    if not 0.5 <= confidence < 1.0:
        problems.append(Problem(None, "confidence", "out_of_range", "must be in [0.5, 1)"))
    if problems:
        raise InputError(problems)


def _erlang_model(queue: SkillQueue, config: SimulationConfig) -> StaffingModel:
    if config.patience != "exponential":
        return StaffingModel("erlang_c")
    return StaffingModel("erlang_a", patience_s=queue.patience_s or config.patience_s)


def dedicated_start(search: _Search) -> IntArray:
    """Each queue's Erlang requirement on its fewest-skill group."""
    n = np.asarray(search.queues[0].calls, dtype=np.float64).reshape(-1).shape[0]
    plan = np.zeros((len(search.groups), n), dtype=np.int64)
    for q, (queue, goal) in enumerate(zip(search.queues, search.goals, strict=True)):
        req = required_agents(
            queue.calls,
            queue.aht_s,
            interval_min=search.config.interval_min,
            goal=goal,
            model=_erlang_model(queue, search.config),
        )
        plan[search.home(q)] += req.agents
    return plan


def _repair(
    search: _Search, plan: IntArray
) -> tuple[IntArray, NDArray[np.bool_], MultiSkillResult]:
    """Add agents where a queue misses its goal until every queue meets it (or budget ends)."""
    met, result = search.met(plan)
    while not met.all() and search.runs < search.budget:
        plan = plan.copy()
        for q, j in zip(*np.nonzero(~met), strict=True):
            plan[search.home(int(q)), j] += 1
        met, result = search.met(plan)
    return plan, met, result


def _removal_round(search: _Search, plan: IntArray, open_: NDArray[np.bool_]) -> IntArray:
    """One round of removals: each group with open intervals, fewest skills first."""
    order = sorted(range(len(search.groups)), key=lambda g: (len(search.groups[g].queues), g))
    for g in order:
        open_[g] &= plan[g] > 0
        if not open_[g].any() or search.runs >= search.budget:
            open_[g] = False
            continue
        candidate = plan.copy()
        candidate[g, open_[g]] -= 1
        met, _ = search.met(candidate)
        keep = open_[g] & met.all(axis=0)
        plan = np.where(
            keep[None, :] & (np.arange(len(search.groups)) == g)[:, None], candidate, plan
        )
        open_[g] = keep
    return plan


def multiskill_staffing(
    queues: Sequence[SkillQueue],
    groups: Sequence[SkillGroup],
    goals: Sequence[ServiceGoal],
    config: SimulationConfig,
    *,
    start: IntArray | None = None,
    confidence: float = 0.95,
    max_simulations: int = MAX_SIMULATIONS,
) -> MultiSkillStaffing:
    """Agents per skill group and interval meeting every queue's goal in simulation.

    ``goals[q]`` is queue ``q``'s goal; its ``answer_within_s`` replaces the queue's. ``config``
    gives the simulation settings (replications, seed, service and patience distributions).
    ``start``: plan to start from (groups x intervals); default :func:`dedicated_start`.
    """
    _check(queues, groups, goals, confidence)
    with_t = [
        dataclasses.replace(q, answer_within_s=g.answer_within_s)
        for q, g in zip(queues, goals, strict=True)
    ]
    search = _Search(with_t, list(groups), list(goals), config, confidence, max_simulations)
    first = dedicated_start(search) if start is None else np.asarray(start, dtype=np.int64)
    plan, met, result = _repair(search, first)
    open_ = np.ones(plan.shape, dtype=bool)
    while open_.any() and search.runs < search.budget:
        plan = _removal_round(search, plan, open_)
    plan, met, result = _repair(search, plan)
    return MultiSkillStaffing(
        agents=plan,
        start_agents=first,
        met=met,
        converged=bool(met.all()) and not open_.any(),
        simulations=search.runs,
        result=result,
    )
