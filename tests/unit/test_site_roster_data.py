"""Tiny ``staffwise-roster-instance/2`` sites for the site roster tests (no tests here)."""

from __future__ import annotations

from typing import Any

from tests.roster_support import agent, requirement, tiny_instance


def tiny_site(
    skills: list[list[str]] | None = None, deferred: bool = True, days: int = 2
) -> dict[str, Any]:
    """Two voice queues (V1 all day, V2 a midday peak) and, with ``deferred``, e-mail E1
    (items at 10:00 and 14:00, 15 work-minutes each, due 60 open minutes later)."""
    skills = skills or [["V1", "V2"], ["V1"], ["V2", "E1"], ["E1"]]
    doc = tiny_instance(
        [agent(f"A{i + 1}", days=days, skills=s) for i, s in enumerate(skills)], days=days
    )
    doc["schema"] = "staffwise-roster-instance/2"
    del doc["requirement"]
    v2 = [[1 if 600 <= t * 15 < 840 else 0 for t in range(96)] for _ in range(days)]
    queues: list[dict[str, Any]] = [
        {"id": "V1", "channel": "voice", "weight": 1.0, "requirement": requirement(days)},
        {"id": "V2", "channel": "voice", "weight": 1.5, "requirement": v2},
    ]
    if deferred:
        arrivals = [[0] * 96 for _ in range(days)]
        for d in range(days):
            arrivals[d][40] = 3
            arrivals[d][56] = 2
        queues.append(
            {
                "id": "E1",
                "channel": "deferred",
                "weight": 1.0,
                "arrivals": arrivals,
                "work_minutes": 15,
                "deadline_minutes": 60,
                "initial_backlog": [{"items": 2, "age_minutes": 30}],
            }
        )
    doc["queues"] = queues
    doc["objective"]["late_per_15_work_minutes"] = 1.0
    doc["objective"]["carry_over_per_15_work_minutes"] = 0.05
    return doc


def shift(agent_id: str, day: int, start: int, end: int, **extra: Any) -> dict[str, Any]:
    return {"agent": agent_id, "day": day, "start": start, "end": end, "activities": [], **extra}


def roster_doc(shifts: list[dict[str, Any]]) -> dict[str, Any]:
    return {"schema": "staffwise-roster/1", "instance": "tiny", "shifts": shifts}
