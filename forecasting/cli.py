"""``staffwise forecast`` and ``staffwise backtest``: forecast or backtest a history CSV.

Import warnings (inferred date order, missing days, gaps, outliers...) are printed on stderr as
``warning: row N, field: code: message`` lines; problems as ``error: ...`` lines (exit 2).
``staffwise forecast`` forecasts the local week after the history, as the API's forecast job
does: the week starts on ``--week-start-day`` (default: the first open weekday after the
weekdays the history is closed on, e.g. Sunday for Sun-Thu data, else Monday) and only its open
days get intervals; the horizon and why are printed on stderr.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from forecasting.backtest import MethodScore, compare_methods
from forecasting.calendar import next_week_start, open_weekdays_of
from forecasting.errors import ForecastingError, InvalidInput, Problem
from forecasting.forecast import Forecast, forecast_history
from forecasting.io import read_history_csv
from forecasting.special_days import SpecialDays
from forecasting.types import HistoryImport

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _dates(text: str) -> frozenset[dt.date]:
    try:
        return frozenset(dt.date.fromisoformat(p.strip()) for p in text.split(",") if p.strip())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM-DD[,YYYY-MM-DD...]: {exc}") from exc


def _weekday(text: str) -> int:
    key = text.strip().lower()[:3]
    if key.isdigit() and 0 <= int(key) <= 6:
        return int(key)
    if key not in WEEKDAYS:
        raise argparse.ArgumentTypeError("expected mon..sun (or 0 = Monday .. 6 = Sunday)")
    return WEEKDAYS.index(key)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("csv", type=Path, help="ACD interval export (CSV)")
    parser.add_argument("--zone", required=True, help="IANA time zone of the queue")
    parser.add_argument("--queue", default=None, help="queue to use in a multi-queue file")
    parser.add_argument(
        "--date-format",
        default=None,
        help="strftime order of numeric dates, e.g. %%d/%%m/%%Y (needed when they read both ways)",
    )
    parser.add_argument("--closed", type=_dates, default=frozenset(), help="closure dates")
    parser.add_argument("--exclude", type=_dates, default=frozenset(), help="days not to fit on")


def register(subparsers: Any) -> None:
    fc = subparsers.add_parser("forecast", help="forecast calls and AHT per interval from a CSV")
    _common(fc)
    fc.add_argument(
        "--week-start",
        type=dt.date.fromisoformat,
        default=None,
        help="first day to forecast (default: the local week after the history)",
    )
    fc.add_argument(
        "--week-start-day",
        type=_weekday,
        default=None,
        help="first day of the site's week, mon..sun (default: from the history)",
    )
    fc.add_argument("--weeks", type=int, default=1, help="weeks to forecast (default 1)")
    fc.add_argument("--method", default="auto", help="auto (default) or a method name")
    fc.add_argument("--coverage", type=float, default=0.8, help="prediction interval coverage")
    fc.add_argument("--output", type=Path, default=None, help="forecast CSV (default: stdout)")
    fc.set_defaults(handler=run_forecast)
    bt = subparsers.add_parser("backtest", help="rolling-origin backtest of every method")
    _common(bt)
    bt.add_argument("--horizon-days", type=int, default=5, help="open days per origin")
    bt.add_argument("--origins", type=int, default=8, help="number of rolling origins")
    bt.set_defaults(handler=run_backtest)  # fmt: skip


def _line(kind: str, p: Problem) -> str:
    where = f"row {p.row}" if p.row is not None else "file"
    return f"{kind}: {where}, {p.field}: {p.code}: {p.message}"


def _report(error: InvalidInput) -> int:
    for p in error.problems:
        print(_line("error", p), file=sys.stderr)
    if error.truncated:
        print("error: more problems were found (capped)", file=sys.stderr)
    return 2


def _read(args: argparse.Namespace) -> HistoryImport:
    """The validated history; its warnings printed on stderr."""
    imported = read_history_csv(
        args.csv, zone=args.zone, queue=args.queue, date_format=args.date_format
    )
    for p in imported.warnings:
        print(_line("warning", p), file=sys.stderr)
    return imported


def open_weekdays(history: pd.DataFrame, zone: str) -> list[int]:
    """Weekdays (Monday = 0) the history shows open (``calendar.open_weekdays_of``)."""
    local = pd.DatetimeIndex(history["interval_start"]).tz_convert(zone)
    return sorted(open_weekdays_of(local.normalize().tz_localize(None).unique()))


def week_start_day(open_days: list[int]) -> int:
    """First open weekday after a closed one (Sun-Thu -> Sunday); Monday when open daily."""
    for weekday in range(7):
        if weekday in open_days and (weekday - 1) % 7 not in open_days:
            return weekday
    return 0


def _weekday_names(days: list[int], first: int) -> str:
    """``Sun-Thu`` for a run of weekdays counted from ``first``, else a list."""
    ordered = sorted(days, key=lambda d: (d - first) % 7)
    names = [WEEKDAYS[d].capitalize() for d in ordered]
    run = [(d - first) % 7 for d in ordered]
    if len(names) > 2 and run == list(range(run[0], run[0] + len(run))):
        return f"{names[0]}-{names[-1]}"
    return ", ".join(names) or "none"


def _horizon(args: argparse.Namespace, imported: HistoryImport) -> tuple[list[dt.date], str]:
    """The days to forecast and a sentence saying which and why."""
    zone = imported.zone
    open_days = open_weekdays(imported.frame, zone)
    first = args.week_start_day if args.week_start_day is not None else week_start_day(open_days)
    last = pd.Timestamp(imported.frame["interval_start"].max()).tz_convert(zone).date()
    start = args.week_start or next_week_start(last, first)
    days = [start + dt.timedelta(days=i) for i in range(7 * args.weeks)]
    why = "--week-start" if args.week_start else "the local week after the history's last day"
    names = _weekday_names(open_days, first)
    text = (
        f"horizon: {start} to {days[-1]} ({args.weeks} week(s) from {start:%a}, {why}; "
        f"week starts {WEEKDAYS[first].capitalize()}); open days as in the history: {names}"
    )
    return days, text


def _forecast(args: argparse.Namespace) -> tuple[Forecast, str]:
    imported = _read(args)
    days, horizon = _horizon(args, imported)
    special = SpecialDays(closed=args.closed, exclude=args.exclude)
    result = forecast_history(
        imported.frame,
        zone=imported.zone,
        interval_min=imported.interval_min,
        days=days,
        horizon_days=7,
        method=args.method,
        special=special,
        coverage=args.coverage,
    )
    forecast_days = sorted(
        set(pd.DatetimeIndex(result.frame["interval_start"]).tz_convert(imported.zone).date)
    )
    listed = ", ".join(f"{d:%a} {d}" for d in forecast_days) or "none"
    closed = ", ".join(f"{d:%a} {d}" for d in result.closed_days) or "none"
    return result, f"{horizon}\nforecast days: {listed}; not forecast (closed): {closed}"


def run_forecast(args: argparse.Namespace) -> int:
    try:
        result, horizon = _forecast(args)
    except InvalidInput as exc:
        return _report(exc)
    except ForecastingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(horizon, file=sys.stderr)
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
        imported = _read(args)
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
