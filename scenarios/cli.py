"""``staffwise capacity plan FILE.json``, ``staffwise capacity from-history HISTORY.csv
PLAN.json`` (:mod:`scenarios.capacity_cli`) and ``staffwise whatif FORECAST.csv
SCENARIOS.json``."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd

from forecasting.errors import InvalidInput
from scenarios.capacity import CapacityProjection, project_plan
from scenarios.capacity_cli import register_from_history
from scenarios.capacity_io import capacity_request_from_dict
from scenarios.capacity_milp import SolverReport, optimise_plan
from scenarios.errors import InputError, Problem
from scenarios.sweep import run_sweep
from scenarios.whatif import Base
from scenarios.whatif_deferred import DeferredStage, deferred_stage
from scenarios.whatif_model import scenario_from_dict, settings_from_dict

__all__ = ["register"]


def register(subparsers: Any) -> None:
    capacity = subparsers.add_parser("capacity", help="capacity and hiring plans")
    commands = capacity.add_subparsers(dest="capacity_command", metavar="ACTION")
    plan = commands.add_parser(
        "plan", help="optimise a hiring plan (or project the file's hire_plan)"
    )
    plan.add_argument("file", type=Path, help="plan JSON (see docs/scenarios.md)")
    plan.add_argument("--time-limit", type=float, default=None, help="solver seconds")
    plan.add_argument("--out-dir", type=Path, default=None, help="write weekly/cohorts/hires CSV")
    plan.set_defaults(handler=_capacity_plan)
    register_from_history(commands, _from_history)
    whatif = subparsers.add_parser("whatif", help="run what-if scenarios against a forecast")
    whatif.add_argument("forecast", type=Path, help="CSV: interval_start (UTC), calls, aht_s")
    whatif.add_argument("scenarios", type=Path, help='JSON: {"base": {...}, "scenarios": [...], '
                        '"deferred": {...} for an e-mail queue}')  # fmt: skip
    whatif.add_argument("--zone", required=True, help="IANA zone of the queue")
    whatif.add_argument("--interval-min", type=int, default=15)
    whatif.add_argument("--week-start-day", type=int, default=0,
                        help="first day of the site's week: 0 = Monday .. 6 = Sunday")  # fmt: skip
    whatif.add_argument("--workers", type=int, default=1, help="processes (1 = serial)")
    whatif.add_argument("--out", type=Path, default=None, help="write the comparison CSV")
    whatif.set_defaults(handler=_whatif)


def _fail(exc: InvalidInput) -> int:
    print(f"error: {exc}", file=sys.stderr)
    for p in exc.problems:
        where = "" if p.row is None else f" ({exc.row_label} {p.row})"
        print(f"  {p.field}{where}: {p.code}: {p.message}", file=sys.stderr)
    return 2


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError([Problem(None, str(path), "unreadable", str(exc))]) from exc


def _print_report(report: SolverReport) -> None:
    print(
        f"status {report.status}  objective {report.objective:,.2f}  bound {report.bound:,.2f} "
        f"({report.bound_source})  gap {100 * report.gap:.3f} %  {report.seconds:.2f} s"
    )


def _print_projection(projection: CapacityProjection, out_dir: Path | None) -> None:
    cost = projection.cost
    print(
        f"cost {cost.total:,.2f} = hires {cost.hires:,.2f} + paid hours {cost.paid_hours:,.2f} "
        f"+ shortfall {cost.shortfall:,.2f} + surplus {cost.surplus:,.2f}"
    )
    print("\nhires (recruiting starts lead-time weeks before the class):")
    print(projection.hires.to_string(index=False) if len(projection.hires) else "  none")
    columns = ["label", "need_hours", "productive_hours", "headcount", "fte_gap", "hires"]
    print("\nweekly:")
    print(projection.weekly[columns].round(2).to_string(index=False))
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        projection.weekly.to_csv(out_dir / "weekly.csv", index=False)
        projection.cohorts.to_csv(out_dir / "cohorts.csv", index=False)
        projection.hires.to_csv(out_dir / "hires.csv", index=False)
        print(f"\nwrote weekly.csv, cohorts.csv, hires.csv to {out_dir}")


def _capacity_plan(args: argparse.Namespace) -> int:
    try:
        request = capacity_request_from_dict(_read_json(args.file))
        if request.hire_plan is not None:
            _print_projection(project_plan(request.plan, request.hire_plan), args.out_dir)
            return 0
        solver = request.solver
        if args.time_limit is not None:
            solver = dataclasses.replace(solver, time_limit_s=args.time_limit)
        plan = optimise_plan(request.plan, solver)
    except InvalidInput as exc:
        return _fail(exc)
    _print_report(plan.report)
    _print_projection(plan.projection, args.out_dir)
    return 0 if plan.report.status in ("optimal", "feasible") else 1


def _from_history(args: argparse.Namespace, run: Any) -> int:
    try:
        return int(run(args, _read_json(args.plan)))
    except InvalidInput as exc:
        return _fail(exc)


def _read_forecast(path: Path) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path)
    except (OSError, ValueError) as exc:
        raise InputError([Problem(None, str(path), "unreadable", str(exc))]) from exc
    if "interval_start" in frame:
        frame["interval_start"] = pd.to_datetime(frame["interval_start"], utc=True)
    return frame


DEFERRED_COLUMNS = ("deadline_minutes", "required_agents", "share_at_base_plan",
                    "late_work_hours", "max_backlog_hours")  # fmt: skip


def _deferred(data: Any) -> DeferredStage | None:
    """The spec's ``deferred``: ``{"deadline_min": N, "opening_hours": [7 x [open, close] or
    null]}`` (local minutes, Monday first), or None for a live queue."""
    if data is None:
        return None
    try:
        stage = deferred_stage(data["deadline_min"], data["opening_hours"])
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        message = f"expected deadline_min and 7 opening_hours ([open, close] or null): {exc}"
        raise InputError([Problem(None, "deferred", "invalid", message)]) from exc
    if len(stage.opening_hours) != 7 or stage.deadline_min <= 0:
        message = "deadline_min must be > 0 and opening_hours hold 7 days (Monday first)"
        raise InputError([Problem(None, "deferred", "invalid", message)])
    return stage


def _whatif(args: argparse.Namespace) -> int:
    try:
        spec = _read_json(args.scenarios)
        if not isinstance(spec, dict):
            raise InputError([Problem(None, "scenarios", "not_an_object", "expected an object")])
        base = Base(
            forecast=_read_forecast(args.forecast),
            zone=args.zone,
            interval_min=args.interval_min,
            settings=settings_from_dict(spec.get("base", {})),
            week_start_day=args.week_start_day,
            deferred=_deferred(spec.get("deferred")),
        )
        scenarios = [scenario_from_dict(s) for s in spec.get("scenarios", [])]
        executor: Executor | None = None
        if args.workers > 1:
            executor = ProcessPoolExecutor(max_workers=args.workers)
        try:
            sweep = run_sweep(base, scenarios, executor=executor)
        finally:
            if executor is not None:
                executor.shutdown()
    except InvalidInput as exc:
        return _fail(exc)
    columns = [
        "required_agent_hours",
        "scheduled_agent_hours",
        "fte_paid",
        "cost",
        "service_level",
        "asa_s",
        "abandon_rate",
        "under_staffed_hours",
    ]
    if base.deferred is not None:  # an e-mail queue: deadline figures instead of Erlang ones
        columns = [*columns[:5], *(f"deferred_{name}" for name in DEFERRED_COLUMNS)]
    print(sweep.table[columns].round(3).to_string())
    if args.out is not None:
        sweep.table.to_csv(args.out)
    return 0
