"""Compiled event loop of several queues served by skill groups (multi-skill routing).

Events, in time order (at equal instants: staffing boundary, then agent free, then arrival):

* **arrival** of a call of queue ``q``: the groups serving ``q`` are tried in the queue's
  routing order (fewest skills first, then group order); the first with an idle agent gives
  its longest-idle agent (earliest free instant). Otherwise the call waits in ``q`` (FIFO).
* **agent free** (group ``g``): the agent scans the queues of ``g`` in the group's priority
  order and takes the longest-waiting live call of the first queue holding one (queues of
  equal priority level: the longest-waiting call among them); else it becomes idle. A call
  whose wait would exceed its patience has left (lazy abandonment: it is skipped when
  reached, and counted afterwards from its patience).
* **boundary** ``b = j * interval``: per group, agents join (idle from ``b``) or leave as in
  :mod:`.kernel` (leavers drawn with the same partial Fisher-Yates over the group's agents
  sorted by free instant; ``finish_call`` or ``strict_stop``). Cut work of a queue (head of
  that queue) is then given, per queue in index order, to the agent of a serving group free
  first (an idle one at ``b``, else the busy one free first, reserved); idle agents of each
  group then take waiting calls.

With one queue and one group every step is the single-queue loop of :mod:`.kernel`, in the
same order, so both give identical counters on the same callers and uniforms (tested).
Per-call start instants are returned; the counters of each queue are filled afterwards, in
arrival order, by :func:`.kernel.count_call` (the single-queue loop's own counting).
Busy seconds are added per queue and per (group, queue) as agents start work. Limit: under
``strict_stop`` an agent reserved for cut work and cut again at the next boundary returns
everything it holds to the queue of its last job.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from optimizer.simulation.kernel import _add_busy, _jit, count_call, draw_leavers

GONE, ON_STAFF, LEAVING = 0, 1, 2
N_SLOTS, EV_N, U_POS = 0, 1, 2  # entries of the ``sizes`` array

FloatArray = NDArray[np.float64]
Arrays = tuple[Any, ...]  # numba tuples of state arrays (see simulate_routing)
IntArray = NDArray[np.int64]


@_jit
def _hpush(keys: FloatArray, ids: IntArray, size: int, key: float, ident: int) -> int:
    pos = size
    while pos > 0:
        parent = (pos - 1) // 2
        if keys[parent] <= key:
            break
        keys[pos] = keys[parent]
        ids[pos] = ids[parent]
        pos = parent
    keys[pos] = key
    ids[pos] = ident
    return size + 1


@_jit
def _hpop(keys: FloatArray, ids: IntArray, size: int) -> int:
    """Remove the root of the min-heap; return the new size."""
    size -= 1
    if size <= 0:
        return 0
    key, ident, pos = keys[size], ids[size], 0
    while True:
        child = 2 * pos + 1
        if child >= size:
            break
        if child + 1 < size and keys[child + 1] < keys[child]:
            child += 1
        if keys[child] < key:
            keys[pos] = keys[child]
            ids[pos] = ids[child]
            pos = child
        else:
            break
    keys[pos] = key
    ids[pos] = ident
    return size


@_jit
def _add_span(out: FloatArray, start: float, end: float, interval_s: float, sign: float) -> None:
    """Add (sign 1) or remove (sign -1) the span [start, end) to the intervals of ``out``."""
    j = int(start // interval_s)
    while start < end and j < out.shape[0]:
        seg_end = min(end, (j + 1) * interval_s)
        out[j] += sign * (seg_end - start)
        start = seg_end
        j += 1


@_jit
def _start(
    x: int,
    q: int,
    t: float,
    duration: float,
    fs: Arrays,
    ist: Arrays,
    outs: Arrays,
    interval_s: float,
) -> None:
    """Agent ``x`` works on queue ``q`` from ``t`` for ``duration`` seconds."""
    free_at, ev_t = fs[0], fs[1]
    slot_group, slot_queue, ev_id, sizes = ist[0], ist[2], ist[3], ist[9]
    end = t + duration
    free_at[x] = end
    slot_queue[x] = q
    sizes[EV_N] = _hpush(ev_t, ev_id, sizes[EV_N], end, x)
    _add_busy(outs[1][q], t, end, interval_s, 1.0)
    _add_span(outs[2][slot_group[x], q], t, end, interval_s, 1.0)


@_jit
def _pop_idle(g: int, fs: Arrays, ist: Arrays) -> int:
    """Take the longest-idle agent of group ``g`` out of its idle heap."""
    idle_t, idle_id, idle_n, idle = fs[2], ist[4], ist[5], ist[10]
    x = idle_id[g, 0]
    idle_n[g] = _hpop(idle_t[g], idle_id[g], idle_n[g])
    idle[x] = 0
    return x


@_jit
def _push_idle(x: int, t: float, fs: Arrays, ist: Arrays) -> None:
    idle_t, slot_group, idle_id, idle_n, idle = fs[2], ist[0], ist[4], ist[5], ist[10]
    g = slot_group[x]
    idle_n[g] = _hpush(idle_t[g], idle_id[g], idle_n[g], t, x)
    idle[x] = 1
    fs[0][x] = t


@_jit
def _live_head(q: int, t: float, calls: Arrays, ist: Arrays, start_s: FloatArray) -> int:
    """Longest-waiting call of queue ``q`` still waiting at ``t`` (-1: none); calls taken or
    abandoned before ``t`` are dropped from the head."""
    arrival_s, patience_s, q_calls, q_off = calls[0], calls[2], calls[4], calls[5]
    head, tail = ist[7], ist[8]
    while head[q] < tail[q]:
        i = q_calls[q_off[q] + head[q]]
        if start_s[i] < np.inf or t - arrival_s[i] > patience_s[i]:
            head[q] += 1
            continue
        return int(i)
    return -1


@_jit
def _take_call(
    x: int, g: int, t: float, calls: Arrays, routing: Arrays, fs: Arrays, ist: Arrays,
    outs: Arrays, interval_s: float,
) -> bool:  # fmt: skip
    """Agent ``x`` of group ``g``, free at ``t``, takes the longest-waiting live call of the
    group's highest priority level holding one (queues of equal level: the longest wait among
    them); return whether it found one."""
    group_queues, group_level = routing[0], routing[2]
    start_s, head = outs[0], ist[7]
    r, n_ranks = 0, group_queues.shape[1]
    while r < n_ranks and group_queues[g, r] >= 0:
        best_q, best_i, level = -1, -1, group_level[g, r]
        while r < n_ranks and group_queues[g, r] >= 0 and group_level[g, r] == level:
            q = group_queues[g, r]
            i = _live_head(q, t, calls, ist, start_s)
            if i >= 0 and (best_i < 0 or calls[0][i] < calls[0][best_i]):
                best_q, best_i = q, i
            r += 1
        if best_i >= 0:
            head[best_q] += 1
            start_s[best_i] = t
            _start(x, best_q, t, calls[1][best_i], fs, ist, outs, interval_s)
            return True
    return False


@_jit
def _on_arrival(
    i: int, calls: Arrays, route: IntArray, fs: Arrays, ist: Arrays, outs: Arrays, interval_s: float
) -> None:
    q = calls[3][i]
    idle_n, head, tail = ist[5], ist[7], ist[8]
    tail[q] += 1
    for r in range(route.shape[1]):
        g = route[q, r]
        if g < 0:
            break
        if idle_n[g] > 0:
            x = _pop_idle(g, fs, ist)
            head[q] = tail[q]  # an idle agent of q's groups: every older call of q has left
            outs[0][i] = calls[0][i]
            _start(x, q, calls[0][i], calls[1][i], fs, ist, outs, interval_s)
            return


@_jit
def _on_free(
    t: float,
    x: int,
    calls: Arrays,
    routing: Arrays,
    fs: Arrays,
    ist: Arrays,
    outs: Arrays,
    interval_s: float,
) -> None:
    state = ist[1]
    if state[x] == GONE or fs[0][x] != t:
        return  # left at a cut, or reserved for cut work (a later event stands)
    if state[x] == LEAVING:
        state[x] = GONE
        return
    g = ist[0][x]
    if not _take_call(x, g, t, calls, routing, fs, ist, outs, interval_s):
        _push_idle(x, t, fs, ist)


@_jit
def _remove(
    g: int,
    remove: int,
    b: float,
    strict_stop: bool,
    drop_u: FloatArray,
    fs: Arrays,
    ist: Arrays,
    outs: Arrays,
    interval_s: float,
) -> None:
    """``remove`` agents of group ``g`` drawn at random leave at ``b`` (see :mod:`.kernel`)."""
    free_at, bl = fs[0], fs[3]
    slot_group, state, slot_queue, idle_n, bl_n, sizes, idle = (
        ist[0], ist[1], ist[2], ist[5], ist[6], ist[9], ist[10],
    )  # fmt: skip
    n_slots = sizes[N_SLOTS]
    keys, ids = np.empty(n_slots), np.empty(n_slots, dtype=np.int64)
    m = 0
    for x in range(n_slots):  # the group's agents sorted by free instant (heap sort)
        if slot_group[x] == g and state[x] == ON_STAFF:
            m = _hpush(keys, ids, m, free_at[x], x)
    live = np.empty(m, dtype=np.int64)
    for t in range(m):
        live[t] = ids[0]
        _hpop(keys, ids, m - t)
    sizes[U_POS] = draw_leavers(live, remove, drop_u, sizes[U_POS])
    for t in range(remove):
        x = live[t]
        state[x] = GONE
        if free_at[x] > b and strict_stop:
            q = slot_queue[x]
            bl[q, bl_n[q]] = free_at[x] - b
            bl_n[q] += 1
            _add_busy(outs[1][q], b, free_at[x], interval_s, -1.0)
            _add_span(outs[2][g, q], b, free_at[x], interval_s, -1.0)
        elif free_at[x] > b:
            state[x] = LEAVING
        idle[x] = 0
    idle_n[g] = 0
    for t in range(remove, m):
        if idle[live[t]] == 1:
            _push_idle(live[t], free_at[live[t]], fs, ist)


@_jit
def _first_free(q: int, b: float, route: IntArray, fs: Arrays, ist: Arrays) -> int:
    """Agent of a group serving ``q`` free first at ``b``: idle (by routing order), else the
    busy one free first; -1 when none is on staff."""
    free_at, slot_group, state, idle_n, sizes, idle = fs[0], ist[0], ist[1], ist[5], ist[9], ist[10]
    for r in range(route.shape[1]):
        g = route[q, r]
        if g < 0:
            break
        if idle_n[g] > 0:
            return _pop_idle(g, fs, ist)
    best, best_t = -1, np.inf
    for x in range(sizes[N_SLOTS]):
        if state[x] != ON_STAFF or idle[x] == 1:
            continue
        for r in range(route.shape[1]):
            if route[q, r] == slot_group[x] and free_at[x] < best_t:
                best, best_t = x, free_at[x]
    return best


@_jit
def _resume(
    b: float, route: IntArray, fs: Arrays, ist: Arrays, outs: Arrays, interval_s: float
) -> None:
    """Cut work resumes first: each piece on the agent of its queue's groups free first."""
    bl, bl_n = fs[3], ist[6]
    for q in range(bl_n.shape[0]):
        while bl_n[q] > 0:
            x = _first_free(q, b, route, fs, ist)
            if x < 0:
                break
            bl_n[q] -= 1
            _start(x, q, max(fs[0][x], b), bl[q, bl_n[q]], fs, ist, outs, interval_s)


