"""Chat simulation: agents holding up to ``concurrency`` sessions, slower when holding more.

Each session brings an amount of work (the handle time it would take held alone, drawn as the
single-queue simulator draws handle times); while its agent holds ``m`` sessions it progresses
at ``1 / f(m)`` of that speed, so every start or end on an agent stretches or shrinks the
others' remaining time. A new session goes to the agent holding fewest sessions (lowest index
on ties) if it holds fewer than ``concurrency``; else it waits FIFO, with the configured
patience. An agent ending a session takes the longest-waiting live session. The staffing is
constant (the check of a stationary requirement, :mod:`optimizer.requirements.chat`).

Counters and KPIs are those of :func:`.simulate_queue` (same sampling, same counting);
``occupancy`` is the share of session slots in use (session-seconds / agents x concurrency
x interval).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from optimizer.errors import InputError, Problem
from optimizer.simulation.config import SimulationConfig
from optimizer.simulation.counters import N_COUNTERS
from optimizer.simulation.engine import validate_plan
from optimizer.simulation.kernel import _add_busy, _jit
from optimizer.simulation.multiskill_kernel import count_queue
from optimizer.simulation.results import SimulationResult, simulation_result
from optimizer.simulation.sampling import draw_calls, replication_generators

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@_jit
def _advance(
    i: int, t: float, rem: FloatArray, cnt: IntArray, t_upd: FloatArray, factors: FloatArray,
    out: FloatArray, interval_s: float,
) -> None:  # fmt: skip
    """Bring agent ``i``'s sessions to time ``t`` (work done, session-seconds counted)."""
    m = cnt[i]
    if m > 0 and t > t_upd[i]:
        done = (t - t_upd[i]) / factors[m - 1]
        for k in range(m):  # explicit loops compile much faster than slice arithmetic
            rem[i, k] -= done
        _add_busy(out, t_upd[i], t, interval_s, 1.0 * m)
    t_upd[i] = t


@_jit
def _next_end(
    i: int, rem: FloatArray, cnt: IntArray, t_upd: FloatArray, factors: FloatArray
) -> float:
    m = cnt[i]
    if m == 0:
        return np.inf
    least = rem[i, 0]
    for k in range(1, m):
        least = min(least, rem[i, k])
    return float(t_upd[i] + max(least, 0.0) * factors[m - 1])


@_jit
def _first_min(values: FloatArray | IntArray, n: int) -> int:
    """Index of the first smallest of ``values[:n]`` (0 when ``n`` is 0)."""
    best = 0
    for k in range(1, n):
        if values[k] < values[best]:
            best = k
    return best


@_jit
def _end_session(i: int, rem: FloatArray, cnt: IntArray) -> None:
    m = cnt[i]
    k = 0
    for j in range(1, m):
        if rem[i, j] < rem[i, k]:
            k = j
    rem[i, k] = rem[i, m - 1]
    cnt[i] = m - 1


@_jit
def simulate_chat_one(
    arrival_s: FloatArray,
    work_s: FloatArray,
    patience_s: FloatArray,
    agents: int,
    concurrency: int,
    factors: FloatArray,
    interval_s: float,
    start_s: FloatArray,
    out: FloatArray,
) -> None:
    """One replication: fill ``start_s`` (inf: never answered) and session-seconds in
    ``out[:, BUSY_S]``."""
    rem = np.zeros((max(agents, 1), concurrency))
    cnt = np.zeros(max(agents, 1), dtype=np.int64)
    t_upd = np.zeros(max(agents, 1))
    next_end = np.full(max(agents, 1), np.inf)
    head, next_i, n_calls = 0, 0, arrival_s.shape[0]
    while True:
        ta = arrival_s[next_i] if next_i < n_calls else np.inf
        i = _first_min(next_end, agents)
        tf = next_end[i] if agents > 0 else np.inf
        if ta == np.inf and tf == np.inf:
            break
        if tf <= ta:
            _advance(i, tf, rem, cnt, t_upd, factors, out, interval_s)
            _end_session(i, rem, cnt)
            while head < next_i:
                c = head
                head += 1
                if start_s[c] < np.inf or tf - arrival_s[c] > patience_s[c]:
                    continue
                start_s[c] = tf
                rem[i, cnt[i]] = work_s[c]
                cnt[i] += 1
                break
        else:
            next_i += 1
            if agents == 0:
                continue
            i = _first_min(cnt, agents)
            if cnt[i] >= concurrency:
                continue  # waits
            head = next_i  # a free slot: every older session has been taken or has left
            _advance(i, ta, rem, cnt, t_upd, factors, out, interval_s)
            start_s[next_i - 1] = ta
            rem[i, cnt[i]] = work_s[next_i - 1]
            cnt[i] += 1
        next_end[i] = _next_end(i, rem, cnt, t_upd, factors)


def simulate_chat(
    sessions: ArrayLike,
    aht_s: ArrayLike,
    agents: int,
    handle_factors: ArrayLike,
    config: SimulationConfig,
) -> SimulationResult:
    """Simulate a chat queue with ``agents`` agents all along (constant staffing).

    ``sessions``: expected arrivals per interval; ``aht_s``: handle time of a session held
    alone; ``handle_factors``: ``f(m)`` for m = 1..concurrency (its length is the
    concurrency). Patience, service distribution, seed and replications come from ``config``
    (``staffing_drop`` does not apply)."""
    factors = np.asarray(handle_factors, dtype=np.float64)
    if (
        factors.ndim != 1
        or factors.shape[0] == 0
        or not (np.isfinite(factors) & (factors > 0)).all()
    ):
        raise InputError([Problem(None, "handle_factors", "invalid", "one factor > 0 per level")])
    n = np.asarray(sessions, dtype=np.float64).reshape(-1).shape[0]
    plan = validate_plan(sessions, aht_s, np.full(n, agents))
    interval_s = float(config.interval_min * 60)
    totals = np.zeros((config.replications, n, N_COUNTERS))
    for r, streams in enumerate(replication_generators(config)):
        sample = draw_calls(streams.calls, plan.calls, plan.aht_s, config)
        start_s = np.full(sample.arrival_s.shape[0], np.inf)
        args = (sample.arrival_s, sample.service_s, sample.patience_s, int(agents))
        simulate_chat_one(*args, factors.shape[0], factors, interval_s, start_s, totals[r])
        order = np.arange(sample.arrival_s.shape[0], dtype=np.int64)
        within = float(config.answer_within_s)
        count_queue(
            sample.arrival_s, start_s, sample.patience_s, order, within, interval_s, totals[r]
        )
    slots_s = plan.agents.astype(np.float64) * factors.shape[0] * interval_s
    calls_simulated = int(totals[..., 0].sum())
    return simulation_result(config, totals, plan.agents, plan.calls, slots_s, calls_simulated)
