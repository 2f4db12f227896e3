"""Pooling benchmark: agent-hours for the same simulated per-queue goals, half the agents
cross-trained vs all dedicated; plus the multi-skill simulator's checks.

Cases: 2-4 voice queues, stationary loads over a block of ``--intervals`` 30-minute intervals
(the ``day profile`` case: from 30 % of the peak to the peak and back),
AHT 300 s, goal 80 % within 20 s per queue and interval (one-sided 95 % bound over the
replications, :func:`optimizer.simulation.goal_met`), exponential handle times, no abandonment
(case ``2q patience`` adds exponential patience of 180 s).

* ``dedicated``: one group per queue; :func:`optimizer.requirements.multiskill.multiskill_staffing`
  from the Erlang requirement (simulation repair + removals) gives the simulated minimum.
* ``50 % cross-trained``: from the dedicated result, half of each queue's agents (rounded down)
  move to the cross-trained groups serving it (2 queues: one group ``ab``; 3-4 queues: a chain
  ``ab, bc, cd, da``, equal priority: longest wait first); the same search removes agents
  while every queue keeps its goal. The share of cross-trained agents at the end is reported.

Checks (time scaled tenfold, AHT 30 s and T 2 s, so that each interval holds many calls):
one queue vs Erlang C / Erlang A (simulated mean and 95 % interval vs the closed form), two
identical pooled queues vs one queue of double volume, and the exact reduction to the
single-queue simulator. Common random numbers: every plan of a case uses the same seed.

Run: ``.venv/bin/python -m bench.pooling [--replications R] [--intervals N] [--seed S]``
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from optimizer.erlang import erlang_a_kpis, erlang_c_kpis
from optimizer.requirements import ServiceGoal
from optimizer.requirements.multiskill import multiskill_staffing
from optimizer.simulation import SimulationConfig, simulate_queue
from optimizer.simulation.multiskill import (
    SkillGroup,
    SkillQueue,
    simulate_multiskill,
)
from optimizer.simulation.results import summarise

INTERVAL_MIN = 30
AHT_S = 300.0
GOAL = ServiceGoal(service_level=0.8, answer_within_s=20.0)
CASES = {  # name: (offered load per queue in Erlangs, patience_s)
    "2q 10+10 Erl": ((10.0, 10.0), None),
    "2q 5+20 Erl": ((5.0, 20.0), None),
    "2q 10+10 Erl, patience 180 s": ((10.0, 10.0), 180.0),
    "3q 8+8+8 Erl": ((8.0, 8.0, 8.0), None),
    "4q 6+6+6+6 Erl": ((6.0, 6.0, 6.0, 6.0), None),
    "2q 10+10 Erl peak, day profile": ((10.0, 10.0), None),
}
PROFILED = "day profile"  # loads rise from 30 % of the peak to the peak and back


def _profile(n: int) -> np.ndarray:
    return 0.3 + 0.7 * np.sin(np.linspace(0.0, np.pi, n)) ** 2


def _cross_groups(names: list[str]) -> list[SkillGroup]:
    if len(names) == 2:
        return [SkillGroup("".join(names), tuple(names), levels=(0, 0))]
    pairs = [(names[i], names[(i + 1) % len(names)]) for i in range(len(names))]
    return [SkillGroup(a + b, (a, b), levels=(0, 0)) for a, b in pairs]


def _half_cross_trained(
    dedicated: np.ndarray, names: list[str], cross: list[SkillGroup]
) -> np.ndarray:
    """Half of each queue's agents moved, evenly, to the cross-trained groups serving it."""
    moved = dedicated // 2
    plan = np.vstack([dedicated - moved, np.zeros((len(cross), dedicated.shape[1]), np.int64)])
    for q, name in enumerate(names):
        serving = [len(names) + c for c, group in enumerate(cross) if name in group.queues]
        share, rest = np.divmod(moved[q], len(serving))
        for i, g in enumerate(serving):
            plan[g] += share + (rest > i)
    return plan


def pooling_row(
    name: str, loads: tuple[float, ...], patience_s: float | None, args: argparse.Namespace
) -> str:
    names = ["abcd"[q] for q in range(len(loads))]
    shape = _profile(args.intervals) if PROFILED in name else np.ones(args.intervals)
    calls = [shape * load / AHT_S * INTERVAL_MIN * 60.0 for load in loads]
    queues = [SkillQueue(n, c, AHT_S) for n, c in zip(names, calls, strict=True)]
    config = SimulationConfig(
        interval_min=INTERVAL_MIN,
        replications=args.replications,
        seed=args.seed,
        patience="exponential" if patience_s else "none",
        patience_s=patience_s,
    )
    goals = [GOAL] * len(queues)
    started = time.perf_counter()
    specialists = [SkillGroup(n, (n,)) for n in names]
    dedicated = multiskill_staffing(queues, specialists, goals, config, max_simulations=120)
    cross = _cross_groups(names)
    start = _half_cross_trained(dedicated.agents, names, cross)
    pooled = multiskill_staffing(
        queues, specialists + cross, goals, config, start=start, max_simulations=120
    )
    seconds = time.perf_counter() - started
    hours = [p.agent_hours(INTERVAL_MIN) for p in (dedicated, pooled)]
    share = pooled.agents[len(names) :].sum() / pooled.agents.sum()
    erlang_h = dedicated.start_agents.sum() * INTERVAL_MIN / 60.0
    ok = "yes" if dedicated.met.all() and pooled.met.all() else "NO"
    runs = dedicated.simulations + pooled.simulations
    return (
        f"| {name} | {erlang_h:.1f} | {hours[0]:.1f} | {hours[1]:.1f} | "
        f"{100 * (1 - hours[1] / hours[0]):.1f} % | {100 * share:.0f} % | {ok} | {runs} | "
        f"{seconds:.1f} |"
    )


