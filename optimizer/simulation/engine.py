"""Simulate a staffing plan: validate inputs, draw callers, run the event loop, summarise."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from optimizer.errors import InputError, Problem
from optimizer.simulation.config import SimulationConfig
from optimizer.simulation.counters import N_COUNTERS
from optimizer.simulation.results import SimulationResult, simulation_result
from optimizer.simulation.sampling import (
    CallSample,
    draw_calls,
    drop_uniforms,
    replication_generators,
)

MAX_PROBLEMS = 50
MAX_AGENTS = 100_000  # per interval
MAX_CALLS_PER_REPLICATION = 20_000_000  # expected calls over the horizon (memory bound)


@dataclass(frozen=True, slots=True)
class PlanArrays:
    """Validated per-interval inputs of a simulation."""

    calls: NDArray[np.float64]
    aht_s: NDArray[np.float64]
    agents: NDArray[np.int64]


def _as_vector(
    values: ArrayLike, name: str, n: int | None, problems: list[Problem]
) -> NDArray[np.float64] | None:
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        problems.append(Problem(None, name, "not_numeric", "must be numbers"))
        return None
    if array.ndim == 0 and n is not None:
        array = np.full(n, float(array))
    if array.ndim != 1 or array.shape[0] == 0:
        problems.append(Problem(None, name, "invalid_shape", "must be a non-empty 1-D array"))
        return None
    if n is not None and array.shape[0] != n:
        msg = f"has {array.shape[0]} intervals, calls has {n}"
        problems.append(Problem(None, name, "length_mismatch", msg))
        return None
    return array


def _row_problems(
    array: NDArray[np.float64], bad: NDArray[np.bool_], name: str, code: str, message: str
) -> list[Problem]:
    return [Problem(int(row), name, code, message) for row in np.flatnonzero(bad)[:MAX_PROBLEMS]]


def validate_plan(calls: ArrayLike, aht_s: ArrayLike, agents: ArrayLike) -> PlanArrays:
    """Check the per-interval inputs; raise :class:`InputError` naming each bad interval."""
    problems: list[Problem] = []
    calls_v = _as_vector(calls, "calls", None, problems)
    n = None if calls_v is None else calls_v.shape[0]
    aht_v = _as_vector(aht_s, "aht_s", n, problems)
    agents_v = _as_vector(agents, "agents", n, problems)
    if calls_v is not None:
        bad = ~np.isfinite(calls_v) | (calls_v < 0)
        problems += _row_problems(calls_v, bad, "calls", "out_of_range", "must be finite, >= 0")
    if aht_v is not None:
        bad = ~np.isfinite(aht_v) | (aht_v <= 0)
        problems += _row_problems(aht_v, bad, "aht_s", "out_of_range", "must be finite, > 0")
    if agents_v is not None:
        bad = ~np.isfinite(agents_v) | (agents_v < 0) | (agents_v != np.round(agents_v))
        bad |= agents_v > MAX_AGENTS
        msg = f"must be a whole number of agents in 0..{MAX_AGENTS}"
        problems += _row_problems(agents_v, bad, "agents", "out_of_range", msg)
    if calls_v is not None and not problems and calls_v.sum() > MAX_CALLS_PER_REPLICATION:
        msg = f"more than {MAX_CALLS_PER_REPLICATION:,} expected calls: split the horizon"
        problems.append(Problem(None, "calls", "too_large", msg))
    if problems or calls_v is None or aht_v is None or agents_v is None:
        raise InputError(problems[:MAX_PROBLEMS], truncated=len(problems) > MAX_PROBLEMS)
    return PlanArrays(calls_v, aht_v, agents_v.astype(np.int64))


def _check_profile_length(config: SimulationConfig, n: int) -> None:
    profile = config.within_interval_profile
    if profile is not None and np.ndim(profile) == 2 and np.shape(profile)[0] != n:
        msg = f"has {np.shape(profile)[0]} rows for {n} intervals"
        raise InputError([Problem(None, "within_interval_profile", "length_mismatch", msg)])


def run_replication(
    sample: CallSample,
    agents: NDArray[np.int64],
    config: SimulationConfig,
    drop_u: NDArray[np.float64] | None = None,
) -> NDArray[np.float64]:
    """Per-interval counters of one replication (intervals x counters).

    ``drop_u``: uniforms choosing who leaves at staffing cuts (see
    :func:`~optimizer.simulation.sampling.drop_uniforms`); ``None`` draws them from ``seed``.
    """
    from optimizer.simulation.kernel import simulate_one  # lazy: numba import and compile

    if drop_u is None:
        drop_u = drop_uniforms(replication_generators(config)[0].drops, agents)
    out = np.zeros((agents.shape[0], N_COUNTERS), dtype=np.float64)
    simulate_one(
        sample.arrival_s,
        sample.service_s,
        sample.patience_s,
        agents,
        drop_u,
        float(config.interval_min * 60),
        float(config.answer_within_s),
        config.staffing_drop == "strict_stop",
        out,
    )
    return out


def simulate_queue(
    calls: ArrayLike, aht_s: ArrayLike, agents: ArrayLike, config: SimulationConfig
) -> SimulationResult:
    """Simulate a single FCFS queue over the intervals of a staffing plan.

    ``calls``: expected arrivals per interval (Poisson, piecewise constant intensity or the
    config's within-interval profile); ``aht_s``: mean handle time of the calls arriving in each
    interval (scalar allowed); ``agents``: agents taking calls in each interval (whole numbers,
    scalar allowed). The queue starts empty at the first interval's start; after the last
    interval the last staffing level stays until the queue drains. Returns per-interval and
    overall KPIs with confidence intervals over ``config.replications`` runs.
    """
    plan = validate_plan(calls, aht_s, agents)
    _check_profile_length(config, plan.calls.shape[0])
    totals = np.empty((config.replications, plan.calls.shape[0], N_COUNTERS))
    calls_simulated = 0
    for r, streams in enumerate(replication_generators(config)):
        sample = draw_calls(streams.calls, plan.calls, plan.aht_s, config)
        calls_simulated += sample.arrival_s.shape[0]
        drop_u = drop_uniforms(streams.drops, plan.agents)
        totals[r] = run_replication(sample, plan.agents, config, drop_u)
    staffed_s = plan.agents.astype(np.float64) * float(config.interval_min * 60)
    return simulation_result(config, totals, plan.agents, plan.calls, staffed_s, calls_simulated)
