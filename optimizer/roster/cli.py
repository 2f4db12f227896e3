"""``staffwise roster ...``: solve an instance, check a roster file."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from optimizer.errors import InputError

if TYPE_CHECKING:
    from optimizer.roster.evaluate import ServiceLevelKpis
    from optimizer.roster.problem import RosterProblem

__all__ = ["register"]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("roster", help="weekly rosters (CP-SAT)")
    sub = parser.add_subparsers(dest="roster_command", metavar="ROSTER_COMMAND")
    solve = sub.add_parser("solve", help="solve a staffwise-roster-instance/1 or /2 file")
    solve.add_argument("instance", type=Path)
    solve.add_argument("--time-limit", type=float, default=60.0, help="seconds (default 60)")
    solve.add_argument("-o", "--output", type=Path, required=True, help="roster JSON to write")
    solve.add_argument("--workers", type=int, default=2)
    solve.add_argument("--seed", type=int, default=0)
    solve.add_argument(
        "--objective",
        choices=("deviation", "service_level"),
        default="deviation",
        help="deviation cost (default) or service level (needs demand_provenance)",
    )
    solve.set_defaults(handler=_solve)
    check = sub.add_parser("check", help="validate a staffwise-roster/1 file against an instance")
    check.add_argument("instance", type=Path)
    check.add_argument("roster", type=Path)
    check.add_argument("--json", type=Path, help="write the site cost report (/2 sites)")
    check.set_defaults(handler=_check)
    parser.set_defaults(handler=lambda _args: (parser.print_help(), 2)[1])


def _print_problems(exc: InputError) -> int:
    print(f"invalid input: {exc}", file=sys.stderr)
    for p in exc.problems:
        print(f"  {p.field}: {p.code}: {p.message}", file=sys.stderr)
    return 2


def _load_or_site(
    args: argparse.Namespace, site_handler: Callable[[argparse.Namespace], int]
) -> RosterProblem | int:
    """The ``/1`` instance of ``args``; for a ``/2`` site, ``site_handler(args)``'s exit code;
    on input errors (either kind), 2 with the problems printed."""
    from optimizer.roster.io import load_instance
    from optimizer.roster.site.cli import is_site

    try:
        if is_site(args.instance):
            return site_handler(args)
        return load_instance(args.instance)
    except InputError as exc:
        return _print_problems(exc)


def _solve(args: argparse.Namespace) -> int:
    from optimizer.roster.io import roster_to_json
    from optimizer.roster.site.cli import print_outcome, solve_site_cli
    from optimizer.roster.solve import SolveOptions, solve_roster

    problem = _load_or_site(args, solve_site_cli)
    if isinstance(problem, int):
        return problem
    options = SolveOptions(
        time_limit_s=args.time_limit, workers=args.workers, seed=args.seed, objective=args.objective
    )
    try:
        result = solve_roster(problem, options)
    except InputError as exc:
        return _print_problems(exc)
    r, k = result.report, result.kpis
    doc = roster_to_json(
        problem, result.roster, solver={"name": "staffwise-cpsat", "seconds": round(r.seconds, 2)}
    )
    args.output.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"instance   {problem.name}  ({len(problem.agents)} agents)")
    print(f"status     {r.status}")
    print(f"cost       {k.cost:.3f}  (under {k.under_agent_intervals}, over ", end="")
    print(f"{k.over_agent_intervals} agent-intervals, paid {k.paid_hours:.1f} h)")
    if k.preference_misses:
        print(f"wishes     {k.preference_misses} shifts against a preference, cost ", end="")
        print(f"{k.preference_cost:.3f}")
    if args.objective == "service_level":
        print(f"objective  {r.objective:.3f}  (service level)")
    print(f"bound      {r.best_bound:.3f}  (LP {r.lp_bound:.3f})  gap {100 * r.gap:.2f}%")
    if result.service_level is not None:
        _print_service_level(result.service_level)
    for w in result.warnings:
        print(f"warning    {w.cause}: {w.message}")
    shifts = len(result.roster.shifts)
    return print_outcome(r.seconds, shifts, result.violations, result.explanations, args.output)


def _check(args: argparse.Namespace) -> int:
    from optimizer.roster.check import check_roster
    from optimizer.roster.evaluate import evaluate_roster, evaluate_service_level
    from optimizer.roster.io import load_roster
    from optimizer.roster.site.cli import check_site

    problem = _load_or_site(args, check_site)
    if isinstance(problem, int):
        return problem
    try:
        roster = load_roster(args.roster)
    except InputError as exc:
        return _print_problems(exc)
    violations = check_roster(problem, roster)
    for v in violations:
        day = "-" if v.day is None else str(v.day)
        print(f"{v.agent}\tday {day}\t{v.rule}\t{v.message}")
    kpis = evaluate_roster(problem, roster)
    print(f"cost {kpis.cost:.3f}  violations {len(violations)}")
    if problem.demand is not None:
        try:
            _print_service_level(evaluate_service_level(problem, roster))
        except InputError as exc:
            _print_problems(exc)
    return 0 if not violations else 1


def _print_service_level(sl: ServiceLevelKpis) -> None:
    days = " ".join(f"{100 * v:.1f}" for v in sl.service_level_by_day)
    print(f"service    {100 * sl.service_level_week:.2f}% predicted (Erlang C; by day {days})")
    print(f"late calls {sl.late_calls_erlang:.1f} of {sl.calls:.1f} (envelope {sl.late_calls:.1f})")
    print(f"sl obj     {sl.objective:.3f}  (Erlang C curve {sl.objective_erlang:.3f})")
