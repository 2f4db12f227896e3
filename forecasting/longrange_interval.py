"""Prediction interval of the long-range forecast, calibrated per horizon band on past origins.

*Model interval* (``model_width``): half-width of the log interval at horizon ``h`` = Student-t
quantile (degrees of freedom: the origins behind the errors, less one) x root mean square of
the backtest log errors within +-2 weeks of ``h`` (wider until ``MIN_ERRORS``) x
sqrt(1 + 1/origins), widened by (h / h_max) ** g beyond the backtested horizons, where g is
the growth of the errors over the horizons they cover: the least-squares slope of log RMS on
log h over the backtested horizons (each with ``MIN_PER_HORIZON`` errors or more), clipped
to [0, 0.5]; 0.5 (a random walk's sqrt(h), the rule before) with fewer than
``MIN_GROWTH_HORIZONS`` such horizons. The RMS keeps
a method's bias in the width; the t quantile and the 1/origins term make up for the few,
overlapping errors a short history offers (plain empirical quantiles covered 50-70 % of 80 %).

*Calibration* (``calibrated_width``), an online split-conformal step that uses only errors
known before each origin: at every backtest origin ``o`` the model interval is rebuilt from
the errors whose target week lies before ``o`` (origin + h <= o), and the score of each error
of ``o`` is |log error| / that width (inside the interval iff <= 1). Per horizon band the
multiplier is the conformal quantile of the scores (the ceil((n + 1) coverage)-th smallest of
n), shrunk toward 1 (the model's own interval) by the number of distinct origins behind them:
``(k q + SHRINK_ORIGINS) / (k + SHRINK_ORIGINS)``. Horizons beyond the last band with scores
take its multiplier. ``SHRINK_ORIGINS`` was set a priori (a quarter of ``MAX_ORIGINS``), not
fitted to any benchmark.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import stats

from forecasting.longrange_models import FloatArray

__all__ = ["BANDS", "MIN_ERRORS", "band_of", "calibrated_width", "model_width"]

MIN_ERRORS = 12  # fewer backtest errors near a horizon: the window widens
MIN_PER_HORIZON = 3
MIN_GROWTH_HORIZONS = 4
SHRINK_ORIGINS = 10.0
#: Horizon bands (weeks ahead) of the method choice and of the calibration; horizons beyond
#: the last band belong to it.
BANDS = ((1, 4), (5, 8), (9, 13), (14, 26))


def band_of(h: int) -> int:
    """Index in ``BANDS`` of horizon ``h`` (the last band beyond its end)."""
    for i, (_, hi) in enumerate(BANDS):
        if h <= hi:
            return i
    return len(BANDS) - 1


@lru_cache(maxsize=512)
def _t_quantile(upper: float, df: int) -> float:
    return float(stats.t.ppf(upper, df=df))


def growth(horizon: np.ndarray, log_error: FloatArray) -> float:
    """Exponent of the errors' growth with the horizon (module docstring)."""
    hs, counts = np.unique(horizon, return_counts=True)
    hs = hs[counts >= MIN_PER_HORIZON]
    if hs.size < MIN_GROWTH_HORIZONS:
        return 0.5
    rms = np.array([np.sqrt(np.mean(log_error[horizon == h] ** 2)) for h in hs])
    x, y = np.log(hs.astype(np.float64)), np.log(np.maximum(rms, 1e-12))
    slope = float(np.polyfit(x, y, 1)[0])
    return min(max(slope, 0.0), 0.5)


def model_width(
    origin: np.ndarray, horizon: np.ndarray, log_error: FloatArray, targets: np.ndarray,
    coverage: float,
) -> FloatArray:  # fmt: skip
    """Half-width of the model's log interval at each target horizon (module docstring)."""
    upper = (1.0 + coverage) / 2.0
    h_max = int(horizon.max())
    width = np.zeros(targets.size)
    g = growth(horizon, log_error) if targets.max() > h_max else 0.5
    for i, h in enumerate(targets):
        near = min(int(h), h_max)
        for reach in range(2, max(h_max, 2) + 1):
            pick = np.abs(horizon - near) <= reach
            if pick.sum() >= MIN_ERRORS:
                break
        origins = np.unique(origin[pick]).size
        rms = float(np.sqrt(np.mean(log_error[pick] ** 2)))
        t = _t_quantile(upper, max(origins - 1, 1))
        stretch = max(float(h) / h_max, 1.0) ** g
        width[i] = t * rms * math.sqrt(1.0 + 1.0 / origins) * stretch
    return width


def _scores(errors: pd.DataFrame, coverage: float) -> pd.DataFrame:
    """|log error| / model width known at its origin, for every origin with enough known."""
    origin = errors["origin"].to_numpy()
    horizon = errors["horizon"].to_numpy()
    log_error = errors["log_error"].to_numpy(dtype=np.float64)
    rows: list[tuple[int, int, float]] = []
    for o in np.unique(origin):
        known = origin + horizon <= o
        if known.sum() < MIN_ERRORS:
            continue
        here = origin == o
        width = model_width(
            origin[known], horizon[known], log_error[known], horizon[here], coverage
        )
        score = np.abs(log_error[here]) / np.maximum(width, 1e-12)
        rows.extend(zip([o] * int(here.sum()), horizon[here], score, strict=True))
    return pd.DataFrame(rows, columns=["origin", "horizon", "score"])


def band_multipliers(errors: pd.DataFrame, coverage: float) -> FloatArray:
    """Calibration multiplier of the model interval per band of ``BANDS`` (1 without scores;
    a band without scores takes the previous band's)."""
    scores = _scores(errors, coverage)
    out = np.ones(len(BANDS))
    bands = np.array([band_of(int(h)) for h in scores["horizon"]], dtype=np.int64)
    for b in range(len(BANDS)):
        pick = scores[bands == b] if len(scores) else scores
        if pick.empty:
            out[b] = out[b - 1] if b else 1.0
            continue
        values = np.sort(pick["score"].to_numpy())
        rank = min(math.ceil((values.size + 1) * coverage), values.size) - 1
        k = float(pick["origin"].nunique())
        out[b] = (k * values[rank] + SHRINK_ORIGINS) / (k + SHRINK_ORIGINS)
    return out


def calibrated_width(
    errors: pd.DataFrame, targets: np.ndarray, coverage: float
) -> tuple[FloatArray, FloatArray]:
    """Half-width of the calibrated log interval per target horizon, and the band
    multipliers (``errors``: ``origin``, ``horizon``, ``log_error`` of the backtest)."""
    width = model_width(
        errors["origin"].to_numpy(), errors["horizon"].to_numpy(),
        errors["log_error"].to_numpy(dtype=np.float64), targets, coverage,
    )  # fmt: skip
    multipliers = band_multipliers(errors, coverage)
    scale = np.array([multipliers[band_of(int(h))] for h in targets])
    return width * scale, multipliers
