"""Seeded, realistic synthetic ACD interval history (demo data, tests, API examples).

The generator follows what real contact-centre arrivals look like (Brown et al. 2005, the bank
data of Weinberg, Brown & Stroud 2007): a multiplicative day-of-week factor, a random daily
level shared by every interval of the day, a smooth intraday profile (two peaks on weekdays,
one lower peak on weekends), a mild trend and yearly wave, and overdispersed Poisson counts
(Poisson-gamma) around that mean. AHT varies by time of day; abandonment rises with load.
Closed hours are omitted: a row exists only for an open interval.
"""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
import pandas as pd

from forecasting.calendar import ALLOWED_INTERVAL_MIN, day_intervals, local_frame, zone_info
from forecasting.errors import Problem, ValidationError

#: Day-of-week factors Mon..Sun, close to the weekday pattern of the US bank data.
DAY_OF_WEEK_FACTORS: tuple[float, ...] = (1.12, 1.04, 1.0, 0.99, 0.98, 0.6, 0.45)
#: Columns of every history frame (DESIGN.md "Interval history").
HISTORY_COLUMNS: tuple[str, ...] = (
    "interval_start",
    "offered",
    "handled",
    "abandoned",
    "aht_s",
    "queue",
)
_DAILY_LEVEL_SD = 0.04  # log-scale sd of the random daily level
_GAMMA_SHAPE = 60.0  # Poisson-gamma overdispersion: var = mu + mu^2 / shape
_TREND_PER_WEEK = 0.002


def _profile(hours: np.ndarray, weekend: bool) -> np.ndarray:
    """Unnormalised intraday arrival intensity at local ``hours`` (fractional)."""
    if weekend:
        return 0.15 + np.exp(-0.5 * ((hours - 12.5) / 2.6) ** 2)
    morning = np.exp(-0.5 * ((hours - 10.5) / 1.6) ** 2)
    afternoon = 0.85 * np.exp(-0.5 * ((hours - 14.5) / 1.9) ** 2)
    return 0.12 + morning + afternoon


def _aht_curve(hours: np.ndarray, mean_aht_s: float) -> np.ndarray:
    """Mean handle time by local hour: longer in the evening, shorter at the morning rush."""
    return mean_aht_s * (
        1.0 + 0.08 * np.sin((hours - 9.0) / 24.0 * 2.0 * np.pi) + 0.01 * hours - 0.14
    )


def _check_args(weeks: int, interval_min: int, mean_daily_calls: float, mean_aht_s: float) -> None:
    problems: list[Problem] = []
    if weeks < 1:
        problems.append(Problem(None, "weeks", "out_of_range", "weeks must be at least 1"))
    if interval_min not in ALLOWED_INTERVAL_MIN:
        problems.append(
            Problem(
                None, "interval_min", "bad_granularity", f"must be one of {ALLOWED_INTERVAL_MIN}"
            )
        )
    if mean_daily_calls <= 0:
        problems.append(Problem(None, "mean_daily_calls", "out_of_range", "must be positive"))
    if mean_aht_s <= 0:
        problems.append(Problem(None, "mean_aht_s", "out_of_range", "must be positive"))
    if problems:
        raise ValidationError(problems)


def _day_rows(
    day: dt.date,
    week_index: float,
    rng: np.random.Generator,
    starts: pd.DatetimeIndex,
    zone: str,
    mean_daily_calls: float,
    mean_aht_s: float,
) -> dict[str, np.ndarray]:
    local = local_frame(pd.Series(starts), zone)
    hours = local["minute"].to_numpy(dtype=float) / 60.0
    weekend = day.weekday() >= 5
    shape = _profile(hours, weekend)
    yearly = 1.0 + 0.05 * np.sin(2.0 * np.pi * day.timetuple().tm_yday / 365.25)
    level = (
        mean_daily_calls
        * DAY_OF_WEEK_FACTORS[day.weekday()]
        * (1.0 + _TREND_PER_WEEK * week_index)
        * yearly
        * np.exp(rng.normal(0.0, _DAILY_LEVEL_SD))
    )
    mu = level * shape / shape.sum()
    offered = rng.poisson(rng.gamma(_GAMMA_SHAPE, mu / _GAMMA_SHAPE))
    load = mu / mu.max()
    abandoned = rng.binomial(offered, 0.02 + 0.06 * load**2)
    handled = offered - abandoned
    aht_mean = _aht_curve(hours, mean_aht_s)
    aht_sd = 0.9 * aht_mean / np.sqrt(np.maximum(handled, 1))
    aht = np.where(
        handled > 0,
        np.round(np.maximum(aht_mean + rng.normal(0, 1, len(hours)) * aht_sd, 1.0), 1),
        np.nan,
    )
    return {"offered": offered, "handled": handled, "abandoned": abandoned, "aht_s": aht}