@_jit
def _boundary(
    j: int,
    agents: IntArray,
    strict_stop: bool,
    drop_u: FloatArray,
    calls: Arrays,
    routing: Arrays,
    fs: Arrays,
    ist: Arrays,
    outs: Arrays,
    interval_s: float,
) -> None:
    """Staffing change of every group at the start of interval ``j``, then cut work, then
    idle agents take waiting calls."""
    b = j * interval_s
    route = routing[1]
    slot_group, state, sizes = ist[0], ist[1], ist[9]
    for g in range(agents.shape[0]):
        change = agents[g, j] - agents[g, j - 1]
        for _ in range(max(change, 0)):
            x = sizes[N_SLOTS]
            sizes[N_SLOTS] += 1
            slot_group[x], state[x] = g, ON_STAFF
            _push_idle(x, b, fs, ist)
        if change < 0:
            _remove(g, -change, b, strict_stop, drop_u, fs, ist, outs, interval_s)
    _resume(b, route, fs, ist, outs, interval_s)
    for g in range(agents.shape[0]):
        while ist[5][g] > 0:
            x = _pop_idle(g, fs, ist)
            if not _take_call(x, g, b, calls, routing, fs, ist, outs, interval_s):
                _push_idle(x, fs[0][x], fs, ist)
                break


