"""Hiring benchmark: minimum hires by contract to win back the coverage lost to attrition.

On ``rosters/contact_center/M-1.json`` (150 agents):

1. Base: ``solve_roster`` of the full instance; its under-coverage (agent-intervals short of the
   requirement) is the coverage to return to.
2. Attrition: 20 % of each contract removed at random (seeded), then the reduced staff is
   re-rostered (the loss per day is printed).
3. Minimum hires: vacancies of every contract (available during the opening hours of every
   day, up to twice the leavers of the contract) and the hard target "under-coverage <= base";
   CP-SAT minimises the number of hires in the aggregate roster model. Printed: hires by
   contract, seconds, the objective, CP-SAT's proven bound and the gap (goal: proof or gap
   <= 5 % within 300 s), and the LP bound of the same model.
4. Check: the reduced staff plus those hires are rostered by ``solve_roster``; its under-coverage
   is compared with the base (the aggregate model is a relaxation, so this is the real test).

Baseline named in the table: re-hiring every leaver like-for-like (the head count lost).
The machine may be shared: the load average is printed next to the figures.

Run: ``.venv/bin/python -m bench.hiring [--hire-limit 280] [--roster-limit 90] [--seed 7]``
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from bench import shared_dir
from optimizer.roster.attrition import (
    compare_coverage,
    select_random_share,
    week_service_level,
    without_agents,
)
from optimizer.roster.hiring import (
    HeadcountTarget,
    HiringOptions,
    Vacancy,
    minimum_hires,
)
from optimizer.roster.io import load_instance
from optimizer.roster.solve import SolveOptions, solve_roster
from scenarios.hiring_scenario import hired_problem


def instances_dir() -> Path:
    return shared_dir() / "data" / "rosters" / "contact_center"


def _row(label: str, value: object) -> None:
    print(f"  {label:<44} {value}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instance", default="M-1")
    parser.add_argument("--share", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--hire-limit", type=float, default=280.0)
    parser.add_argument("--roster-limit", type=float, default=90.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    path = instances_dir() / f"{args.instance}.json"
    if not path.exists():
        print(f"instance not found at {path} (set STAFFWISE_SHARED_DIR)")
        return 1
    problem = load_instance(path)
    solve = SolveOptions(time_limit_s=args.roster_limit, workers=args.workers, seed=args.seed)
    print(
        f"{problem.name}: {len(problem.agents)} agents; load average "
        f"{os.getloadavg()[0]:.2f} (2 shared cores)"
    )

    start = time.monotonic()
    base = solve_roster(problem, solve)
    base_under = base.kpis.under_agent_intervals
    print("1. base roster")
    _row(
        "under agent-intervals / cost / gap",
        f"{base_under} / {base.kpis.cost:.2f} / "
        f"{base.report.gap:.2%} ({time.monotonic() - start:.0f} s)",
    )

    removed = select_random_share(problem, args.share, seed=args.seed)
    reduced = without_agents(problem, removed)
    lost = {
        c.id: sum(1 for a in problem.agents if a.id in set(removed) and a.contract == c.id)
        for c in problem.contracts
    }
    start = time.monotonic()
    after = solve_roster(reduced, solve)
    days = compare_coverage(problem, base.coverage, after.coverage)
    print(f"2. attrition: {len(removed)} agents removed (seed {args.seed}): {lost}")
    _row(
        "re-rostered under agent-intervals",
        f"{after.kpis.under_agent_intervals} ({time.monotonic() - start:.0f} s)",
    )
    for d in days:
        _row(
            f"day {d.day} lost covered agent-hours / SL loss",
            f"{d.lost_covered_agent_hours:6.2f} / {d.service_level_loss or 0.0:+.3f}",
        )
    sl_base = week_service_level(problem, base.coverage)
    sl_after = week_service_level(problem, after.coverage)
    _row("week predicted SL base -> after", f"{sl_base:.3f} -> {sl_after:.3f}")

    vacancies = [Vacancy(c, max(2, 2 * n)) for c, n in lost.items()]
    target = HeadcountTarget(max_under_agent_hours=base_under * problem.interval_min / 60)
    options = HiringOptions(time_limit_s=args.hire_limit, workers=args.workers, seed=args.seed)
    plan = minimum_hires(reduced, vacancies, target, options)
    r = plan.report
    print(f"3. minimum hires to return to under <= {base_under} agent-intervals")
    _row("hires by contract", plan.by_contract())
    _row(
        "total hires (baseline: re-hire every leaver)",
        f"{plan.total_hires} "
        f"(baseline {len(removed)}; ratio {plan.total_hires / max(1, len(removed)):.2f})",
    )
    _row(
        "status / objective / bound / gap",
        f"{r.status} / {r.objective:.0f} / {r.best_bound:.0f} / {r.gap:.2%}",
    )
    _row("LP bound / seconds", f"{r.lp_bound:.2f} / {r.seconds:.1f} s")
    _row(
        "goal: proof or gap <= 5% within 300 s",
        "met" if r.seconds <= 300 and (r.status == "OPTIMAL" or r.gap <= 0.05) else "NOT met",
    )

    counts = {h.vacancy: h.hires for h in plan.hires}
    start = time.monotonic()
    hired = solve_roster(hired_problem(reduced, vacancies, counts), solve)
    print("4. check: reduced staff + hires rostered by solve_roster")
    _row(
        "under agent-intervals (target) / violations",
        f"{hired.kpis.under_agent_intervals} ({base_under}) / {len(hired.violations)} "
        f"({time.monotonic() - start:.0f} s)",
    )
    sl_hired = week_service_level(problem, hired.coverage)
    _row("week predicted SL base / hired", f"{sl_base:.3f} / {sl_hired:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
