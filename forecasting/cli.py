"""``staffwise forecast`` and ``staffwise backtest``: forecast or backtest a history CSV."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from forecasting.backtest import MethodScore, compare_methods
from forecasting.errors import ForecastingError, InvalidInput
from forecasting.forecast import forecast_history
from forecasting.io import read_history_csv
from forecasting.special_days import SpecialDays


def _dates(text: str) -> frozenset[dt.date]:
    try:
        return frozenset(dt.date.fromisoformat(p.strip()) for p in text.split(",") if p.strip())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM-DD[,YYYY-MM-DD...]: {exc}") from exc


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("csv", type=Path, help="ACD interval export (CSV)")
    parser.add_argument("--zone", required=True, help="IANA time zone of the queue")
    parser.add_argument("--queue", default=None, help="queue to use in a multi-queue file")
    parser.add_argument("--closed", type=_dates, default=frozenset(), help="closure dates")
    parser.add_argument("--exclude", type=_dates, default=frozenset(), help="days not to fit on")
    parser.add_argument("--horizon-days", type=int, default=5, help="open days per forecast")


def register(subparsers: Any) -> None:
    fc = subparsers.add_parser("forecast", help="forecast calls and AHT per interval from a CSV")
    _common(fc)
    fc.add_argument("--method", default="auto", help="auto (default) or a method name")
    fc.add_argument("--coverage", type=float, default=0.8, help="prediction interval coverage")
    fc.add_argument("--output", type=Path, default=None, help="forecast CSV (default: stdout)")
    fc.set_defaults(handler=run_forecast)
    bt = subparsers.add_parser("backtest", help="rolling-origin backtest of every method")
    _common(bt)
    bt.add_argument("--origins", type=int, default=8, help="number of rolling origins")
    bt.set_defaults(handler=run_backtest)


def _report(error: InvalidInput) -> int:
    for p in error.problems:
        where = f"row {p.row}" if p.row is not None else "file"
        print(f"error: {where}, {p.field}: {p.code}: {p.message}", file=sys.stderr)
    if error.truncated:
        print("error: more problems were found (capped)", file=sys.stderr)
    return 2


def run_forecast(args: argparse.Namespace) -> int:
    try:
        imported = read_history_csv(args.csv, zone=args.zone, queue=args.queue)
        special = SpecialDays(closed=args.closed, exclude=args.exclude)
        result = forecast_history(
            imported.frame,
            zone=imported.zone,
            interval_min=imported.interval_min,
            horizon_days=args.horizon_days,
            method=args.method,
            special=special,
            coverage=args.coverage,
        )
    except InvalidInput as exc:
        return _report(exc)
    except ForecastingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    text = result.frame.to_csv(index=False, float_format="%.3f", date_format="%Y-%m-%dT%H:%M:%SZ")
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text, encoding="utf-8")
    excluded = ", ".join(f"{e.day} ({e.reason})" for e in result.excluded_days) or "none"
    acc = result.accuracy
    if acc is not None:
        print(
            f"backtest ({acc.n_origins} origins): WAPE {acc.wape:.4f}, MASE {acc.mase:.3f}, "
            f"bias {acc.bias:+.4f}, coverage {acc.coverage:.3f}",
            file=sys.stderr,
        )
    print(
        f"method {result.method}, {len(result.frame)} intervals, coverage {result.coverage:.0%}, "
        f"excluded days: {excluded}",
        file=sys.stderr,
    )
    return 0


def format_scores(scores: tuple[MethodScore, ...]) -> str:
    lines = [f"{'method':<22} {'WAPE':>7} {'MASE':>6} {'bias':>8} {'coverage':>8} {'seconds':>8}"]
    lines += [
        f"{s.method:<22} {s.wape:7.4f} {s.mase:6.3f} {s.bias:+8.4f} {s.coverage:8.3f} "
        f"{s.seconds:8.2f}"
        for s in scores
    ]
    return "\n".join(lines)


def run_backtest(args: argparse.Namespace) -> int:
    try:
        imported = read_history_csv(args.csv, zone=args.zone, queue=args.queue)
        special = SpecialDays(closed=args.closed, exclude=args.exclude)
        scores = compare_methods(
            imported.frame,
            zone=imported.zone,
            n_origins=args.origins,
            horizon_days=args.horizon_days,
            special=special,
        )
    except InvalidInput as exc:
        return _report(exc)
    print(format_scores(scores))
    return 0
