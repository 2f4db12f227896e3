"""Interval-calibration study over 8-week windows of pre-scored data (docs/forecasting.md).

The acceptance of the forecast scores 80 % interval coverage over one 8-week window (the
last 8 weeks of the US bank series). This study scores each candidate calibration window of
``svd_scores`` over *every* run of 8 consecutive weekly origins of data that is never scored:
the US bank's 20 weeks before the scored ones (30 and 5 min) and the Israeli bank's 1999
arrivals (30 min, 42 weekly origins). It prints, per candidate and series, the share of
windows whose coverage lies in [0.75, 0.85], the pooled coverage, the interval score
(Winkler at alpha 0.2 / mean actual) and WAPE, then the candidate the protocol chooses.

The study is kept as it was run (third study, 2026-12-05): its origins forecast the next 5
open days of ``forecasting.backtest.backtest`` with the whole closure calendar known, the
protocol ``bench/forecast.py`` used then. ``bench/forecast.py`` now follows the rolling-origin
protocol of issue 21 (one origin per week, each open day scored once, no closure after the
origin known) and judges the coverage on held-out data (docs/forecasting.md).

Run: ``.venv/bin/python -m bench.forecast_calibration [--per-origin]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.forecast import data_dir
from forecasting.backtest import MethodScore, backtest
from forecasting.calendar import missing_days
from forecasting.io import read_history_csv
from forecasting.models import method_by_name
from forecasting.models.base import DayMatrix, build_day_matrix
from forecasting.models.intervals import CalibrationSettings
from forecasting.special_days import SpecialDays

#: First origin of the scored weeks: nothing on or after it is run here.
FIRST_SCORED = dt.date(2003, 9, 1)
WINDOW = 8
BAND = (0.75, 0.85)
CANDIDATES = {
    "C0 (6, 20) current": CalibrationSettings(6, 20),
    "C1 (10, 20)": CalibrationSettings(10, 20),
    "C2 (14, 20)": CalibrationSettings(14, 20),
    "C3 (26, 0)": CalibrationSettings(26, 0),
    "C4 (6, 0)": CalibrationSettings(6, 0),
    "C5 (10, 0)": CalibrationSettings(10, 0),
    "C6 (14, 0)": CalibrationSettings(14, 0),
}
CURRENT = "C0 (6, 20) current"


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    matrix: DayMatrix
    special: SpecialDays
    origins: tuple[dt.date, ...]


@dataclass(frozen=True, slots=True)
class SeriesResult:
    per_origin: tuple[MethodScore, ...]

    def window_coverages(self) -> list[float]:
        inside = np.array([s.coverage * s.n_intervals for s in self.per_origin])
        cells = np.array([s.n_intervals for s in self.per_origin], dtype=float)
        return [
            float(inside[i : i + WINDOW].sum() / cells[i : i + WINDOW].sum())
            for i in range(len(self.per_origin) - WINDOW + 1)
        ]

    def share_in_band(self) -> float:
        cov = self.window_coverages()
        return sum(BAND[0] <= c <= BAND[1] for c in cov) / len(cov)

    def pooled(self, field: str) -> float:
        weights = np.array([s.n_intervals for s in self.per_origin], dtype=float)
        values = np.array([getattr(s, field) for s in self.per_origin])
        return float((values * weights).sum() / weights.sum())


def weekly(first: dt.date, count: int) -> tuple[dt.date, ...]:
    return tuple(first + dt.timedelta(weeks=k) for k in range(count))


def load(path: Path, name: str, zone: str, origins: tuple[dt.date, ...]) -> Series:
    imported = read_history_csv(path, zone=zone)
    closed = frozenset(day for _, day in missing_days(imported.frame, zone))
    special = SpecialDays(closed=closed)
    return Series(name, build_day_matrix(imported.frame, zone, closed), special, origins)


def all_series(folder: Path) -> list[Series]:
    us = weekly(dt.date(2003, 4, 14), 20)
    assert max(us) < FIRST_SCORED, "the study must never run the scored weeks"
    return [
        load(folder / "bank_calls_30min.csv", "US 30 min", "America/New_York", us),
        load(folder / "bank_calls_5min.csv", "US 5 min", "America/New_York", us),
        load(
            folder / "technion_arrivals_30min_1999.csv",
            "IL 30 min",
            "UTC",
            weekly(dt.date(1999, 3, 7), 42),
        ),
    ]


def run(series: Series, settings: CalibrationSettings) -> SeriesResult:
    method = method_by_name("svd_scores")
    return SeriesResult(
        tuple(
            backtest(
                method,
                series.matrix,
                [origin],
                special=series.special,
                calibration=settings,
            )
            for origin in series.origins
        )
    )


def choose(results: dict[str, Sequence[SeriesResult]]) -> str:
    """The protocol: best mean share of windows in the band; the current calibration stays
    unless beaten by more than one US window (1/13); ties broken by the interval score."""
    share = {c: float(np.mean([r.share_in_band() for r in rs])) for c, rs in results.items()}
    iscore = {
        c: float(np.mean([r.pooled("interval_score") for r in rs])) for c, rs in results.items()
    }
    best = max(share.values())
    if best - share[CURRENT] <= 1.0 / 13.0 + 1e-12:
        return CURRENT
    tied = [c for c in results if share[c] == best]
    return min(tied, key=lambda c: iscore[c])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-origin", action="store_true", help="print each origin's cov80")
    args = parser.parse_args()
    folder = data_dir()
    if not folder.is_dir():
        print(f"data not found at {folder} (set STAFFWISE_SHARED_DIR)")
        return 1
    series = all_series(folder)
    results: dict[str, list[SeriesResult]] = {c: [] for c in CANDIDATES}
    print(f"svd_scores, windows of {WINDOW} weekly origins, band {BAND}, pre-scored data only")
    print(
        f"{'candidate':<20} {'series':<10} {'windows':>7} {'in band':>7} {'min cov':>7} "
        f"{'max cov':>7} {'cov80':>6} {'IS':>7} {'WAPE':>7}"
    )
    for name, settings in CANDIDATES.items():
        for s in series:
            result = run(s, settings)
            results[name].append(result)
            cov = result.window_coverages()
            print(
                f"{name:<20} {s.name:<10} {len(cov):>7} {result.share_in_band():7.3f} "
                f"{min(cov):7.3f} {max(cov):7.3f} {result.pooled('coverage'):6.3f} "
                f"{result.pooled('interval_score'):7.4f} {result.pooled('wape'):7.4f}"
            )
            if args.per_origin:
                per = " ".join(f"{o.coverage:.2f}" for o in result.per_origin)
                print(f"{'':<20} {'':<10} per origin: {per}")
        shares = np.mean([r.share_in_band() for r in results[name]])
        iscores = np.mean([r.pooled("interval_score") for r in results[name]])
        blank = ""
        print(f"{name:<20} {'mean':<10} {blank:>7} {shares:7.3f} {blank:>22} {iscores:7.4f}")
    print(f"chosen by the protocol: {choose(results)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
