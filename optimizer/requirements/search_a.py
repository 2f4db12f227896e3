"""Erlang A requirement: a vectorised galloping search per target, starting at the offered load.

Probes are screened with the closed form of :mod:`optimizer.erlang_gamma` (a few incomplete
gamma functions per interval); wherever a probe lies within the screen's error bound of the
target line, or the closed form is not usable (or the target is the ASA, which has no closed
form), the probe is decided by the quadrature of :func:`optimizer.erlang.erlang_a_kpis` as
before. The figures returned are the quadrature's at the integer requirement.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from optimizer.erlang import QueueKpis, erlang_a_kpis_unchecked
from optimizer.erlang_gamma import BASE_TOLERANCE, answered_tolerance, erlang_a_kpis_gamma
from optimizer.requirements.spec import UnreachableTargetError
from optimizer.requirements.targets import Target, fraction
from optimizer.validation import FloatArray

__all__ = ["search_erlang_a"]

_MAX_PROBES = 200

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


def _probe(target: Target, queue: _Queue) -> Probe:
    """The target's value at ``agents`` for the intervals ``sub``, and whether it is met."""

    def exact(sub: NDArray[np.intp], agents: FloatArray) -> FloatArray:
        q = queue
        return target.value(
            erlang_a_kpis_unchecked(q.lam[sub], q.aht_s[sub], agents, q.t_s, q.patience_s)
        )

    def probe(sub: NDArray[np.intp], agents: FloatArray) -> tuple[NDArray[np.bool_], FloatArray]:
        if target.name == "asa":
            value = exact(sub, agents)
        else:
            q = queue
            figures, error = erlang_a_kpis_gamma(
                q.lam[sub], q.aht_s[sub], agents, q.t_s, q.patience_s
            )
            value = target.value(figures).copy()
            # Where rounding widens the bound (very long patience), or near the line, the
            # quadrature decides and gives the value (the fractional requirement uses it).
            unsure = error > 2.0 * BASE_TOLERANCE
            if target.name == "sl":  # either basis: the wider bound of the two
                error = answered_tolerance(figures, error)
            unsure |= ~(np.abs(target.margin(value)) > error)
            if np.any(unsure):
                value[unsure] = exact(sub[unsure], agents[unsure])
        return target.met_by(value) & (agents >= 1), value

    return probe


def _target_requirement(
    target: Target, queue: _Queue, floor: bool
) -> tuple[FloatArray, FloatArray]:
    """Integer and fractional Erlang A requirement of one target (intervals with traffic > 0).

    With ``floor`` (requirement at least the offered load) the search starts at ``ceil(A)``
    and treats one agent fewer as a miss: that yields ``max(ceil(A), requirement)`` directly,
    and the caller lifts the fractional requirement to at least ``A``."""
    traffic = queue.traffic
    probe = _probe(target, queue)
    if floor:
        known_miss = np.maximum(np.ceil(traffic) - 1.0, 0.0)
        guess = known_miss + 1.0
    else:
        known_miss = np.zeros_like(traffic)
        guess = np.ceil(traffic + 0.5 * np.sqrt(traffic))
    found = _gallop(probe, known_miss, guess, target.name)
    whole = found.agents
    value_below = found.value_below.copy()
    missing = np.flatnonzero(np.isnan(value_below))
    if missing.size:
        value_below[missing] = probe(missing, whole[missing] - 1.0)[1]
    share = fraction(target, value_below, found.value_at)
    return whole, whole - 1.0 + share


def search_erlang_a(
    targets: list[Target],
    traffic: FloatArray,
    aht_s: FloatArray,
    t_s: float,
    patience_s: float,
    floor: bool,
) -> tuple[FloatArray, FloatArray, QueueKpis]:
    """Erlang A requirement (intervals with traffic > 0): the integer and fractional
    requirement over all targets and the figures (quadrature) at the integer one."""
    queue = _Queue(traffic / aht_s, aht_s, traffic, t_s, patience_s)
    whole, fractional = np.zeros(traffic.size), np.zeros(traffic.size)
    for target in targets:
        n_t, f_t = _target_requirement(target, queue, floor)
        whole, fractional = np.maximum(whole, n_t), np.maximum(fractional, f_t)
    if floor:
        whole, fractional = np.maximum(whole, np.ceil(traffic)), np.maximum(fractional, traffic)
    kpis = erlang_a_kpis_unchecked(queue.lam, aht_s, whole, t_s, patience_s)
    return whole, fractional, kpis
