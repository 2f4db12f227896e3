"""Erlang C requirement: one incomplete-gamma Erlang B at the first stable staffing, then the
forward Erlang B recursion one agent at a time, for all intervals at once."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from optimizer.erlang import QueueKpis, erlang_b_next, erlang_b_unchecked, erlang_c_kpis_unchecked
from optimizer.requirements.spec import UnreachableTargetError
from optimizer.requirements.targets import Target, fraction
from optimizer.validation import FloatArray

__all__ = ["walk_erlang_c"]

_MAX_WALK = 1_000_000


@dataclass(slots=True)
class _Walk:
    """Working arrays of the Erlang C walk, compacted to the intervals still walking."""

    pos: NDArray[np.intp]  # which interval (index into the active intervals)
    a: FloatArray  # offered load
    h: FloatArray  # handle time, s
    n: FloatArray  # agents at this step
    b: FloatArray  # Erlang B at n
    decay: FloatArray  # exp(-(n - A) T / aht): the SL tail factor at n
    step_decay: FloatArray  # exp(-T / aht): one agent more multiplies ``decay`` by this
    previous: list[FloatArray]  # each target's value one step down (at A before the first)
    pending: list[NDArray[np.bool_]]  # each target not met yet

    def keep(self, mask: NDArray[np.bool_]) -> None:
        for name in ("pos", "a", "h", "n", "b", "decay", "step_decay"):
            setattr(self, name, getattr(self, name)[mask])
        self.previous = [value[mask] for value in self.previous]
        self.pending = [flag[mask] for flag in self.pending]

    def value(self, target: Target, p_wait: FloatArray) -> FloatArray:
        """The target's figure at ``n`` (Erlang C, n > A): SL, ASA or occupancy."""
        if target.name == "sl":
            return 1.0 - p_wait * self.decay
        if target.name == "asa":
            return p_wait * self.h / (self.n - self.a)
        return self.a / self.n


def _start_walk(targets: list[Target], traffic: FloatArray, aht_s: FloatArray, t_s: float) -> _Walk:
    """First stable staffing ``floor(A) + 1`` with one incomplete-gamma Erlang B."""
    n0 = np.floor(traffic) + 1.0
    at_load = {"sl": 0.0, "asa": np.inf, "occupancy": 1.0}  # the curves at n = A
    return _Walk(
        pos=np.arange(traffic.size),
        a=traffic,
        h=aht_s,
        n=n0,
        b=erlang_b_unchecked(traffic, n0),
        decay=np.exp(-(n0 - traffic) * t_s / aht_s),
        step_decay=np.exp(-t_s / aht_s),
        previous=[np.full(traffic.size, at_load[t.name]) for t in targets],
        pending=[np.ones(traffic.size, dtype=bool) for _ in targets],
    )


def walk_erlang_c(
    targets: list[Target], traffic: FloatArray, aht_s: FloatArray, t_s: float
) -> tuple[FloatArray, FloatArray, QueueKpis]:
    """Erlang C requirement for intervals with traffic > 0: one incomplete-gamma Erlang B at the
    first stable staffing ``floor(A) + 1``, then the forward recursion one agent at a time
    (a dozen flops per interval and step) until every target is met.

    Returns the integer and fractional requirement and the figures at the integer one."""
    size = traffic.size
    walk = _start_walk(targets, traffic, aht_s, t_s)
    whole, fractional, p_wait_at = np.zeros(size), np.zeros(size), np.zeros(size)
    for _ in range(_MAX_WALK):
        p_wait = walk.n * walk.b / (walk.n - walk.a * (1.0 - walk.b))
        done = np.ones(walk.pos.size, dtype=bool)
        for j, target in enumerate(targets):
            value = walk.value(target, p_wait)
            met = target.met_by(value)
            new = met & walk.pending[j]
            if np.any(new):
                where = walk.pos[new]
                fractional[where] = np.maximum(
                    fractional[where], _crossing(target, walk, j, new, value)
                )
                walk.pending[j] &= ~new
            walk.previous[j] = value
            done &= met
        if np.any(done):
            whole[walk.pos[done]], p_wait_at[walk.pos[done]] = walk.n[done], p_wait[done]
            walk.keep(~done)
            if walk.pos.size == 0:
                p_wait_at = np.clip(p_wait_at, 0.0, 1.0)
                kpis = erlang_c_kpis_unchecked(traffic, aht_s, whole, t_s, p_wait_at)
                return whole, fractional, kpis
        walk.b = erlang_b_next(walk.a, walk.n, walk.b)
        walk.n = walk.n + 1.0
        walk.decay = walk.decay * walk.step_decay
    msg = f"no staffing up to {walk.n[0]:.0f} agents meets the goal"
    raise UnreachableTargetError(f"interval {int(walk.pos[0])}: {msg}")


def _crossing(
    target: Target, walk: _Walk, j: int, new: NDArray[np.bool_], value: FloatArray
) -> FloatArray:
    """Fractional requirement of target ``j`` first met at ``walk.n``: the crossing of the
    target's line between the staffing one step down (or the offered load) and ``n``."""
    n, a = walk.n[new], walk.a[new]
    if target.name == "occupancy":
        return np.minimum(a / target.bound, n)
    low = np.maximum(n - 1.0, a)
    return low + fraction(target, walk.previous[j][new], value[new]) * (n - low)
