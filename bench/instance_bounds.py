"""Lower bounds of the generated roster instances by column generation, stored for the bench.

The shared S-1, M-1 and L-1 come with published LP bounds (``lp_bounds.json`` beside them);
the generated M-2 and M-3 (``bench.generate_roster``) only have the bound their solve
reports, the LP of their split classes. Column generation over the agents' valid weeks
(:func:`optimizer.roster.colgen.column_bound`: every agent works one valid week, the rest of
the aggregate model unchanged) gives a bound at least as tight: its Lagrangian bound is a valid
lower bound at every iteration, and equals the master LP's value once converged. The solve
runs it itself only on sites of at most 60 agents (``solve.SPLIT_AGENTS``: on M it needs
about 100 s of a 120 s solve), so for M it is computed here once, offline, and stored in
``bench/instances/bounds.json``; ``bench.roster`` takes the larger of that bound and the
solve's own. The agents no roster can use (:func:`optimizer.roster.explain.rosterable`)
are left out, as in the solve.

Usage: ``.venv/bin/python -m bench.instance_bounds [--only M-2] [--time-limit 300]``
(alone on the machine: each instance takes minutes). Prints a table and rewrites the file's
entries of the instances it ran.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from bench import REPO
from optimizer.roster.bound import lp_solution
from optimizer.roster.colgen import column_bound
from optimizer.roster.explain import rosterable
from optimizer.roster.io import load_instance
from optimizer.roster.shifts import enumerate_shift_types

BOUNDS_FILE = REPO / "bench" / "instances" / "bounds.json"
GENERATED = ("M-2", "M-3")  # L-2 / L-3: column generation does not converge in useful time
METHOD = "column generation over the agents' valid weeks (optimizer.roster.colgen.column_bound)"


def stored_entries(path: Path) -> dict[str, dict[str, Any]]:
    """A stored JSON file's entries by instance name (empty when the file is absent); also
    ``bench.best_known``'s."""
    return json.loads(path.read_text()) if path.exists() else {}


def stored_bounds(path: Path = BOUNDS_FILE) -> dict[str, float]:
    """Instance name -> stored lower bound (empty when the file is absent)."""
    return {name: float(entry["bound"]) for name, entry in stored_entries(path).items()}


def compute(path: Path, time_limit_s: float) -> dict[str, Any]:
    """The column bound of the instance at ``path`` and the LP bound of the same agents (plain
    classes), for the table and the file."""
    problem = load_instance(path)
    types = enumerate_shift_types(problem)
    agents, _ = rosterable(problem, types)
    start = time.monotonic()
    result = column_bound(problem, agents, time_limit_s, max_iterations=1000)
    return {
        "bound": round(result.bound, 6),
        "lp_bound": round(lp_solution(problem, agents)[0], 6),
        "converged": result.converged,
        "iterations": result.iterations,
        "columns": result.columns,
        "seconds": round(time.monotonic() - start, 1),
        "method": METHOD,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", action="append", help="instance name (repeatable)")
    parser.add_argument("--time-limit", type=float, default=300.0, help="seconds per instance")
    args = parser.parse_args()
    stored = stored_entries(BOUNDS_FILE)
    print(f"{'inst':5} {'LP bound':>10} {'column bound':>13} {'iterations':>10} "
          f"{'converged':>9} {'seconds':>8}")  # fmt: skip
    for name in args.only or GENERATED:
        entry = compute(REPO / "bench" / "instances" / f"{name}.json", args.time_limit)
        stored[name] = entry
        print(f"{name:5} {entry['lp_bound']:10.3f} {entry['bound']:13.3f} "
              f"{entry['iterations']:10d} {entry['converged']!s:>9} {entry['seconds']:8.1f}",
              flush=True)  # fmt: skip
    BOUNDS_FILE.write_text(json.dumps(stored, indent=2, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
