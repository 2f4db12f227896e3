"""Roster benchmark: min / median / max over seeds of cost, bound, gap and seconds.

Instances: the shared S-1 (30 s), M-1 (120 s), L-1 (300 s); the demo week (30 s, exported by
``bench.demo_instance``); generated S-2, S-3 (30 s), M-2, M-3 (120 s) and L-2, L-3 (300 s,
``bench.generate_roster``), to check nothing is tuned to S-1, M-1 and L-1. Each instance is
solved once per seed (``--seeds``, default 5: seeds 0..4); bound = the larger of the published
LP bound (shared instances), the stored column bound (generated M instances:
``bench.instance_bounds``) and the solve's own ``best_bound``; gap = (cost - bound) / cost; a
roster is valid when ``check_roster`` finds nothing. The goal (issue 25): median gap <= 2 %
and max <= 4 %. The load average is printed: the figures depend on it. Where a best known
roster is stored (``bench.best_known``: price and dive, offline, minutes), its cost ends the
line: the optimum lies between the bound and it.

With ``--peer``, pyworkforce (MinAbsDifference, then
MinHoursRoster) runs in ``.venv-peers`` on the nearest problem it can express: shifts without
breaks or lunches (start grid of the instance, 60 min on M for tractability), one shift per
day, minimum weekly hours per agent class, at most 5 working days, availability as banned
shifts. Its roster is costed with the same formula (no breaks, so optimistic for the peer) and
checked with ``check_roster`` (which flags, among others, the missing breaks).

Usage: ``.venv/bin/python -m bench.roster [--only M-1] [--time-limit S] [--seeds 3] [--peer]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

from bench import REPO, shared_dir
from bench.best_known import stored_best
from bench.instance_bounds import stored_bounds
from bench.peers import run_peer
from optimizer.roster.check import check_roster
from optimizer.roster.evaluate import evaluate_roster
from optimizer.roster.io import load_instance
from optimizer.roster.problem import Roster, RosterProblem, Shift
from optimizer.roster.shifts import span_of
from optimizer.roster.solve import SolveOptions, solve_roster

LIMITS = {"S-1": 30.0, "M-1": 120.0, "L-1": 300.0}  # seconds per solve (issue 25)
PEER_STEP_MIN = {"S-1": 30, "M-1": 60}

PEER_SCRIPT = r"""
import json, sys, time
from pyworkforce.scheduling import MinAbsDifference
from pyworkforce.rostering.binary_programming import MinHoursRoster
p = json.load(sys.stdin)
t0 = time.time()
sched = MinAbsDifference(num_days=p["days"], periods=p["periods"],
    shifts_coverage=p["coverage"], required_resources=p["required"],
    max_period_concurrency=p["max_period"], max_shift_concurrency=p["max_shift"],
    max_search_time=p["time_limit"], num_search_workers=2)
s = sched.solve()
out = {"schedule_status": s["status"], "schedule_seconds": time.time() - t0}
if s["status"] not in ("OPTIMAL", "FEASIBLE"):
    print(json.dumps(out)); sys.exit(0)
need = {name: [0] * p["days"] for name in p["coverage"]}
for row in s["resources_shifts"]:
    need[row["shift"]][row["day"]] = row["resources"]
t1 = time.time()
roster = MinHoursRoster(num_days=p["days"], resources=p["agents"], shifts=list(p["coverage"]),
    shifts_hours=p["hours"], min_working_hours=p["min_hours"], banned_shifts=p["banned"],
    max_resting=p["max_resting"], required_resources=need,
    max_search_time=p["time_limit"], num_search_workers=2)
r = roster.solve()
out.update({"roster_status": r["status"], "roster_seconds": time.time() - t1,
            "shifts": r.get("resource_shifts", []), "need": need})
