"""Simulate several queues served by skill groups: routing by priorities, per-queue KPIs.

A *skill group* is a set of agents with the same skills: the queues they may serve, in the
group's priority order. An agent who becomes free takes the longest-waiting call of the
highest-priority queue of its group that holds one; an arriving call takes an idle agent of
the groups serving its queue, tried fewest skills first (then in group order): the specialist
before the generalist, who stays free for the queues only it can serve. See
:mod:`.multiskill_kernel` for the event rules and ``docs/simulation.md`` (multi-skill section).

The sampling is the single-queue simulator's (:func:`.sampling.draw_calls`), queue after queue
from each replication's caller stream, and so are the counting and the KPIs: with one queue and
one group, :func:`simulate_multiskill` returns exactly what :func:`.simulate_queue` returns on
the same seed (tested).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from optimizer.errors import InputError, Problem
from optimizer.simulation.config import SimulationConfig
from optimizer.simulation.counters import ARRIVALS, N_COUNTERS
from optimizer.simulation.engine import PlanArrays, validate_plan
from optimizer.simulation.results import (
    Estimate,
    SimulationResult,
    simulation_result,
    t_interval,
)
from optimizer.simulation.sampling import draw_calls, drop_uniforms, replication_generators


@dataclass(frozen=True, slots=True, eq=False)
class SkillQueue:
    """One queue: expected ``calls`` and mean ``aht_s`` per interval (scalar ``aht_s`` allowed).

    ``answer_within_s`` and ``patience_s`` override the run's :class:`SimulationConfig` for this
    queue (``patience_s`` needs the config's ``exponential`` patience)."""

    name: str
    calls: ArrayLike
    aht_s: ArrayLike
    answer_within_s: float | None = None
    patience_s: float | None = None


@dataclass(frozen=True, slots=True)
class SkillGroup:
    """Agents with the same skills: ``queues`` (names) in the group's priority order.

    ``levels``: optional priority level per queue (lower first; equal levels: the call that
    waited longest among those queues); ``None`` means strictly in the order given."""

    name: str
    queues: tuple[str, ...]
    levels: tuple[int, ...] | None = None


@dataclass(frozen=True, slots=True, eq=False)
class MultiSkillResult:
    """Outcome of :func:`simulate_multiskill`.

    ``queues``: one :class:`SimulationResult` per queue (same order as given); its ``agents``
    column counts the agents of every group serving the queue and its ``occupancy`` is the
    queue's handle time over their staffed time (the share of that pool spent on the queue).
    ``group_busy_s``: busy seconds per replication, group and interval (``group_queue_busy_s``:
    split by queue, (replications, groups, queues, intervals)); ``group_staffed_s``: staffed
    seconds per group and interval; :meth:`group_occupancy` summarises them. ``skills``:
    (groups, queues), whether a group serves a queue.
    """

    queue_names: tuple[str, ...]
    queues: tuple[SimulationResult, ...]
    group_names: tuple[str, ...]
    group_busy_s: NDArray[np.float64]
    group_staffed_s: NDArray[np.float64]
    confidence: float
    group_queue_busy_s: NDArray[np.float64]
    skills: NDArray[np.bool_]
    interval_s: float

    def queue(self, name: str) -> SimulationResult:
        return self.queues[self.queue_names.index(name)]

    def group_occupancy(self, name: str, first_interval: int = 0) -> Estimate:
        """Busy / staffed time of group ``name`` from ``first_interval`` on, over replications."""
        g = self.group_names.index(name)
        busy = self.group_busy_s[:, g, first_interval:].sum(axis=1)
        staffed = float(self.group_staffed_s[g, first_interval:].sum())
        samples = busy / staffed if staffed > 0 else np.full(busy.shape, np.nan)
        mean, low, high, n = t_interval(samples[:, None], self.confidence)
        return Estimate(float(mean[0]), float(low[0]), float(high[0]), int(n[0]))

    def agents_by_queue(self) -> NDArray[np.float64]:
        """Agents per queue and interval (queues, intervals), fractional: each group's agents
        split among its queues in proportion to the mean busy time it gave each (equally
        where the group was idle). Sums over queues to the agents staffed."""
        busy = self.group_queue_busy_s.mean(axis=0)  # (groups, queues, intervals)
        total = busy.sum(axis=1, keepdims=True)
        even = (self.skills / self.skills.sum(axis=1, keepdims=True))[:, :, None]
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(total > 0, busy / np.where(total > 0, total, 1.0), even)
        agents = self.group_staffed_s[:, None, :] / self.interval_s
        return np.asarray((share * agents).sum(axis=0), dtype=np.float64)

    def group_frame(self) -> pd.DataFrame:
        """Per interval (rows) and group (columns): mean occupancy over replications (NaN
        where the group has no agents)."""
        staffed = self.group_staffed_s
        busy = self.group_busy_s.mean(axis=0)
        occ = np.where(staffed > 0, busy / np.where(staffed > 0, staffed, 1.0), np.nan)
        frame = pd.DataFrame(occ.T, columns=list(self.group_names))
        frame.index.name = "interval"
        return frame


@dataclass(frozen=True, slots=True)
class _Site:
    """Validated inputs: per-queue plans and configs, agents (groups x intervals), routing."""

    plans: tuple[PlanArrays, ...]
    configs: tuple[SimulationConfig, ...]
    agents: NDArray[np.int64]
    group_queues: NDArray[np.int64]
    route: NDArray[np.int64]
    group_level: NDArray[np.int64]


def _prefixed(error: InputError, prefix: str) -> list[Problem]:
    return [Problem(p.row, f"{prefix}.{p.field}", p.code, p.message) for p in error.problems]


def _queue_plans(
    queues: Sequence[SkillQueue], agents: NDArray[np.float64], problems: list[Problem]
) -> list[PlanArrays]:
    plans = []
    for q, queue in enumerate(queues):
        try:
            plans.append(validate_plan(queue.calls, queue.aht_s, np.zeros(agents.shape[1])))
        except InputError as error:
            problems += _prefixed(error, f"queues[{q}]")
    for g in range(agents.shape[0]):
        try:
            validate_plan(np.zeros(agents.shape[1]), 1.0, agents[g])
        except InputError as error:
            problems += _prefixed(error, f"groups[{g}]")
    return plans


def _queue_config(queue: SkillQueue, config: SimulationConfig, q: int) -> SimulationConfig:
    changes: dict[str, float] = {}
    if queue.answer_within_s is not None:
        changes["answer_within_s"] = queue.answer_within_s
    if queue.patience_s is not None:
        if config.patience != "exponential":
            msg = "a queue's patience_s needs the config's exponential patience"
            raise InputError([Problem(None, f"queues[{q}].patience_s", "not_applicable", msg)])
        changes["patience_s"] = queue.patience_s
    try:
        return dataclasses.replace(config, **changes)  # type: ignore[arg-type]
    except InputError as error:
        raise InputError(_prefixed(error, f"queues[{q}]")) from None


def _group_order(group: SkillGroup, g: int, problems: list[Problem]) -> list[tuple[int, str]]:
    """(level, queue name) of a group, sorted by level (stable)."""
    if not group.queues or len(set(group.queues)) != len(group.queues):
        problems.append(Problem(None, f"groups[{g}].queues", "invalid", "distinct, non-empty"))
    levels = group.levels if group.levels is not None else tuple(range(len(group.queues)))
    if len(levels) != len(group.queues):
        problems.append(Problem(None, f"groups[{g}].levels", "length_mismatch", "one per queue"))
        return []
    return sorted(zip(levels, group.queues, strict=True), key=lambda pair: pair[0])


def _routing(
    queues: Sequence[SkillQueue], groups: Sequence[SkillGroup], problems: list[Problem]
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Per group its queue indices by priority (and their levels); per queue its groups,
    fewest skills first, then in group order."""
    names = [queue.name for queue in queues]
    if len(set(names)) != len(names) or not names:
        problems.append(Problem(None, "queues", "invalid", "need distinct, non-empty queue names"))
    shape = (max(len(groups), 1), max(len(queues), 1))
    group_queues = np.full(shape, -1, dtype=np.int64)
    group_level = np.zeros(shape, dtype=np.int64)
    for g, group in enumerate(groups):
        for r, (level, name) in enumerate(_group_order(group, g, problems)[: len(queues)]):
            if name not in names:
                problems.append(Problem(None, f"groups[{g}].queues", "unknown", f"no queue {name}"))
            else:
                group_queues[g, r], group_level[g, r] = names.index(name), level
    order = sorted(range(len(groups)), key=lambda g: (len(groups[g].queues), g))
    route = np.full((max(len(queues), 1), max(len(groups), 1)), -1, dtype=np.int64)
    for q in range(len(queues)):
        serving = [g for g in order if q in group_queues[g]]
        route[q, : len(serving)] = serving
    return group_queues, route, group_level


def _validated(
    queues: Sequence[SkillQueue],
    groups: Sequence[SkillGroup],
    agents: ArrayLike,
    config: SimulationConfig,
) -> _Site:
    problems: list[Problem] = []
    plan = np.asarray(agents, dtype=np.float64)
    if plan.ndim == 1 and len(groups) == 1:
        plan = plan[None, :]
    if plan.ndim != 2 or plan.shape[0] != len(groups) or plan.shape[1] == 0 or not groups:
        msg = f"must be (groups, intervals) = ({len(groups)}, n)"
        raise InputError([Problem(None, "agents", "invalid_shape", msg)])
    group_queues, route, group_level = _routing(queues, groups, problems)
    plans = _queue_plans(queues, plan, problems)
    if problems:
        raise InputError(problems)
    configs = tuple(_queue_config(queue, config, q) for q, queue in enumerate(queues))
    agents_int = plan.astype(np.int64)
    return _Site(tuple(plans), configs, agents_int, group_queues, route, group_level)


def _replication_calls(
    site: _Site, rng: np.random.Generator
) -> tuple[tuple[NDArray[np.float64] | NDArray[np.int64], ...], list[NDArray[np.int64]]]:
    """Callers of every queue (drawn queue after queue), merged by arrival; each queue's calls."""
    samples = [
        draw_calls(rng, plan.calls, plan.aht_s, cfg)
        for plan, cfg in zip(site.plans, site.configs, strict=True)
    ]
    arrival = np.concatenate([s.arrival_s for s in samples])
    queue = np.concatenate([np.full(s.arrival_s.shape[0], q) for q, s in enumerate(samples)])
    order = np.argsort(arrival, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(order.shape[0])
    offsets = np.cumsum([0] + [s.arrival_s.shape[0] for s in samples])
    per_queue = [rank[offsets[q] : offsets[q + 1]] for q in range(len(samples))]
    service = np.concatenate([s.service_s for s in samples])[order]
    patience = np.concatenate([s.patience_s for s in samples])[order]
    calls = (
        arrival[order],
        service,
        patience,
        queue[order].astype(np.int64),
        np.concatenate(per_queue).astype(np.int64),
        offsets.astype(np.int64),
    )
    return calls, per_queue


def _run(site: _Site, config: SimulationConfig) -> tuple[NDArray[np.float64], ...]:
    """Counters per replication: queues (R, Q, n, C), busy seconds (R, G, Q, n)."""
    from optimizer.simulation.multiskill_kernel import count_queue, simulate_routing

    n_q, (n_g, n) = len(site.plans), site.agents.shape
    queue_totals = np.zeros((config.replications, n_q, n, N_COUNTERS))
    pair_busy = np.zeros((config.replications, n_g, n_q, n))
    interval_s = float(config.interval_min * 60)
    for r, streams in enumerate(replication_generators(config)):
        calls, per_queue = _replication_calls(site, streams.calls)
        drop_u = drop_uniforms(streams.drops, site.agents)
        start_s = np.full(calls[0].shape[0], np.inf)
        outs = (start_s, queue_totals[r], pair_busy[r])
        routing = (site.group_queues, site.route, site.group_level)
        strict = config.staffing_drop == "strict_stop"
        simulate_routing(calls, site.agents, routing, drop_u, interval_s, strict, outs)
        for q, cfg in enumerate(site.configs):
            within = float(cfg.answer_within_s)
            count_queue(calls[0], start_s, calls[2], per_queue[q], within, interval_s, outs[1][q])
    return queue_totals, pair_busy


def simulate_multiskill(
    queues: Sequence[SkillQueue],
    groups: Sequence[SkillGroup],
    agents: ArrayLike,
    config: SimulationConfig,
) -> MultiSkillResult:
    """Simulate ``queues`` served by ``groups`` with ``agents[g][j]`` agents of group ``g`` in
    interval ``j`` (a 1-D plan is allowed for one group). The run settings (intervals,
    replications, seed, service and patience distributions, staffing drop, confidence) are
    ``config``'s; each queue may override ``answer_within_s`` and ``patience_s``."""
    site = _validated(queues, groups, agents, config)
    queue_totals, pair_busy = _run(site, config)
    interval_s = float(config.interval_min * 60)
    results = []
    for q, (plan, cfg) in enumerate(zip(site.plans, site.configs, strict=True)):
        serving = site.agents[[g for g in site.route[q] if g >= 0]].sum(axis=0)
        staffed_s = serving.astype(np.float64) * interval_s
        totals = np.ascontiguousarray(queue_totals[:, q])
        calls_simulated = int(totals[..., ARRIVALS].sum())
        results.append(
            simulation_result(cfg, totals, serving, plan.calls, staffed_s, calls_simulated)
        )
    return MultiSkillResult(
        queue_names=tuple(queue.name for queue in queues),
        queues=tuple(results),
        group_names=tuple(group.name for group in groups),
        group_busy_s=pair_busy.sum(axis=2),
        group_queue_busy_s=pair_busy,
        skills=np.array([[q in row for q in range(len(queues))] for row in site.group_queues]),
        interval_s=interval_s,
        group_staffed_s=site.agents.astype(np.float64) * interval_s,
        confidence=config.confidence,
    )
