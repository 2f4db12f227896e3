"""Empirical patience from an ACD log: Kaplan-Meier on censored waits.

A caller's patience is seen only when they hang up in queue (the wait is the patience); for a
served caller it is only known to exceed the wait (right-censored). The Kaplan-Meier estimator
(Kaplan & Meier 1958; its use for call-centre patience: Brown et al. 2005, JASA 100(469))
gives the patience distribution up to the longest observed wait; the mass it leaves beyond
(callers who would have waited longer than anybody did) is returned as ``inf``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from optimizer.errors import InputError, Problem


def kaplan_meier(
    wait_s: ArrayLike, abandoned: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Event times and the survival ``P(patience > t)`` just after each of them."""
    waits, events = _validated(wait_s, abandoned)
    times, inverse = np.unique(waits, return_inverse=True)
    at_time = np.bincount(inverse, minlength=times.shape[0])
    deaths = np.bincount(inverse, weights=events.astype(np.float64), minlength=times.shape[0])
    at_risk = waits.shape[0] - np.concatenate(([0], np.cumsum(at_time)[:-1]))
    keep = deaths > 0
    survival = np.cumprod(1.0 - deaths[keep] / at_risk[keep])
    return times[keep], survival


def patience_samples_from_waits(
    wait_s: ArrayLike, abandoned: ArrayLike, *, points: int = 2000
) -> NDArray[np.float64]:
    """``points`` equally likely patience values (quantiles of the Kaplan-Meier estimate).

    Resampling them uniformly reproduces the estimated distribution; values past its last
    event are ``inf``. Feed the result to ``SimulationConfig(patience="empirical",
    patience_samples_s=...)``.
    """
    if not 10 <= points <= 1_000_000:
        raise InputError([Problem(None, "points", "out_of_range", "must be in 10..1000000")])
    times, survival = kaplan_meier(wait_s, abandoned)
    levels = (np.arange(points) + 0.5) / points
    cdf = 1.0 - survival
    index = np.searchsorted(cdf, levels, side="left")
    out = np.full(points, np.inf)
    inside = index < times.shape[0]
    out[inside] = times[index[inside]]
    return out


def _validated(wait_s: ArrayLike, abandoned: ArrayLike) -> tuple[NDArray[np.float64], NDArray]:
    waits = np.asarray(wait_s, dtype=np.float64)
    events = np.asarray(abandoned, dtype=bool)
    problems = []
    if waits.ndim != 1 or waits.shape != events.shape or waits.shape[0] == 0:
        msg = "wait_s and abandoned must be 1-D arrays of the same non-zero length"
        problems.append(Problem(None, "wait_s", "invalid_shape", msg))
    else:
        for row in np.flatnonzero(~np.isfinite(waits) | (waits < 0))[:50]:
            problems.append(Problem(int(row), "wait_s", "out_of_range", "must be finite, >= 0"))
    if problems:
        raise InputError(problems)
    return waits, events
