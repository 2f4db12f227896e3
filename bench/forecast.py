"""Forecast accuracy benchmark on the US bank call-centre data (Weinberg, Brown & Stroud 2007).

Rolling origin: 8 weekly origins (Mondays) over the last 8 weeks of the series, each
forecasting its next 5 working days at every interval from the days before it only. The
six weekdays absent from the data (README of the data folder) are given as the closure
calendar. ``--tuning`` scores the 8 weeks before those instead: the only weeks the
defaults were tuned on. Figures: WAPE, MASE (vs same-weekday seasonal naive), bias, 80%
interval coverage, interval score (IS: Winkler at alpha 0.2 / mean actual) and the seconds
for all origins, per method, baselines in the same run.

Run: ``.venv/bin/python bench/forecast.py [--tuning] [--files 30 5] [--calibration 6,20]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

# One BLAS thread: the SVDs are small and a shared machine's cores are better used by one.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from forecasting.backtest import MethodScore, compare_methods  # noqa: E402
from forecasting.io import read_history_csv  # noqa: E402
from forecasting.models.intervals import DEFAULT_CALIBRATION, CalibrationSettings  # noqa: E402
from forecasting.special_days import SpecialDays  # noqa: E402

ZONE = "America/New_York"
GOALS = {30: 0.068, 5: 0.087}


def data_dir() -> Path:
    shared = Path(os.environ.get("STAFFWISE_SHARED_DIR", REPO.parent / "shared"))
    return shared / "data"


def weekly_origins(last_day: dt.date, tuning: bool, weeks: int = 8) -> list[dt.date]:
    """Mondays of the last ``weeks`` weeks ending at ``last_day`` (or the weeks before)."""
    last_monday = last_day - dt.timedelta(days=last_day.weekday())
    first = last_monday - dt.timedelta(weeks=weeks - 1 + (weeks if tuning else 0))
    return [first + dt.timedelta(weeks=k) for k in range(weeks)]


def run_file(
    path: Path, tuning: bool, calibration: CalibrationSettings = DEFAULT_CALIBRATION
) -> tuple[int, tuple[MethodScore, ...]]:
    imported = read_history_csv(path, zone=ZONE)
    special = SpecialDays(closed=frozenset(day for _, day in imported.missing_days))
    last_day = max(imported.frame["interval_start"].dt.tz_convert(ZONE).dt.date)
    origins = weekly_origins(last_day, tuning)
    scores = compare_methods(
        imported.frame, zone=ZONE, origins=origins, special=special, calibration=calibration
    )
    return imported.interval_min, scores


def calibration_arg(text: str) -> CalibrationSettings:
    try:
        folds, replay = (int(part) for part in text.split(","))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"expected FOLDS,REPLAY (e.g. 26,0), got {text!r}"
        ) from exc
    if folds < 1 or replay < 0:
        raise argparse.ArgumentTypeError("FOLDS must be >= 1 and REPLAY >= 0")
    return CalibrationSettings(folds, replay)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tuning", action="store_true", help="score the 8 tuning weeks")
    parser.add_argument("--files", nargs="+", type=int, default=[30, 5], choices=[30, 5])
    parser.add_argument(
        "--calibration",
        type=calibration_arg,
        default=DEFAULT_CALIBRATION,
        metavar="FOLDS,REPLAY",
        help="interval calibration window, e.g. 26,0 (default 6,20; docs/forecasting.md)",
    )
    args = parser.parse_args()
    folder = data_dir()
    if not folder.is_dir():
        print(f"data not found at {folder} (set STAFFWISE_SHARED_DIR)")
        return 1
    period = "tuning weeks (8 before the last 8)" if args.tuning else "scored: last 8 weeks"
    print(f"bank_calls rolling origin, 8 weekly origins x next 5 working days, {period}")
    c = args.calibration
    print(f"interval calibration: last {c.folds} blocks, levels replayed on {c.replay_blocks}")
    header = (
        f"{'file':>6} {'method':<22} {'WAPE':>7} {'MASE':>6} {'bias':>8} {'cov80':>6} {'IS':>7} "
    )
    print(header + f"{'seconds':>8} {'vs mean4':>9} {'n':>6}")
    for minutes in args.files:
        path = folder / f"bank_calls_{minutes}min.csv"
        interval_min, scores = run_file(path, args.tuning, args.calibration)
        base = next(s for s in scores if s.method == "mean_last_4_weekdays").wape
        for s in scores:
            print(
                f"{interval_min:>4}m  {s.method:<22} {s.wape:7.4f} {s.mase:6.3f} {s.bias:+8.4f} "
                f"{s.coverage:6.3f} {s.interval_score:7.4f} {s.seconds:8.2f} "
                f"{s.wape / base:9.3f} {s.n_intervals:>6}"
            )
        print(
            f"       goals for the default (svd_scores; auto = default unless a benchmark wins): "
            f"WAPE <= {GOALS[minutes]}"
            + (", cov80 in [0.75, 0.85], < 2 s" if minutes == 30 else "")
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