print(json.dumps(out))
"""


def instances_dir() -> Path:
    return shared_dir() / "data" / "rosters" / "contact_center"


def _row(name: str, who: str, kpis: Any, bound: float, seconds: float, valid: str) -> str:
    gap = (kpis.cost - bound) / kpis.cost if kpis.cost else 0.0
    return (
        f"{name:5} {who:12} {kpis.cost:10.3f} {kpis.under_agent_intervals:7d} "
        f"{kpis.over_agent_intervals:7d} {kpis.paid_hours:9.1f} {bound:10.3f} "
        f"{100 * gap:7.2f}% {seconds:8.1f}  {valid}"
    )


def _peer_shifts(problem: RosterProblem, step_min: int) -> dict[str, dict[str, Any]]:
    """Shift names -> (start, paid, span) for every start on the grid in any opening."""
    lengths = sorted({m for c in problem.contracts for m in c.shift_paid_min})
    opens = [o for o in problem.opening_hours if o is not None]
    lo, hi = min(o[0] for o in opens), max(o[1] for o in opens)
    out = {}
    for paid in lengths:
        span = span_of(problem.rules, paid)
        for start in range(lo, hi - span + 1, step_min):
            out[f"s{start}_{paid}"] = {"start": start, "paid": paid, "span": span}
    return out


def _peer_payload(problem: RosterProblem, step_min: int, time_limit_s: float) -> dict[str, Any]:
    shifts = _peer_shifts(problem, step_min)
    grid = problem.interval_min
    coverage = {
        n: [1 if s["start"] <= t * grid < s["start"] + s["span"] else 0 for t in range(96)]
        for n, s in shifts.items()
    }
    banned = []
    for a in problem.agents:
        for d in range(problem.days):
            for n, s in shifts.items():
                w, o = a.availability[d], problem.opening_hours[d]
                inside = [x for x in (w, o) if x is not None]
                ok = len(inside) == 2 and all(
                    x[0] <= s["start"] and s["start"] + s["span"] <= x[1] for x in inside
                )
                if not ok or s["paid"] not in problem.contract(a.contract).shift_paid_min:
                    banned.append({"resource": a.id, "shift": n, "day": d})
    return {
        "days": problem.days,
        "periods": 96,
        "coverage": coverage,
        "required": [list(r) for r in problem.requirement],
        "max_period": max(max(r) for r in problem.requirement) * 2,
        "max_shift": len(problem.agents),
        "time_limit": time_limit_s,
        "agents": [a.id for a in problem.agents],
        "hours": [s["paid"] // 60 for s in shifts.values()],
        "min_hours": min(a.min_weekly_paid_min for a in problem.agents) // 60,
        "banned": banned,
        "max_resting": problem.days - 1,
        "_shifts": shifts,
    }


def run_peer_bench(problem: RosterProblem, time_limit_s: float) -> tuple[Any, float, str]:
    payload = _peer_payload(problem, PEER_STEP_MIN.get(problem.name, 60), time_limit_s)
    shifts = payload.pop("_shifts")
    start = time.monotonic()
    out = run_peer(PEER_SCRIPT, payload, timeout_s=20 * time_limit_s + 600)
    seconds = time.monotonic() - start
    status = f"{out.get('schedule_status')}/{out.get('roster_status', '-')}"
    rows = [r for r in out.get("shifts") or [] if r.get("shift") in shifts]
    if rows:
        roster = Roster(
            tuple(_peer_shift(r["resource"], int(r["day"]), shifts[r["shift"]]) for r in rows)
        )
        violations = check_roster(problem, roster)
        rules = sorted({v.rule for v in violations})
        return evaluate_roster(problem, roster), seconds, f"{status} viol={len(violations)} {rules}"
    # no named roster: cost of the scheduling stage's shift counts alone (anonymous shifts)
    need = out.get("need") or {}
    anonymous = [
        _peer_shift(f"anon{i}", d, shifts[name])
        for name, per_day in need.items()
        for d, count in enumerate(per_day)
        for i in range(count)
    ]
    kpis = evaluate_roster(problem, Roster(tuple(anonymous)))
    return kpis, seconds, f"{status}: no named roster; cost of MinAbsDifference counts only"


def _peer_shift(agent: str, day: int, shape: dict[str, Any]) -> Shift:
    return Shift(agent, day, shape["start"], shape["start"] + shape["span"])


def _instances(folder: Path) -> dict[str, tuple[Path, float]]:
    """Name -> (instance file, time limit): the shared S-1, M-1, L-1, the demo week
    (``bench.demo_instance``) and the generated S-2, S-3, M-2, M-3, L-2, L-3
    (``bench.generate_roster``)."""
    ours = REPO / "bench" / "instances"
    out = {name: (folder / f"{name}.json", limit) for name, limit in LIMITS.items()}
    out["demo-week"] = (ours / "demo-week.json", 30.0)
    for name in ("S-2", "S-3", "M-2", "M-3", "L-2", "L-3"):
        out[name] = (ours / f"{name}.json", LIMITS[f"{name[0]}-1"])
    return out


def reference_bound(
    name: str, published: dict[str, dict[str, float]], generated: dict[str, float]
) -> float:
    """The bound a solve of ``name`` is measured against besides its own: the published LP
    bound (shared instances) or the stored column bound (generated ones), the larger; 0
    without either."""
    return max(published.get(name, {}).get("lp_bound", 0.0), generated.get(name, 0.0))


def _spread(values: list[float], fmt: str) -> str:
    """``min / median / max`` of ``values``."""
    trio = (min(values), statistics.median(values), max(values))
    return " / ".join(format(v, fmt) for v in trio)


def _solve_seeds(
    problem: RosterProblem, limit: float, seeds: int, workers: int, published: float
) -> tuple[list[dict[str, float]], int]:
    """One solve per seed: cost, bound, gap, seconds; and the number of invalid rosters."""
    rows, invalid = [], 0
    for seed in range(seeds):
        options = SolveOptions(time_limit_s=limit, workers=workers, seed=seed)
        result = solve_roster(problem, options)
        bound = max(published, result.report.best_bound)
        cost = result.kpis.cost
        gap = (cost - bound) / cost if cost else 0.0
        rows.append(
            {"cost": cost, "bound": bound, "gap": 100 * gap, "seconds": result.report.seconds}
        )
        invalid += bool(result.violations)
    return rows, invalid


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", action="append", help="instance name (repeatable)")
    parser.add_argument("--time-limit", type=float, help="seconds for every instance")
    parser.add_argument("--seeds", type=int, default=5, help="solves per instance (seeds 0..n-1)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--peer", action="store_true", help="also run pyworkforce on S-1, M-1")
    args = parser.parse_args()
    folder = instances_dir()
    published = json.loads((folder / "lp_bounds.json").read_text())
    generated = stored_bounds()  # column bounds of generated instances (bench.instance_bounds)
    best = stored_best()  # best known rosters' costs (bench.best_known): the optimum is below
    print(f"load average at start: {os.getloadavg()[0]:.2f} (2 cores)")
    print(
        f"{'inst':9} {'limit':>5} {'cost min / med / max':>26} {'bound min / med / max':>26} "
        f"{'gap % min / med / max':>22} {'seconds min / med / max':>22}  valid, goal"
    )
    for name, (path, limit) in _instances(folder).items():
        if args.only and name not in args.only:
            continue
        problem = load_instance(path)
        time_limit = args.time_limit or limit
        ref = reference_bound(name, published, generated)
        rows, invalid = _solve_seeds(problem, time_limit, args.seeds, args.workers, ref)
        gaps = [r["gap"] for r in rows]
        met = statistics.median(gaps) <= 2.0 and max(gaps) <= 4.0
        print(
            f"{name:9} {time_limit:5.0f} {_spread([r['cost'] for r in rows], '8.3f'):>26} "
            f"{_spread([r['bound'] for r in rows], '8.3f'):>26} {_spread(gaps, '6.2f'):>22} "
            f"{_spread([r['seconds'] for r in rows], '6.1f'):>22}  "
            f"{len(rows) - invalid}/{len(rows)} valid, median<=2 % max<=4 %: "
            f"{'met' if met else 'MISSED'}; load {os.getloadavg()[0]:.2f}"
            + (f"; best known roster {best[name]:.3f}" if name in best else ""),
            flush=True,
        )
        if args.peer and name in PEER_STEP_MIN:
            kpis, seconds, note = run_peer_bench(problem, time_limit)
            print(_row(name, "pyworkforce", kpis, ref, seconds, note), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
