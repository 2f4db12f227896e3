"""Hiring scenarios and what-if comparisons on a site whose week starts on Sunday.

A help desk in Asia/Jerusalem open Sunday to Thursday 09:00-13:00 (week_start_day 6, the
zone's default) needs 2 agents in every open interval and has one agent. A vacancy's ``days``
are weekdays (0 = Monday .. 6 = Sunday) whatever the site's week: a hire wanted Sunday to
Thursday works those dates, Thursday included (read as problem days, Sunday = 6 would be the
closed Saturday and Thursday = 3 the Wednesday: Thursday stayed short). A comparison's weekly
figures group the week from Sunday (not Monday weeks: Sunday apart from Monday-Thursday), and
so does a capacity plan's weekly need taken from the requirement. Roster exports give each
shift its real date.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from tests.api.support import create_queue, store_requirement, wait_job

JERUSALEM = "Asia/Jerusalem"
WINDOW = {"start": "09:00", "end": "13:00"}
SUN_THU: list[Any] = [WINDOW] * 4 + [None, None, WINDOW]  # stored Mon..Sun
WEEK = dt.date(2026, 11, 1)  # a Sunday
OPEN_DATES = [WEEK + dt.timedelta(days=d) for d in range(5)]  # Sunday 1 .. Thursday 5 Nov
SLOTS = 16  # 09:00-13:00 in quarter-hours


def _requirement(client: TestClient, queue_id: int) -> tuple[int, int]:
    """(forecast id, requirement id): 2 calls of 300 s and 2 agents in every open quarter-hour."""
    zone = ZoneInfo(JERUSALEM)
    starts = [
        (dt.datetime.combine(day, dt.time(9), zone) + dt.timedelta(minutes=15 * i))
        .astimezone(dt.UTC)
        .isoformat()
        for day in OPEN_DATES
        for i in range(SLOTS)
    ]
    return store_requirement(client, queue_id, starts)


def _sun_thu_week(client: TestClient) -> tuple[int, int, int]:
    """(queue id, forecast id, requirement id) of the Sun-Thu week from Sunday 1 November."""
    body = {"name": "Tel Aviv", "zone": JERUSALEM, "opening_hours": SUN_THU}
    site = client.post("/v1/sites", json=body).json()
    assert site["week_start_day"] == 6
    site_id = int(site["id"])
    queue_id = create_queue(client, site_id)
    rules = client.get(f"/v1/sites/{site_id}/shift-rules").json()
    rules.pop("site_id"), rules.pop("updated_at")
    rules.update(break_rule=None, lunch_rule=None, shift_start_granularity_minutes=60)
    assert client.put(f"/v1/sites/{site_id}/shift-rules", json=rules).status_code == 200
    for code in ("PT", "FT"):
        contract = {"code": code, "shift_paid_minutes": [240], "min_weekly_paid_minutes": 0,
                    "max_weekly_paid_minutes": 1200, "max_days": 5}  # fmt: skip
        response = client.post(f"/v1/sites/{site_id}/contracts", json=contract)
        assert response.status_code == 201, response.text
        if code == "PT":
            agent = {"code": "A00", "contract_id": response.json()["id"],
                     "availability": SUN_THU, "queue_ids": [queue_id]}  # fmt: skip
            assert client.post(f"/v1/sites/{site_id}/agents", json=agent).status_code == 201
    return (queue_id, *_requirement(client, queue_id))


def test_vacancy_days_are_weekdays_on_a_sunday_start_site(client: TestClient) -> None:
    _, _, requirement_id = _sun_thu_week(client)
    vacancy = {"contract": "FT", "count": 1, "availability": WINDOW, "days": [6, 0, 1, 2, 3]}
    body = {"requirement_id": requirement_id, "week_start": WEEK.isoformat(), "kind": "hire",
            "vacancies": [vacancy], "time_limit_s": 5, "marginal": False}  # fmt: skip
    response = client.post("/v1/hiring-scenarios", json=body)
    assert response.status_code == 202, response.text
    job = wait_job(client, response.json()["id"])
    assert job["status"] == "succeeded", (job["error"], job["errors"])
    out = client.get(job["result_url"]).json()

    days = out["days"]
    assert [d["date"] for d in days[:5]] == [d.isoformat() for d in OPEN_DATES]
    assert [d["base_under_agent_hours"] for d in days] == [4.0] * 5 + [0.0] * 2
    assert [d["scenario_under_agent_hours"] for d in days] == [0.0] * 7
    hired = client.get(out["rosters"]["scenario"]["url"]).json()
    (hire,) = [a for a in hired["schedule"] if a["agent"] == "HIRE-FT-001"]
    dates = sorted(WEEK + dt.timedelta(days=s["day"]) for s in hire["shifts"])
    assert dates == OPEN_DATES  # Sunday to Thursday, by date
    assert sum(hired["coverage"]["unmet"]) == 0 and hired["report"]["violations"] == []
    export = client.get(f"/v1/rosters/{out['roster_id']}/export.csv")
    assert export.status_code == 200, export.text
    rows = list(csv.DictReader(io.StringIO(export.text)))
    exported = sorted(dt.date.fromisoformat(r["date"]) for r in rows if r["agent"] == hire["agent"])
    assert exported == OPEN_DATES and {d.weekday() for d in exported} == {6, 0, 1, 2, 3}


def test_comparison_weeks_start_on_the_sites_week_start_day(client: TestClient) -> None:
    queue_id, forecast_id, _ = _sun_thu_week(client)
    change = {"name": "volume +10%", "changes": {"volume": [{"multiplier": 1.1}]}}
    scenario = client.post(f"/v1/queues/{queue_id}/scenarios", json=change)
    assert scenario.status_code == 201, scenario.text
    body = {"forecast_id": forecast_id, "scenario_ids": [scenario.json()["id"]]}
    response = client.post("/v1/comparisons", json=body)
    assert response.status_code == 202, response.text
    job = wait_job(client, response.json()["id"])
    assert job["status"] == "succeeded", job
    for result in client.get(job["result_url"]).json()["results"]:
        weekly = result["weekly"]
        assert [str(d)[:10] for d in weekly["week_start"]] == [WEEK.isoformat()]
        assert sum(weekly["calls"]) == pytest.approx(sum(result["daily"]["calls"]))


def test_capacity_need_from_a_requirement_counts_the_sites_weeks(client: TestClient) -> None:
    """The Sun-Thu week is one planning week labelled Sunday 1 November with its 40
    agent-hours (2 agents x 4 h x 5 days), not Monday weeks (26 October: Sunday's 8 h)."""
    _, _, requirement_id = _sun_thu_week(client)
    body = {
        "name": "TLV", "mode": "projection", "requirement_id": requirement_id,
        "contracts": [{"name": "FT", "weekly_hours": 40, "hire_cost": 2000}],
        "cohorts": [{"contract": "FT", "tenure_weeks": 52, "headcount": 2}],
        "attrition": {"annual_rate": 0.0}, "costs": {"under_per_hour": 60, "over_per_hour": 5},
    }  # fmt: skip
    response = client.post("/v1/capacity-plans", json=body)
    assert response.status_code == 202, response.text
    job = wait_job(client, response.json()["id"])
    assert job["status"] == "succeeded", job
    weekly = client.get(job["result_url"]).json()["weekly"]
    assert weekly["label"] == [WEEK.isoformat()]
    assert weekly["need_hours"] == [40.0]
