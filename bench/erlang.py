"""Erlang benchmark: required agents per interval, Staffwise vs pyworkforce 0.5.4.

Inputs (same for both, seeded): one year of 15-minute intervals (35,040) with realistic volumes
of 50 to 2,000 calls per half hour (25 to 1,000 per quarter-hour; intraday, weekday and annual
shape plus noise) and AHT 180-600 s; the week is the year's first 672 intervals. Target 80/20
(80 % answered within 20 s). Erlang A: the same target over all arrivals (pyworkforce's
convention) with mean patience ``--patience-s``.

* Staffwise: one vectorised ``required_agents`` call per case (best of ``--repeats``).
* pyworkforce: ``ErlangC(...).required_positions(service_level=0.8)`` /
  ``ErlangA(...).required_positions(service_level=0.8)`` per interval, as a user calls it,
  timed inside the peer process (``bench/peers.py``, ``.venv-peers``; JSON excluded).
  When its estimated time for a case exceeds ``--peer-budget-s`` a seeded random sample of
  intervals is timed and the total extrapolated (mean seconds per interval x intervals); the
  table says so. Integer agents are compared on every interval pyworkforce computed.

Row "Erlang A requirement, a year of quarter-hours" (issue 23): ``required_agents`` against the
plain numpy implementation of the same formula (the public ``erlang_a_kpis`` quadrature, one
agent at a time from ``ceil(A)`` until 80/20 is met, on the intervals still short), same inputs,
best of ``--repeats`` each; goal <= 0.1 s for Staffwise.

Goals: Erlang C year >= 100x faster than pyworkforce; Erlang A week >= 1,000x faster.
Run: ``.venv/bin/python -m bench.erlang [--repeats 3] [--patience-s 180] [--peer-budget-s 300]
[--no-peer]`` (``--no-peer``: only the Erlang A requirement row, no pyworkforce).
The machine may be shared: the load average is printed next to the figures.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from bench.peers import peer_version, run_peer
from optimizer.erlang import erlang_a_kpis, erlang_c_kpis
from optimizer.requirements import ServiceGoal, StaffingModel, required_agents

INTERVAL_MIN = 15
WEEK, YEAR = 672, 35_040
SL, ANSWER_WITHIN_S = 0.8, 20.0

PEER_SCRIPT = """
import json, sys, time
from pyworkforce.queuing import ErlangA, ErlangC
p = json.load(sys.stdin)
positions, seconds = [], []
for calls, aht_s in zip(p["calls"], p["aht_s"]):
    start = time.perf_counter()
    if p["kind"] == "erlang_c":
        erlang = ErlangC(transactions=calls, aht=aht_s / 60, asa=p["t_s"] / 60,
                         interval=p["interval_min"])
    else:
        erlang = ErlangA(transactions=calls, aht=aht_s / 60, asa=p["t_s"] / 60,
                         interval=p["interval_min"], patience=p["patience_s"] / 60)
    result = erlang.required_positions(service_level=p["sl"])
    seconds.append(time.perf_counter() - start)
    positions.append(int(result["raw_positions"]))
