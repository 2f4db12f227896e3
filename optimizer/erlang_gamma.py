"""Erlang A figures in closed form through the regularised incomplete gamma function.

A fast screen for the requirement search (a few special-function calls per interval instead
of the piecewise quadrature of :func:`optimizer.erlang.erlang_a_kpis`), with a bound on how far
it may be from the quadrature; the search decides by the quadrature wherever a target lies
within that bound. No ASA (it has no closed form in these functions).

With ``x = N patience / aht``, ``y = lambda patience`` and ``u = exp(-T / patience)``, the
substitution ``u = exp(-theta t)`` turns the offered-wait density ``g`` of
:mod:`optimizer.erlang` into a gamma density: with ``P`` the regularised lower incomplete gamma,

    S                     = integral of g = x e^y y^-x Gamma(x) P(x, y)
    E_w[e^-theta V]       = (x / y) P(x + 1, y) / P(x, y)
    E_w[e^-theta V; V<=T] = (x / y) (P(x + 1, y) - P(x + 1, y u)) / P(x, y)
    P_w(V <= T)           = 1 - P(x, y u) / P(x, y)

and the figures follow as in :func:`optimizer.erlang.erlang_a_kpis_unchecked`.
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammainc, gammaln

from optimizer.erlang import QueueKpis, log_erlang_b
from optimizer.validation import FloatArray

__all__ = ["BASE_TOLERANCE", "answered_tolerance", "erlang_a_kpis_gamma"]

# Smallest distance to a target at which the screen decides alone (its figures are within
# ~1e-13 of the quadrature's where the inputs are moderate).
BASE_TOLERANCE = 1e-9
_EPS = float(np.finfo(np.float64).eps)
_TINY = 1e-280
# Beyond this gamma shape (patience ~1e4 handle times at 1,000 agents) the closed form
# loses accuracy.
_MAX_SHAPE = 1e7


def erlang_a_kpis_gamma(
    lam: FloatArray, h: FloatArray, n: FloatArray, t_s: float, patience_s: float
) -> tuple[QueueKpis, FloatArray]:
    """Erlang A figures (no ASA: NaN) and a bound on their absolute error, per interval.

    Inputs as for :func:`optimizer.erlang.erlang_a_kpis_unchecked` with ``lam > 0``. The bound
    is ``inf`` where the closed form is not usable (fewer than one agent, ``P(x, y)``
    underflowing, non-finite results); ``service_level_answered`` may be off by the bound
    divided by the square of its denominator (see :func:`answered_tolerance`)."""
    x, y = n * patience_s / h, lam * patience_s
    usable = (n >= 1.0) & (x < _MAX_SHAPE) & (y < _MAX_SHAPE)
    x = np.where(usable, x, 1.0)
    shrink = np.exp(-t_s / patience_s)
    p0, p1 = gammainc(x, y), gammainc(x + 1.0, y)
    p0_t, p1_t = gammainc(x, y * shrink), gammainc(x + 1.0, y * shrink)
    usable &= p0 > _TINY
    p0 = np.where(usable, p0, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_x, log_y, lgx = np.log(x), np.log(y), gammaln(x)
        log_mass = log_x + y - x * log_y + lgx + np.log(p0)
        log_b = log_erlang_b(lam * h, np.where(usable, n, 1.0))
        log_odds = np.log(-np.expm1(log_b)) - log_mass - log_b
    p_wait = 1.0 / (1.0 + np.exp(np.minimum(log_odds, 700.0)))
    p_wait = np.where(log_b >= 0.0, 1.0, p_wait)
    ratio = x / y / p0
    served_within = ratio * (p1 - p1_t)
    within_t = 1.0 - p0_t / p0
    abandon = p_wait * (1.0 - ratio * p1)
    before_t = p_wait * (within_t - served_within + -np.expm1(-t_s / patience_s) * (1 - within_t))
    sl_all = 1.0 - p_wait * (1.0 - served_within)
    occupancy = np.clip(lam * h * (1.0 - abandon) / np.where(usable, n, 1.0), 0.0, 1.0)
    figures = QueueKpis(
        p_wait=p_wait,
        service_level=np.clip(sl_all, 0.0, 1.0),
        service_level_answered=np.clip(sl_all / np.maximum(1.0 - before_t, 1e-300), 0.0, 1.0),
        asa_s=np.full_like(lam, np.nan),
        mean_wait_all_s=abandon * patience_s,
        abandon_rate=abandon,
        occupancy=occupancy,
    )
    # log S sums terms of size y, x log y, log Gamma(x) that cancel: its rounding error moves
    # P(wait) (and so every figure) by at most that much.
    rounding = 64.0 * _EPS * (np.abs(log_x) + y + np.abs(x * log_y) + np.abs(lgx) + 1.0)
    error = BASE_TOLERANCE + rounding
    finite = np.isfinite(log_mass) & np.isfinite(sl_all) & np.isfinite(before_t)
    return figures, np.where(usable & finite, error, np.inf)


def answered_tolerance(figures: QueueKpis, error: FloatArray) -> FloatArray:
    """Error bound of ``service_level_answered`` (SL / (1 - abandoned before T))."""
    ratio = figures.service_level_answered / np.maximum(figures.service_level, 1e-300)
    ratio = np.maximum(ratio, 1.0)
    return np.where(np.isfinite(error), error * (1.0 + ratio) * ratio, np.inf)
