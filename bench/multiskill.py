"""Site roster benchmark (issue 28): MS-S-9 / MS-M-9 / MS-L-9 (``staffwise-roster-instance/2``).

For each site it prints the exact cost of the roster :func:`solve_site` returns, its own LP
bound (``-`` when the full site model is too large to solve in the time) and the published
bound of ``bounds.json``, gap % and gap per unit of load against the published bound
(load = live requirement + the week's deferred work, both in agent-intervals), the share of
deferred work due this week finished within its deadline, validity (``check_site_roster``),
seconds, and the baseline: every queue summed into one ``/1`` problem, skills ignored, solved
by today's engine with the same time limit and scored by the same exact LP.

Each site is solved with ``--seeds`` seeds (default 3: 0, 1, 2); a summary line per site gives
min / median / max of the cost and of the gap per unit of load. Where the gap is: each row
also gives the roster's cost components (uncovered live agent-intervals, idle agent-intervals,
paid agent-intervals, carried-over work-minutes) and the polish gain; the published bound's
own components are in ``bounds.json``.

Usage: ``.venv/bin/python -m bench.multiskill [--quick] [--only MS-S-9] [--seeds 3]
[--first-seed 0] [--limit 300] [--workers 2]``. The machine is shared: the 1-minute load
average is printed with each row.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

from bench import REPO
from optimizer.roster.site.baseline import summed_problem
from optimizer.roster.site.check import check_site_roster
from optimizer.roster.site.cost import site_cost
from optimizer.roster.site.io import load_site_instance
from optimizer.roster.site.problem import SiteProblem, SiteRoster
from optimizer.roster.site.solve import SiteSolveOptions, solve_site
from optimizer.roster.solve import SolveOptions, solve_roster

LIMITS = {"MS-S-9": 30.0, "MS-M-9": 120.0, "MS-L-9": 600.0}
QUICK = {"MS-S-9": 15.0, "MS-M-9": 45.0, "MS-L-9": 120.0}


def data_dir() -> Path:
    shared = Path(os.environ.get("STAFFWISE_SHARED_DIR", REPO.parent / "shared"))
    return shared / "data" / "rosters" / "contact_center_ms"


def load(site: SiteProblem) -> float:
    """Live requirement plus the week's deferred work (initial backlog and arrivals), in
    agent-intervals."""
    grid = site.core.interval_min
    live = sum(sum(map(sum, q.requirement)) for q in site.live)
    work = 0.0
    for e in site.deferred:
        items = sum(map(sum, e.arrivals)) + sum(b.items for b in e.initial_backlog)
        work += items * e.work_min / grid
    return live + work


def _baseline(site: SiteProblem, limit: float, workers: int) -> tuple[float | None, float]:
    """The summed-/1 roster's exact cost (``None`` when today's engine found no roster)."""
    start = time.monotonic()
    options = SolveOptions(time_limit_s=limit, workers=workers)
    try:
        roster = solve_roster(summed_problem(site), options).roster
    except RuntimeError:
        return None, time.monotonic() - start
    return site_cost(site, SiteRoster(roster)).cost, time.monotonic() - start


def _num(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.2f}"


def run(
    name: str, limit: float, workers: int, published: dict, baseline: bool = True, seed: int = 0
) -> dict:
    site = load_site_instance(data_dir() / f"{name}.json")
    options = SiteSolveOptions(time_limit_s=limit, workers=workers, seed=seed)
    result = solve_site(site, options)
    valid = not check_site_roster(site, result.roster)
    base_cost, base_s = _baseline(site, limit, workers) if baseline else (None, 0.0)
    bound = published.get(name, {}).get("lp_bound")
    units = load(site)
    r = result.report

    def gaps(cost: float | None) -> tuple[float | None, float | None]:
        if bound is None or cost is None:
            return None, None
        return (cost - bound) / cost, (cost - bound) / units

    c = result.cost
    return {
        "instance": name,
        "seed": seed,
        "load_average": os.getloadavg()[0],
        "under": sum(c.under.values()),
        "idle": c.over_idle,
        "paid": c.paid_agent_intervals,
        "carry_over_min": c.carry_over_work_min,
        "late_min": c.late_work_min,
        "polish_gain": r.polish_gain,
        "limit_s": limit,
        "cost": r.objective,
        "bound_ours": r.bound,
        "bound_published": bound,
        "gap": gaps(r.objective)[0],
        "gap_per_load": gaps(r.objective)[1],
        "gap_ours": r.gap,
        "within_deadline": result.cost.within_deadline_share,
        "valid": valid,
        "seconds": r.seconds,
        "source": r.source,
        "load_agent_intervals": units,
        "baseline_cost": base_cost,
        "baseline_gap": gaps(base_cost)[0],
        "baseline_gap_per_load": gaps(base_cost)[1],
        "baseline_seconds": base_s,
    }


def print_row(row: dict) -> None:
    ours = "-" if row["bound_ours"] is None else f"{row['bound_ours']:.3f}"
    print(
        f"{row['instance']:<7} {row['seed']:>2} {row['limit_s']:>5.0f} {row['cost']:>9.3f} "
        f"{ours:>9} {row['bound_published']:>9.3f} {_pct(row['gap']):>6} "
        f"{_pct(row['gap_per_load']):>7} {100 * row['within_deadline']:>6.2f} "
        f"{row['valid']!s:>5} {row['seconds']:>6.1f} {row['source']:>10} "
        f"{row['under']:>6.1f} {row['idle']:>6.1f} {row['paid']:>6} {row['carry_over_min']:>8.1f} "
        f"{row['polish_gain']:>7.3f} {row['load_average']:>5.2f} | {_num(row['baseline_cost']):>9} "
        f"{_pct(row['baseline_gap']):>6} {_pct(row['baseline_gap_per_load']):>7}",
        flush=True,
    )


def print_summary(rows: list[dict]) -> None:
    """Min / median / max of cost and gap per load over the seeds of one site."""

    def spread(key: str, scale: float = 1.0) -> str:
        values = sorted(scale * r[key] for r in rows if r[key] is not None)
        if not values:
            return "-"
        picks = (values[0], statistics.median(values), values[-1])
        return " / ".join(f"{v:.3f}" for v in picks)

    print(
        f"  {rows[0]['instance']} over {len(rows)} seeds (min / median / max): cost "
        f"{spread('cost')}; gap/load % {spread('gap_per_load', 100)}; valid "
        f"{sum(r['valid'] for r in rows)}/{len(rows)}",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter limits (15/45/120 s)")
    parser.add_argument("--only", action="append", help="instance name (repeatable)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path, help="also write the rows as JSON")
    parser.add_argument("--no-baseline", action="store_true", help="skip the summed-/1 column")
    parser.add_argument("--seeds", type=int, default=3, help="seeds 0..N-1 per site (default 3)")
    parser.add_argument("--first-seed", type=int, default=0, help="the first seed (default 0)")
    parser.add_argument("--limit", type=float, help="time limit per solve (s) for every site")
    args = parser.parse_args()
    folder = data_dir()
    if not (folder / "bounds.json").is_file():
        print(f"multi-skill instances not found at {folder} (set STAFFWISE_SHARED_DIR)")
        return 2
    published = json.loads((folder / "bounds.json").read_text())
    limits = QUICK if args.quick else LIMITS
    names = args.only or list(limits)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (2 cores)")
    print(
        "site   sd limit      cost   LP ours   LP publ   gap% gap/ld%  in-dl% valid      s"
        "     source  under   idle   paid carry-min  polish  load |  baseline   gap%  gap/ld%"
    )
    rows = []
    for name in names:
        mine = []
        for seed in range(args.first_seed, args.first_seed + args.seeds):
            base = not args.no_baseline and seed == args.first_seed  # summed-/1: first seed
            limit = args.limit or limits[name]
            mine.append(run(name, limit, args.workers, published, base, seed))
            print_row(mine[-1])
        print_summary(mine)
        rows += mine
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("gap% and gap/ld% against the published bound; gap/ld = (cost - bound) / load")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
