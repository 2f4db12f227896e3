"""``staffwise capacity from-history HISTORY.csv PLAN.json``: the hiring plan of a queue from
its interval history (long-range forecast -> weekly need -> plan -> reasons -> risk).

PLAN.json is a capacity plan file (:mod:`scenarios.capacity_io`); its ``need_hours``, if any, are
replaced by the built need and its ``hire_plan`` is ignored (the plan is optimised); the
queue's figures come from options (zone, interval, goal, AHT, weeks, P50/P80 basis).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

from forecasting.errors import InsufficientHistoryError, InvalidInput, Problem
from forecasting.io import read_history_csv
from forecasting.longrange import KnownDays
from optimizer.requirements import ServiceGoal, StaffingModel
from scenarios.capacity_hr import (
    HrPlan,
    NeedSpec,
    hiring_calendar_csv,
    need_from_history,
    plan_for_need,
)
from scenarios.capacity_io import capacity_request_from_dict

__all__ = ["register_from_history"]


def register_from_history(commands: Any, handler: Any) -> None:
    """Add ``from-history`` to the ``capacity`` sub-commands (``handler(args, run)`` prints
    errors the way the other capacity commands do)."""
    cmd = commands.add_parser("from-history", help="hiring plan of a queue from its history")
    cmd.add_argument("history", type=Path, help="interval history CSV (ACD export)")
    cmd.add_argument("plan", type=Path, help="plan JSON; its need_hours are replaced")
    cmd.add_argument("--zone", required=True, help="IANA zone of the queue")
    cmd.add_argument("--interval-min", type=int, default=15)
    cmd.add_argument("--weeks", type=int, default=26, help="horizon in weeks")
    cmd.add_argument("--service-level", type=float, default=0.8)
    cmd.add_argument("--answer-within-s", type=float, default=20.0)
    cmd.add_argument("--aht-s", type=float, default=None, help="AHT where the history has none")
    cmd.add_argument("--week-start-day", type=int, default=0, help="0 = Monday .. 6 = Sunday")
    cmd.add_argument("--basis", choices=("p50", "p80"), default="p50", help="need to cover")
    cmd.add_argument("--closed", default="", help="comma-separated closed dates (YYYY-MM-DD)")
    cmd.add_argument("--events", default="", help="comma-separated holiday/event dates")
    cmd.add_argument("--time-limit", type=float, default=10.0, help="solver seconds")
    cmd.add_argument("--out-dir", type=Path, default=None, help="write need/weekly/hiring CSVs")
    cmd.set_defaults(handler=lambda args: handler(args, run_from_history))


def _dates(text: str, field: str) -> frozenset[dt.date]:
    try:
        return frozenset(dt.date.fromisoformat(d.strip()) for d in text.split(",") if d.strip())
    except ValueError as exc:
        raise InvalidInput([Problem(None, field, "bad_date", "dates must be YYYY-MM-DD")]) from exc


def build(args: argparse.Namespace, data: dict[str, Any]) -> HrPlan:
    """Read the history, build the need and plan (errors: ``InvalidInput``)."""
    history = read_history_csv(args.history, zone=args.zone).frame
    request = capacity_request_from_dict({**data, "need_hours": [0.0] * args.weeks})
    shrinkage = request.plan.shrinkage_by_week()
    spec = NeedSpec(
        weeks=args.weeks, zone=args.zone, interval_min=args.interval_min,
        goal=ServiceGoal(args.service_level, args.answer_within_s), model=StaffingModel(),
        aht_s=args.aht_s, week_start_day=args.week_start_day,
        known=KnownDays(_dates(args.closed, "closed"), _dates(args.events, "events")),
        shrinkage=sum(shrinkage) / len(shrinkage), fte_hours=request.plan.fte_hours,
    )  # fmt: skip
    try:
        forecast, need = need_from_history(history, spec)
    except InsufficientHistoryError as exc:
        raise InvalidInput([Problem(None, "history", "insufficient_history", str(exc))]) from exc
    settings = dataclasses.replace(request.solver, time_limit_s=args.time_limit)
    return plan_for_need(request.plan, forecast, need, basis=args.basis, settings=settings)


def _print(hr: HrPlan) -> None:
    fc, report = hr.forecast, hr.plan.report
    print(f"forecast: {fc.method} on {fc.history_weeks} weeks (yearly pattern: {fc.yearly}); "
          f"need basis {hr.basis}")  # fmt: skip
    hires = sum(c.size for c in hr.plan.classes)
    print(f"plan: {report.status}, cost {report.objective:,.0f}, gap {100 * report.gap:.2f} %, "
          f"{hires} hires in {len(hr.plan.classes)} class(es)")  # fmt: skip
    print(f"short: {len(hr.shortfall.weeks)} weeks, {hr.shortfall.fte_weeks:.1f} FTE-weeks")
    for reason in hr.reasons:
        print(f"  - {reason.message}")
    print("\nrisk:")
    print(hr.risk.risk.round(1).to_string(index=False))
    print("\nhiring calendar:")
    print(hiring_calendar_csv(hr.plan.projection.hires, hr.inp.week_labels).rstrip())


def run_from_history(args: argparse.Namespace, data: dict[str, Any]) -> int:
    hr = build(args, data)
    _print(hr)
    if args.out_dir is not None:
        args.out_dir.mkdir(parents=True, exist_ok=True)
        hr.need.frame.to_csv(args.out_dir / "need.csv", index=False)
        hr.plan.projection.weekly.to_csv(args.out_dir / "weekly.csv", index=False)
        calendar = hiring_calendar_csv(hr.plan.projection.hires, hr.inp.week_labels)
        (args.out_dir / "hiring_calendar.csv").write_text(calendar)
        print(f"\nwrote need.csv, weekly.csv, hiring_calendar.csv to {args.out_dir}")
    return 0 if hr.plan.report.status in ("optimal", "feasible") else 1
