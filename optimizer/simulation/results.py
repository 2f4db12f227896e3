"""KPIs of a simulation with t-based confidence intervals over replications.

Conventions (the same names as :class:`optimizer.erlang.QueueKpis`); calls are counted in the
interval in which they arrive:

* ``service_level``: calls answered within ``answer_within_s`` / all arrivals (abandoned calls
  count as misses).
* ``service_level_answered``: answered within T / (arrivals - calls abandoned within T), i.e.
  short abandons are left out of the denominator.
* ``asa_s``: mean wait of the answered calls. ``mean_wait_all_s``: mean time in queue of all
  callers (abandoned ones until they hang up).
* ``abandon_rate``: abandoned / arrivals. ``p_wait``: share of arrivals not answered at once.
* ``occupancy``: handle-time agent-seconds inside the interval / (agents x interval length).
  Under ``finish_call`` agents leaving at a boundary may finish calls after it, so a cut
  interval can show occupancy above 1 (work done in overtime).

Each KPI is computed per replication as a ratio of that replication's totals, then averaged;
the interval is ``mean +- t(confidence, R-1) * sd / sqrt(R)`` over the replications whose
denominator is positive (no interval when fewer than two are).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats

from optimizer.simulation import counters as k
from optimizer.simulation.config import SimulationConfig

KPI_NAMES = (
    "arrivals",
    "service_level",
    "service_level_answered",
    "asa_s",
    "mean_wait_all_s",
    "abandon_rate",
    "p_wait",
    "occupancy",
)


@dataclass(frozen=True, slots=True)
class Estimate:
    """Mean over replications with its two-sided confidence interval (NaN when undefined)."""

    mean: float
    ci_low: float
    ci_high: float
    replications: int


@dataclass(frozen=True, slots=True)
class SimulatedKpis:
    """Overall KPIs of a run (or of a range of its intervals), each with its interval."""

    arrivals: Estimate
    service_level: Estimate
    service_level_answered: Estimate
    asa_s: Estimate
    mean_wait_all_s: Estimate
    abandon_rate: Estimate
    p_wait: Estimate
    occupancy: Estimate
    unserved: float


def _ratio(num: NDArray[np.float64], den: NDArray[np.float64]) -> NDArray[np.float64]:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def kpi_samples(
    totals: NDArray[np.float64], staffed_s: NDArray[np.float64]
) -> dict[str, NDArray[np.float64]]:
    """Per-replication KPI values from counters summed over the last-but-one axis or not.

    ``totals`` has the counters on its last axis; ``staffed_s`` broadcasts against it minus that
    axis (scheduled agent-seconds).
    """
    c = totals
    arrivals = c[..., k.ARRIVALS]
    return {
        "arrivals": arrivals,
        "service_level": _ratio(c[..., k.ANSWERED_WITHIN], arrivals),
        "service_level_answered": _ratio(
            c[..., k.ANSWERED_WITHIN], arrivals - c[..., k.ABANDONED_WITHIN]
        ),
        "asa_s": _ratio(c[..., k.WAIT_ANSWERED_S], c[..., k.ANSWERED]),
        "mean_wait_all_s": _ratio(c[..., k.WAIT_ALL_S], arrivals - c[..., k.UNSERVED]),
        "abandon_rate": _ratio(c[..., k.ABANDONED], arrivals),
        "p_wait": _ratio(c[..., k.WAITED], arrivals),
        "occupancy": _ratio(c[..., k.BUSY_S], np.broadcast_to(staffed_s, arrivals.shape)),
    }


def t_interval(
    samples: NDArray[np.float64], confidence: float
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]]:
    """Mean and t-interval over axis 0, ignoring NaN replications."""
    valid = ~np.isnan(samples)
    n = valid.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, np.nansum(samples, axis=0) / np.maximum(n, 1), np.nan)
        dev = np.where(valid, samples - mean, 0.0)
        sd = np.sqrt((dev**2).sum(axis=0) / np.maximum(n - 1, 1))
        t = stats.t.ppf(0.5 + confidence / 2.0, np.maximum(n - 1, 1))
        half = np.where(n >= 2, t * sd / np.sqrt(np.maximum(n, 1)), np.nan)
    return mean, mean - half, mean + half, n


@dataclass(frozen=True, slots=True, eq=False)
class SimulationResult:
    """Outcome of :func:`optimizer.simulation.simulate_queue`.

    ``intervals``: one row per interval (index ``interval``, 0-based) with columns ``agents``,
    ``calls`` (expected), and for each KPI in :data:`KPI_NAMES` the mean over replications plus
    ``<kpi>_ci_low`` / ``<kpi>_ci_high``; ``unserved`` is the mean count of calls left waiting at
    the horizon end. ``overall``: the whole horizon. ``totals``: raw per-replication counters,
    shape (replications, intervals, counters), column order in :mod:`.counters`.
    """

    intervals: pd.DataFrame
    overall: SimulatedKpis
    totals: NDArray[np.float64]
    staffed_s: NDArray[np.float64]
    config: SimulationConfig
    calls_simulated: int

    def summary(self, first_interval: int = 0, stop_interval: int | None = None) -> SimulatedKpis:
        """Overall KPIs over intervals ``[first_interval, stop_interval)``, e.g. after warm-up."""
        return summarise(
            self.totals[:, first_interval:stop_interval],
            self.staffed_s[first_interval:stop_interval],
            self.config.confidence,
        )


def summarise(
    totals: NDArray[np.float64], staffed_s: NDArray[np.float64], confidence: float
) -> SimulatedKpis:
    """Overall KPIs of per-replication counters ``(replications, intervals, counters)``."""
    samples = kpi_samples(totals.sum(axis=1), np.asarray(staffed_s.sum()))
    estimates = {}
    for name in KPI_NAMES:
        mean, low, high, n = t_interval(samples[name][:, None], confidence)
        estimates[name] = Estimate(float(mean[0]), float(low[0]), float(high[0]), int(n[0]))
    unserved = float(totals[..., k.UNSERVED].sum(axis=1).mean())
    return SimulatedKpis(**estimates, unserved=unserved)


def interval_frame(
    totals: NDArray[np.float64],
    agents: NDArray[np.int64],
    calls: NDArray[np.float64],
    staffed_s: NDArray[np.float64],
    confidence: float,
) -> pd.DataFrame:
    """Per-interval KPI table (see :class:`SimulationResult`)."""
    samples = kpi_samples(totals, staffed_s[None, :])
    columns: dict[str, NDArray[np.float64] | NDArray[np.int64]] = {
        "agents": agents,
        "calls": calls,
    }
    for name in KPI_NAMES:
        mean, low, high, _ = t_interval(samples[name], confidence)
        columns[name] = mean
        columns[f"{name}_ci_low"] = low
        columns[f"{name}_ci_high"] = high
    columns["unserved"] = totals[..., k.UNSERVED].mean(axis=0)
    frame = pd.DataFrame(columns)
    frame.index.name = "interval"
    return frame


def simulation_result(
    config: SimulationConfig,
    totals: NDArray[np.float64],
    agents: NDArray[np.int64],
    calls: NDArray[np.float64],
    staffed_s: NDArray[np.float64],
    calls_simulated: int,
) -> SimulationResult:
    """The result of a run with ``config``: its per-replication ``totals`` frozen, with their
    per-interval table and overall KPIs (``agents``, ``calls`` and ``staffed_s`` per interval)."""
    totals.setflags(write=False)
    return SimulationResult(
        intervals=interval_frame(totals, agents, calls, staffed_s, config.confidence),
        overall=summarise(totals, staffed_s, config.confidence),
        totals=totals,
        staffed_s=staffed_s,
        config=config,
        calls_simulated=calls_simulated,
    )
