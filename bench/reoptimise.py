"""Re-optimisation benchmark (issue 26): on M-1, per seed,

1. the full solve (``--full-limit``, default 120 s as in ``bench.roster``);
2. lock 80 % of the agents (drawn with the seed) and re-optimise the rest of that roster
   (``--limit``, default 30 s);
3. absorb 5 approved absences (5 working agent-days of the full roster, drawn with the seed,
   made unavailable as the API does, ``api.convert.absences``, each counted toward the
   contract at the paid minutes of the shift it replaces): their shifts removed, the other
   agents locked on every day without an absence, the absent agents' weeks and the absent
   days re-solved (``--limit``).

Per run: seconds to the first valid named roster and in all, cost against the full solve's,
bound and gap of the locked problem, whether the roster is valid and whether a locked
agent-day changed (it must not). Printed as min / median / max over the seeds with the load
average before and after (the machine is shared: the seconds depend on it).

Usage: ``.venv/bin/python -m bench.reoptimise [--seeds 3] [--limit 30] [--full-limit 120]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import statistics
import time
from typing import Any

from api.convert.absences import Absence, absent_agent
from bench import shared_dir
from optimizer.roster.check import check_roster
from optimizer.roster.io import load_instance
from optimizer.roster.locks import Locks, locked_changes, solve_with_locks
from optimizer.roster.problem import Roster, RosterProblem
from optimizer.roster.solve import RosterResult, SolveOptions, SolverProgress, solve_roster

ABSENCES = 5
LOCKED_SHARE = 0.8


def _load() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def _timed(
    problem: RosterProblem, base: Roster, locks: Locks, options: SolveOptions
) -> dict[str, Any]:
    """One re-optimisation: its figures and the time of its first valid named roster."""
    start = time.monotonic()
    first: list[float] = []

    def progress(p: SolverProgress) -> None:
        if not p.estimate and not first:
            first.append(time.monotonic() - start)

    result = solve_with_locks(problem, base, locks, options, on_progress=progress)
    seconds = time.monotonic() - start
    return _figures(problem, base, locks, result, seconds, first[0] if first else seconds)


def _figures(
    problem: RosterProblem, base: Roster, locks: Locks, result: RosterResult, seconds: float,
    first_s: float,
) -> dict[str, Any]:  # fmt: skip
    return {
        "first_valid_s": round(first_s, 2), "seconds": round(seconds, 2),
        "cost": round(result.kpis.cost, 3), "bound": round(result.report.best_bound, 3),
        "gap": round(result.report.gap, 5), "valid": not check_roster(problem, result.roster),
        "locked_changed": len(locked_changes(base, result.roster, locks)),
    }  # fmt: skip


def _absent(problem: RosterProblem, roster: Roster, rng: random.Random) -> tuple[Any, ...]:
    """5 working agent-days of ``roster`` made absences: the problem with those days
    unavailable, the roster without their shifts, and the locks of every other day."""
    picked = rng.sample(sorted(roster.shifts, key=lambda s: (s.agent, s.day)), ABSENCES)
    gone = {(s.agent, s.day) for s in picked}
    agents = []
    for agent in problem.agents:
        mine = [s for s in picked if s.agent == agent.id]
        credit = mine[0].paid_min(problem.rules) if mine else 0  # paid leave: a day's shift
        days = [Absence(s.day) for s in mine]
        agents.append(absent_agent(agent, problem.contract(agent.contract), credit, days))
    absent = dataclasses.replace(problem, agents=tuple(agents))
    kept = Roster(tuple(s for s in roster.shifts if (s.agent, s.day) not in gone))
    free_days = {d for _, d in gone}
    away = {a for a, _ in gone}  # the absent agents' weeks are free, as a cover proposal's
    locks = Locks(shifts=frozenset((a.id, d) for a in problem.agents if a.id not in away
                                   for d in range(problem.days) if d not in free_days))  # fmt: skip
    return absent, kept, locks


def run_seed(problem: RosterProblem, seed: int, limit_s: float, full_s: float) -> dict[str, Any]:
    full = solve_roster(problem, SolveOptions(time_limit_s=full_s, seed=seed))
    rng = random.Random(seed)
    ids = sorted(a.id for a in problem.agents)
    locked = frozenset(rng.sample(ids, round(LOCKED_SHARE * len(ids))))
    options = SolveOptions(time_limit_s=limit_s, seed=seed)
    locks80 = _timed(problem, full.roster, Locks(agents=locked), options)
    absent, kept, locks = _absent(problem, full.roster, rng)
    absorbed = _timed(absent, kept, locks, options)
    return {
        "seed": seed, "full": {"cost": round(full.kpis.cost, 3), "gap": round(full.report.gap, 5),
                               "seconds": round(full.report.seconds, 2)},
        "lock_80": locks80, "absences_5": absorbed,
    }  # fmt: skip


def _spread(values: list[float]) -> str:
    return f"{min(values):g} / {statistics.median(values):g} / {max(values):g}"


def summary(runs: list[dict[str, Any]]) -> dict[str, str]:
    out = {"full cost": _spread([r["full"]["cost"] for r in runs])}
    for case in ("lock_80", "absences_5"):
        rows = [r[case] for r in runs]
        for key in ("first_valid_s", "seconds", "cost", "gap"):
            out[f"{case} {key}"] = _spread([x[key] for x in rows])
        ratio = [x["cost"] / r["full"]["cost"] for x, r in zip(rows, runs, strict=True)]
        out[f"{case} cost / full"] = _spread([round(v, 4) for v in ratio])
        out[f"{case} valid"] = f"{sum(x['valid'] for x in rows)}/{len(rows)}"
        out[f"{case} locked changed"] = str(sum(x["locked_changed"] for x in rows))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--limit", type=float, default=30.0)
    parser.add_argument("--full-limit", type=float, default=120.0)
    args = parser.parse_args()
    path = shared_dir() / "data" / "rosters" / "contact_center" / "M-1.json"
    problem = load_instance(json.loads(path.read_text()))
    print(f"M-1: {len(problem.agents)} agents; load before {_load()}", flush=True)
    runs = []
    for seed in range(args.seeds):
        runs.append(run_seed(problem, seed, args.limit, args.full_limit))
        print(json.dumps(runs[-1]), flush=True)
    print(json.dumps(summary(runs), indent=1))
    print(f"load after {_load()}")


if __name__ == "__main__":
    main()
