"""Erlang A figures by power series with positive terms: the requirement search's fast path.

With ``x = N patience / aht``, ``y = lambda patience``, ``u = exp(-T / patience)`` and the
terms ``q_0 = 1``, ``q_k = q_(k-1) y / (x + k)`` (``h_k = sum_(j<=k) 1 / (x + j)``), the
integrals of the offered-wait density ``g`` of :mod:`optimizer.erlang` are (the substitution
``z = y exp(-theta t)`` makes ``g`` a gamma density truncated to ``(0, y]``, whose lower
incomplete gamma functions and their derivative in the shape are these series):

    S                     = integral of g                = sum q_k
    E_w[e^-theta V]       = (x / y) (S - 1) / S
    E_w[e^-theta V; V<=T] = (x / y) (S - 1 - E (S(yu) - 1)) / S,  E = u^x e^(y (1 - u))
    P_w(V <= T)           = 1 - E S(yu) / S
    E_w[V e^-theta V]     = patience (x / y) sum_(k>=1) q_k h_k / S     (ASA)

Every sum has positive terms only, so the figures agree with the quadrature of
:func:`optimizer.erlang.erlang_a_kpis_unchecked` to rounding (~1e-14) wherever the series
converges within ``_MAX_TERMS`` terms (about ``y - x + 9 sqrt(x)``: moderate patience and
load); elsewhere the result says so and the caller uses the quadrature.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from optimizer.erlang import QueueKpis
from optimizer.validation import FloatArray

__all__ = ["erlang_a_kpis_series"]

_MAX_TERMS = 1024
_BLOCK = 12  # terms summed between convergence checks
_TOL = 1e-17


def _sums(
    x: FloatArray, y: FloatArray, u: float
) -> tuple[FloatArray, FloatArray, FloatArray, NDArray[np.bool_]]:
    """``sum_(k>=1) q_k`` at ``y`` and at ``y u`` (whose terms are ``q_k u^k``),
    ``sum_(k>=1) q_k h_k`` at ``y``, and where the series converged; terms are summed in blocks
    of ``_BLOCK``, in place, dropping the converged intervals after each block."""
    size = x.size
    s1, s1u, w = np.zeros(size), np.zeros(size), np.zeros(size)
    ok = y - x < _MAX_TERMS / 2  # the terms grow while k < y - x
    idx = np.flatnonzero(ok)
    d, ys = x[idx], y[idx]  # d = x + k
    q, hk, a, au, aw = (np.zeros(idx.size) for _ in range(5))
    q += 1.0
    tmp = np.empty(idx.size)
    k, uk = 0, 1.0
    with np.errstate(over="ignore", invalid="ignore"):
        while idx.size and k < _MAX_TERMS:
            for _ in range(_BLOCK):
                k, uk = k + 1, uk * u
                d += 1.0
                q *= ys
                q /= d
                a += q
                au += np.multiply(q, uk, out=tmp)
                hk += np.divide(1.0, d, out=tmp)
                aw += np.multiply(q, hk, out=tmp)
            going = (ys > d) | (q > _TOL * (1.0 + a)) | (q * hk > _TOL * aw)
            going &= np.isfinite(a)
            done = ~going
            s1[idx[done]], s1u[idx[done]], w[idx[done]] = a[done], au[done], aw[done]
            idx, d, ys, q, hk = idx[going], d[going], ys[going], q[going], hk[going]
            a, au, aw, tmp = a[going], au[going], aw[going], tmp[going]
    ok[idx] = False  # not converged within _MAX_TERMS
    return s1, s1u, w, ok & np.isfinite(s1) & np.isfinite(w)


def erlang_a_kpis_series(
    lam: FloatArray, h: FloatArray, n: FloatArray, log_b: FloatArray, t_s: float, patience_s: float
) -> tuple[QueueKpis, NDArray[np.bool_]]:
    """Erlang A figures for ``n >= 1``, ``lam > 0`` (inputs as for
    :func:`optimizer.erlang.erlang_a_kpis_unchecked`, and ``log_b``, the log of Erlang B at
    ``n``) and where they hold: the series converged (elsewhere the figures are meaningless)."""
    x, y = n * patience_s / h, lam * patience_s
    u = np.exp(-t_s / patience_s)
    gone_by_t = -np.expm1(-t_s / patience_s)  # 1 - u, without cancellation for long patience
    s1, s1u, w, ok = _sums(x, y, float(u))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        log_s = np.log1p(s1)
        log_e = -x * (t_s / patience_s) + y * gone_by_t - log_s  # log(E / S)
        log_odds = np.log(-np.expm1(log_b)) - log_s - log_b
        p_wait = 1.0 / (1.0 + np.exp(np.minimum(log_odds, 700.0)))
        p_wait = np.where(log_b >= 0.0, 1.0, p_wait)
        x_y = x / y
        served = x_y * s1 / (1.0 + s1)
        served_within = x_y * (s1 / (1.0 + s1) - np.exp(log_e + np.log(s1u)))
        within_t = 1.0 - np.exp(log_e + np.log1p(s1u))
        abandon = p_wait * (1.0 - served)
        before_t = p_wait * (within_t - served_within + gone_by_t * (1.0 - within_t))
        sl_all = 1.0 - p_wait * (1.0 - served_within)
        served_wait = patience_s * x_y * w / (1.0 + s1)
        kept = 1.0 - abandon
        asa_s = np.where(kept > 0, p_wait * served_wait / np.maximum(kept, 1e-300), np.inf)
        occupancy = np.clip(lam * h * (1.0 - abandon) / n, 0.0, 1.0)
    figures = QueueKpis(
        p_wait=p_wait,
        service_level=np.clip(sl_all, 0.0, 1.0),
        service_level_answered=np.clip(sl_all / np.maximum(1.0 - before_t, 1e-300), 0.0, 1.0),
        asa_s=asa_s,
        mean_wait_all_s=abandon * patience_s,
        abandon_rate=abandon,
        occupancy=occupancy,
    )
    finite = np.isfinite(sl_all) & np.isfinite(before_t) & np.isfinite(asa_s)
    return figures, ok & finite & (n >= 1.0)