def synthetic_history(
    *,
    start: dt.date,
    weeks: int,
    interval_min: int = 15,
    zone: str = "America/New_York",
    seed: int = 7,
    open_minute: int = 7 * 60,
    close_minute: int = 22 * 60,
    mean_daily_calls: float = 4000.0,
    mean_aht_s: float = 300.0,
    queue: str = "general",
) -> pd.DataFrame:
    """Interval history of ``weeks`` x 7 days from ``start``, open every day in local hours.

    ``mean_daily_calls`` is the expected volume of a day with day-of-week factor 1.0 (a
    Wednesday, see ``DAY_OF_WEEK_FACTORS``). Returns the history frame of DESIGN.md:
    ``interval_start`` (tz-aware UTC, half-open interval start), ``offered``, ``handled``,
    ``abandoned`` (int64), ``aht_s`` (float, mean handle time of handled calls, NaN when none
    were handled) and ``queue``; one row per open interval, sorted. Same arguments, same frame.
    """
    _check_args(weeks, interval_min, mean_daily_calls, mean_aht_s)
    zone_info(zone)
    rng = np.random.default_rng(seed)
    parts: list[pd.DataFrame] = []
    for offset in range(weeks * 7):
        day = start + dt.timedelta(days=offset)
        starts = day_intervals(
            day,
            zone=zone,
            interval_min=interval_min,
            open_minute=open_minute,
            close_minute=close_minute,
        )
        if len(starts) == 0:
            continue
        cols = _day_rows(day, offset / 7.0, rng, starts, zone, mean_daily_calls, mean_aht_s)
        parts.append(pd.DataFrame({"interval_start": starts, **cols}))
    frame = pd.concat(parts, ignore_index=True)
    for name in ("offered", "handled", "abandoned"):
        frame[name] = frame[name].astype("int64")
    frame["aht_s"] = frame["aht_s"].astype("float64")
    frame["queue"] = queue
    return frame.loc[:, list(HISTORY_COLUMNS)]


def to_acd_csv(history: pd.DataFrame, zone: str) -> str:
    """Write ``history`` as a typical ACD export in local wall-clock time.

    Columns ``Date`` (YYYY-MM-DD), ``Interval`` (HH:MM local start), ``Queue``, ``Offered``,
    ``Handled``, ``Abandoned``, ``AHT`` (seconds, one decimal; empty when nothing was handled).
    Rows are in time order, so a wall time repeated by the autumn DST change appears twice, the
    earlier instant first: the rule ``forecasting.io.read_history_csv`` applies when reading back.
    """
    local = pd.DatetimeIndex(history["interval_start"]).tz_convert(zone_info(zone).key)
    queue = history["queue"] if "queue" in history else pd.Series("general", index=history.index)
    out = pd.DataFrame(
        {
            "Date": local.strftime("%Y-%m-%d"),
            "Interval": local.strftime("%H:%M"),
            "Queue": queue.to_numpy(),
            "Offered": history["offered"].to_numpy(),
            "Handled": history["handled"].to_numpy(),
            "Abandoned": history["abandoned"].to_numpy(),
            "AHT": history["aht_s"].map(lambda v: "" if pd.isna(v) else f"{v:.1f}").to_numpy(),
        }
    )
    order = np.argsort(history["interval_start"].to_numpy(), kind="stable")
    buffer = io.StringIO()
    out.iloc[order].to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()
