"""Erlang B, Erlang C and Erlang A queue formulas, vectorised over intervals.

Every function takes array-likes with one entry per interval (scalars broadcast) and returns
``float64`` arrays; nothing loops over intervals in Python.

* Erlang B (M/M/N/N) uses the continuous extension through the regularised upper incomplete
  gamma function, ``B(x, A) = Poisson_pmf(x; A) / Poisson_cdf(x; A)`` with both extended to real
  ``x`` (``Q(x + 1, A) = gammaincc(x + 1, A)`` is the Poisson cdf), evaluated in log space: O(1)
  per interval, stable from 0.01 to far beyond 5,000 Erlangs, and defined for fractional agents.
  Where the Poisson cdf underflows (agents far below the traffic) the series
  ``1/B = sum_k x(x-1)...(x-k+1) / A^k`` is summed instead.
* Erlang C (M/M/N) follows from B: ``C = x B / (x - A (1 - B))`` for ``x > A``, else 1.
* Erlang A (M/M/N+M, exponential patience with mean ``patience_s``) is computed from the
  stationary birth-death distribution (Garnett, Mandelbaum & Reiman 2002) and the offered-wait
  density of a delayed arrival (Zeltyn & Mandelbaum 2005, Mandelbaum & Zeltyn 2007),
  ``g(t) = N mu exp(-N mu t + (lambda / theta)(1 - exp(-theta t)))``, whose integrals give
  P(wait), abandonment, service level and ASA. ``g`` is log-concave, so its integrals are taken
  by Gauss-Legendre quadrature on pieces bounded by level sets of ``log g`` (exact to ~1e-13,
  no overflow for any patience). See ``docs/erlang.md`` for the derivations.

Service-level conventions (``QueueKpis``):

* ``service_level`` = calls answered within T / **all** arrivals (abandoned ones included).
* ``service_level_answered`` = calls answered within T / arrivals that did **not** abandon
  before T (abandons after T still count in the denominator). For Erlang C both are equal.

For integer ``agents`` every figure is the exact stationary value of the queue; fractional
``agents`` use the analytic continuation of the same formulas (continuous in ``agents``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import gammaincc, gammaln

from optimizer.errors import InputError, Problem
from optimizer.validation import (
    FloatArray,
    as_array,
    broadcast,
    check_values,
    raise_if,
    validate_positive_scalar,
)

__all__ = [
    "FloatArray",
    "QueueKpis",
    "erlang_a_kpis",
    "erlang_a_kpis_unchecked",
    "erlang_b",
    "erlang_b_next",
    "erlang_b_unchecked",
    "erlang_c",
    "erlang_c_kpis",
    "erlang_c_kpis_unchecked",
    "erlang_c_unchecked",
    "log_erlang_b",
    "offered_load",
    "queue_kpis",
]

# Levels (in units of log g below its maximum) that bound the quadrature pieces, each side.
_LEVELS = (2.0, 7.0, 16.0, 42.0)
# Multiples of the mean patience added as piece boundaries.
_PATIENCE_MARKS = (1.0, 4.0, 15.0, 40.0)
_GAUSS_NODES = 12
_NEWTON_STEPS = 40
_CHUNK = 2048
# Erlang A treats fewer agents than this (a fractional sliver) as no agents at all.
_MIN_AGENTS = 1e-9


@dataclass(frozen=True, slots=True)
class QueueKpis:
    """Predicted queue figures, one entry per interval.

    ``p_wait``: probability an arrival waits (all agents busy).
    ``service_level``: answered within T / all arrivals.
    ``service_level_answered``: answered within T / arrivals that did not abandon before T
    (Erlang C: equal to ``service_level``).
    ``asa_s``: mean wait of answered calls, seconds (``inf`` when no call can be answered:
    Erlang C with agents <= traffic, or zero agents).
    ``mean_wait_all_s``: mean wait over all arrivals including abandoned ones, seconds.
    ``abandon_rate``: share of arrivals that abandon (0 for Erlang C).
    ``occupancy``: share of agent time spent handling calls (carried load / agents; 1 when
    the queue is saturated or there are no agents but calls, 0 without calls).
    """

    p_wait: FloatArray
    service_level: FloatArray
    service_level_answered: FloatArray
    asa_s: FloatArray
    mean_wait_all_s: FloatArray
    abandon_rate: FloatArray
    occupancy: FloatArray


# --------------------------------------------------------------------------------------------
# Erlang B and C


def offered_load(calls: ArrayLike, aht_s: ArrayLike, interval_s: float) -> FloatArray:
    """Offered traffic in Erlangs: ``calls * aht_s / interval_s``."""
    return as_array(calls) * as_array(aht_s) / float(interval_s)


def _log_erlang_b_series(x: FloatArray, a: FloatArray) -> FloatArray:
    """``log B`` from ``1/B = sum_k x(x-1)...(x-k+1)/A^k``; for ``x`` well below ``A``."""
    total = np.ones_like(x)
    term = np.ones_like(x)
    for k in range(1, 200_000):
        term = term * (x - (k - 1)) / a
        total = total + term
        if not np.any(np.abs(term) > 1e-17 * total):
            break
    return -np.log(total)


def log_erlang_b(a: FloatArray, x: FloatArray) -> FloatArray:
    """Natural log of the continuous Erlang B; inputs validated, ``a > 0`` and ``x >= 0``."""
    log_pmf = x * np.log(a) - a - gammaln(x + 1.0)
    cdf = gammaincc(x + 1.0, a)
    out = np.empty_like(a)
    ok = cdf > 1e-250
    out[ok] = log_pmf[ok] - np.log(cdf[ok])
    if not np.all(ok):
        out[~ok] = _log_erlang_b_series(x[~ok], a[~ok])
    return np.minimum(out, 0.0)


def _validated_pair(traffic_erl: ArrayLike, agents: ArrayLike) -> tuple[FloatArray, FloatArray]:
    a, x = broadcast({"traffic_erl": as_array(traffic_erl), "agents": as_array(agents)})
    problems: list[Problem] = []
    check_values(problems, a, "traffic_erl", allow_zero=True)
    check_values(problems, x, "agents", allow_zero=True)
    raise_if(problems)
    return a, x


def erlang_b(traffic_erl: ArrayLike, agents: ArrayLike) -> FloatArray:
    """Erlang B blocking probability of an M/M/N/N system, per interval.

    ``agents`` may be fractional (continuous extension through the incomplete gamma function;
    exact for integers). Zero traffic gives 0 (with agents > 0); zero agents give 1.
    """
    a, x = _validated_pair(traffic_erl, agents)
    return erlang_b_unchecked(a, x)


def erlang_b_unchecked(a: FloatArray, x: FloatArray) -> FloatArray:
    """:func:`erlang_b` on validated 1-D arrays of one length (no checks)."""
    out = np.where(x > 0, 0.0, 1.0)
    busy = a > 0
    out[busy] = np.exp(log_erlang_b(a[busy], x[busy]))
    return out


def erlang_c(traffic_erl: ArrayLike, agents: ArrayLike) -> FloatArray:
    """Erlang C probability of waiting of an M/M/N queue, per interval.

    ``C = x B / (x - A (1 - B))`` with the continuous Erlang B, so ``agents`` may be fractional.
    Returns 1.0 where ``agents <= traffic`` (unstable queue: every call waits) and 0.0 where the
    traffic is zero.
    """
    a, x = _validated_pair(traffic_erl, agents)
    return erlang_c_unchecked(a, x)


def erlang_c_unchecked(a: FloatArray, x: FloatArray) -> FloatArray:
    """:func:`erlang_c` on validated 1-D arrays of one length (no checks)."""
    out = np.where(a > 0, 1.0, 0.0)
    stable = (a > 0) & (x > a)
    out[stable] = _erlang_c_from_b(a[stable], x[stable], erlang_b_unchecked(a[stable], x[stable]))
    return out


def _erlang_c_from_b(a: FloatArray, x: FloatArray, b: FloatArray) -> FloatArray:
    """Erlang C from Erlang B where ``x > a > 0``: ``C = x B / (x - A (1 - B))``."""
    return np.clip(x * b / (x - a * (1.0 - b)), 0.0, 1.0)


def erlang_b_next(a: FloatArray, x: FloatArray, b: FloatArray) -> FloatArray:
    """Erlang B with one agent more, ``B(x + 1) = A B(x) / (x + 1 + A B(x))`` (the stable,
    forward direction of the classic recursion; also valid for fractional ``x``)."""
    return a * b / (x + 1.0 + a * b)


# --------------------------------------------------------------------------------------------
# KPIs


def _validated_kpi_inputs(
    calls: ArrayLike,
    aht_s: ArrayLike,
    agents: ArrayLike,
    interval_s: float,
    answer_within_s: float,
    patience_s: float | None = None,
    *,
    need_patience: bool = False,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    c, h, n = broadcast(
        {"calls": as_array(calls), "aht_s": as_array(aht_s), "agents": as_array(agents)}
    )
    problems: list[Problem] = []
    check_values(problems, c, "calls", allow_zero=True)
    check_values(problems, h, "aht_s", allow_zero=False)
    check_values(problems, n, "agents", allow_zero=True)
    validate_positive_scalar(problems, interval_s, "interval_s")
    if not np.isfinite(answer_within_s) or answer_within_s < 0:
        problems.append(
            Problem(None, "answer_within_s", "out_of_range", "answer_within_s must be >= 0")
        )
    if need_patience:
        if patience_s is None:
            msg = "erlang_a needs patience_s (mean patience, seconds)"
            problems.append(Problem(None, "patience_s", "required", msg))
        else:
            validate_positive_scalar(problems, patience_s, "patience_s")
    raise_if(problems)
    return c, h, n


def erlang_c_kpis(
    calls: ArrayLike,
    aht_s: ArrayLike,
    agents: ArrayLike,
    *,
    interval_s: float,
    answer_within_s: float,
) -> QueueKpis:
    """Erlang C (M/M/N, no abandonment) figures for given agents, per interval.

    ``service_level = 1 - C exp(-(N - A) T / aht)``, ``asa_s = C aht / (N - A)``,
    ``occupancy = A / N``; with ``N <= A`` the queue is unstable: SL 0, ASA ``inf``,
    occupancy 1. Zero calls: SL 1, ASA 0, occupancy 0.
    """
    c, h, n = _validated_kpi_inputs(calls, aht_s, agents, interval_s, answer_within_s)
    return erlang_c_kpis_unchecked(c * h / interval_s, h, n, float(answer_within_s))


def erlang_c_kpis_unchecked(
    a: FloatArray, h: FloatArray, n: FloatArray, t_s: float, p_wait: FloatArray | None = None
) -> QueueKpis:
    """Erlang C figures from traffic, handle time and agents (``p_wait`` if already known)."""
    if p_wait is None:
        p_wait = erlang_c_unchecked(a, n)
    idle = a <= 0
    stable = (n > a) | idle
    gap = np.where(stable & ~idle, n - a, 1.0)
    sl = np.where(stable, 1.0 - p_wait * np.exp(-gap * t_s / h), 0.0)
    asa = np.where(stable, p_wait * h / gap, np.inf)
    occupancy = np.divide(a, n, out=np.ones_like(a), where=stable & ~idle)
    occupancy[idle] = 0.0
    sl = np.clip(sl, 0.0, 1.0)
    return QueueKpis(
        p_wait=p_wait,
        service_level=sl,
        service_level_answered=sl.copy(),
        asa_s=asa,
        mean_wait_all_s=asa.copy(),
        abandon_rate=np.zeros_like(a),
        occupancy=occupancy,
    )


def erlang_a_kpis(
    calls: ArrayLike,
    aht_s: ArrayLike,
    agents: ArrayLike,
    *,
    interval_s: float,
    answer_within_s: float,
    patience_s: float,
) -> QueueKpis:
    """Erlang A (M/M/N+M: exponential patience with mean ``patience_s``) figures, per interval.

    ``service_level`` counts calls answered within T over all arrivals;
    ``service_level_answered`` over arrivals that did not abandon before T. ``mean_wait_all_s``
    equals ``abandon_rate * patience_s`` (Little's law on the queue). Zero agents with calls:
    everybody abandons (SL 0, abandon 1, ASA ``inf``).
    """
    c, h, n = _validated_kpi_inputs(
        calls, aht_s, agents, interval_s, answer_within_s, patience_s, need_patience=True
    )
    return erlang_a_kpis_unchecked(c / interval_s, h, n, float(answer_within_s), float(patience_s))


def queue_kpis(
    model: Literal["erlang_c", "erlang_a"],
    calls: ArrayLike,
    aht_s: ArrayLike,
    agents: ArrayLike,
    *,
    interval_s: float,
    answer_within_s: float,
    patience_s: float | None = None,
) -> QueueKpis:
    """Dispatch to :func:`erlang_c_kpis` or :func:`erlang_a_kpis` by model name."""
    if model == "erlang_c":
        return erlang_c_kpis(
            calls, aht_s, agents, interval_s=interval_s, answer_within_s=answer_within_s
        )
    if model == "erlang_a":
        if patience_s is None:
            msg = "erlang_a needs patience_s (mean patience, seconds)"
            raise InputError([Problem(None, "patience_s", "required", msg)])
        return erlang_a_kpis(
            calls,
            aht_s,
            agents,
            interval_s=interval_s,
            answer_within_s=answer_within_s,
            patience_s=patience_s,
        )
    raise InputError([Problem(None, "model", "unknown", f"unknown queue model {model!r}")])


# --------------------------------------------------------------------------------------------
# Erlang A internals: integrals of the offered-wait density g(t) = c exp(h(t)),
# h(t) = -c t + y (1 - exp(-theta t)), c = N mu, y = lambda / theta.


@dataclass(frozen=True, slots=True)
class _WaitIntegrals:
    """Integrals of ``exp(h - h_max)`` weighted by functions of the offered wait ``V``,
    each divided by the total, i.e. expectations for a delayed arrival."""

    log_mass: FloatArray  # log of the integral of g (the S of the birth-death chain)
    served_within: FloatArray  # E[exp(-theta V) 1{V <= T}]  (served within T)
    not_served: FloatArray  # E[1 - exp(-theta V)]           (abandons)
    abandon_before: FloatArray  # E[1 - exp(-theta min(V, T))]   (abandons before T)
    served_wait: FloatArray  # E[V exp(-theta V)]             (wait of served calls)


def _h(t: FloatArray, c: FloatArray, lam: FloatArray, theta: FloatArray) -> FloatArray:
    return -c * t - (lam / theta) * np.expm1(-theta * t)


def _h_slope(t: FloatArray, c: FloatArray, lam: FloatArray, theta: FloatArray) -> FloatArray:
    return -c + lam * np.exp(-theta * t)


def _level_point(
    start: FloatArray,
    target: FloatArray,
    c: FloatArray,
    lam: FloatArray,
    theta: FloatArray,
) -> FloatArray:
    """Solve ``h(t) = target`` by Newton from ``start``. ``h`` is concave, so from a start on
    the far side of the root (h(start) <= target) the iterates approach it monotonically and
    never cross it; the points only bound quadrature pieces, so a loose tolerance is enough."""
    t = start.copy()
    for _ in range(_NEWTON_STEPS):
        slope = _h_slope(t, c, lam, theta)
        flat = slope == 0
        step = np.where(flat, 0.0, (_h(t, c, lam, theta) - target) / np.where(flat, 1.0, slope))
        t = np.maximum(t - step, 0.0)
        if not np.any(np.abs(step) > 1e-9 * (1.0 + t)):
            break
    return t


def _piece_bounds(
    c: FloatArray, lam: FloatArray, theta: FloatArray, t_s: float
) -> tuple[FloatArray, FloatArray]:
    """Max of h and the sorted piece boundaries, shape (pieces + 1, n): level sets of h on each
    side of its mode, multiples of the mean patience and the threshold T."""
    ratio = lam / c
    t_mode = np.where(ratio > 1.0, np.log(np.maximum(ratio, 1.0)) / theta, 0.0)
    h_max = _h(t_mode, c, lam, theta)
    y = lam / theta
    marks: list[FloatArray] = [t_mode, np.full_like(c, t_s)]
    right = t_mode
    for level in _LEVELS:
        target = h_max - level
        right = _level_point(np.maximum((y - target) / c, t_mode), target, c, lam, theta)
        marks.append(right)
        # Left of the mode only where h(0) = 0 lies below the level (else the point is 0).
        rising = target > 0.0
        left = _level_point(np.zeros_like(c), np.where(rising, target, 0.0), c, lam, theta)
        marks.append(np.where(rising, np.minimum(left, t_mode), 0.0))
    # The weights exp(-theta t) of the integrands vary on the scale of the mean patience.
    marks.extend(np.full_like(c, mark) / theta for mark in _PATIENCE_MARKS)
    # Beyond the right point of the lowest level the integrand is below e^-42 of its peak.
    bounds = np.minimum(np.sort(np.stack(marks), axis=0), right)
    return h_max, bounds


def _wait_integrals(
    c: FloatArray, lam: FloatArray, theta: FloatArray, t_s: float
) -> _WaitIntegrals:
    """Quadrature of the offered-wait density for ``c > 0``, ``lam > 0`` (all 1-D): Gauss-
    Legendre on every piece at once, arrays of shape (intervals, pieces, nodes)."""
    h_max, bounds = _piece_bounds(c, lam, theta, t_s)
    nodes, weights = np.polynomial.legendre.leggauss(_GAUSS_NODES)
    lo, hi = bounds[:-1].T[:, :, None], bounds[1:].T[:, :, None]  # (n, pieces, 1)
    half = (hi - lo) / 2.0
    t = (lo + hi) / 2.0 + half * nodes
    c3, lam3, theta3 = (arr[:, None, None] for arr in (c, lam, theta))
    gone = np.expm1(-theta3 * t)  # -(share of patience clocks run out by t); exp(-theta t) - 1
    log_w = -c3 * t - (lam3 / theta3) * gone - h_max[:, None, None]  # h(t) - max h
    w = half * weights * np.exp(log_w)
    below = (lo + hi) / 2.0 <= t_s  # T is a boundary: each piece lies on one side of it
    served_w = w * (1.0 + gone)  # weight times exp(-theta t): the caller is still there
    lost_by_t = np.where(below, -gone, -np.expm1(-theta3 * t_s))
    total = w.sum(axis=(1, 2))
    return _WaitIntegrals(
        log_mass=np.log(c) + h_max + np.log(total),
        served_within=(served_w * below).sum(axis=(1, 2)) / total,
        not_served=-(w * gone).sum(axis=(1, 2)) / total,
        abandon_before=(w * lost_by_t).sum(axis=(1, 2)) / total,
        served_wait=(served_w * t).sum(axis=(1, 2)) / total,
    )


def erlang_a_kpis_unchecked(
    lam: FloatArray, h: FloatArray, n: FloatArray, t_s: float, patience_s: float
) -> QueueKpis:
    """Erlang A figures from arrival rate per second ``lam``, handle time and agents."""
    size = lam.size
    p_wait, miss, sl_ans = np.zeros(size), np.zeros(size), np.ones(size)
    abandon, asa = np.zeros(size), np.zeros(size)
    no_agents = (n < _MIN_AGENTS) & (lam > 0)
    p_wait[no_agents], miss[no_agents], abandon[no_agents] = 1.0, 1.0, 1.0
    sl_ans[no_agents], asa[no_agents] = 0.0, np.inf
    active = np.flatnonzero((n >= _MIN_AGENTS) & (lam > 0))
    for start in range(0, active.size, _CHUNK):
        idx = active[start : start + _CHUNK]
        part = _erlang_a_active(lam[idx], h[idx], n[idx], t_s, patience_s)
        p_wait[idx], miss[idx], sl_ans[idx], abandon[idx], asa[idx] = part
    a = lam * h
    occupancy = np.where(n > 0, a * (1.0 - abandon) / np.where(n > 0, n, 1.0), 0.0)
    occupancy = np.where(no_agents, 1.0, np.clip(occupancy, 0.0, 1.0))
    return QueueKpis(
        p_wait=p_wait,
        service_level=np.clip(1.0 - miss, 0.0, 1.0),
        service_level_answered=np.clip(sl_ans, 0.0, 1.0),
        asa_s=asa,
        mean_wait_all_s=abandon * patience_s,
        abandon_rate=abandon,
        occupancy=occupancy,
    )


def _erlang_a_active(
    lam: FloatArray, h: FloatArray, n: FloatArray, t_s: float, patience_s: float
) -> tuple[FloatArray, ...]:
    """P(wait), 1 - SL, SL over non-abandoned, abandon rate and ASA for n > 0, lam > 0."""
    theta = np.full_like(lam, 1.0 / patience_s)
    c = n / h
    w = _wait_integrals(c, lam, theta, t_s)
    log_b = log_erlang_b(lam * h, n)
    # P(wait) = S B / (1 - B + S B), in log space: 1 / (1 + (1 - B) / (S B))
    with np.errstate(divide="ignore"):  # B = 1 (log 0 here) means every arrival waits
        log_odds = np.log(-np.expm1(log_b)) - w.log_mass - log_b
    p_wait = 1.0 / (1.0 + np.exp(np.minimum(log_odds, 700.0)))
    p_wait = np.where(log_b >= 0.0, 1.0, p_wait)
    miss = p_wait * (1.0 - w.served_within)
    abandon = p_wait * w.not_served
    abandon_before = p_wait * w.abandon_before
    sl_all = 1.0 - miss
    sl_answered = sl_all / np.maximum(1.0 - abandon_before, 1e-300)
    served = 1.0 - abandon
    asa = np.where(served > 0, p_wait * w.served_wait / np.maximum(served, 1e-300), np.inf)
    return p_wait, miss, sl_answered, abandon, asa