def new_state(agents: IntArray, n_queues: int) -> tuple[Arrays, Arrays]:
    """Float and integer state arrays (see the indices used below), with the first interval's
    agents idle from 0 (a heap of equal keys needs no order)."""
    n_groups = agents.shape[0]
    cap = int(agents[:, 0].sum() + np.maximum(agents[:, 1:] - agents[:, :-1], 0).sum()) + 1
    fs = (np.zeros(cap), np.zeros(2 * cap), np.zeros((n_groups, cap)), np.zeros((n_queues, cap)))
    ints = [np.zeros(cap, np.int64) for _ in range(3)]  # slot_group, state, slot_queue
    ist = (
        *ints, np.zeros(2 * cap, np.int64), np.zeros((n_groups, cap), np.int64),
        np.zeros(n_groups, np.int64), np.zeros(n_queues, np.int64),
        np.zeros(n_queues, np.int64), np.zeros(n_queues, np.int64),
        np.zeros(3, np.int64), np.zeros(cap, np.int64),
    )  # fmt: skip
    first = 0
    for g in range(n_groups):
        count = int(agents[g, 0])
        slots = np.arange(first, first + count)
        ist[0][slots], ist[1][slots], ist[10][slots] = g, ON_STAFF, 1
        ist[4][g, :count], ist[5][g] = slots, count
        first += count
    ist[9][N_SLOTS] = first
    return fs, ist


