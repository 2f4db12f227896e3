"""Long-range forecast of weekly volume and handle time, 6-24 months ahead: ``forecast_weekly``.

The steps and the calendar weights are described in :mod:`forecasting.longrange`. Here: the
rolling-origin backtest of the candidates on the history's own weeks (each origin trains on
the weeks strictly before it and forecasts up to ``BACKTEST_HORIZON`` weeks), the choice of a
method per horizon band (``BANDS`` of :mod:`forecasting.longrange_interval`: WAPE of weekly
volume over the band's backtest errors; the benchmarks ``naive`` and ``mean_4`` are listed
first and win ties; a band with fewer than ``MIN_ERRORS`` errors per method gets the
benchmark ``mean_4``: without evidence no method is preferred to it, as a tie goes to the
benchmark; horizons beyond the last band keep its method), the
prediction interval from the chosen methods' backtest log errors calibrated per band on past
origins (:mod:`forecasting.longrange_interval`), and the forecast itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from forecasting.errors import InsufficientHistoryError
from forecasting.longrange import (
    KnownDays,
    WeeklyHistory,
    future_days,
    weekly_history,
)
from forecasting.longrange_interval import BANDS, MIN_ERRORS, band_of, calibrated_width
from forecasting.longrange_models import (
    FloatArray,
    LongRangeMethod,
    RecentMean,
    candidate_methods,
    method_named,
)
from forecasting.longrange_season import week_of_year, yearly_index

__all__ = [
    "LongRangeForecast",
    "MethodScore",
    "backtest_weekly",
    "forecast_from_weeks",
    "forecast_weekly",
]

MIN_WEEKS = 6  # fewer whole weeks of history: no long-range forecast
MIN_TRAIN_WEEKS = 8  # training weeks of the first backtest origin
MAX_ORIGINS = 40
BACKTEST_HORIZON = 26  # the last band's end: every band is backtested where history allows
AHT_WEEKS = 8


@dataclass(frozen=True, slots=True)
class MethodScore:
    """Backtest WAPE of weekly volume of one method over ``n_weeks`` scored (origin, week)."""

    method: str
    wape: float
    n_weeks: int


@dataclass(frozen=True, slots=True)
class LongRangeForecast:
    """``frame``: ``week_start`` (local date), ``horizon`` (1 = the first week after the
    history), ``calls``, ``calls_lo``/``calls_hi`` (central ``coverage`` interval), ``aht_s``
    (NaN without AHT in the history), ``weight`` (normal-week share under the calendar).
    ``days``: the target days with their ``weight`` (to spread a week over its days).
    ``selection``: backtest scores of the candidates (empty when too short to backtest).
    ``band_methods``: the method of each band of ``BANDS`` (``method`` names them all when
    they differ); ``interval_scale``: the calibration multiplier of each band's interval;
    ``carry``: the share of a known closed day's calls its week keeps (learned from the
    history's closed days, the prior without one)."""

    frame: pd.DataFrame
    days: pd.DataFrame
    method: str
    coverage: float
    selection: tuple[MethodScore, ...]
    history_weeks: int
    yearly: bool
    event_share: float
    band_methods: tuple[str, ...] = ()
    interval_scale: tuple[float, ...] = ()
    carry: float | None = None


@dataclass(frozen=True, slots=True)
class _Series:
    """Training arrays of one weekly history."""

    days: list[dt.date]
    log_rate: FloatArray  # NaN weeks filled from their neighbours
    calls: FloatArray
    weight: FloatArray
    valid: np.ndarray  # weeks with a real rate


def _series(weekly: WeeklyHistory) -> _Series:
    frame = weekly.frame
    with np.errstate(divide="ignore", invalid="ignore"):
        raw = np.log(frame["rate"].to_numpy(dtype=np.float64))
    valid = np.isfinite(raw)
    filled: FloatArray = np.asarray(
        pd.Series(np.where(valid, raw, np.nan)).ffill().bfill(), dtype=np.float64
    )
    return _Series(list(frame["week_start"]), filled, frame["calls"].to_numpy(dtype=np.float64),
                   frame["weight"].to_numpy(dtype=np.float64), valid)  # fmt: skip


def _season(
    days: list[dt.date], log_rate: FloatArray, targets: list[dt.date]
) -> tuple[FloatArray, FloatArray]:
    """Yearly index of the training weeks and of the targets (zeros without one)."""
    index = yearly_index(days, log_rate)
    if index is None:
        return np.zeros(len(days)), np.zeros(len(targets))
    return index[week_of_year(days)], index[week_of_year(targets)]


