"""Roster rules benchmark (issue 25, rules part): break rule sets and overnight shifts.

1. ``M-1`` (``rosters/contact_center/M-1.json``, 150 agents) with its own rules, then with the
   two-breaks-and-lunch rule set for shifts of 450+ paid minutes (a 15-min break 60-150 min after
   the start, an unpaid 30/45/60-min lunch 180-300 min after the start, a second 15-min break
   ending 60-150 min before the end; :func:`optimizer.roster.break_rules.two_breaks_and_lunch`).
2. A generated 24/7 instance (:mod:`optimizer.roster.generate_night`, ``--night-agents``
   agents, seed ``--seed``): open all week, night requirement, night contracts, overnight shifts.

Each row: cost of the named roster, LP bound of the same problem, gap, rule violations found by
``check_roster``, seconds and the load average (the machine may be shared). The baseline is
M-1 with its own one-break-one-lunch rules at the same limit.

Run: ``.venv/bin/python -m bench.roster_rules [--limit 120] [--night-limit 60] [--only night]``
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import replace

from bench import shared_dir
from optimizer.roster.break_rules import two_breaks_and_lunch
from optimizer.roster.check import check_roster
from optimizer.roster.generate_night import generate_247
from optimizer.roster.io import load_instance
from optimizer.roster.problem import RosterProblem
from optimizer.roster.solve import SolveOptions, solve_roster


def _row(name: str, problem: RosterProblem, limit: float, seed: int) -> None:
    start = time.monotonic()
    result = solve_roster(problem, SolveOptions(time_limit_s=limit, workers=2, seed=seed))
    seconds = time.monotonic() - start
    violations = check_roster(problem, result.roster)
    r = result.report
    acts = max((len(s.activities) for s in result.roster.shifts), default=0)
    overnight = sum(1 for s in result.roster.shifts if s.end_min > 1440)
    print(
        f"{name:<28} {r.objective:>9.3f} {r.best_bound:>9.3f} {100 * r.gap:>6.2f}% "
        f"{len(violations):>4} {seconds:>6.1f} {os.getloadavg()[0]:>5.1f} "
        f"{len(result.roster.shifts):>6} {acts:>4} {overnight:>5}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=float, default=120.0, help="M-1 seconds per run")
    parser.add_argument("--night-limit", type=float, default=60.0)
    parser.add_argument("--night-agents", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", choices=("m1", "two_breaks", "night"), default=None)
    args = parser.parse_args(argv)
    print(f"{'instance':<28} {'cost':>9} {'LP bound':>9} {'gap':>7} {'viol':>4} {'sec':>6} "
          f"{'load':>5} {'shifts':>6} {'acts':>4} {'night':>5}")  # fmt: skip
    m1 = load_instance(shared_dir() / "data" / "rosters" / "contact_center" / "M-1.json")
    if args.only in (None, "m1"):
        _row("M-1 break+lunch", m1, args.limit, args.seed)
    if args.only in (None, "two_breaks"):
        _row(
            "M-1 two breaks + lunch",
            replace(m1, rules=two_breaks_and_lunch(m1.rules)),
            args.limit,
            args.seed,
        )
    if args.only in (None, "night"):
        night = load_instance(generate_247(args.night_agents, args.seed))
        _row(f"24/7 N-{args.seed} ({args.night_agents} agents)", night, args.night_limit, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
