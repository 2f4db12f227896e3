"""Erlang A requirement: a walk up from the offered load (the default floor at ``ceil(A)``) or,
below the load, a vectorised galloping search per target.

Figures come from the positive-term series of :mod:`optimizer.erlang_series` (agreeing with the
quadrature of :func:`optimizer.erlang.erlang_a_kpis` to ~1e-14), Erlang B along the walk from
its forward recursion. Wherever the series does not converge the quadrature gives the figures,
and wherever a target's value lies within ``_TIE`` of its line the quadrature decides, so the
integers are those of the quadrature.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from optimizer.erlang import (
    QueueKpis,
    erlang_a_kpis_unchecked,
    erlang_b_next,
    erlang_b_unchecked,
    log_erlang_b,
)
from optimizer.erlang_series import erlang_a_kpis_series
from optimizer.requirements.spec import UnreachableTargetError
from optimizer.requirements.targets import Target, fraction
from optimizer.validation import FloatArray

__all__ = ["search_erlang_a"]

_MAX_PROBES = 200
_MAX_WALK = 1_000_000
_TIE = 1e-9  # distance to a target's line below which the quadrature decides

Probe = Callable[[NDArray[np.intp], FloatArray], tuple[NDArray[np.bool_], FloatArray]]


@dataclass(frozen=True, slots=True)
class _Queue:
    """The active intervals of an Erlang A requirement."""

    lam: FloatArray  # arrivals per second
    aht_s: FloatArray
    traffic: FloatArray  # offered load, Erlangs
    t_s: float
    patience_s: float


@dataclass(frozen=True, slots=True)
class _Bracket:
    """Outcome of the search for one target: smallest whole ``agents`` meeting it, the target's
    value there, and its value one agent below (NaN where that point was never probed)."""

    agents: FloatArray
    value_at: FloatArray
    value_below: FloatArray


def _next_probe(
    lo: FloatArray, hi: FloatArray, step: FloatArray, probed_lo: NDArray[np.bool_]
) -> FloatArray:
    """Gallop up from ``lo`` until a probe meets the target, gallop down from ``hi`` until one
    misses it, then bisect."""
    mid = np.floor((lo + hi) / 2.0)
    down = np.where(~probed_lo & (hi - step > lo), hi - step, mid)
    return np.where(np.isinf(hi), lo + step, down)


def _gallop(probe: Probe, known_miss: FloatArray, guess: FloatArray, name: str) -> _Bracket:
    """Smallest whole number of agents meeting a target that is monotone in agents, for all
    intervals at once: probe ``guess``, gallop (steps 1, 2, 4, ...) to bracket the answer, then
    bisect. ``known_miss`` is a number of agents known to miss the target."""
    size = known_miss.size
    lo, hi = known_miss.copy(), np.full(size, np.inf)
    value_lo, value_hi = np.full(size, np.nan), np.full(size, np.nan)
    x, step = np.maximum(guess, lo + 1.0), np.ones(size)
    todo = np.arange(size)
    for _ in range(_MAX_PROBES):
        met, value = probe(todo, x)
        hi[todo] = np.where(met, x, hi[todo])
        value_hi[todo] = np.where(met, value, value_hi[todo])
        lo[todo] = np.where(met, lo[todo], x)
        value_lo[todo] = np.where(met, value_lo[todo], value)
        step[todo] *= 2.0
        todo = todo[hi[todo] - lo[todo] > 1]
        if todo.size == 0:
            return _Bracket(hi, value_hi, np.where(hi - lo == 1, value_lo, np.nan))
        x = _next_probe(lo[todo], hi[todo], step[todo], ~np.isnan(value_lo[todo]))
    msg = f"no staffing up to {lo[todo[0]]:.0f} agents meets the {name} target"
    raise UnreachableTargetError(f"interval {int(todo[0])}: {msg}")


def _kpis(
    queue: _Queue, sub: NDArray[np.intp], agents: FloatArray, log_b: FloatArray | None = None
) -> QueueKpis:
    """Figures at ``agents`` for the intervals ``sub``: the series where it converged, the
    quadrature elsewhere (``log_b``: log Erlang B at ``agents`` when known)."""
    q = queue
    if log_b is None:
        log_b = log_erlang_b(q.traffic[sub], agents)
    figures, ok = erlang_a_kpis_series(q.lam[sub], q.aht_s[sub], agents, log_b, q.t_s, q.patience_s)
    if not np.all(ok):
        bad = np.flatnonzero(~ok)
        exact = erlang_a_kpis_unchecked(
            q.lam[sub[bad]], q.aht_s[sub[bad]], agents[bad], q.t_s, q.patience_s
        )
        for name in QueueKpis.__slots__:
            getattr(figures, name)[bad] = getattr(exact, name)
    return figures


def _decided(
    target: Target, queue: _Queue, sub: NDArray[np.intp], agents: FloatArray, value: FloatArray
) -> FloatArray:
    """``value`` of the target with the quadrature's where it lies within ``_TIE`` of the
    target's line (the requirement is defined by the quadrature's figures; the series agrees
    with them to ~1e-14)."""
    unsure = np.flatnonzero(~(np.abs(target.margin(value)) > _TIE))
    if unsure.size == 0:
        return value
    q, at = queue, sub[unsure]
    exact = erlang_a_kpis_unchecked(q.lam[at], q.aht_s[at], agents[unsure], q.t_s, q.patience_s)
    value = value.copy()
    value[unsure] = target.value(exact)
    return value


def _probe(target: Target, queue: _Queue) -> Probe:
    """The target's value at ``agents`` for the intervals ``sub``, and whether it is met."""

    def probe(sub: NDArray[np.intp], agents: FloatArray) -> tuple[NDArray[np.bool_], FloatArray]:
        value = _decided(target, queue, sub, agents, target.value(_kpis(queue, sub, agents)))
        return target.met_by(value) & (agents >= 1), value

    return probe


