"""Tiny roster instances for the roster tests (``staffwise-roster-instance/1`` dicts)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from optimizer.roster.compose import ActivityCounts, Incumbent
from optimizer.roster.problem import Roster, RosterProblem
from optimizer.roster.shifts import ShiftType, enumerate_shift_types

RULES: dict[str, Any] = {
    "shift_start_granularity_minutes": 30,
    "min_rest_between_shifts_minutes": 660,
    "max_consecutive_working_days": 5,
    "min_days_off_per_week": 1,
    "min_work_between_activities_minutes": 60,
    "break": {
        "duration_minutes": 15,
        "paid": True,
        "required_if_paid_minutes_at_least": 240,
        "earliest_start_after_shift_start_minutes": 60,
        "latest_start_after_shift_start_minutes": 1440,
        "min_minutes_before_shift_end": 60,
    },
    "lunch": {
        "duration_minutes": 30,
        "paid": False,
        "required_if_paid_minutes_at_least": 360,
        "earliest_start_after_shift_start_minutes": 180,
        "latest_start_after_shift_start_minutes": 300,
        "min_minutes_before_shift_end": 60,
    },
}

CONTRACTS = [
    {
        "id": "FT",
        "shift_paid_minutes": [480],
        "min_weekly_paid_minutes": 960,
        "max_weekly_paid_minutes": 960,
        "max_days": 2,
    },
    {
        "id": "PT",
        "shift_paid_minutes": [240, 360],
        "min_weekly_paid_minutes": 240,
        "max_weekly_paid_minutes": 720,
        "max_days": 2,
    },
]


def agent(aid: str, contract: str = "PT", days: int = 3, **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": aid,
        "contract": contract,
        "availability": [[420, 1260]] * days,
        "history": {"consecutive_days_worked": 0, "last_shift_end_minute": None},
    }
    base.update(extra)
    return base


def drawn_agents(draw: st.DrawFn, days: int) -> list[dict[str, Any]]:
    """One to four agents (``A0``.., contract PT or FT) for a hypothesis instance: each day off
    with probability 1/4, else a window of at least 4 hours; a random rest history."""
    agents = []
    for i in range(draw(st.integers(1, 4))):
        windows: list[list[int] | None] = []
        for _ in range(days):
            if draw(st.integers(0, 3)) == 0:
                windows.append(None)
                continue
            lo = draw(st.sampled_from([420, 480, 600, 720]))
            hi = draw(st.sampled_from([900, 1080, 1260]))
            windows.append([lo, max(hi, lo + 240)])
        last_end = draw(st.sampled_from([None, -60, -240, -600]))
        history = {
            "consecutive_days_worked": draw(st.integers(0, 6)) if last_end else 0,
            "last_shift_end_minute": last_end,
        }
        contract = draw(st.sampled_from(["PT", "FT"]))
        agents.append(agent(f"A{i}", contract, days, availability=windows, history=history))
    return agents


def requirement(days: int, level: int = 1, open_min: int = 480, close_min: int = 1200) -> list:
    return [
        [level if open_min <= t * 15 < close_min else 0 for t in range(96)] for _ in range(days)
    ]


def peak_site(team: list[dict[str, Any]], peak: int) -> dict[str, Any]:
    """Four days open 08:00-20:00 needing two agents, ``peak`` on day 1 from 10:00 to 14:00
    and one agent on the quiet day 3 from 08:00 to 12:00: weeks that class totals do not
    decide (the price-and-branch and dive tests)."""
    days = 4
    req = requirement(days, 2, 480, 1200)
    req[1][40:56] = [peak] * 16
    req[3] = [1 if 32 <= t < 48 else 0 for t in range(96)]
    return tiny_instance(team, days=days, requirement=req)


def tiny_instance(
    agents: list[dict[str, Any]] | None = None, days: int = 3, **overrides: Any
) -> dict[str, Any]:
    """A 3-day instance, open 07:00-21:00, one part-timer, one agent required all day."""
    doc: dict[str, Any] = {
        "schema": "staffwise-roster-instance/1",
        "name": "tiny",
        "interval_minutes": 15,
        "days": days,
        "opening_hours": [[420, 1260]] * days,
        "requirement": requirement(days),
        "rules": copy.deepcopy(RULES),
        "contracts": copy.deepcopy(CONTRACTS),
        "agents": agents if agents is not None else [agent("A1", days=days)],
        "objective": {
            "under_per_agent_interval": 1.0,
            "over_per_agent_interval": 0.1,
            "paid_per_agent_interval": 0.002,
        },
    }
    doc.update(overrides)
    return doc


def cli_solve(tmp_path: Path, doc: dict[str, Any], name: str) -> tuple[list[str], Path, Path]:
    """``roster solve`` arguments (5 s, one worker) for ``doc`` written to ``tmp_path/name``,
    the roster going to ``tmp_path/roster.json``; with the instance and roster paths."""
    instance = tmp_path / name
    instance.write_text(json.dumps(doc))
    out = tmp_path / "roster.json"
    args = ["roster", "solve", str(instance), "--time-limit", "5", "-o", str(out), "--workers", "1"]
    return args, instance, out


def incumbent_of(problem: RosterProblem, roster: Roster) -> tuple[list[ShiftType], Incumbent]:
    """The shift types and break counts of ``roster`` (4-hour shifts: a break, no lunch)."""
    types = enumerate_shift_types(problem)
    by_key = {(t.day, t.start_min, t.span_min): t for t in types}
    shifts: dict[str, dict[int, ShiftType]] = {}
    acts: dict[int, ActivityCounts] = {}
    for s in roster.shifts:
        st_ = by_key[s.day, s.start_min, s.end_min - s.start_min]
        shifts.setdefault(s.agent, {})[s.day] = st_
        counts = acts.setdefault(st_.index, ({},))
        for a in s.activities:
            offset = a.start_min - s.start_min
            counts[0][offset] = counts[0].get(offset, 0) + 1
    return types, Incumbent(shifts, acts)