print(json.dumps({"positions": positions, "seconds": seconds}))
"""


def realistic_year(seed: int = 2024) -> tuple[np.ndarray, np.ndarray]:
    """Calls and AHT per quarter-hour for a year: 25-1,000 calls (50-2,000 per half hour)."""
    rng = np.random.default_rng(seed)
    index = np.arange(YEAR)
    hour = (index % 96) / 4.0
    day = index // 96
    intraday = np.exp(-(((hour - 10.5) / 2.2) ** 2)) + 0.8 * np.exp(-(((hour - 15.0) / 2.5) ** 2))
    weekday = np.array([1.2, 1.05, 1.0, 0.95, 1.0, 0.55, 0.4])[day % 7]
    season = 1.0 + 0.2 * np.sin(2 * np.pi * day / 365.0)
    shape = (0.02 + intraday) * weekday * season
    shape = (shape - shape.min()) / (shape.max() - shape.min())
    half_hour = 50.0 + 1950.0 * shape * rng.lognormal(0.0, 0.15, YEAR)
    calls = np.round(np.clip(half_hour, 50.0, 2000.0) / 2.0, 1)
    aht_s = np.clip(
        330.0 + 90.0 * np.sin(2 * np.pi * hour / 24.0) + rng.normal(0, 60, YEAR), 180, 600
    )
    return calls, np.round(aht_s)


@dataclass(frozen=True)
class PeerRun:
    positions: np.ndarray  # integer agents of the intervals computed
    index: np.ndarray  # which intervals (all, or the sample)
    seconds: float  # pyworkforce seconds for all intervals (measured or extrapolated)
    sampled: bool


def plain_erlang_a_requirement(
    calls: np.ndarray, aht_s: np.ndarray, patience_s: float
) -> tuple[np.ndarray, np.ndarray]:
    """The baseline: integer agents for 80/20 and the SL there, by the public Erlang A formula
    evaluated one agent at a time from the offered load on the intervals still short."""
    agents = np.maximum(np.ceil(calls * aht_s / (INTERVAL_MIN * 60.0)), 1.0)
    sl = np.zeros(calls.size)
    todo = np.arange(calls.size)
    while todo.size:
        k = erlang_a_kpis(
            calls[todo],
            aht_s[todo],
            agents[todo],
            interval_s=INTERVAL_MIN * 60.0,
            answer_within_s=ANSWER_WITHIN_S,
            patience_s=patience_s,
        )
        met = k.service_level >= SL
        sl[todo[met]] = k.service_level[met]
        todo = todo[~met]
        agents[todo] += 1.0
    return agents.astype(np.int64), sl


def erlang_a_year_row(calls: np.ndarray, aht_s: np.ndarray, args: argparse.Namespace) -> None:
    """Print the "Erlang A requirement, a year of quarter-hours" row: plain numpy vs Staffwise,
    wall and CPU seconds (CPU time is the fairer figure on a shared machine)."""
    model = StaffingModel("erlang_a", args.patience_s)
    goal = ServiceGoal(SL, ANSWER_WITHIN_S)
    load = os.getloadavg()[0]
    plain_s, plain_cpu, (plain_agents, plain_sl) = best_wall_and_cpu(
        lambda: plain_erlang_a_requirement(calls, aht_s, args.patience_s), args.repeats
    )
    ours_s, ours_cpu, req = best_wall_and_cpu(
        lambda: required_agents(calls, aht_s, interval_min=INTERVAL_MIN, goal=goal, model=model),
        args.repeats,
    )
    same = int(np.sum(req.agents == plain_agents))
    sl_gap = float(np.max(np.abs(req.service_level - plain_sl)))
    print(
        "case | intervals | plain numpy s (before) | Staffwise s (after) | ratio | same agents\n"
        f"Erlang A requirement, a year of quarter-hours | {calls.size:,} | "
        f"{plain_s:.3f} wall, {plain_cpu:.3f} CPU | {ours_s:.3f} wall, {ours_cpu:.3f} CPU | "
        f"{plain_s / ours_s:.1f}x wall, {plain_cpu / ours_cpu:.1f}x CPU | "
        f"{same:,}/{calls.size:,} (SL max |diff| {sl_gap:.1e}); "
        f"load average {load:.2f} -> {os.getloadavg()[0]:.2f}"
    )
    verdict = "met" if ours_cpu <= 0.1 else "NOT met"
    print(f"goal <= 0.1 s: {verdict} ({ours_s:.3f} s wall, {ours_cpu:.3f} s CPU)")


def best_wall_and_cpu(fn: Any, repeats: int) -> tuple[float, float, Any]:
    """Best wall-clock and best CPU (process) seconds over ``repeats`` calls, and the result."""
    wall, cpu, result = float("inf"), float("inf"), None
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        cpu = min(cpu, time.process_time() - start_cpu)
        wall = min(wall, time.perf_counter() - start)
    return wall, cpu, result


def best_seconds(fn: Any, repeats: int) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def run_pyworkforce(
    kind: str, calls: np.ndarray, aht_s: np.ndarray, args: argparse.Namespace
) -> PeerRun:
    """Time pyworkforce on every interval, or on a random sample when it would take too long."""
    rng = np.random.default_rng(7)
    pilot = np.sort(rng.choice(calls.size, size=min(args.pilot, calls.size), replace=False))
    pilot_run = _peer(kind, calls[pilot], aht_s[pilot], args)
    estimate = float(np.mean(pilot_run["seconds"])) * calls.size
    if estimate <= args.peer_budget_s:
        index = np.arange(calls.size)
    else:
        size = int(max(args.pilot, min(calls.size, args.peer_budget_s / estimate * calls.size)))
        index = np.sort(rng.choice(calls.size, size=size, replace=False))
    out = _peer(kind, calls[index], aht_s[index], args)
    per_interval = np.asarray(out["seconds"])
    sampled = index.size < calls.size
    total = float(per_interval.mean() * calls.size) if sampled else float(per_interval.sum())
    return PeerRun(np.asarray(out["positions"]), index, total, sampled)


def _peer(kind: str, calls: np.ndarray, aht_s: np.ndarray, args: argparse.Namespace) -> Any:
    payload = {
        "kind": kind,
        "calls": calls.tolist(),
        "aht_s": aht_s.tolist(),
        "interval_min": INTERVAL_MIN,
        "sl": SL,
        "t_s": ANSWER_WITHIN_S,
        "patience_s": args.patience_s,
    }
    return run_peer(PEER_SCRIPT, payload, timeout_s=4 * args.peer_budget_s + 600)


def explain(
    kind: str, calls: float, aht_s: float, ours: int, theirs: int, patience_s: float
) -> str:
    """Service level at both answers (Staffwise's formulas) to show who is right."""
    agents = np.array([min(ours, theirs) - 1.0, float(ours), float(theirs)])
    kwargs = {"interval_s": INTERVAL_MIN * 60.0, "answer_within_s": ANSWER_WITHIN_S}
    if kind == "erlang_c":
        sl = erlang_c_kpis(calls, aht_s, agents, **kwargs).service_level
    else:
        sl = erlang_a_kpis(calls, aht_s, agents, patience_s=patience_s, **kwargs).service_level
    traffic = calls * aht_s / (INTERVAL_MIN * 60.0)
    if sl[0] < SL <= sl[1] and theirs > ours:
        start = round(traffic + 1) if kind == "erlang_c" else max(1, int(np.ceil(traffic)))
        why = f"pyworkforce starts its search at {start} agents" if theirs == start else "?"
    elif sl[0] < SL <= sl[2] and theirs < ours:
        why = "Staffwise overstaffs?"
    else:
        why = "float tie at the target" if abs(sl[1] - SL) < 1e-9 or abs(sl[2] - SL) < 1e-9 else "?"
    return (
        f"    calls {calls:g}, AHT {aht_s:g} s ({traffic:.2f} Erl): Staffwise {ours}, "
        f"pyworkforce {theirs}; SL at {agents[0]:.0f}/{ours}/{theirs} = "
        f"{sl[0]:.12f}/{sl[1]:.12f}/{sl[2]:.12f}: {why}"
    )


def compare(
    name: str, kind: str, calls: np.ndarray, aht_s: np.ndarray, args: argparse.Namespace
) -> tuple[list[str], list[str]]:
    model = StaffingModel(kind, args.patience_s if kind == "erlang_a" else None)  # type: ignore[arg-type]
    goal = ServiceGoal(SL, ANSWER_WITHIN_S)
    ours_s, req = best_seconds(
        lambda: required_agents(calls, aht_s, interval_min=INTERVAL_MIN, goal=goal, model=model),
        args.repeats,
    )
    peer = run_pyworkforce(kind, calls, aht_s, args)
    mine = req.agents[peer.index]
    differ = np.flatnonzero(mine != peer.positions)
    how = f"sample {peer.index.size}, extrapolated" if peer.sampled else "all intervals"
    row = [
        name,
        f"{calls.size:,}",
        f"{ours_s:.4f}",
        f"{peer.seconds:.2f} ({how})",
        f"{peer.seconds / ours_s:,.0f}x",
        f"{peer.index.size - differ.size}/{peer.index.size}",
    ]
    notes = [
        explain(
            kind,
            calls[peer.index[i]],
            aht_s[peer.index[i]],
            int(mine[i]),
            int(peer.positions[i]),
            args.patience_s,
        )
        for i in differ[:10]
    ]
    return row, notes


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--patience-s", type=float, default=180.0)
    parser.add_argument("--peer-budget-s", type=float, default=300.0)
    parser.add_argument("--pilot", type=int, default=20, help="intervals timed to estimate")
    parser.add_argument("--no-peer", action="store_true", help="only the Erlang A year row")
    args = parser.parse_args()
    calls, aht_s = realistic_year()
    erlang_a_year_row(calls, aht_s, args)
    if args.no_peer:
        return 0
    print(f"pyworkforce: {peer_version()}; load average {os.getloadavg()[0]:.2f} (2 shared cores)")
    print(
        f"inputs: {YEAR:,} quarter-hours, {calls.min() * 2:.0f}-{calls.max() * 2:.0f} calls per "
        f"half hour, AHT {aht_s.min():.0f}-{aht_s.max():.0f} s, target 80/20; "
        f"Erlang A patience {args.patience_s:g} s"
    )
    cases = [
        ("Erlang C, week", "erlang_c", calls[:WEEK], aht_s[:WEEK]),
        ("Erlang C, year", "erlang_c", calls, aht_s),
        ("Erlang A, week", "erlang_a", calls[:WEEK], aht_s[:WEEK]),
    ]
    header = ["case", "intervals", "Staffwise s", "pyworkforce s", "speed-up", "same agents"]
    rows, notes = [header], []
    for name, kind, c, h in cases:
        row, why = compare(name, kind, c, h, args)
        rows.append(row)
        notes += [f"  {name}: differs" if why else "", *why]
        print(f"  done: {name}", flush=True)
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    for r in rows:
        print(" | ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)))
    for line in notes:
        if line:
            print(line)
    c_year = float(rows[2][4].rstrip("x").replace(",", ""))
    a_week = float(rows[3][4].rstrip("x").replace(",", ""))
    print(f"goal Erlang C year >= 100x: {'met' if c_year >= 100 else 'NOT met'} ({c_year:,.0f}x)")
    print(
        f"goal Erlang A week >= 1,000x: {'met' if a_week >= 1000 else 'NOT met'} ({a_week:,.0f}x)"
    )
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