def _target_requirement(target: Target, queue: _Queue) -> tuple[FloatArray, FloatArray]:
    """Integer and fractional Erlang A requirement of one target (intervals with traffic > 0,
    staffing below the offered load allowed): a galloping search from near the load."""
    traffic = queue.traffic
    probe = _probe(target, queue)
    guess = np.ceil(traffic + 0.5 * np.sqrt(traffic))
    found = _gallop(probe, np.zeros_like(traffic), guess, target.name)
    return found.agents, _fractional(target, probe, found)


def _fractional(target: Target, probe: Probe, found: _Bracket) -> FloatArray:
    """Fractional requirement: the crossing of the target's line one agent below the integer
    one (probed there where the search never was)."""
    whole, value_below = found.agents, found.value_below.copy()
    missing = np.flatnonzero(np.isnan(value_below))
    if missing.size:
        value_below[missing] = probe(missing, whole[missing] - 1.0)[1]
    return whole - 1.0 + fraction(target, value_below, found.value_at)


@dataclass(slots=True)
class _Walk:
    """Working arrays of the walk up from the offered load, compacted to the intervals still
    walking: agents ``n``, Erlang B there, each target's value one agent below (NaN at the
    start) and each target's first staffing meeting it with the values there (NaN: not yet)."""

    pos: NDArray[np.intp]
    n: FloatArray
    b: FloatArray
    previous: list[FloatArray]

    def keep(self, mask: NDArray[np.bool_]) -> None:
        self.pos, self.n, self.b = self.pos[mask], self.n[mask], self.b[mask]
        self.previous = [value[mask] for value in self.previous]


def _walk(targets: list[Target], queue: _Queue) -> tuple[FloatArray, list[_Bracket], QueueKpis]:
    """Smallest staffing from ``ceil(A)`` up meeting every target, one agent at a time for all
    intervals at once (series figures, Erlang B by its forward recursion): the staffing, each
    target's bracket and the figures there."""
    size = queue.traffic.size
    start = np.maximum(np.ceil(queue.traffic), 1.0)
    walk = _Walk(np.arange(size), start, erlang_b_unchecked(queue.traffic, start),
                 [np.full(size, np.nan) for _ in targets])  # fmt: skip
    found = [_Bracket(np.full(size, np.nan), np.zeros(size), np.zeros(size)) for _ in targets]
    whole = np.zeros(size)
    at: dict[str, FloatArray] = {name: np.zeros(size) for name in QueueKpis.__slots__}
    for _ in range(_MAX_WALK):
        with np.errstate(divide="ignore"):  # B underflowing to 0: nobody waits
            figures = _kpis(queue, walk.pos, walk.n, np.log(walk.b))
        done = np.ones(walk.pos.size, dtype=bool)
        for j, target in enumerate(targets):
            value = _decided(target, queue, walk.pos, walk.n, target.value(figures))
            met = target.met_by(value)
            first = met & np.isnan(found[j].agents[walk.pos])
            new = walk.pos[first]
            found[j].agents[new], found[j].value_at[new] = walk.n[first], value[first]
            found[j].value_below[new] = walk.previous[j][first]
            walk.previous[j] = value
            done &= met
        whole[walk.pos[done]] = walk.n[done]
        for name in QueueKpis.__slots__:
            at[name][walk.pos[done]] = getattr(figures, name)[done]
        walk.keep(~done)
        if walk.pos.size == 0:
            return whole, found, QueueKpis(**at)
        walk.b = erlang_b_next(queue.traffic[walk.pos], walk.n, walk.b)
        walk.n = walk.n + 1.0
    msg = f"no staffing up to {walk.n[0]:.0f} agents meets the goal"
    raise UnreachableTargetError(f"interval {int(walk.pos[0])}: {msg}")


def search_erlang_a(
    targets: list[Target],
    traffic: FloatArray,
    aht_s: FloatArray,
    t_s: float,
    patience_s: float,
    floor: bool,
) -> tuple[FloatArray, FloatArray, QueueKpis]:
    """Erlang A requirement (intervals with traffic > 0): the integer and fractional
    requirement over all targets and the figures at the integer one.

    With ``floor`` (requirement at least the offered load) a walk from ``ceil(A)`` up, where
    one agent fewer counts as a miss, and the fractional requirement is at least ``A``;
    without, a galloping search per target from near the load."""
    queue = _Queue(traffic / aht_s, aht_s, traffic, t_s, patience_s)
    fractional = np.zeros(traffic.size)
    if floor:
        whole, brackets, kpis = _walk(targets, queue)
        for target, found in zip(targets, brackets, strict=True):
            fractional = np.maximum(fractional, _fractional(target, _probe(target, queue), found))
        return whole, np.maximum(fractional, traffic), kpis
    whole = np.zeros(traffic.size)
    for target in targets:
        n_t, f_t = _target_requirement(target, queue)
        whole, fractional = np.maximum(whole, n_t), np.maximum(fractional, f_t)
    return whole, fractional, _kpis(queue, np.arange(traffic.size), whole)
