"""``staffwise roster solve|check`` on a ``staffwise-roster-instance/2`` site."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from optimizer.roster.site.io import SITE_SCHEMA

__all__ = ["check_site", "is_site", "print_outcome", "solve_site_cli"]


def is_site(path: Path) -> bool:
    """True when ``path`` holds a ``/2`` document (unreadable files are left to the reader)."""
    try:
        head = json.loads(path.read_text())
    except (OSError, ValueError):
        return False
    return isinstance(head, dict) and head.get("schema") == SITE_SCHEMA


def _print_cost(cost: Any) -> None:
    under = ", ".join(f"{q} {v:g}" for q, v in cost.under.items())
    print(f"cost       {cost.cost:.3f}  (under {under}; idle {cost.over_idle:g}; ", end="")
    print(f"paid {cost.paid_agent_intervals} agent-intervals)")
    print(f"deferred   {100 * cost.within_deadline_share:.2f}% within deadline; late ", end="")
    print(f"{cost.late_work_min:g} work-min; carried over {cost.carry_over_work_min:g} work-min")


def print_outcome(
    seconds: float, shifts: int, violations: Sequence[Any], explanations: Sequence[Any], out: Path
) -> int:
    """The last lines of ``roster solve`` (/1 and /2): time, shifts, violations, agents without
    a feasible week, the file written; the exit code (1 with violations)."""
    print(f"seconds    {seconds:.1f}")
    print(f"shifts     {shifts}  violations {len(violations)}")
    for e in explanations:
        print(f"infeasible {e.agent}: {e.message}")
    print(f"written    {out}")
    return 0 if not violations else 1


def solve_site_cli(args: argparse.Namespace) -> int:
    from optimizer.roster.site.io import load_site_instance, site_roster_to_json
    from optimizer.roster.site.report import cost_json, report_json
    from optimizer.roster.site.solve import SiteSolveOptions, solve_site

    site = load_site_instance(args.instance)
    options = SiteSolveOptions(time_limit_s=args.time_limit, workers=args.workers, seed=args.seed)
    result = solve_site(site, options)
    r = result.report
    solver = {"name": "staffwise-site", "seconds": round(r.seconds, 2)}
    doc = site_roster_to_json(site, result.roster, solver=solver)
    doc["site"] = {"report": report_json(r), **cost_json(site, result.cost)}
    args.output.write_text(json.dumps(doc) + "\n")
    print(f"instance   {site.core.name}  ({len(site.core.agents)} agents, ", end="")
    print(f"{len(site.queues)} queues, {r.skill_sets} skill sets)")
    print(f"status     {r.status}  (roster from {r.source})")
    _print_cost(result.cost)
    bound = "-" if r.bound is None else f"{r.bound:.3f}"
    gap = "-" if r.gap is None else f"{100 * r.gap:.2f}%"
    print(f"bound      {bound}  (LP {r.lp_status}, {r.lp_seconds:.1f} s)  gap {gap}")
    if r.baseline_cost is not None:
        print(f"baseline   {r.baseline_cost:.3f}  (all queues summed into one /1 problem)")
    shifts = len(result.roster.roster.shifts)
    return print_outcome(r.seconds, shifts, result.violations, result.explanations, args.output)


def check_site(args: argparse.Namespace) -> int:
    from optimizer.roster.site.check import check_site_roster
    from optimizer.roster.site.cost import site_cost
    from optimizer.roster.site.io import load_site_instance, load_site_roster
    from optimizer.roster.site.report import cost_json

    site = load_site_instance(args.instance)
    roster = load_site_roster(args.roster)
    violations = check_site_roster(site, roster)
    for v in violations:
        day = "-" if v.day is None else str(v.day)
        print(f"{v.agent}\tday {day}\t{v.rule}\t{v.message}")
    cost = site_cost(site, roster)
    if getattr(args, "json", None) is not None:
        body = {"violations": len(violations), **cost_json(site, cost)}
        args.json.write_text(json.dumps(body) + "\n")
    _print_cost(cost)
    print(f"violations {len(violations)}")
    return 0 if not violations else 1