def _predict_log(
    method: LongRangeMethod, days: list[dt.date], log_rate: FloatArray, targets: list[dt.date]
) -> FloatArray:
    """Log rates of ``targets`` from the training weeks ``days``."""
    past, future = _season(days, log_rate, targets)
    return method.predict(log_rate - past, len(targets)) + future


def backtest_weekly(
    s: _Series, method: LongRangeMethod, horizon: int = BACKTEST_HORIZON,
    first: int = MIN_TRAIN_WEEKS,
) -> pd.DataFrame:  # fmt: skip
    """Rolling-origin errors: one row per (origin, horizon) with ``forecast``, ``actual``
    (weekly volume) and ``log_error`` (log actual rate - log forecast rate)."""
    n = len(s.days)
    rows = []
    for origin in range(max(first, n - MAX_ORIGINS), n):
        stop = min(origin + horizon, n)
        pred = _predict_log(method, s.days[:origin], s.log_rate[:origin], s.days[origin:stop])
        for h, t in enumerate(range(origin, stop), start=1):
            if s.valid[t]:
                rate = float(np.exp(pred[h - 1]))
                rows.append(
                    (origin, h, rate * s.weight[t], s.calls[t], s.log_rate[t] - pred[h - 1])
                )
    return pd.DataFrame(rows, columns=["origin", "horizon", "forecast", "actual", "log_error"])


def _wape(errors: pd.DataFrame) -> float:
    total = float(errors["actual"].sum())
    return (
        float((errors["forecast"] - errors["actual"]).abs().sum()) / total if total > 0 else np.nan
    )


@dataclass(frozen=True, slots=True)
class _Choice:
    """The method of each band of ``BANDS`` and the backtest errors behind the interval (each
    band's rows from its own method)."""

    methods: tuple[LongRangeMethod, ...]
    scores: tuple[MethodScore, ...]
    errors: pd.DataFrame


def _band_pick(scored: list[tuple[LongRangeMethod, pd.DataFrame]], lo: int, hi: int) -> int | None:
    """Index of the lowest band WAPE (earlier wins ties); ``None`` with too few errors."""
    band = [e[(e["horizon"] >= lo) & (e["horizon"] <= hi)] for _, e in scored]
    if min(len(b) for b in band) < MIN_ERRORS:
        return None
    wapes = [np.nan_to_num(_wape(b), nan=np.inf) for b in band]
    return min(range(len(scored)), key=lambda i: (wapes[i], i))


def _select(s: _Series, method: str) -> _Choice:
    candidates = candidate_methods() if method == "auto" else (method_named(method),)
    scored = [(m, backtest_weekly(s, m)) for m in candidates]
    scores = tuple(MethodScore(m.name, _wape(e), len(e)) for m, e in scored)
    benchmark = 1 if method == "auto" else 0  # mean_4
    if not scored[0][1].size:
        return _Choice((candidates[benchmark],) * len(BANDS), (), scored[0][1])
    found = [_band_pick(scored, lo, hi) for lo, hi in BANDS]
    picks = [benchmark if i is None else i for i in found]
    parts = []
    for b, i in enumerate(picks):
        errors = scored[i][1]
        bands = np.array([band_of(int(h)) for h in errors["horizon"]], dtype=np.int64)
        parts.append(errors[bands == b])
    errors = pd.concat(parts, ignore_index=True)
    return _Choice(tuple(scored[i][0] for i in picks), scores, errors)


def _bounds(
    errors: pd.DataFrame, horizons: np.ndarray, coverage: float, s: _Series
) -> tuple[FloatArray, FloatArray, tuple[float, ...]]:
    """Log interval per target horizon (:mod:`forecasting.longrange_interval`). Too short a
    backtest (the benchmark ``mean_4`` was chosen): the errors of ``mean_4`` backtested from
    ``RecentMean.weeks`` training weeks on (it needs no more); shorter still: the spread of
    week-to-week changes x sqrt(h)."""
    if len(errors) < MIN_ERRORS:
        errors = backtest_weekly(s, RecentMean(), first=RecentMean().weeks)
    if len(errors) < MIN_ERRORS:
        step = np.diff(s.log_rate[s.valid]) if s.valid.sum() > 2 else np.array([0.1, -0.1])
        width = stats.norm.ppf((1.0 + coverage) / 2.0) * float(np.std(step)) * np.sqrt(horizons)
        return -width, width, ()
    width, scale = calibrated_width(errors, horizons, coverage)
    return -width, width, tuple(float(x) for x in scale)


