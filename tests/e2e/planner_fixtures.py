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
    CapacityPlanRead,
    ComparisonRead,
    ForecastRead,
    ForecastSummary,
    HistoryRead,
    ImportReport,
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


def instant(day: int, minute: int, week: dt.date = WEEK_START) -> dt.datetime:
    local = dt.datetime.combine(week + dt.timedelta(days=day), dt.time(), ZONE)
    return (local + dt.timedelta(minutes=minute)).astimezone(dt.UTC)


def intervals(week: dt.date = WEEK_START) -> list[tuple[int, int, dt.datetime]]:
    return [(d, m, instant(d, m, week)) for d in range(7) for m in SLOTS]


def site(id: int = 1, name: str = "Fixture site", week_start_day: int | None = None) -> Any:
    """A site; ``week_start_day`` (0 = Monday ... 6 = Sunday) is added when given (the
    site-week contract field; older bodies have none and mean Monday)."""
    hours = [TimeWindow(start="08:00", end="10:00")] * 7
    body = dump(SiteRead(id=id, name=name, zone=ZONE.key, opening_hours=hours, created_at=CREATED))
    return body if week_start_day is None else body | {"week_start_day": week_start_day}


def queue(
    id: int = 3, site_id: int = 1, name: str = "Billing", email: bool = False
) -> dict[str, Any]:
    """A voice queue (``email``: an e-mail queue with a 720-minute deadline)."""
    goal = ServiceGoal(service_level=0.8, answer_within_s=20, max_abandon_rate=0.05)
    mail: dict[str, Any] = {"channel": "email", "deadline_minutes": 720} if email else {}
    return dump(
        QueueRead(
            id=id, site_id=site_id, name=name, aht_s=240, goal=goal, created_at=CREATED, **mail
        )
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


def forecast_summary(id: int = 5, queue_id: int = 3, week: dt.date = WEEK_START) -> Any:
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
            id=id,
            queue_id=queue_id,
            job_id=None,
            method="profile_volume",
            start=instant(0, 0, week),
            weeks=1,
            accuracy=accuracy,
            created_at=CREATED,
        )
    )


def calls(k: int) -> float:
    return 10.0 + k % 5


def forecast(
    id: int = 5, queue_id: int = 3, week: dt.date = WEEK_START, warnings: list[Any] | None = None
) -> dict[str, Any]:
    """A forecast body; ``warnings`` (the forecast-warnings contract field) added when given."""
    rows = intervals(week)
    body = forecast_summary(id, queue_id, week) | {
        "intervals": {
            "interval_start": [t.isoformat() for *_, t in rows],
            "calls": [calls(k) for k in range(len(rows))],
            "calls_lo": [calls(k) - 3 for k in range(len(rows))],
            "calls_hi": [calls(k) + 4 for k in range(len(rows))],
            "aht_s": [240.0] * len(rows),
        }
    }
    read = dump(ForecastRead.model_validate(body))
    return read if warnings is None else read | {"warnings": warnings}


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


def requirement(
    id: int = 8, queue_id: int = 3, forecast_id: int = 5, week: dt.date = WEEK_START
) -> dict[str, Any]:
    rows = intervals(week)
    n = len(rows)
    summary = RequirementSummary(
        id=id, queue_id=queue_id, forecast_id=forecast_id, goal={}, summary={}, created_at=CREATED
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


def roster_summary(
    id: int = 21,
    site_id: int = 1,
    requirement_id: int = 8,
    week: dt.date = WEEK_START,
    **report_fields: Any,
) -> dict[str, Any]:
    report = {
        "status": "OPTIMAL",
        "objective": 12.5,
        "best_bound": 12.5,
        "gap": 0.0,
        "seconds": 0.4,
    } | report_fields
    return dump(
        RosterSummary(
            id=id,
            job_id=7,
            site_id=site_id,
            requirement_id=requirement_id,
            week_start=week,
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


def roster(week: dt.date = WEEK_START, **fields: Any) -> dict[str, Any]:
    """A roster body; ``fields`` as :func:`roster_summary`'s (ids, and report fields that
    override the report: status, violations, warnings)."""
    rows = intervals(week)
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
    summary = roster_summary(week=week, **fields)
    body = summary | {"coverage": coverage, "schedule": schedule(), "explanations": []}
    return dump(RosterRead.model_validate(body))


def simulated(week: dt.date = WEEK_START) -> dict[str, Any]:
    rows = intervals(week)
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


def comparison(id: int, forecast_id: int, scenario: str, deferred: bool = False) -> dict[str, Any]:
    """A comparison of the base plan and one scenario of a forecast (``deferred``: of an e-mail
    queue, with the deferred columns)."""
    table: dict[str, list[Any]] = {
        "scenario": ["base", scenario],
        "version": [0, 1],
        "calls": [1000.0, 1100.0],
        "required_agent_hours": [80.0, 88.0],
        "fte_paid": [2.5, 2.75],
        "fte_paid_vs_base": [0.0, 0.25],
        "cost": [2000.0, 2200.0],
        "service_level": [0.81, 0.78],
        "asa_s": [12.0, 15.0],
        "abandon_rate": [0.02, 0.03],
        "under_staffed_hours": [1.0, 2.0],
    }
    if deferred:
        table.update({
            "asa_s": [None, None], "abandon_rate": [None, None],
            "deferred_work_hours": [172.5, 224.2], "deferred_deadline_minutes": [720, 360],
            "deferred_required_agents": [2.15, 3.14],
            "deferred_share_at_base_plan": [0.81, 0.12],
            "deferred_max_backlog_hours": [33.5, 24.4],
        })  # fmt: skip
    return dump(
        ComparisonRead(
            id=id,
            job_id=None,
            forecast_id=forecast_id,
            scenario_ids=[1],
            table=table,
            results=[],
            created_at=CREATED,
        )
    )


def capacity_plan(id: int, name: str, weeks: int) -> dict[str, Any]:
    """A capacity plan of ``weeks`` weeks, short in its last week, with no hiring class."""
    weekly: dict[str, list[Any]] = {
        "week": list(range(weeks)),
        "label": [f"W{w + 1}" for w in range(weeks)],
        "need_fte": [10.0] * weeks,
        "productive_fte": [11.0] * (weeks - 1) + [9.0],
    }
    hires: dict[str, list[Any]] = {"class_week": [], "class_label": [], "size": [], "contract": []}
    return dump(
        CapacityPlanRead(
            id=id,
            job_id=None,
            name=name,
            mode="optimise",
            report=None,
            classes=[],
            cost={},
            weekly=weekly,
            hires=hires,
            cohorts={},
            created_at=CREATED,
        )
    )


def import_report(warnings: list[dict[str, Any]]) -> dict[str, Any]:
    """A stored upload of queue 3 with ``warnings``."""
    return dump(
        ImportReport(
            id=12,
            queue_id=3,
            dry_run=False,
            file_sha256="0" * 64,
            filename="history.csv",
            rows=40,
            valid=True,
            problems=[],
            warnings=warnings,
            inserted=40,
        )
    )
