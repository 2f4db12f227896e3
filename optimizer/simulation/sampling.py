"""Random draws of one replication: arrival instants, handle times and patience.

All randomness of a replication is drawn up front from its own ``numpy.random.Generator``
(spawned from ``SeedSequence(config.seed)``), independently of the staffing. Two runs with the
same seed and inputs but different agents therefore see the same callers (common random
numbers), which makes staffing comparisons and the simulation-corrected requirement stable.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from optimizer.simulation.config import SimulationConfig


@dataclass(frozen=True, slots=True)
class CallSample:
    """The callers of one replication, sorted by arrival (seconds from the horizon start)."""

    arrival_s: NDArray[np.float64]
    service_s: NDArray[np.float64]
    patience_s: NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class ReplicationStreams:
    """Independent generators of one replication: the callers, and who leaves at a cut."""

    calls: np.random.Generator
    drops: np.random.Generator


def replication_generators(config: SimulationConfig) -> list[ReplicationStreams]:
    """Generators per replication; adding replications keeps the first ones unchanged. The
    callers' stream never depends on the staffing plan (common random numbers)."""
    streams = []
    for child in np.random.SeedSequence(config.seed).spawn(config.replications):
        calls, drops = child.spawn(2)
        streams.append(
            ReplicationStreams(np.random.default_rng(calls), np.random.default_rng(drops))
        )
    return streams


def drop_uniforms(rng: np.random.Generator, agents: NDArray[np.int64]) -> NDArray[np.float64]:
    """One uniform per agent leaving at an interval boundary (who leaves is chosen at random).

    ``agents``: per interval (last axis); a 2-D plan (skill groups x intervals) counts the
    leavers of every group."""
    leaving = int(np.maximum(agents[..., :-1] - agents[..., 1:], 0).sum())
    return rng.random(leaving)


def _profile_matrix(config: SimulationConfig, n_intervals: int) -> NDArray[np.float64] | None:
    profile = config.within_interval_profile
    if profile is None:
        return None
    weights = np.asarray(profile, dtype=np.float64)
    if weights.ndim == 1:
        weights = np.broadcast_to(weights, (n_intervals, weights.shape[0]))
    cumulative = np.cumsum(weights, axis=1)
    return np.asarray(cumulative / cumulative[:, -1:], dtype=np.float64)


def _arrivals(
    rng: np.random.Generator, calls: NDArray[np.float64], config: SimulationConfig
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Non-homogeneous Poisson arrivals, piecewise constant (or profiled) within intervals."""
    interval_s = config.interval_min * 60.0
    counts = rng.poisson(calls)
    index = np.repeat(np.arange(calls.shape[0]), counts)
    u = rng.random(index.shape[0])
    cumulative = _profile_matrix(config, calls.shape[0])
    if cumulative is not None:
        u = _invert_profile(u, cumulative[index])
    # index + u is in [index, index + 1): sorting it sorts the calls and keeps their interval
    position = np.sort(index + u)
    index = np.minimum(position.astype(np.int64), calls.shape[0] - 1)
    return position * interval_s, index


def _invert_profile(u: NDArray[np.float64], cumulative: NDArray[np.float64]) -> NDArray[np.float64]:
    """Map uniforms through the inverse of a piecewise-linear cumulative intensity."""
    slots = cumulative.shape[1]
    slot = np.minimum((cumulative < u[:, None]).sum(axis=1), slots - 1)
    upper = cumulative[np.arange(u.shape[0]), slot]
    lower = np.where(slot > 0, cumulative[np.arange(u.shape[0]), np.maximum(slot - 1, 0)], 0.0)
    width = np.where(upper > lower, upper - lower, 1.0)
    fraction = np.clip((u - lower) / width, 0.0, np.nextafter(1.0, 0.0))
    return np.asarray((slot + fraction) / slots, dtype=np.float64)


def _service(
    rng: np.random.Generator, mean_s: NDArray[np.float64], config: SimulationConfig
) -> NDArray[np.float64]:
    if config.service == "exponential":
        return rng.exponential(1.0, mean_s.shape[0]) * mean_s
    sigma2 = np.log1p(config.service_cv**2)
    mu = np.log(mean_s) - sigma2 / 2.0
    return np.asarray(rng.lognormal(mu, np.sqrt(sigma2)), dtype=np.float64)


def _patience(rng: np.random.Generator, size: int, config: SimulationConfig) -> NDArray[np.float64]:
    if config.patience == "none":
        return np.full(size, np.inf)
    if config.patience == "exponential":
        assert config.patience_s is not None  # checked by SimulationConfig
        return rng.exponential(config.patience_s, size)
    samples = np.asarray(config.patience_samples_s, dtype=np.float64)
    return samples[rng.integers(0, samples.shape[0], size)]


def draw_calls(
    rng: np.random.Generator,
    calls: NDArray[np.float64],
    aht_s: NDArray[np.float64],
    config: SimulationConfig,
) -> CallSample:
    """Draw the callers of one replication; handle times follow the arrival interval's AHT."""
    arrival_s, index = _arrivals(rng, calls, config)
    service_s = _service(rng, aht_s[index], config)
    patience_s = _patience(rng, arrival_s.shape[0], config)
    return CallSample(arrival_s, service_s, patience_s)
