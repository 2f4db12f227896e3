"""Intraday reforecast benchmark: the rest of today from the actuals so far (issue #24).

Series (``/work/shared/data``, see its README): the US bank 2003 at 30 and 5 minutes (weekdays,
07:00-21:00) and the Israeli bank 1999 at 30 minutes (VRU arrivals, every day, 00:00-24:00).
Day-ahead forecast of a day: the mean of the same weekday over its last 4 occurrences in the
data (what a planner would have published the day before). At each cut-off (09:00 bank only,
10:00, 12:00, 14:00, 16:00) the intervals before it are observed and the rest forecast by:
no update, the ratio method (scale by actual / forecast so far), a damped ratio
(``1 + w (ratio - 1)``) and Staffwise's penalised score update (``actuals.intraday``: the
day-ahead forecast plus day shapes from the same weekday's last 12 days (the 60 days before
while fewer), scores fitted to the observed part, penalised toward the day-ahead scores, after
Shen & Huang 2008). Scored: every day of the last 8 weeks. Tuned per series and cut-off on the
8 weeks before only: ``w`` of the damped ratio; Staffwise's level penalty is that same ``w``
(``1 / w - 1``), then ``k`` and the shape penalty, taking ``k > 1`` only when it lowers the
tuning WAPE by more than 2 % (else ``k = 1``, which is the damped ratio with weights floored at
half a call). Figure: WAPE of the remaining intervals (sum |actual - forecast| / sum actual over
the scored days).

Run: ``.venv/bin/python -m bench.intraday``
"""

from __future__ import annotations

import datetime as dt
import itertools
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from actuals.intraday import (
    damped_ratio_update,
    no_update,
    penalised_update,
    ratio_update,
)
from bench import shared_dir

WEEKS = 8
HISTORY_DAYS = 60
SHAPE_WEEKS = 12  # day shapes from the same weekday's last 12 occurrences
SAME_WEEKDAYS = 4
WEIGHTS = tuple(np.round(np.arange(0.0, 1.0001, 0.05), 2))
KS = (1, 2, 3, 4)
LEVEL_PENALTIES = tuple(1.0 / w - 1.0 for w in WEIGHTS if w > 0)  # = damped weights
SHAPE_PENALTIES = (0.25, 1.0, 4.0, 16.0)
PARSIMONY = 0.02  # k > 1 only when it lowers the tuning WAPE by more than 2 %


@dataclass(frozen=True)
class Series:
    name: str
    file: str
    first_minute: int  # local minute of the first interval of a day
    interval_min: int
    per_day: int
    cutoffs: tuple[str, ...]


SERIES = (
    Series("bank 30-min", "bank_calls_30min.csv", 420, 30, 28,
           ("09:00", "10:00", "12:00", "14:00", "16:00")),
    Series("bank 5-min", "bank_calls_5min.csv", 420, 5, 169,
           ("09:00", "10:00", "12:00", "14:00", "16:00")),
    Series("Israeli 30-min", "technion_arrivals_30min_1999.csv", 0, 30, 48,
           ("10:00", "12:00", "14:00", "16:00")),
)  # fmt: skip


def data_dir() -> Path:
    return shared_dir() / "data"


def day_matrix(series: Series) -> tuple[list[dt.date], np.ndarray]:
    frame = pd.read_csv(data_dir() / series.file, parse_dates=["timestamp"])
    frame["day"] = frame["timestamp"].dt.date
    days, rows = [], []
    for day, group in frame.groupby("day", sort=True):
        if len(group) == series.per_day:
            days.append(day)
            rows.append(group["calls"].to_numpy(float))
    return days, np.vstack(rows)


@dataclass(frozen=True)
class Case:
    """One day: its actual counts, day-ahead forecast and the days before it."""

    actual: np.ndarray
    day_ahead: np.ndarray
    shapes: np.ndarray  # all right singular vectors of the past days


