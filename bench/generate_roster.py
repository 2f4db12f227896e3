"""Seeded contact-center roster instances like the shared S/M/L ones (interchange format).

Follows ``shared/data/rosters/contact_center/README.md``: S = 30 agents, business hours
(Mon-Fri 08-20, Sat 09-17, Sun closed), 30-minute starts, availability templates clipped to
the opening hours (no last-Sunday tail); M = 150 agents and L = 600 agents,
extended hours (Mon-Fri 07-22, Sat 08-20, Sun 09-18), 15-minute starts; contracts FT40 / PT30 /
PT20 (about 68 / 17 / 15 %), availability templates (any, no_weekend, morning, evening, early,
weekday_daytime, student) per contract in the shared L-1's proportions, one absent day for about one
agent in eight (weekly bounds and day limit reduced), last week's tail (consecutive days and a
Sunday shift end) for about half the agents. Demand: a call curve with a weekday double peak and
a weekend single peak, day factors Mon 1.12 ... Sun 0.45, 6 % noise, turned into agents on the
phone by Erlang C (80 % in 20 s) and scaled so that the requirement is ``u`` ~ U(0.95, 1.05)
times the workforce's mid-range productive capacity. Lunch 30 or 60 min, consecutive-day
limit 5 or 6, per instance. As in the README, every agent has a valid week (checked with the
exact pricing of :mod:`optimizer.roster.pricing`); a last week's tail that leaves none is
emptied (``summary.agents_with_history_relaxed``). The LP bound of each generated instance
comes from our own LP (:func:`optimizer.roster.bound.lp_lower_bound`), not a published list.

Usage: ``.venv/bin/python -m bench.generate_roster M 2 [-o bench/instances/M-2.json]``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np

from bench import REPO
from optimizer.requirements.compute import required_agents
from optimizer.roster.constraints.availability import agent_shift_types
from optimizer.roster.io import load_instance
from optimizer.roster.pricing import WeekPricer
from optimizer.roster.shifts import enumerate_shift_types

SIZES = {"S": 30, "M": 150, "L": 600}
EXTENDED = [[420, 1320]] * 5 + [[480, 1200], [540, 1080]]
BUSINESS = [[480, 1200]] * 5 + [[540, 1020], None]
OPENING = {"S": BUSINESS, "M": EXTENDED, "L": EXTENDED}
GRANULARITY = {"S": 30, "M": 15, "L": 15}  # minutes between shift starts
DAY_FACTOR = [1.12, 1.05, 1.0, 1.0, 0.98, 0.6, 0.45]
TEMPLATES = {  # template: (weekday window, Saturday, Sunday)
    "any": ((420, 1320), (480, 1200), (540, 1080)),
    "no_weekend": ((420, 1320), None, None),
    "morning": ((420, 900), (480, 900), (540, 900)),
    "evening": ((780, 1320), (780, 1200), (780, 1080)),
    "early": ((420, 1080), (480, 1080), (540, 1080)),
    "weekday_daytime": ((480, 1020), None, None),
    "student": ((900, 1320), (480, 1200), (540, 1080)),
}
TEMPLATE_SHARES = {  # per contract, as in the shared L-1 (full-timers: long windows only)
    "FT40": {"any": 0.77, "no_weekend": 0.13, "early": 0.10},
    "PT30": {"morning": 0.26, "evening": 0.22, "any": 0.22, "weekday_daytime": 0.18,
             "student": 0.12},
    "PT20": {"morning": 0.32, "evening": 0.25, "any": 0.18, "student": 0.16,
             "weekday_daytime": 0.09},
}  # fmt: skip
CONTRACTS: list[dict[str, Any]] = [
    {"id": "FT40", "label": "full-time 5 x 8h", "shift_paid_minutes": [480],
     "min_weekly_paid_minutes": 2400, "max_weekly_paid_minutes": 2400, "max_days": 5},
    {"id": "PT30", "label": "part-time 20-30h, 4-6h shifts",
     "shift_paid_minutes": [240, 270, 300, 330, 360], "min_weekly_paid_minutes": 1200,
     "max_weekly_paid_minutes": 1800, "max_days": 5},
    {"id": "PT20", "label": "part-time 16-20h, 4-6h shifts",
     "shift_paid_minutes": [240, 270, 300, 330, 360], "min_weekly_paid_minutes": 960,
     "max_weekly_paid_minutes": 1200, "max_days": 4},
]  # fmt: skip
SHARES = {"FT40": 0.68, "PT30": 0.17, "PT20": 0.15}
ABSENT = {"FT40": (480, 480), "PT30": (300, 240), "PT20": (300, 240)}  # min, max reduction


def _activity(duration: int, paid: bool, at_least: int, lo: int, hi: int) -> dict[str, Any]:
    return {
        "duration_minutes": duration, "paid": paid, "required_if_paid_minutes_at_least": at_least,
        "earliest_start_after_shift_start_minutes": lo,
        "latest_start_after_shift_start_minutes": hi, "min_minutes_before_shift_end": 60,
    }  # fmt: skip


def _within(window: tuple[int, int] | None, opening: list[int] | None) -> list[int] | None:
    """A template's window clipped to the day's opening hours (``None``: closed or empty)."""
    if window is None or opening is None:
        return None
    lo, hi = max(window[0], opening[0]), min(window[1], opening[1])
    return [lo, hi] if hi > lo else None


def _agent(rng: np.random.Generator, number: int, opening: list[Any]) -> dict[str, Any]:
    contract = str(rng.choice(list(SHARES), p=list(SHARES.values())))
    shares = TEMPLATE_SHARES[contract]
    template = str(rng.choice(list(shares), p=list(shares.values())))
    weekday, saturday, sunday = TEMPLATES[template]
    windows = [weekday] * 5 + [saturday, sunday]
    availability = [_within(w, o) for w, o in zip(windows, opening, strict=True)]
    sunday = sunday if availability[6] is not None else None
    spec = next(c for c in CONTRACTS if c["id"] == contract)
    low, high, days = (
        spec["min_weekly_paid_minutes"],
        spec["max_weekly_paid_minutes"],
        spec["max_days"],
    )
    absences: list[int] = []
    open_days = [d for d, w in enumerate(availability) if w is not None]
    if rng.random() < 0.125:
        absences = [int(rng.choice(open_days))]
        availability[absences[0]] = None
        cut_low, cut_high = ABSENT[contract]
        low, high, days = low - cut_low, high - cut_high, days - 1
    history: dict[str, Any] = {"consecutive_days_worked": 0, "last_shift_end_minute": None}
    if rng.random() < 0.5 and sunday is not None:  # worked last Sunday
        history = {
            "consecutive_days_worked": int(rng.integers(1, 6)),
            "last_shift_end_minute": -15 * int(rng.integers(24, 45)),  # Sun 13:00-18:45
        }
    return {
        "id": f"A{number:03d}", "contract": contract, "availability_template": template,
        "availability": availability, "absences": absences, "min_weekly_paid_minutes": low,
        "max_weekly_paid_minutes": high, "max_days": days, "history": history,
    }  # fmt: skip


def _curve(rng: np.random.Generator, opening: list[Any]) -> np.ndarray:
    """Relative call volume per day x 15-minute interval (0 outside the opening hours)."""
    t = np.arange(96) / 4.0 + 0.125
    weekday = 1.0 * np.exp(-(((t - 10.5) / 2.4) ** 2)) + 0.8 * np.exp(-(((t - 14.5) / 2.8) ** 2))
    weekday += 0.35 * np.exp(-(((t - 19.0) / 3.0) ** 2))
    weekend = np.exp(-(((t - 13.0) / 3.0) ** 2)) + 0.1
    out = np.zeros((7, 96))
    for d, hours in enumerate(opening):
        if hours is None:
            continue
        lo, hi = hours
        shape = weekday if d < 5 else weekend
        noise = rng.normal(1.0, 0.06, 96)
        inside = (t * 60 >= lo) & (t * 60 < hi)
        out[d] = np.where(inside, DAY_FACTOR[d] * shape * np.clip(noise, 0.7, 1.3), 0.0)
    return out


def _requirement(curve: np.ndarray, scale: float, aht: float) -> np.ndarray:
    calls = curve * scale
    need = required_agents(calls.ravel(), aht).agents.reshape(calls.shape)
    return np.where(curve > 0, np.maximum(need, 2), 0)


def _scaled(curve: np.ndarray, aht: float, target: float) -> tuple[float, np.ndarray]:
    """Call-volume scale whose Erlang C requirement sums to ``target`` agent-intervals."""
    lo, hi = 0.0, 1.0
    while _requirement(curve, hi, aht).sum() < target:
        hi *= 2
    for _ in range(30):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if _requirement(curve, mid, aht).sum() < target else (lo, mid)
    return hi, _requirement(curve, hi, aht)


def generate(size: str, seed: int) -> dict[str, Any]:
    """A seeded instance of ``size`` (``S``, ``M`` or ``L``) named ``{size}-{seed}``."""
    rng = np.random.default_rng(1000 * seed + SIZES[size])
    opening = OPENING[size]
    agents = [_agent(rng, i + 1, opening) for i in range(SIZES[size])]
    lunch = int(rng.choice([30, 60]))
    capacity = sum(
        (a["min_weekly_paid_minutes"] + a["max_weekly_paid_minutes"]) / 2 / 15 * (1 - 15 / 420)
        for a in agents
    )
    u = float(rng.uniform(0.95, 1.05))
    aht = float(rng.uniform(280.0, 420.0))
    curve = _curve(rng, opening)
    scale, need = _scaled(curve, aht, u * capacity)
    calls = np.round(curve * scale, 2)
    data = {
        "schema": "staffwise-roster-instance/1", "name": f"{size}-{seed}", "size": size,
        "seed": seed, "generator": "bench/generate_roster.py", "interval_minutes": 15, "days": 7,
        "day_names": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], "opening_hours": opening,
        "rules": {
            "shift_start_granularity_minutes": GRANULARITY[size],
            "min_rest_between_shifts_minutes": 660,
            "max_consecutive_working_days": int(rng.choice([5, 6])), "min_days_off_per_week": 2,
            "min_work_between_activities_minutes": 60,
            "break": _activity(15, True, 240, 60, 1440),
            "lunch": _activity(lunch, False, 360, 180, 300),
        },
        "contracts": CONTRACTS,
        "objective": {"under_per_agent_interval": 1.0, "over_per_agent_interval": 0.1,
                      "paid_per_agent_interval": 0.002},
        "agents": agents,
        "requirement": need.astype(int).tolist(),
        "demand_provenance": {"aht_seconds": round(aht, 1), "service_level_target": 0.8,
                              "service_level_seconds": 20.0, "model": "Erlang C",
                              "capacity_ratio_u": round(u, 4), "calls_scale": round(scale, 3),
                              "minimum_staffing_when_open": 2,
                              "calls_per_interval": calls.tolist()},
        "summary": {"agents": len(agents), "required_agent_intervals": int(need.sum()),
                    "expected_productive_capacity_intervals": round(capacity, 1)},
    }  # fmt: skip
    data["summary"]["agents_with_history_relaxed"] = _relax_histories(data)
    return data


def _stuck(data: dict[str, Any]) -> list[int]:
    """Indices of the agents without any valid week (exact pricing with zero prices)."""
    problem = load_instance(data)
    types = enumerate_shift_types(problem)
    out = []
    for i, person in enumerate(problem.agents):
        own = agent_shift_types(problem, types, person)
        value, _ = WeekPricer(problem, person, own).cheapest({st.index: 0.0 for st in own})
        if not np.isfinite(value):
            out.append(i)
    return out


def _relax_histories(data: dict[str, Any]) -> int:
    """As the README's generator: an agent whose last week's tail leaves no valid week gets
    an empty tail; returns how many. An agent still without one is a generator error."""
    stuck = _stuck(data)
    for i in stuck:
        data["agents"][i]["history"] = {"consecutive_days_worked": 0, "last_shift_end_minute": None}
    left = _stuck(data) if stuck else []
    if left:
        raise RuntimeError(
            f"agents without a valid week: {[data['agents'][i]['id'] for i in left]}"
        )
    return len(stuck)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("size", choices=sorted(SIZES))
    parser.add_argument("seed", type=int)
    parser.add_argument("-o", "--output", type=Path)
    args = parser.parse_args()
    data = generate(args.size, args.seed)
    out = args.output or REPO / "bench" / "instances" / f"{data['name']}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, separators=(",", ":")) + "\n")
    summary = data["summary"]
    print(f"{out}: {summary['agents']} agents, {summary['required_agent_intervals']} required")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
