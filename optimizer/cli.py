"""``staffwise requirements``: required agents per interval from calls and handle time.

``--example`` uses the bundled example week (``optimizer/data/example_week.csv``, 672
quarter-hours); ``--calls-csv FILE`` reads a CSV with ``interval_start,calls,aht_s``. Prints one
line per day (or per interval with ``--intervals``) and can write the full table with ``--out``.
"""

from __future__ import annotations

import argparse
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from optimizer.errors import InputError, OptimizerError, Problem
from optimizer.requirements import (
    ServiceGoal,
    StaffingModel,
    requirements_from_forecast,
)

EXAMPLE_RESOURCE = "example_week.csv"


def register(subparsers: Any) -> None:
    """Add the ``requirements`` sub-command to the ``staffwise`` CLI."""
    parser = subparsers.add_parser(
        "requirements",
        help="agents needed per interval (Erlang C / Erlang A)",
        description="Required agents per interval for service targets (Erlang C or Erlang A).",
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--example", action="store_true", help="use the bundled example week")
    source.add_argument("--calls-csv", type=Path, help="CSV with interval_start,calls,aht_s")
    parser.add_argument("--interval-min", type=int, default=15, help="interval length (min)")
    parser.add_argument("--service-level", type=float, default=0.8, help="share in (0, 1)")
    parser.add_argument("--no-service-level", action="store_true", help="drop the SL target")
    parser.add_argument("--answer-within-s", type=float, default=20.0, help="SL threshold T")
    parser.add_argument(
        "--sl-basis", choices=("all_arrivals", "not_abandoned"), default="all_arrivals"
    )
    parser.add_argument("--max-asa-s", type=float, default=None, help="ASA ceiling (s)")
    parser.add_argument("--max-abandon-rate", type=float, default=None, help="erlang_a only")
    parser.add_argument("--max-occupancy", type=float, default=None, help="occupancy cap")
    parser.add_argument("--model", choices=("erlang_c", "erlang_a"), default="erlang_c")
    parser.add_argument("--patience-s", type=float, default=None, help="mean patience (s)")
    parser.add_argument("--shrinkage", type=float, default=0.0, help="fraction in [0, 1)")
    parser.add_argument("--intervals", action="store_true", help="print every interval")
    parser.add_argument("--out", type=Path, default=None, help="write the full table as CSV")
    parser.set_defaults(handler=run)


def load_example_week() -> pd.DataFrame:
    """The bundled example week: 672 quarter-hours of calls and AHT (synthetic, UTC)."""
    with resources.files("optimizer.data").joinpath(EXAMPLE_RESOURCE).open("r") as handle:
        return read_calls_csv(handle)


def read_calls_csv(source: Any) -> pd.DataFrame:
    """Read ``interval_start,calls,aht_s``; ``interval_start`` parsed as UTC instants."""
    frame = pd.read_csv(source)
    missing = [col for col in ("interval_start", "calls", "aht_s") if col not in frame]
    if missing:
        problems = [
            Problem(None, col, "missing_column", f"column {col} is missing") for col in missing
        ]
        raise InputError(problems)
    starts = pd.to_datetime(frame["interval_start"], utc=True, errors="coerce", format="mixed")
    bad = [int(i) for i in np.flatnonzero(starts.isna().to_numpy())]
    if bad:
        msg = "interval_start must be a date-time (ISO 8601, e.g. 2024-06-03T08:00:00Z)"
        raise InputError([Problem(i, "interval_start", "not_a_time", msg) for i in bad[:50]])
    frame["interval_start"] = starts
    for col in ("calls", "aht_s"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce")
    return frame


def _goal(args: argparse.Namespace) -> ServiceGoal:
    return ServiceGoal(
        service_level=None if args.no_service_level else args.service_level,
        answer_within_s=args.answer_within_s,
        max_asa_s=args.max_asa_s,
        max_abandon_rate=args.max_abandon_rate,
        max_occupancy=args.max_occupancy,
        service_level_basis=args.sl_basis,
    )


def daily_summary(table: pd.DataFrame, interval_min: int) -> pd.DataFrame:
    """Per UTC day: calls, agent-hours (fractional and integer, before/after shrinkage), peak."""
    hours = interval_min / 60.0
    day = pd.to_datetime(table["interval_start"], utc=True).dt.strftime("%Y-%m-%d")
    grouped = table.assign(day=day).groupby("day")
    return pd.DataFrame(
        {
            "calls": grouped["calls"].sum().round(0).astype(int),
            "agent_h_fractional": (grouped["agents_fractional"].sum() * hours).round(1),
            "agent_h": (grouped["agents"].sum() * hours).round(1),
            "scheduled_h": (grouped["scheduled"].sum() * hours).round(1),
            "peak_agents": grouped["agents"].max(),
            "peak_scheduled": grouped["scheduled"].max(),
        }
    )


def run(args: argparse.Namespace) -> int:
    try:
        forecast = load_example_week() if args.example else read_calls_csv(args.calls_csv)
        model = StaffingModel(kind=args.model, patience_s=args.patience_s)
        table = requirements_from_forecast(
            forecast,
            interval_min=args.interval_min,
            goal=_goal(args),
            model=model,
            shrinkage=args.shrinkage,
        )
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        for problem in exc.problems:
            # Array index 0 is the CSV's first data row (row 1, header excluded).
            where = "" if problem.row is None else f"row {problem.row + 1} "
            print(f"  {where}{problem.field}: {problem.code}: {problem.message}", file=sys.stderr)
        return 2
    except (OptimizerError, OSError, pd.errors.EmptyDataError, pd.errors.ParserError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    _print(table, args)
    if args.out is not None:
        table.to_csv(args.out, index=False)
        print(f"wrote {len(table)} intervals to {args.out}")
    return 0


def _print(table: pd.DataFrame, args: argparse.Namespace) -> None:
    with pd.option_context("display.width", 160, "display.max_rows", 2000):
        if args.intervals:
            numeric = table.select_dtypes("number").columns
            print(table.assign(**{c: table[c].round(4) for c in numeric}).to_string(index=False))
        else:
            print(daily_summary(table, args.interval_min).to_string())
    busy = table[table["calls"] > 0]
    print(
        f"{len(table)} intervals, model {args.model}; "
        f"total agent-hours {table['agents'].sum() * args.interval_min / 60:.1f} "
        f"(fractional {table['agents_fractional'].sum() * args.interval_min / 60:.1f}); "
        f"lowest predicted SL {busy['service_level'].min() if len(busy) else float('nan'):.3f}"
    )
