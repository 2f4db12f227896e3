"""Seeded 24/7 roster instances (``staffwise-roster-instance/3``): open all week, a night
requirement, overnight shifts and contracts for night workers.

Every day is open 00:00-24:00 with ``overnight_shifts``, so a shift may start late in the
evening and end the next morning (22:00-06:00); the last day's night runs into next week's
Monday, whose coverage is not this week's. Agents: full-timers on days (availability 06:00-22:00
of the day), night workers (start from 20:00, end by 08:00 next morning, ``NIGHT40``) and
flexible part-timers (any time). Last week's tail: every third night worker (the first included)
worked last Sunday night, so their ``history.last_shift_end_minute`` is positive (their shift
ended on this Monday morning) and their Monday starts are limited by the rest rule. Long shifts
take the two-breaks-and-lunch rule set
(:func:`optimizer.roster.break_rules.two_breaks_and_lunch`, lunch 30 or 60 min), shorter ones
one break. The requirement follows an hourly profile (night about a quarter of the day peak, at
least one agent at every hour) scaled to ``u`` ~ U(0.9, 1.0) times the workforce's productive
capacity, with 8 % noise.

Usage: ``.venv/bin/python -m optimizer.roster.generate_night 60 1 -o bench/instances/N-1.json``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["generate_247"]

HOURLY = [0.25, 0.22, 0.2, 0.2, 0.22, 0.3, 0.45, 0.65, 0.85, 1.0, 1.0, 0.95,
          0.9, 0.95, 1.0, 0.95, 0.85, 0.75, 0.65, 0.55, 0.45, 0.38, 0.32, 0.28]  # fmt: skip
DAY_FACTOR = [1.1, 1.05, 1.0, 1.0, 0.95, 0.7, 0.6]
CONTRACTS = [
    {"id": "FT40", "shift_paid_minutes": [480], "min_weekly_paid_minutes": 2400,
     "max_weekly_paid_minutes": 2400, "max_days": 5},
    {"id": "NIGHT40", "label": "night worker 5 x 8h", "shift_paid_minutes": [480],
     "min_weekly_paid_minutes": 2400, "max_weekly_paid_minutes": 2400, "max_days": 5},
    {"id": "PT24", "shift_paid_minutes": [240, 300, 360], "min_weekly_paid_minutes": 960,
     "max_weekly_paid_minutes": 1440, "max_days": 4},
]  # fmt: skip
WINDOWS = {"FT40": [360, 1320], "NIGHT40": [1200, 1920], "PT24": [0, 2880]}
SHARES = (("FT40", 0.55), ("NIGHT40", 0.25), ("PT24", 0.2))


def _rules(granularity: int) -> dict[str, Any]:
    one_break = {"kind": "break", "minutes": 15, "paid": True,
                 "window": {"from": "start", "earliest": 60, "latest": 180},
                 "min_minutes_to_other_end": 60}  # fmt: skip
    return {
        "shift_start_granularity_minutes": granularity,
        "min_rest_between_shifts_minutes": 660,
        "max_consecutive_working_days": 6,
        "min_days_off_per_week": 2,
        "min_work_between_activities_minutes": 60,
        "break_rule_sets": [
            {"min_paid_minutes": 240, "max_paid_minutes": 450, "activities": [one_break],
             "min_work_between_activities_minutes": 60},
            {"min_paid_minutes": 450, "max_paid_minutes": None,
             "min_work_between_activities_minutes": 60, "activities": [
                 {"kind": "break", "minutes": 15, "paid": True,
                  "window": {"from": "start", "earliest": 60, "latest": 150}},
                 {"kind": "lunch", "minutes": [30, 60], "paid": False,
                  "window": {"from": "start", "earliest": 180, "latest": 300}},
                 {"kind": "break", "minutes": 15, "paid": True,
                  "window": {"from": "end", "earliest": 60, "latest": 150}}]},
        ],
    }  # fmt: skip


def _agent(
    rng: np.random.Generator, number: int, contract: str, sunday_night: bool
) -> dict[str, Any]:
    history: dict[str, Any] = {"consecutive_days_worked": int(rng.integers(0, 4))}
    if sunday_night:
        history = {"consecutive_days_worked": int(rng.integers(1, 4)), "last_shift_end_minute": 360}
    elif history["consecutive_days_worked"]:
        history["last_shift_end_minute"] = int(-1440 + rng.choice([1020, 1140, 1260]))
    return {
        "id": f"N{number:03d}",
        "contract": contract,
        "availability": [WINDOWS[contract]] * 7,
        "history": history,
    }


def _requirement(
    rng: np.random.Generator, interval_min: int, on_phone_min: float
) -> list[list[int]]:
    per_hour = 60 // interval_min
    base = np.repeat(np.asarray(HOURLY), per_hour)[None, :] * np.asarray(DAY_FACTOR)[:, None]
    base = base * rng.normal(1.0, 0.08, size=base.shape)
    u = rng.uniform(0.9, 1.0)
    scale = u * on_phone_min / (base.sum() * interval_min)
    return np.maximum(1, np.round(base * scale)).astype(int).tolist()


def generate_247(
    agents: int, seed: int, interval_min: int = 15, granularity: int = 60
) -> dict[str, Any]:
    """A seeded 24/7 instance of ``agents`` agents on an ``interval_min`` grid."""
    rng = np.random.default_rng(seed)
    counts = [(c, round(share * agents)) for c, share in SHARES]
    counts[0] = (counts[0][0], agents - sum(n for _, n in counts[1:]))
    people = [c for c, n in counts for _ in range(n)]
    first_night = people.index("NIGHT40") if "NIGHT40" in people else 0
    staff = [
        _agent(rng, i + 1, c, c == "NIGHT40" and (i - first_night) % 3 == 0)
        for i, c in enumerate(people)
    ]
    paid = {"FT40": 2400, "NIGHT40": 2400, "PT24": 1200}
    on_phone = sum(paid[c] for c in people) * 0.94  # breaks off the phone
    return {
        "schema": "staffwise-roster-instance/3",
        "name": f"N-{seed}",
        "generator": "optimizer.roster.generate_night",
        "seed": seed,
        "overnight_shifts": True,
        "interval_minutes": interval_min,
        "days": 7,
        "opening_hours": [[0, 1440]] * 7,
        "requirement": _requirement(rng, interval_min, on_phone),
        "rules": _rules(granularity),
        "contracts": CONTRACTS,
        "agents": staff,
        "objective": {"under_per_agent_interval": 1.0, "over_per_agent_interval": 0.1,
                      "paid_per_agent_interval": 0.002},
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("agents", type=int)
    parser.add_argument("seed", type=int)
    parser.add_argument("--interval", type=int, default=15)
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args(argv)
    doc = generate_247(args.agents, args.seed, args.interval)
    args.output.write_text(json.dumps(doc, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
