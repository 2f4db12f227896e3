"""Simulation-corrected requirement: Erlang start, then agents adjusted until simulation agrees.

Erlang C/A size each interval as a stationary queue. The simulation adds what they leave out
(queues carried over interval boundaries, arrival peaks inside an interval, skewed handle
times, empirical patience). Starting from the Erlang requirement, each interval keeps a
bracket: the largest count seen failing and the smallest seen passing. Every round simulates
one whole plan: intervals without a passing count step up (1, 2, 4, ... agents), intervals
without a failing count step down the same way (``allow_decrease``), bracketed ones bisect.
When every bracket is closed the plan of smallest passing counts is simulated once more;
intervals that fail there (a neighbour's cut changed the queue they inherit) are reopened
upwards. The search stops on a verified plan or when ``max_simulations`` runs are spent; the
cheapest plan that met the goal everywhere is returned.

An interval meets the goal when the one-sided ``confidence`` bound of each KPI over the
replications is on the right side of its target: the lower bound of the service level, the
upper bounds of ASA, abandonment and occupancy. Intervals without simulated arrivals pass.
The bound's margin over the target shrinks as ``1/sqrt(replications)``: per-interval service
levels of 15 minutes are noisy (a standard deviation of 0.05-0.15 between replications is
common), so corrections want 50-100 replications. All runs share the seed (common random
numbers), so a plan always simulates the same way.
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
DEFAULT_REPLICATIONS = 50


@dataclass(frozen=True, slots=True, eq=False)
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
            replications=DEFAULT_REPLICATIONS,
            answer_within_s=goal.answer_within_s,
            patience="exponential",
            patience_s=model.patience_s,
        )
    return SimulationConfig(replications=DEFAULT_REPLICATIONS, answer_within_s=goal.answer_within_s)


def _scheduled(agents: NDArray[np.int64], shrinkage: float) -> NDArray[np.int64]:
    """``ceil(agents / (1 - shrinkage))`` without float noise (42 / 0.7 is 60.00000000000001)."""
    raw = agents / (1.0 - shrinkage)
    return np.ceil(raw - 1e-9 * np.maximum(raw, 1.0)).astype(np.int64)


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


UNKNOWN = -1


@dataclass(slots=True)
class _Search:
    """Per-interval bracket search (mutable, local to one call, never shared).

    ``lo``: largest count seen failing, ``hi``: smallest count seen passing (``UNKNOWN``
    until seen); ``up`` / ``down``: next step out of the bracket, doubling after each use.
    """

    agents: NDArray[np.int64]
    lo: NDArray[np.int64]
    hi: NDArray[np.int64]
    up: NDArray[np.int64]
    down: NDArray[np.int64]
    allow_decrease: bool
    verifying: bool = False
    done: bool = False
    best: tuple[NDArray[np.int64], SimulationResult, NDArray[np.bool_]] | None = None

    @classmethod
    def start(cls, agents: NDArray[np.int64], allow_decrease: bool) -> _Search:
        unknown = np.full(agents.shape, UNKNOWN, dtype=np.int64)
        ones = np.ones(agents.shape, dtype=np.int64)
        return cls(agents.copy(), unknown, unknown.copy(), ones, ones.copy(), allow_decrease)

    def record(self, met: NDArray[np.bool_], result: SimulationResult) -> None:
        """Take in the simulated verdict of ``self.agents`` and pick the next plan."""
        if met.all() and (self.best is None or self.agents.sum() <= self.best[0].sum()):
            self.best = (self.agents.copy(), result, met)
        if self.verifying and met.all():
            self.done = True
            return
        if self.verifying:  # neighbours interact: reopen the failing intervals upwards
            self.lo = np.where(met, self.lo, self.hi)
            self.hi = np.where(met, self.hi, UNKNOWN)
            self.up = np.where(met, self.up, 1)
            self.verifying = False
        else:
            self.hi = np.where(met, self.agents, self.hi)
            self.lo = np.where(met, self.lo, self.agents)
        self._advance(met)

    def _advance(self, met: NDArray[np.bool_]) -> None:
        up = self.hi == UNKNOWN
        down = (self.lo == UNKNOWN) & ~up & (self.hi > 0) & self.allow_decrease
        split = (self.lo != UNKNOWN) & ~up & (self.hi - self.lo > 1)
        if not (up | down | split).any():
            self.verifying = not (np.array_equal(self.agents, self.hi) and met.all())
            self.done = not self.verifying
            self.agents = self.hi.copy()
            return
        nxt = self.hi.copy()
        nxt[up] = self.lo[up] + self.up[up]
        nxt[down] = np.maximum(self.hi[down] - self.down[down], 0)
        nxt[split] = (self.lo[split] + self.hi[split]) // 2
        self.up[up] *= 2
        self.down[down] *= 2
        self.agents = nxt


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
    patience ``model.patience_s`` for Erlang A; 50 replications); pass e.g. lognormal service
    or empirical patience to correct for them. ``start_agents`` defaults to
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
    search = _Search.start(plan.agents, allow_decrease)
    runs = 0
    last = None
    while runs < max_simulations and not search.done:
        result = simulate_queue(plan.calls, plan.aht_s, search.agents, config)
        runs += 1
        last = (search.agents.copy(), result, goal_met(result, goal, confidence))
        search.record(last[2], result)
    assert last is not None  # max_simulations >= 1 is checked above
    agents, final, met = search.best or last
    return CorrectedRequirement(
        agents=agents,
        erlang_agents=plan.agents,
        scheduled=_scheduled(agents, shrinkage),
        met=met,
        converged=search.done,
        simulations=runs,
        confidence=confidence,
        simulation=final,
    )