def cases(days: list[dt.date], matrix: np.ndarray, scored: list[int]) -> list[Case]:
    out = []
    for i in scored:
        same = [j for j in range(i) if days[j].weekday() == days[i].weekday()][-SAME_WEEKDAYS:]
        alike = [j for j in range(i) if days[j].weekday() == days[i].weekday()][-SHAPE_WEEKS:]
        past = matrix[alike] if len(alike) >= SHAPE_WEEKS else matrix[max(0, i - HISTORY_DAYS) : i]
        _u, _s, vt = np.linalg.svd(past, full_matrices=False)
        out.append(Case(matrix[i], matrix[same].mean(axis=0), vt))
    return out


Method = Callable[[Case, int], np.ndarray]


def wape(items: list[Case], m0: int, method: Method) -> float:
    errors = sum(float(np.abs(c.actual[m0:] - method(c, m0)).sum()) for c in items)
    return errors / sum(float(c.actual[m0:].sum()) for c in items)


def methods(weight: float, k: int, level: float, shape: float) -> dict[str, Method]:
    return {
        "none": lambda c, m0: no_update(c.day_ahead, c.actual[:m0]),
        "ratio": lambda c, m0: ratio_update(c.day_ahead, c.actual[:m0]),
        "damped": lambda c, m0: damped_ratio_update(c.day_ahead, c.actual[:m0], weight),
        "staffwise": lambda c, m0: penalised_update(
            c.day_ahead,
            c.actual[:m0],
            shapes=c.shapes[:k],
            k=k,
            level_penalty=level,
            shape_penalty=shape,
        ),
    }


def tune(tuning: list[Case], m0: int) -> tuple[float, int, float, float]:
    weight = min(WEIGHTS, key=lambda w: wape(tuning, m0, methods(w, 1, 1.0, 1.0)["damped"]))
    level = 1.0 / weight - 1.0 if weight > 0 else 1e6
    # the level penalty of the tuned damped ratio; k and the shape penalty tuned on top
    grid = list(itertools.product(KS[1:], SHAPE_PENALTIES))
    scores = [wape(tuning, m0, methods(0, k, level, shape)["staffwise"]) for k, shape in grid]
    base = wape(tuning, m0, methods(0, 1, level, 1.0)["staffwise"])
    best = int(np.argmin(scores))
    if scores[best] > base * (1.0 - PARSIMONY):  # more shapes only when they clearly help
        return float(weight), 1, level, 0.0
    return float(weight), grid[best][0], level, grid[best][1]


def run(series: Series) -> list[str]:
    days, matrix = day_matrix(series)
    last = days[-1]
    scored = [i for i, d in enumerate(days) if (last - d).days < 7 * WEEKS]
    tuning = [i for i, d in enumerate(days) if 7 * WEEKS <= (last - d).days < 14 * WEEKS]
    test_cases, tune_cases = cases(days, matrix, scored), cases(days, matrix, tuning)
    lines = [f"\n{series.name}: {len(scored)} scored days ({days[scored[0]]} to {last}), "
             f"{len(tuning)} tuning days"]  # fmt: skip
    lines.append("cut-off  none    ratio   damped (w)      staffwise (k, shape penalty)  vs ratio")
    for cutoff in series.cutoffs:
        hour, minute = map(int, cutoff.split(":"))
        m0 = (hour * 60 + minute - series.first_minute) // series.interval_min
        weight, k, level, shape = tune(tune_cases, m0)
        figures = {n: wape(test_cases, m0, f) for n, f in methods(weight, k, level, shape).items()}
        gain = 100 * (figures["staffwise"] / figures["ratio"] - 1)
        lines.append(
            f"{cutoff}    {figures['none']:.4f}  {figures['ratio']:.4f}  "
            f"{figures['damped']:.4f} ({weight:.2f})  {figures['staffwise']:.4f} "
            f"({k}, {shape:g}){'':12s}{gain:+.1f} %"
        )
    return lines


def main() -> int:
    started = time.perf_counter()
    for series in SERIES:
        print("\n".join(run(series)), flush=True)
    print(f"\n{time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