def _predict_bands(
    methods: tuple[LongRangeMethod, ...], s: _Series, targets: list[dt.date],
    horizons: np.ndarray,
) -> FloatArray:  # fmt: skip
    """Log rates of ``targets``, each from the method of its horizon's band."""
    out = np.zeros(len(targets))
    bands = np.array([band_of(int(h)) for h in horizons], dtype=np.int64)
    for m in dict.fromkeys(methods):
        use = np.isin(bands, [b for b, x in enumerate(methods) if x == m])
        if use.any():
            out[use] = _predict_log(m, s.days, s.log_rate, targets)[use]
    return out


def _name(methods: tuple[LongRangeMethod, ...]) -> str:
    names = [m.name for m in methods]
    if len(set(names)) == 1:
        return names[0]
    labels = [f"{lo}-{hi}" for lo, hi in BANDS[:-1]] + [f"{BANDS[-1][0]}+"]
    return ", ".join(f"{label}: {n}" for label, n in zip(labels, names, strict=True))


def _aht(weekly: WeeklyHistory) -> float:
    recent = weekly.frame.tail(AHT_WEEKS)
    weight = recent["aht_n"].to_numpy(dtype=np.float64)
    if weight.sum() <= 0:
        return float("nan")
    return float(np.nansum(recent["aht_s"].to_numpy() * weight) / weight.sum())


def forecast_from_weeks(
    weekly: WeeklyHistory, weeks: int, *, known: KnownDays | None = None,
    coverage: float = 0.8, method: str = "auto", first_week: dt.date | None = None,
) -> LongRangeForecast:  # fmt: skip
    """Forecast ``weeks`` weeks from ``first_week`` (default: the week after the history)."""
    s = _series(weekly)
    if len(s.days) < MIN_WEEKS or s.valid.sum() < MIN_WEEKS:
        raise InsufficientHistoryError(
            f"a long-range forecast needs {MIN_WEEKS} whole weeks of history, "
            f"got {int(s.valid.sum())}"
        )
    if not 0.0 < coverage < 1.0:
        raise ValueError("coverage must be in (0, 1)")
    after = s.days[-1] + dt.timedelta(days=7)
    first = first_week or after
    choice = _select(s, method)
    days = future_days(weekly, first, weeks, known or KnownDays())
    targets = [first + dt.timedelta(weeks=i) for i in range(weeks)]
    weight = days.groupby("week_start", sort=True)["weight"].sum().to_numpy()
    horizons = np.array([(t - s.days[-1]).days // 7 for t in targets])
    log_rate = _predict_bands(choice.methods, s, targets, horizons)
    lo, hi, scale = _bounds(choice.errors, horizons, coverage, s)
    calls = np.exp(log_rate) * weight
    frame = pd.DataFrame({
        "week_start": targets, "horizon": horizons, "calls": calls, "calls_lo": calls * np.exp(lo),
        "calls_hi": calls * np.exp(hi), "aht_s": _aht(weekly), "weight": weight,
    })  # fmt: skip
    yearly = yearly_index(s.days, s.log_rate) is not None
    return LongRangeForecast(
        frame,
        days,
        _name(choice.methods),
        coverage,
        choice.scores,
        len(s.days),
        yearly,
        weekly.event_share,
        tuple(m.name for m in choice.methods),
        scale,
        weekly.carry,
    )


def forecast_weekly(
    history: pd.DataFrame, weeks: int, *, zone: str, week_start_day: int = 0,
    known: KnownDays | None = None, coverage: float = 0.8, method: str = "auto",
    first_week: dt.date | None = None,
) -> LongRangeForecast:  # fmt: skip
    """Long-range forecast of ``weeks`` weekly totals from an interval history (``interval_start``
    UTC, ``offered``, optional ``handled``/``aht_s``) of one queue in ``zone``."""
    weekly = weekly_history(history, zone=zone, week_start_day=week_start_day, known=known)
    return forecast_from_weeks(weekly, weeks, known=known, coverage=coverage, method=method,
                               first_week=first_week)  # fmt: skip


def monthly_totals(forecast: LongRangeForecast) -> pd.DataFrame:
    """Calendar months of the forecast: ``month`` (YYYY-MM), ``calls``, ``calls_lo``,
    ``calls_hi`` (each week spread over its days by their weights; the bounds are summed, so
    the monthly interval is conservative)."""
    days = forecast.days.merge(
        forecast.frame[["week_start", "calls", "calls_lo", "calls_hi", "weight"]].rename(
            columns={"weight": "week_weight"}
        ),
        on="week_start",
    )
    share = np.where(
        days["week_weight"] > 0, days["weight"] / days["week_weight"].clip(lower=1e-12), 0.0
    )
    out = pd.DataFrame({"month": [d.strftime("%Y-%m") for d in days["day"]]})
    for column in ("calls", "calls_lo", "calls_hi"):
        out[column] = days[column].to_numpy() * share
    return out.groupby("month", sort=True).sum().reset_index()
