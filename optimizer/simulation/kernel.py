"""Compiled event loop of the FCFS multi-server queue with abandonment and varying staffing.

No general event list is needed: calls are processed in arrival order, and a binary min-heap
holds the instant each agent on staff becomes free. Under FCFS the served calls start in
arrival order, so the start of call ``i`` is ``max(arrival_i, earliest free time)`` once every
staffing change at an interval boundary before that instant has been applied to the heap.
A call whose wait would exceed its patience abandons and never occupies an agent.

Staffing changes at boundary ``b`` (from ``k`` to ``k'`` agents):

* increase: ``k' - k`` agents join, free at ``b``.
* decrease: ``k - k'`` agents chosen at random among the ``k`` on staff (whose shift ends does
  not depend on the calls they hold) leave; idle ones leave at ``b``.
  ``finish_call``: a busy leaver finishes the call in hand, then leaves (takes no new call).
  ``strict_stop``: a busy leaver is cut at ``b``; the rest of the call goes to the head of the
  queue (preemptive-resume) and is taken by the next agent free, before any waiting caller.
  Both modes pick the same leavers (same uniforms), so they differ only in the call in hand.

The functions are compiled with numba when it is importable (``cache=True``), else they run as
plain Python (same results, about 50 times slower). The module is imported lazily by
:mod:`optimizer.simulation.engine` so that importing the package does no compilation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from optimizer.simulation.counters import (
    ABANDONED,
    ABANDONED_WITHIN,
    ANSWERED,
    ANSWERED_WITHIN,
    ARRIVALS,
    BUSY_S,
    UNSERVED,
    WAIT_ALL_S,
    WAIT_ANSWERED_S,
    WAITED,
)

try:  # pragma: no cover - exercised through whichever branch is installed
    from numba import njit as _njit

    def _jit(func: Callable[..., Any]) -> Callable[..., Any]:
        return _njit(cache=True, nogil=True)(func)  # type: ignore[no-any-return]

    COMPILED = True
except ImportError:  # pragma: no cover

    def _jit(func: Callable[..., Any]) -> Callable[..., Any]:
        return func

    COMPILED = False


@_jit
def _sift_down(heap: NDArray[np.float64], size: int, pos: int) -> None:
    item = heap[pos]
    while True:
        child = 2 * pos + 1
        if child >= size:
            break
        if child + 1 < size and heap[child + 1] < heap[child]:
            child += 1
        if heap[child] < item:
            heap[pos] = heap[child]
            pos = child
        else:
            break
    heap[pos] = item


@_jit
def _push(heap: NDArray[np.float64], size: int, value: float) -> int:
    pos = size
    while pos > 0:
        parent = (pos - 1) // 2
        if heap[parent] <= value:
            break
        heap[pos] = heap[parent]
        pos = parent
    heap[pos] = value
    return size + 1


@_jit
def _add_busy(
    out: NDArray[np.float64], start: float, end: float, interval_s: float, sign: float
) -> None:
    """Add (sign=1) or remove (sign=-1) the busy span [start, end) to the intervals it covers."""
    n = out.shape[0]
    j = int(start // interval_s)
    while start < end and j < n:
        seg_end = min(end, (j + 1) * interval_s)
        out[j, BUSY_S] += sign * (seg_end - start)
        start = seg_end
        j += 1


@_jit
def _resume_backlog(
    heap: NDArray[np.float64],
    size: int,
    backlog: NDArray[np.float64],
    n_backlog: int,
    boundary_s: float,
    out: NDArray[np.float64],
    interval_s: float,
) -> int:
    """Give interrupted work (head of the queue) to the next agents free; return what is left."""
    while n_backlog > 0 and size > 0:
        n_backlog -= 1
        start = max(heap[0], boundary_s)
        end = start + backlog[n_backlog]
        heap[0] = end
        _sift_down(heap, size, 0)
        _add_busy(out, start, end, interval_s, 1.0)
    return n_backlog


@_jit
def draw_leavers(live: NDArray[Any], remove: int, drop_u: NDArray[np.float64], u_pos: int) -> int:
    """Partial Fisher-Yates: move ``remove`` entries of ``live`` drawn at random (the uniforms
    of ``drop_u`` from ``u_pos`` on) to ``live[:remove]``; return the next ``u_pos``."""
    n = live.shape[0]
    for t in range(remove):
        j = t + min(int(drop_u[u_pos] * (n - t)), n - t - 1)
        u_pos += 1
        live[t], live[j] = live[j], live[t]
    return u_pos


@_jit
def _remove_agents(
    heap: NDArray[np.float64],
    size: int,
    remove: int,
    boundary_s: float,
    strict_stop: bool,
    drop_u: NDArray[np.float64],
    u_pos: int,
    backlog: NDArray[np.float64],
    n_backlog: int,
    out: NDArray[np.float64],
    interval_s: float,
) -> tuple[int, int, int]:
    """``remove`` agents chosen at random leave at ``boundary_s``; return new sizes.

    Idle leavers go at once. Busy leavers finish their call (``finish_call``: their busy time
    stands) or are cut (``strict_stop``: the rest of the call joins the backlog).
    """
    live = np.sort(heap[:size])
    u_pos = draw_leavers(live, remove, drop_u, u_pos)
    for t in range(remove):
        if strict_stop and live[t] > boundary_s:
            backlog[n_backlog] = live[t] - boundary_s
            n_backlog += 1
            _add_busy(out, boundary_s, live[t], interval_s, -1.0)
    new_size = size - remove
    heap[:new_size] = np.sort(live[remove:])  # a sorted array is a valid min-heap
    return new_size, n_backlog, u_pos


@_jit
def _apply_boundary(
    j: int,
    agents: NDArray[np.int64],
    heap: NDArray[np.float64],
    size: int,
    strict_stop: bool,
    drop_u: NDArray[np.float64],
    u_pos: int,
    backlog: NDArray[np.float64],
    n_backlog: int,
    out: NDArray[np.float64],
    interval_s: float,
) -> tuple[int, int, int]:
    """Staffing change at the start of interval ``j``; return (size, n_backlog, u_pos)."""
    boundary = j * interval_s
    change = agents[j] - agents[j - 1]
    for _ in range(max(change, 0)):
        size = _push(heap, size, boundary)
    if change < 0:
        size, n_backlog, u_pos = _remove_agents(
            heap, size, -change, boundary, strict_stop, drop_u, u_pos,
            backlog, n_backlog, out, interval_s,
        )  # fmt: skip
    n_backlog = _resume_backlog(heap, size, backlog, n_backlog, boundary, out, interval_s)
    return size, n_backlog, u_pos


@_jit
def simulate_one(
    arrival_s: NDArray[np.float64],
    service_s: NDArray[np.float64],
    patience_s: NDArray[np.float64],
    agents: NDArray[np.int64],
    drop_u: NDArray[np.float64],
    interval_s: float,
    answer_within_s: float,
    strict_stop: bool,
    out: NDArray[np.float64],
) -> None:
    """Simulate one replication; add per-interval counters to ``out`` (n_intervals x N_COUNTERS).

    ``arrival_s`` must be sorted, within ``[0, n_intervals * interval_s)``; ``drop_u`` holds
    one uniform in [0, 1) per agent leaving at a boundary (the random choice of who leaves).
    """
    n = agents.shape[0]
    cap = max(1, int(agents.max()))
    heap = np.empty(cap, dtype=np.float64)
    backlog = np.empty(cap, dtype=np.float64)
    n_backlog = 0
    u_pos = 0
    size = 0
    for _ in range(agents[0]):
        size = _push(heap, size, 0.0)
    next_j = 1
    for i in range(arrival_s.shape[0]):
        a = arrival_s[i]
        while True:
            s = max(heap[0] if size > 0 else np.inf, a)
            if next_j >= n or next_j * interval_s > s:
                break
            size, n_backlog, u_pos = _apply_boundary(
                next_j, agents, heap, size, strict_stop, drop_u, u_pos,
                backlog, n_backlog, out, interval_s,
            )  # fmt: skip
            next_j += 1
        _record_call(i, a, s, service_s, patience_s, answer_within_s, interval_s, heap, size, out)
    while next_j < n:  # cuts after the last call still interrupt calls in hand (strict_stop)
        size, n_backlog, u_pos = _apply_boundary(
            next_j, agents, heap, size, strict_stop, drop_u, u_pos,
            backlog, n_backlog, out, interval_s,
        )  # fmt: skip
        next_j += 1


@_jit
def count_call(
    j: int, a: float, s: float, patience: float, answer_within_s: float, out: NDArray[np.float64]
) -> bool:
    """Add the call arriving at ``a`` and answered at ``s`` (``inf``: never) to interval ``j``
    of ``out``; return whether it was answered (an agent then handles it from ``s``)."""
    wait = s - a
    out[j, ARRIVALS] += 1.0
    if wait > patience:
        out[j, ABANDONED] += 1.0
        out[j, WAITED] += 1.0
        out[j, WAIT_ALL_S] += patience
        if patience <= answer_within_s:
            out[j, ABANDONED_WITHIN] += 1.0
        return False
    if s == np.inf:
        out[j, UNSERVED] += 1.0
        out[j, WAITED] += 1.0
        return False
    out[j, ANSWERED] += 1.0
    out[j, WAIT_ANSWERED_S] += wait
    out[j, WAIT_ALL_S] += wait
    if wait > 0.0:
        out[j, WAITED] += 1.0
    if wait <= answer_within_s:
        out[j, ANSWERED_WITHIN] += 1.0
    return True


@_jit
def _record_call(
    i: int,
    a: float,
    s: float,
    service_s: NDArray[np.float64],
    patience_s: NDArray[np.float64],
    answer_within_s: float,
    interval_s: float,
    heap: NDArray[np.float64],
    size: int,
    out: NDArray[np.float64],
) -> None:
    j = min(int(a // interval_s), out.shape[0] - 1)
    if count_call(j, a, s, patience_s[i], answer_within_s, out):
        end = s + service_s[i]
        heap[0] = end
        _sift_down(heap, size, 0)
        _add_busy(out, s, end, interval_s, 1.0)
