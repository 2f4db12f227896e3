"""``staffwise actuals from-calls``: a per-call log (ACD call detail records) into the interval
actuals and attendance CSVs the API imports (``POST /v1/queues/{id}/actual-imports`` and
``/attendance-imports``).

``--log-format generic`` reads the columns of :mod:`actuals.calls` (``arrival, answered,
wait_s, handle_s`` and optionally ``agent, service_start, service_end``); ``technion`` reads the
Technion "Anonymous Bank" per-call file. Interval starts are written in UTC (ISO 8601).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from actuals.calls import agent_attendance, interval_actuals, technion_calls
from actuals.types import SlBasis
from forecasting.errors import InvalidInput


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("actuals", help="aggregate a per-call log into actuals")
    actions = parser.add_subparsers(dest="actuals_action", metavar="ACTION", required=True)
    calls = actions.add_parser("from-calls", help="per-call log -> interval actuals CSV")
    calls.add_argument("log", type=Path, help="per-call log (CSV)")
    calls.add_argument("--log-format", choices=("generic", "technion"), default="generic")
    calls.add_argument("--zone", required=True, help="IANA zone of the log's naive times")
    calls.add_argument("--interval-min", type=int, default=30)
    calls.add_argument("--answer-within-s", type=float, default=20.0)
    calls.add_argument(
        "--short-abandon-s",
        type=float,
        default=0.0,
        help="abandons shorter than this are counted in abandoned_short",
    )
    calls.add_argument("--out", type=Path, required=True, help="interval actuals CSV to write")
    calls.add_argument(
        "--attendance-out",
        type=Path,
        default=None,
        help="attendance spans CSV to write (needs agents in the log)",
    )
    calls.add_argument(
        "--gap-min",
        type=float,
        default=60.0,
        help="a pause longer than this ends an agent's attendance span",
    )
    calls.set_defaults(handler=from_calls)


def _iso(frame: pd.DataFrame, names: tuple[str, ...]) -> pd.DataFrame:
    out = frame.copy()
    for name in names:
        out[name] = pd.DatetimeIndex(out[name]).tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%SZ")
    return out


def from_calls(args: argparse.Namespace) -> int:
    log = pd.read_csv(args.log, dtype={"server": str}, low_memory=False)
    calls = technion_calls(log) if args.log_format == "technion" else log
    basis = SlBasis(args.answer_within_s, True, args.short_abandon_s)
    try:
        frame = interval_actuals(calls, interval_min=args.interval_min, basis=basis, zone=args.zone)
        spans = None
        if args.attendance_out:
            spans = agent_attendance(calls, zone=args.zone, gap_min=args.gap_min)
    except InvalidInput as exc:
        for p in exc.problems:
            print(f"error: row {p.row}, {p.field}: {p.code}: {p.message}", file=sys.stderr)
        return 2
    _iso(frame, ("interval_start",)).to_csv(args.out, index=False, float_format="%.6g")
    print(f"{len(frame)} intervals, {int(frame['offered'].sum())} calls -> {args.out}")
    if spans is not None:
        _iso(spans[["agent", "start", "end"]], ("start", "end")).to_csv(
            args.attendance_out, index=False
        )
        print(f"{len(spans)} attendance spans -> {args.attendance_out}")
    return 0
