"""Simulation-corrected requirement: Erlang start, then agents adjusted until simulation agrees.

Erlang C/A size each interval as a stationary queue. The simulation adds what they leave out
(queues carried over interval boundaries, arrival peaks inside an interval, skewed handle
times, empirical patience). Starting from the Erlang requirement the search

1. adds one agent to every interval whose goal is not met, re-simulates, until all are met;
2. then (``allow_decrease``) tries one agent fewer in every interval not yet frozen, keeps the
   cuts whose plan still meets the goal and freezes the intervals whose cut failed (with the
   interval before each failing one, whose carry-over may be the cause), until nothing is left
   to cut or the simulation budget is spent.

An interval meets the goal when the one-sided ``confidence`` bound of each KPI over the
replications is on the right side of its target: the lower bound of the service level, the
upper bounds of ASA, abandonment and occupancy. Intervals without simulated arrivals pass.
All runs share the seed (common random numbers), so a plan always simulates the same way and
the last passing plan is returned as is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from optimizer.errors import InputError, Problem
from optimizer.requirements import ServiceGoal, StaffingModel, required_agents
from optimizer.simulation.config import SimulationConfig
from optimizer.simulation.engine import simulate_queue, validate_plan
from optimizer.simulation.results import SimulationResult, kpi_samples, t_interval

MAX_SIMULATIONS = 60


@dataclass(frozen=True, slots=True)
class CorrectedRequirement:
    """Agents per interval after simulation correction (agents taking calls, whole numbers).

    ``erlang_agents``: the starting point; ``scheduled``: ``ceil(agents / (1 - shrinkage))``;
    ``met``: per interval, whether the final plan meets the goal at ``confidence``;
    ``converged``: the search finished within the simulation budget; ``simulation``: the
    result of the returned plan; ``simulations``: how many runs the search used.
    """

    agents: NDArray[np.int64]
    erlang_agents: NDArray[np.int64]
    scheduled: NDArray[np.int64]
    met: NDArray[np.bool_]
    converged: bool
    simulations: int
    confidence: float
    simulation: SimulationResult

    def to_frame(self) -> pd.DataFrame:
        """Per interval: ``erlang_agents``, ``agents``, ``delta``, ``scheduled``, ``met`` and the
        simulated KPI columns of :class:`SimulationResult` (``sim_`` prefix)."""
        frame = pd.DataFrame(
            {
                "erlang_agents": self.erlang_agents,
                "agents": self.agents,
                "delta": self.agents - self.erlang_agents,
                "scheduled": self.scheduled,
                "met": self.met,
            }
        )
        kpis = self.simulation.intervals.drop(columns=["agents"]).add_prefix("sim_")
        frame = pd.concat([frame, kpis.reset_index(drop=True)], axis=1)
        frame.index.name = "interval"
        return frame


def goal_met(result: SimulationResult, goal: ServiceGoal, confidence: float) -> NDArray[np.bool_]:
    """Per interval: every target of ``goal`` met at the one-sided ``confidence`` bound."""
    samples = kpi_samples(result.totals, result.staffed_s[None, :])
    two_sided = 2.0 * confidence - 1.0
    ok = np.ones(result.totals.shape[1], dtype=bool)
    sl_name = (
        "service_level"
        if goal.service_level_basis == "all_arrivals"
        else ("service_level_answered")
    )
    checks = (
        (sl_name, goal.service_level, True),
        ("asa_s", goal.max_asa_s, False),
        ("abandon_rate", goal.max_abandon_rate, False),
        ("occupancy", goal.max_occupancy, False),
    )
    for name, target, is_floor in checks:
        if target is None:
            continue
        _, low, high, n = t_interval(samples[name], two_sided)
        bound = np.where(n >= 2, low if is_floor else high, np.nan)
        meets = bound >= target if is_floor else bound <= target
        ok &= meets | np.isnan(bound)
    return ok


def _default_config(goal: ServiceGoal, model: StaffingModel) -> SimulationConfig:
    if model.kind == "erlang_a":
        return SimulationConfig(
            answer_within_s=goal.answer_within_s,
            patience="exponential",
            patience_s=model.patience_s,
        )
    return SimulationConfig(answer_within_s=goal.answer_within_s)


def _check_inputs(
    goal: ServiceGoal,
    config: SimulationConfig,
    confidence: float,
    shrinkage: float,
    max_simulations: int,
) -> None:
    problems = []
    if not (np.isfinite(shrinkage) and 0.0 <= shrinkage < 1.0):
        problems.append(Problem(None, "shrinkage", "out_of_range", "must be in [0, 1)"))
    if not 1 <= max_simulations <= 10_000:
        problems.append(Problem(None, "max_simulations", "out_of_range", "must be in 1..10000"))
    if config.answer_within_s != goal.answer_within_s:
        msg = f"config.answer_within_s {config.answer_within_s} != goal {goal.answer_within_s}"
        problems.append(Problem(None, "answer_within_s", "mismatch", msg))
    if not (np.isfinite(confidence) and 0.5 <= confidence < 1.0):
        problems.append(Problem(None, "confidence", "out_of_range", "must be in [0.5, 1)"))
    if config.replications < 2:
        msg = "a confidence bound needs at least 2 replications"
        problems.append(Problem(None, "replications", "out_of_range", msg))
    if problems:
        raise InputError(problems)


@dataclass(slots=True)
class _Search:
    """Mutable state of one search (local to the call, never shared)."""

    agents: NDArray[np.int64]
    frozen: NDArray[np.bool_]
    cut: NDArray[np.bool_] | None = None
    best: tuple[NDArray[np.int64], SimulationResult, NDArray[np.bool_]] | None = None
    done: bool = False


def _step(search: _Search, met: NDArray[np.bool_], result: SimulationResult, down: bool) -> None:
    """Advance the search by one simulated plan."""
    if met.all():
        search.best = (search.agents.copy(), result, met)
        candidates = ~search.frozen & (search.agents > 0)
        if not down or not candidates.any():
            search.done = True
            return
        search.cut = candidates
        search.agents = search.agents - candidates
    elif search.cut is None:
        search.agents = search.agents + ~met
    else:
        fails = ~met
        revert = search.cut & (fails | np.append(fails[1:], False))
        if not revert.any():
            revert = search.cut
        search.agents = search.agents + revert
        search.frozen |= revert
        search.cut = search.cut & ~revert


def simulation_corrected_requirement(
    calls: ArrayLike,
    aht_s: ArrayLike,
    *,
    goal: ServiceGoal,
    model: StaffingModel,
    config: SimulationConfig | None = None,
    start_agents: ArrayLike | None = None,
    confidence: float = 0.95,
    shrinkage: float = 0.0,
    allow_decrease: bool = True,
    max_simulations: int = MAX_SIMULATIONS,
) -> CorrectedRequirement:
    """Agents per interval meeting ``goal`` in simulation at the one-sided ``confidence``.

    ``config`` defaults to the model's assumptions (exponential handle times; exponential
    patience ``model.patience_s`` for Erlang A); pass e.g. lognormal service or empirical
    patience to correct for them. ``start_agents`` defaults to
    :func:`optimizer.requirements.required_agents` for ``goal`` and ``model``.
    """
    config = config or _default_config(goal, model)
    _check_inputs(goal, config, confidence, shrinkage, max_simulations)
    if start_agents is None:
        start = required_agents(
            calls, aht_s, interval_min=config.interval_min, goal=goal, model=model
        ).agents
    else:
        start = np.asarray(start_agents)
    plan = validate_plan(calls, aht_s, start)
    search = _Search(agents=plan.agents.copy(), frozen=np.zeros(plan.agents.shape, bool))
    runs = 0
    last = None
    while runs < max_simulations and not search.done:
        result = simulate_queue(plan.calls, plan.aht_s, search.agents, config)
        runs += 1
        last = (search.agents, result, goal_met(result, goal, confidence))
        _step(search, last[2], result, allow_decrease)
    assert last is not None  # max_simulations >= 1 is checked above
    agents, final, met = search.best or last
    return CorrectedRequirement(
        agents=agents,
        erlang_agents=plan.agents,
        scheduled=np.ceil(agents / (1.0 - shrinkage) - 1e-9).astype(np.int64),
        met=met,
        converged=search.done,
        simulations=runs,
        confidence=confidence,
        simulation=final,
    )