def _ci(estimate: object) -> str:
    e = estimate
    return f"{e.mean:.4f} [{e.ci_low:.4f}, {e.ci_high:.4f}]"  # type: ignore[attr-defined]


def closed_form_rows(args: argparse.Namespace) -> list[str]:
    """One queue served by two groups (7 specialists + 6 also on an empty queue) vs Erlang."""
    n, aht, within = 60, 30.0, 2.0
    queues = [
        SkillQueue("v", np.full(n, 10.0 / aht * 900.0), aht),
        SkillQueue("x", np.zeros(n), aht),
    ]
    groups = [SkillGroup("v", ("v",)), SkillGroup("vx", ("x", "v"))]
    rows = []
    for model, patience_s, agents in (("Erlang C", None, (7, 6)), ("Erlang A", 18.0, (5, 6))):
        config = SimulationConfig(
            replications=args.replications, seed=args.seed, answer_within_s=within,
            patience="exponential" if patience_s else "none", patience_s=patience_s,
        )  # fmt: skip
        plan = np.repeat(np.array(agents)[:, None], n, axis=1)
        sim = simulate_multiskill(queues, groups, plan, config).queue("v").summary(2)
        calls, total = 10.0 / aht * 900.0, sum(agents)
        if patience_s:
            ref = erlang_a_kpis(
                calls, aht, total, interval_s=900.0, answer_within_s=within, patience_s=patience_s
            )
        else:
            ref = erlang_c_kpis(calls, aht, total, interval_s=900.0, answer_within_s=within)
        for kpi in ("service_level", "asa_s", "abandon_rate"):
            exact = float(getattr(ref, kpi)[0])
            est = getattr(sim, kpi)
            inside = "yes" if est.ci_low - 1e-9 <= exact <= est.ci_high + 1e-9 else "no"
            rows.append(
                f"| {model} 10 Erl on {total} agents (2 groups) | {kpi} | {exact:.4f} | "
                f"{_ci(est)} | {est.mean - exact:+.4f} | {inside} |"
            )
    return rows


def pooled_vs_double_rows(args: argparse.Namespace) -> list[str]:
    n, aht = 60, 30.0
    config = SimulationConfig(replications=args.replications, seed=args.seed, answer_within_s=2.0)
    one = simulate_queue(np.full(n, 10.0 / aht * 900.0), aht, 13, config).summary(2)
    half = np.full(n, 5.0 / aht * 900.0)
    queues = [SkillQueue("a", half, aht), SkillQueue("b", half, aht)]
    config2 = SimulationConfig(
        replications=args.replications, seed=args.seed + 1, answer_within_s=2.0
    )
    result = simulate_multiskill(
        queues, [SkillGroup("ab", ("a", "b"), levels=(0, 0))], np.full((1, n), 13), config2
    )
    totals = result.queues[0].totals + result.queues[1].totals
    pooled = summarise(totals[:, 2:], np.full(n - 2, 13 * 900.0), config.confidence)
    rows = []
    for kpi in ("service_level", "asa_s", "occupancy"):
        a, b = getattr(one, kpi), getattr(pooled, kpi)
        rows.append(
            f"| 2 x 5 Erl pooled on 13 vs 10 Erl on 13 | {kpi} | {_ci(a)} | {_ci(b)} | "
            f"{b.mean - a.mean:+.4f} |"
        )
    return rows


def reduction_row(args: argparse.Namespace) -> str:
    rng = np.random.default_rng(args.seed)
    calls, agents = rng.uniform(0, 300, 48), rng.integers(0, 40, 48)
    same = []
    for drop in ("finish_call", "strict_stop"):
        config = SimulationConfig(
            replications=args.replications, seed=args.seed, staffing_drop=drop,
            patience="exponential", patience_s=120.0,
        )  # fmt: skip
        single = simulate_queue(calls, 240.0, agents, config)
        multi = simulate_multiskill(
            [SkillQueue("v", calls, 240.0)], [SkillGroup("g", ("v",))], agents, config
        )
        same.append(bool(np.array_equal(single.totals, multi.queues[0].totals)))
    return (
        "one queue + one group vs simulate_queue, 48 random intervals, both drop modes: "
        f"identical counters {all(same)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=30)
    parser.add_argument("--intervals", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(
        f"replications {args.replications}, seed {args.seed}, {args.intervals} x {INTERVAL_MIN}"
        " min, goal 80/20 per queue and interval at the one-sided 95 % bound"
    )
    print(
        "\n| case | Erlang dedicated h | simulated dedicated h | 50 % cross-trained h | saving "
        "| cross-trained share at end | goals met | runs | s |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, (loads, patience_s) in CASES.items():
        print(pooling_row(name, loads, patience_s, args), flush=True)
    print("\n| check | KPI | closed form | simulated mean [95 % CI] | error | inside CI |")
    print("| --- | --- | --- | --- | --- | --- |")
    print("\n".join(closed_form_rows(args)))
    print(
        "\n| check | KPI | one queue, double volume [95 % CI] | two pooled queues [95 % CI] "
        "| difference |"
    )
    print("| --- | --- | --- | --- | --- |")
    print("\n".join(pooled_vs_double_rows(args)))
    print("\n" + reduction_row(args))


if __name__ == "__main__":
    main()