def simulate_routing(
    calls: Arrays,
    agents: IntArray,
    routing: Arrays,
    drop_u: FloatArray,
    interval_s: float,
    strict_stop: bool,
    outs: Arrays,
) -> None:
    """Simulate one replication.

    ``calls``: (arrival_s sorted, service_s, patience_s, queue of each call, q_calls: call
    indices of each queue in arrival order, concatenated, q_off: their offsets).
    ``agents``: (groups, intervals). ``routing``: (group_queues: per group its queues by
    priority, -1 padded; route: per queue its groups in routing order, -1 padded;
    group_level: the priority level of each entry of group_queues, non-decreasing per row).
    ``outs``: (start_s per call, filled; inf = never answered; queue counters (queues,
    intervals, N_COUNTERS) whose BUSY_S column receives busy seconds; busy seconds per group,
    queue and interval (groups, queues, intervals)).
    """
    fs, ist = new_state(agents, routing[1].shape[0])
    _event_loop(calls, agents, routing, drop_u, interval_s, strict_stop, outs, fs, ist)


@_jit
def _event_loop(
    calls: Arrays, agents: IntArray, routing: Arrays, drop_u: FloatArray, interval_s: float,
    strict_stop: bool, outs: Arrays, fs: Arrays, ist: Arrays,
) -> None:  # fmt: skip
    """Events in time order until none is left (see the module docstring)."""
    n_intervals, arrival_s = agents.shape[1], calls[0]
    next_i, next_j = np.int64(0), np.int64(1)  # not literals: one compiled signature
    while True:
        ta = arrival_s[next_i] if next_i < arrival_s.shape[0] else np.inf
        tf = fs[1][0] if ist[9][EV_N] > 0 else np.inf
        tb = next_j * interval_s if next_j < n_intervals else np.inf
        if tb <= tf and tb <= ta:
            if tb == np.inf:
                break
            _boundary(
                next_j, agents, strict_stop, drop_u, calls, routing, fs, ist, outs, interval_s
            )
            next_j += 1
        elif tf <= ta:
            x = ist[3][0]
            ist[9][EV_N] = _hpop(fs[1], ist[3], ist[9][EV_N])
            _on_free(tf, x, calls, routing, fs, ist, outs, interval_s)
        else:
            _on_arrival(next_i, calls, routing[1], fs, ist, outs, interval_s)
            next_i += 1


@_jit
def count_queue(
    arrival_s: FloatArray,
    start_s: FloatArray,
    patience_s: FloatArray,
    indices: IntArray,
    answer_within_s: float,
    interval_s: float,
    out: FloatArray,
) -> None:
    """Counters of one queue's calls (``indices``, in arrival order) from their start instants."""
    last = out.shape[0] - 1
    for i in indices:
        j = min(int(arrival_s[i] // interval_s), last)
        count_call(j, arrival_s[i], start_s[i], patience_s[i], answer_within_s, out)
