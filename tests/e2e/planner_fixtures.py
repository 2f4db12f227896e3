"""A small week of API bodies for the planner page, built with the API's own pydantic models.

Site in Europe/Berlin open 08:00-10:00 every day of the week of Monday 19 October 2026 (clocks
go back on Sunday 25 October), one queue, three agents; every body is validated by the
``api.schemas`` model of its endpoint, so the fixtures cannot drift from the API's shapes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from api.schemas import (
    AgentRead,
    ForecastRead,
    ForecastSummary,
    HistoryRead,
    JobRead,
    QueueRead,
    RequirementRead,
    RequirementSummary,
    RosterRead,
    RosterSummary,
    ServiceGoal,
    SimulatedKpisRead,
    SiteRead,
    TimeWindow,
)

ZONE = ZoneInfo("Europe/Berlin")
WEEK_START = dt.date(2026, 10, 19)
CREATED = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
OPEN_MIN, CLOSE_MIN, STEP_MIN = 480, 600, 15
SLOTS = range(OPEN_MIN, CLOSE_MIN, STEP_MIN)
# agent code -> [(day, start minute, end minute)]: two-hour shifts with a 15-minute break
SHIFTS = {"A001": [(0, 480, 600), (6, 480, 600)], "A002": [(0, 480, 600)], "A003": []}


def dump(model: Any) -> Any:
    return model.model_dump(mode="json")


def instant(day: int, minute: int) -> dt.datetime:
    local = dt.datetime.combine(WEEK_START + dt.timedelta(days=day), dt.time(), ZONE)
    return (local + dt.timedelta(minutes=minute)).astimezone(dt.UTC)


def intervals() -> list[tuple[int, int, dt.datetime]]:
    return [(d, m, instant(d, m)) for d in range(7) for m in SLOTS]


def site() -> dict[str, Any]:
    hours = [TimeWindow(start="08:00", end="10:00")] * 7
    return dump(
        SiteRead(id=1, name="Fixture site", zone=ZONE.key, opening_hours=hours, created_at=CREATED)
    )


def queue() -> dict[str, Any]:
    goal = ServiceGoal(service_level=0.8, answer_within_s=20, max_abandon_rate=0.05)
    return dump(
        QueueRead(id=3, site_id=1, name="Billing", aht_s=240, goal=goal, created_at=CREATED)
    )


def agents() -> list[dict[str, Any]]:
    week = [TimeWindow(start="08:00", end="10:00")] * 7
    return [
        dump(
            AgentRead(
                id=10 + i,
                site_id=1,
                code=code,
                name=f"Agent {code[-1]}",
                contract_id=1,
                availability=week,
                created_at=CREATED,
            )
        )
        for i, code in enumerate(SHIFTS)
    ]


def forecast_summary() -> dict[str, Any]:
    accuracy = {
        "method": "profile_volume",
        "coverage": 0.8,
        "backtest": {
            "method": "profile_volume",
            "wape": 0.123,
            "mase": 0.8,
            "bias": 0.01,
            "coverage": 0.78,
            "n_origins": 4,
        },
    }
    return dump(
        ForecastSummary(
            id=5,
            queue_id=3,
            job_id=None,
            method="profile_volume",
            start=instant(0, 0),
            weeks=1,
            accuracy=accuracy,
            created_at=CREATED,
        )
    )


def calls(k: int) -> float:
    return 10.0 + k % 5


def forecast() -> dict[str, Any]:
    rows = intervals()
    body = forecast_summary() | {
        "intervals": {
            "interval_start": [t.isoformat() for *_, t in rows],
            "calls": [calls(k) for k in range(len(rows))],
            "calls_lo": [calls(k) - 3 for k in range(len(rows))],
            "calls_hi": [calls(k) + 4 for k in range(len(rows))],
            "aht_s": [240.0] * len(rows),
        }
    }
    return dump(ForecastRead.model_validate(body))


def history() -> dict[str, Any]:
    monday = [t for d, _, t in intervals() if d == 0]
    n = len(monday)
    return dump(
        HistoryRead(
            queue_id=3,
            interval_start=monday,
            offered=[9.0] * n,
            handled=[9.0] * n,
            abandoned=[0.0] * n,
            aht_s=[230.0] * n,
        )
    )


def requirement() -> dict[str, Any]:
    rows = intervals()
    n = len(rows)
    summary = RequirementSummary(
        id=8, queue_id=3, forecast_id=5, goal={}, summary={}, created_at=CREATED
    )
    columns: dict[str, list[Any]] = {
        "interval_start": [t for *_, t in rows],
        "calls": [calls(k) for k in range(n)],
        "aht_s": [240.0] * n,
        "agents_fractional": [1.5] * n,
        "agents": [2] * n,
        "scheduled_fractional": [1.5] * n,
        "scheduled": [2] * n,
        "service_level": [0.8] * n,
        "asa_s": [10.0] * n,
        "abandon_rate": [0.0] * n,
        "occupancy": [0.7] * n,
    }
    return dump(RequirementRead(**summary.model_dump(), intervals=columns))


def staffed(day: int, minute: int) -> int:
    count = 0
    for shifts in SHIFTS.values():
        for d, start, end in shifts:
            on_break = start + 60 <= minute < start + 75
            count += d == day and start <= minute < end and not on_break
    return count


def roster_summary() -> dict[str, Any]:
    report = {
        "status": "OPTIMAL",
        "objective": 12.5,
        "best_bound": 12.5,
        "gap": 0.0,
        "seconds": 0.4,
    }
    return dump(
        RosterSummary(
            id=21,
            job_id=7,
            site_id=1,
            requirement_id=8,
            week_start=WEEK_START,
            report=report,
            kpis={"cost": 12.5},
            created_at=CREATED,
        )
    )


def schedule() -> list[dict[str, Any]]:
    out = []
    for code, shifts in SHIFTS.items():
        items = [
            {
                "agent": code,
                "day": d,
                "start": s,
                "end": e,
                "activities": [{"kind": "break", "start": s + 60, "end": s + 75}],
            }
            for d, s, e in shifts
        ]
        if items:
            out.append(
                {
                    "agent": code,
                    "contract": "FT",
                    "paid_minutes": 120 * len(items),
                    "days_worked": len(items),
                    "shifts": items,
                }
            )
    return out


def roster() -> dict[str, Any]:
    rows = intervals()
    coverage: dict[str, list[Any]] = {
        "interval_start": [t.isoformat() for *_, t in rows],
        "day": [d for d, *_ in rows],
        "minute": [m for _, m, _ in rows],
        "required": [2] * len(rows),
        "staffed": [staffed(d, m) for d, m, _ in rows],
        "unmet": [max(2 - staffed(d, m), 0) for d, m, _ in rows],
        "calls": [calls(k) for k in range(len(rows))],
        "aht_s": [240.0] * len(rows),
    }
    body = roster_summary() | {"coverage": coverage, "schedule": schedule(), "explanations": []}
    return dump(RosterRead.model_validate(body))


def simulated() -> dict[str, Any]:
    rows = intervals()
    sl = [0.9 if staffed(d, m) >= 2 else 0.4 for d, m, _ in rows]
    estimate = {"mean": 0.7, "ci_low": 0.65, "ci_high": 0.75}
    return dump(
        SimulatedKpisRead(
            config={"replications": 10},
            overall={"service_level": estimate, "asa_s": estimate, "abandon_rate": estimate},
            intervals={
                "interval_start": [t.isoformat() for *_, t in rows],
                "service_level": sl,
                "asa_s": [5.0] * len(rows),
                "abandon_rate": [0.01] * len(rows),
            },
        )
    )


def job(status: str, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": 7,
        "kind": "roster",
        "status": status,
        "progress": 0.0,
        "message": "",
        "objective": None,
        "best_bound": None,
        "gap": None,
        "seconds": None,
        "cancel_requested": False,
        "params": {},
        "errors": None,
        "error": None,
        "result_kind": None,
        "result_id": None,
        "result_url": None,
        "created_at": CREATED,
        "started_at": None,
        "finished_at": None,
        "updated_at": None,
    }
    return dump(JobRead.model_validate(base | fields))
