"""Intraday reforecast: the rest of today from the actuals so far.

Every updater takes plain arrays: ``day_ahead`` (the day-ahead forecast of today's ``m``
intervals), ``observed`` (today's actual counts of the first ``m0 < m`` intervals) and, for the
penalised update, ``past`` (a ``days x m`` matrix of earlier days' actual counts). Each returns
the forecast of the remaining ``m - m0`` intervals.

* :func:`no_update`: the day-ahead values.
* :func:`ratio_update` (the vendors' method): scaled by actual / forecast so far.
* :func:`damped_ratio_update`: the ratio shrunk toward 1, ``1 + weight (ratio - 1)``.
* :func:`penalised_update` (Staffwise), after Shen & Huang (2008, "Interday forecasting and
  intraday updating of call center arrivals", M&SOM 10(3)): today is written in ``k`` day
  shapes, the first the day-ahead forecast itself and the others the leading right singular
  vectors of ``past`` (made orthogonal to it); the day-ahead forecast has scores
  ``beta0 = (1, 0, ..., 0)``. Today's scores are the penalised weighted least-squares fit to
  the observed part, ``argmin sum_obs (y - F beta)^2 / f + sum_j penalty_j (beta_j - beta0_j)^2``
  (Poisson weights ``1 / f``; the penalty of each score a multiple of the calls forecast so
  far), and the remaining intervals are ``F_rest beta``. With ``k = 1`` this is exactly the
  damped ratio; more shapes let the morning also change the shape of the afternoon. ``k``
  and the two penalties are tuned on earlier weeks (``bench/intraday.py``, which passes the
  same weekday's last 12 days as ``past``: day shapes differ by weekday).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from actuals.types import FloatArray
from optimizer.erlang import queue_kpis
from optimizer.requirements import ServiceGoal, StaffingModel, required_agents


def _split(day_ahead: ArrayLike, observed: ArrayLike) -> tuple[FloatArray, FloatArray, int]:
    forecast = np.asarray(day_ahead, dtype=float)
    seen = np.asarray(observed, dtype=float)
    if seen.ndim != 1 or forecast.ndim != 1 or not 0 < seen.size < forecast.size:
        raise ValueError("observed must be a non-empty prefix shorter than day_ahead")
    return forecast, seen, seen.size


def no_update(day_ahead: ArrayLike, observed: ArrayLike) -> FloatArray:
    forecast, _seen, m0 = _split(day_ahead, observed)
    return forecast[m0:].copy()


def observed_ratio(day_ahead: ArrayLike, observed: ArrayLike) -> float:
    """Actual over forecast calls so far (1 when nothing was forecast)."""
    forecast, seen, m0 = _split(day_ahead, observed)
    expected = float(forecast[:m0].sum())
    return float(seen.sum()) / expected if expected > 0 else 1.0


def ratio_update(day_ahead: ArrayLike, observed: ArrayLike) -> FloatArray:
    forecast, _seen, m0 = _split(day_ahead, observed)
    return forecast[m0:] * observed_ratio(day_ahead, observed)


def damped_ratio_update(day_ahead: ArrayLike, observed: ArrayLike, weight: float) -> FloatArray:
    forecast, _seen, m0 = _split(day_ahead, observed)
    return forecast[m0:] * (1.0 + weight * (observed_ratio(day_ahead, observed) - 1.0))


WEIGHTS = tuple(np.round(np.arange(0.0, 1.0001, 0.05), 2))
SAME_DAYS = 4  # a past day's day-ahead forecast: the mean of the 4 days before it


def tune_level_penalty(past: ArrayLike, m0: int) -> tuple[float, int]:
    """The level penalty tuned on a queue's own past days (rows oldest first, e.g. the same
    weekday of earlier weeks): each day with ``SAME_DAYS`` days before it is replayed (its
    day-ahead forecast the mean of those, its first ``m0`` intervals observed) and the damped
    ratio's weight ``w`` with the lowest WAPE of the remaining intervals kept; the penalty is
    ``1 / w - 1`` (``penalised_update`` with ``k = 1`` is that damped ratio). Returns (penalty,
    days replayed); (1.0, 0), i.e. ``w = 1/2``, with too few days."""
    days = np.atleast_2d(np.asarray(past, dtype=float))
    replays = [(days[i - SAME_DAYS : i].mean(axis=0), days[i]) for i in range(SAME_DAYS, len(days))]
    actual = sum(float(day[m0:].sum()) for _ahead, day in replays)
    if not replays or actual <= 0:
        return 1.0, 0

    def error(weight: float) -> float:
        return sum(float(np.abs(day[m0:] - damped_ratio_update(ahead, day[:m0], weight)).sum())
                   for ahead, day in replays)  # fmt: skip

    weight = min(WEIGHTS, key=error)
    return (1.0 / weight - 1.0 if weight > 0 else 1e6), len(replays)


def day_shapes(past: ArrayLike, k: int) -> FloatArray:
    """The ``k`` leading day shapes (``k x m``, orthonormal rows: right singular vectors) of the
    ``days x m`` matrix ``past``."""
    _u, _s, vt = np.linalg.svd(np.asarray(past, dtype=float), full_matrices=False)
    return vt[: max(1, min(k, vt.shape[0]))]


def anchored(forecast: FloatArray, shapes: FloatArray, k: int) -> FloatArray:
    """``k`` shapes (``k x m``): the day-ahead forecast itself, then the leading ``shapes``
    with it projected out, each scaled to the forecast's norm (scores in "days")."""
    stacked = np.vstack([forecast, shapes[: max(0, k - 1)]])
    q, _r = np.linalg.qr(stacked.T)
    norm = float(np.linalg.norm(forecast))
    basis = q.T[: stacked.shape[0]] * norm
    return np.asarray(basis * np.sign(basis[0] @ forecast if norm > 0 else 1.0))


