"""Long-range forecast benchmark: weekly volume 1-26 weeks ahead on the public series.

Series (``/work/shared/data``, see its README): the US bank 2003 (weekdays, 34 weeks Mon-Sun)
and the Israeli bank 1999 (VRU arrivals every day, weeks Sun-Sat; 51 whole weeks). Protocol:
one origin at every week start from week ``MIN_TRAIN`` on; at each origin the forecaster sees
the daily totals strictly before it and the planner-known calendar (public holidays, known in
advance; the bank's other absent weekdays are not known before they happen) and nothing else;
it chooses a method per horizon band by its own backtest on those weeks, calibrates its
interval on those weeks' errors (past origins only) and forecasts 26 weeks (13 weeks and, where
the series is long enough, 14-26). Each target
week is scored once per horizon (origin + h - 1). Figures per horizon band: WAPE of weekly
volume of the chosen method, of the seasonal naive (last week's total; a year back would need
more than a year of history) and of the mean of the last 4 weeks' totals, and the coverage of
the 80 % interval. Goal: below both baselines in every band, coverage 0.75-0.85.
Beside each coverage, its 90 % interval from a moving-block bootstrap over origins
(``BLOCK`` consecutive origins a block, ``DRAWS`` draws, seeded): one origin's target weeks overlap
the next origins' ones, so the scored weeks of a band are far from independent and the
coverage of a band scored from few origins is uncertain by more than the goal's +-0.05.
``--carry-prior`` sets the share of a known closed day's calls its week keeps while the history
holds no closed day yet (the forecaster's default 0.5; 0 is the rule before issue 27's
follow-up: the whole share lost).

Run: ``.venv/bin/python -m bench.longrange``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from bench import REPO
from forecasting.longrange import CARRY_PRIOR, KnownDays, weekly_from_daily
from forecasting.longrange_fit import forecast_from_weeks
from forecasting.longrange_interval import BANDS as FORECAST_BANDS

HORIZON = 26
MIN_TRAIN = 10
BANDS = ((1, 4), (5, 8), (9, 13), (14, 26))
COVERAGE = 0.8
BLOCK = 4  # origins per bootstrap block (a month of weekly origins; set a priori)
DRAWS = 2000


def _days(first: str, last: str) -> frozenset[dt.date]:
    a, b = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    return frozenset(a + dt.timedelta(days=i) for i in range((b - a).days + 1))


#: US federal holidays the bank closed on (as bench/forecast.py's PLANNER_HOLIDAYS).
US_CLOSED = frozenset(dt.date.fromisoformat(d) for d in ("2003-05-26", "2003-07-04", "2003-09-01"))
#: Israeli holidays of 1999 (Hebrew calendar, known years ahead): Purim, Passover (eve to the
#: seventh day), Memorial and Independence Day, Shavuot (eve and day), Tisha B'Av, Rosh
#: Hashana (eve and two days), Yom Kippur (eve and day), Sukkot to Simchat Torah.
IL_EVENTS = (
    frozenset(dt.date.fromisoformat(d) for d in ("1999-03-02", "1999-04-20", "1999-04-21",
              "1999-05-20", "1999-05-21", "1999-07-22", "1999-09-19", "1999-09-20"))
    | _days("1999-03-31", "1999-04-07") | _days("1999-09-10", "1999-09-12")
    | _days("1999-09-24", "1999-10-02")
)  # fmt: skip


def data_dir() -> Path:
    shared = Path(os.environ.get("STAFFWISE_SHARED_DIR", REPO.parent / "shared"))
    return shared / "data"


def load_daily(name: str) -> pd.DataFrame:
    """Daily totals (``day``, ``calls``) of a public 30-minute series (no AHT)."""
    frame = pd.read_csv(data_dir() / name, parse_dates=["timestamp"])
    daily = frame.groupby(frame["timestamp"].dt.date)["calls"].sum()
    out = pd.DataFrame({"day": list(daily.index), "calls": daily.to_numpy(dtype=float)})
    out["aht_w"], out["aht_n"] = 0.0, 0.0
    return out


def score_series(
    daily: pd.DataFrame, week_start_day: int, known: KnownDays, carry_prior: float
) -> tuple[pd.DataFrame, list[Counter[str]]]:
    """One row per (origin, horizon): actual, method, naive and mean-of-4 forecasts, inside
    the interval; and per band of the forecaster, how often each method was chosen."""
    full = weekly_from_daily(daily, week_start_day=week_start_day, known=known).frame
    weeks, actual = list(full["week_start"]), full["calls"].to_numpy()
    rows, chosen = [], [Counter[str]() for _ in FORECAST_BANDS]
    for origin in range(MIN_TRAIN, len(weeks)):
        seen = daily[daily["day"] < weeks[origin]]
        weekly = weekly_from_daily(seen, week_start_day=week_start_day, known=known,
                                   carry_prior=carry_prior)  # fmt: skip
        stop = min(origin + HORIZON, len(weeks))
        forecast = forecast_from_weeks(weekly, stop - origin, known=known, coverage=COVERAGE,
                                       first_week=weeks[origin])  # fmt: skip
        for band, name in zip(chosen, forecast.band_methods, strict=True):
            band[name] += 1
        fc, past = forecast.frame, weekly.frame["calls"].to_numpy()
        for h, t in enumerate(range(origin, stop), start=1):
            lo, hi = fc["calls_lo"].iloc[h - 1], fc["calls_hi"].iloc[h - 1]
            rows.append({"origin": origin, "h": h, "actual": actual[t],
                         "method": fc["calls"].iloc[h - 1], "naive": past[-1],
                         "mean4": past[-4:].mean(), "inside": lo <= actual[t] <= hi})  # fmt: skip
    return pd.DataFrame(rows), chosen


def wape(pred: pd.Series, actual: pd.Series) -> float:
    return float((pred - actual).abs().sum() / actual.sum())


def coverage_interval(
    band: pd.DataFrame, block: int = BLOCK, draws: int = DRAWS, seed: int = 0
) -> tuple[float, float]:
    """5th and 95th percentile of a band's coverage under a moving-block bootstrap of its
    origins (``band``: one row per scored week with ``origin`` and ``inside``): each draw
    strings blocks of ``block`` consecutive origins, drawn with replacement, up to the band's
    number of origins, and pools their scored weeks."""
    per = band.groupby("origin", sort=True)["inside"].agg(["sum", "size"])
    inside, scored = per["sum"].to_numpy(dtype=float), per["size"].to_numpy(dtype=float)
    n = inside.size
    if n == 0:
        return float("nan"), float("nan")
    length = min(block, n)
    rng = np.random.default_rng(seed)
    starts = rng.integers(0, n - length + 1, size=(draws, -(-n // length)))
    picks = (starts[:, :, None] + np.arange(length)).reshape(draws, -1)[:, :n]
    covs = inside[picks].sum(axis=1) / scored[picks].sum(axis=1)
    lo, hi = np.percentile(covs, [5.0, 95.0])
    return float(lo), float(hi)


def table(name: str, scores: pd.DataFrame) -> list[str]:
    lines = []
    for lo, hi in BANDS:
        band = scores[(scores["h"] >= lo) & (scores["h"] <= hi)]
        w = {k: wape(band[k], band["actual"]) for k in ("method", "naive", "mean4")}
        best = "yes" if w["method"] < min(w["naive"], w["mean4"]) else "no"
        c_lo, c_hi = coverage_interval(band)
        lines.append(
            f"| {name} | {lo}-{hi} | {len(band)} | {band['origin'].nunique()} | "
            f"{w['method']:.4f} | {w['naive']:.4f} | {w['mean4']:.4f} | {best} | "
            f"{band['inside'].mean():.3f} | {c_lo:.3f}-{c_hi:.3f} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--carry-prior", type=float, default=CARRY_PRIOR,
        help="carry of a known closed day before the history holds one",
    )  # fmt: skip
    args = parser.parse_args()
    started, load = time.perf_counter(), os.getloadavg()[0]
    series = (
        ("US bank 2003", "bank_calls_30min.csv", 0, KnownDays(closed=US_CLOSED)),
        ("Israeli bank 1999", "technion_arrivals_30min_1999.csv", 6, KnownDays(events=IL_EVENTS)),
    )
    print("| series | horizon (weeks) | scored weeks | origins | WAPE chosen | "
          "WAPE seasonal naive | WAPE mean of 4 weeks | below both | 80 % coverage | "
          "its 90 % interval (block bootstrap) |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|")
    notes = []
    for name, file, wsd, known in series:
        scores, chosen = score_series(load_daily(file), wsd, known, args.carry_prior)
        for line in table(name, scores):
            print(line)
        for (lo, hi), names in zip(FORECAST_BANDS, chosen, strict=True):
            notes.append(f"{name} {lo}-{hi}: methods chosen {dict(names.most_common())}")
    for note in notes:
        print(note)
    print(f"carry prior {args.carry_prior}; seconds {time.perf_counter() - started:.1f}, "
          f"load {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end")  # fmt: skip


if __name__ == "__main__":
    main()