def penalised_update(
    day_ahead: ArrayLike,
    observed: ArrayLike,
    past: ArrayLike | None = None,
    *,
    k: int = 2,
    level_penalty: float = 1.0,
    shape_penalty: float = 4.0,
    shapes: FloatArray | None = None,
) -> FloatArray:
    """Remaining intervals after the penalised score update (module doc). ``shapes`` (from
    :func:`day_shapes`) may be given instead of ``past`` to reuse them. The penalties are
    multiples of the calls forecast so far: ``level_penalty`` on the day-ahead score (with
    ``k = 1`` the update is the damped ratio of weight ``1 / (1 + level_penalty)``),
    ``shape_penalty`` on the other shapes' scores."""
    forecast, seen, m0 = _split(day_ahead, observed)
    forecast = np.clip(forecast, 0.0, None)
    if shapes is None:
        shapes = day_shapes(np.asarray(past if past is not None else forecast[None, :]), k)
    basis = anchored(forecast, shapes, k)
    beta0 = np.zeros(basis.shape[0])
    beta0[0] = 1.0
    weights = 1.0 / np.maximum(forecast[:m0], 0.5)  # Poisson: variance = mean
    volume = max(float(forecast[:m0].sum()), 1.0)
    penalty = np.full(basis.shape[0], shape_penalty * volume)
    penalty[0] = level_penalty * volume
    f_obs = basis[:, :m0]
    gram = (f_obs * weights) @ f_obs.T + np.diag(penalty)
    beta = np.linalg.solve(gram, (f_obs * weights) @ seen + penalty * beta0)
    return np.clip(forecast[m0:] + (beta - beta0) @ basis[:, m0:], 0.0, None)


@dataclass(frozen=True, slots=True)
class RestOfDay:
    """Today after ``m0`` observed intervals, one entry per interval of the day.

    ``calls``: observed counts, then the reforecast; ``required``: agents to schedule (after
    shrinkage) for the goal with those calls; ``predicted_sl``: the model's SL with the
    rostered agents; ``rest_sl``: the call-weighted predicted SL of the remaining intervals;
    ``ratio_so_far``: actual / day-ahead calls of the observed part.
    """

    calls: FloatArray
    required: NDArray[np.int64]
    predicted_sl: FloatArray
    rest_sl: float
    ratio_so_far: float
    k: int


def rest_of_day(
    day_ahead: ArrayLike,
    observed: ArrayLike,
    past: ArrayLike | None,
    *,
    aht_s: ArrayLike,
    rostered_agents: ArrayLike,
    interval_min: int,
    goal: ServiceGoal,
    model: StaffingModel,
    shrinkage: float = 0.0,
    level_penalty: float = 1.0,
    shape_penalty: float = 1.0,
) -> RestOfDay:
    """Reforecast the remaining intervals (:func:`penalised_update`; two shapes when ``past``
    has at least 4 days, else one: the damped ratio), then the requirement
    (``optimizer.requirements``) and the SL the rostered agents (on the phones, i.e. net of
    shrinkage) are predicted to give (``optimizer.erlang``)."""
    forecast, seen, m0 = _split(day_ahead, observed)
    days = np.atleast_2d(np.asarray(past, dtype=float)) if past is not None else None
    k = 2 if days is not None and days.shape[0] >= 4 else 1
    shapes = day_shapes(days, k) if days is not None else forecast[None, :]
    penalties = {"level_penalty": level_penalty, "shape_penalty": shape_penalty}
    rest = penalised_update(forecast, seen, shapes=shapes, k=k, **penalties)
    calls = np.concatenate([seen, rest])
    aht = np.broadcast_to(np.asarray(aht_s, dtype=float), calls.shape)
    need = required_agents(
        calls, aht, interval_min=interval_min, goal=goal, model=model, shrinkage=shrinkage
    )
    agents = np.asarray(rostered_agents, dtype=float)
    timing = {"interval_s": interval_min * 60.0, "answer_within_s": goal.answer_within_s}
    kpis = queue_kpis(model.kind, calls, aht, agents, patience_s=model.patience_s, **timing)
    sl = kpis.service_level
    weight = float(calls[m0:].sum())
    rest_sl = float((calls[m0:] * sl[m0:]).sum() / weight) if weight > 0 else 1.0
    return RestOfDay(calls, need.scheduled, sl, rest_sl, observed_ratio(forecast, seen), k)
