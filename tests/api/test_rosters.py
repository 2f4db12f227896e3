"""Roster jobs through the API: post, poll, read, export, cancel, simulated KPIs, bad input."""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from api.demo import load_demo
from forecasting.synthetic import synthetic_history, to_acd_csv
from tests.api.conftest import ZONE
from tests.api.support import assert_problem, create_queue, wait_job

WEEK = "2026-11-02"  # the Monday after the fixture's history


TINY_HOURS: list[Any] = [{"start": "09:00", "end": "13:00"}] * 5 + [None, None]


def _tiny_queue(client: TestClient) -> tuple[int, int]:
    """A site open Mon-Fri 09:00-13:00 with four weeks of history: a roster solves in seconds."""
    body = {"name": "Tiny", "zone": ZONE, "opening_hours": TINY_HOURS}
    site_id = client.post("/v1/sites", json=body).json()["id"]
    queue_id = create_queue(client, site_id)
    history = synthetic_history(
        start=dt.date(2026, 10, 5), weeks=4, zone=ZONE, seed=5, open_minute=540,
        close_minute=780, mean_daily_calls=400.0,
    )  # fmt: skip
    history = history[pd.DatetimeIndex(history["interval_start"]).tz_convert(ZONE).day_of_week < 5]
    files = {"file": ("h.csv", to_acd_csv(history, ZONE).encode(), "text/csv")}
    assert client.post(f"/v1/queues/{queue_id}/history-imports", files=files).status_code == 201
    rules = client.get(f"/v1/sites/{site_id}/shift-rules").json()
    rules.pop("site_id"), rules.pop("updated_at")
    rules.update(break_rule=None, lunch_rule=None, shift_start_granularity_minutes=60)
    assert client.put(f"/v1/sites/{site_id}/shift-rules", json=rules).status_code == 200
    return site_id, queue_id


def _staff(client: TestClient, site_id: int, queue_id: int, agents: int) -> None:
    contract = {
        "code": "PT",
        "shift_paid_minutes": [120, 180, 240],
        "min_weekly_paid_minutes": 360,
        "max_weekly_paid_minutes": 1200,
        "max_days": 5,
    }
    contract_id = client.post(f"/v1/sites/{site_id}/contracts", json=contract).json()["id"]
    for i in range(agents):
        body = {"code": f"A{i:02d}", "contract_id": contract_id,
                "availability": TINY_HOURS, "queue_ids": [queue_id]}  # fmt: skip
        assert client.post(f"/v1/sites/{site_id}/agents", json=body).status_code == 201


@pytest.fixture
def tiny(client: TestClient) -> tuple[int, int]:
    site_id, queue_id = _tiny_queue(client)
    _staff(client, site_id, queue_id, agents=6)
    job = wait_job(client, client.post(f"/v1/queues/{queue_id}/forecasts", json={}).json()["id"])
    assert job["status"] == "succeeded", job
    created = client.post("/v1/requirements", json={"forecast_id": job["result_id"]})
    return int(created.json()["id"]), queue_id


@pytest.fixture
def requirement_id(tiny: tuple[int, int]) -> int:
    return tiny[0]


def _post(client: TestClient, requirement_id: int, **extra: Any) -> Any:
    body = {"requirement_id": requirement_id, "week_start": WEEK, "time_limit_s": 5, **extra}
    return client.post("/v1/roster-jobs", json=body)


def test_roster_job_lifecycle(client: TestClient, requirement_id: int) -> None:
    response = _post(client, requirement_id)
    assert response.status_code == 202, response.text
    assert response.headers["location"] == f"/v1/jobs/{response.json()['id']}"
    job = wait_job(client, response.json()["id"])
    assert job["status"] == "succeeded", (job["error"], job["errors"])
    assert job["objective"] is not None and job["best_bound"] <= job["objective"] + 1e-6
    roster = client.get(job["result_url"]).json()
    report = roster["report"]
    assert report["status"] in ("OPTIMAL", "FEASIBLE") and report["violations"] == []
    assert 0.0 <= report["gap"] <= 1.0
    schedule = roster["schedule"]
    assert 0 < len(schedule) <= 6
    cov = roster["coverage"]
    staffed_total = sum(cov["staffed"])
    on_phone = sum(
        (s["end"] - s["start"] - sum(a["end"] - a["start"] for a in s["activities"])) // 15
        for agent in schedule for s in agent["shifts"]
    )  # fmt: skip
    assert staffed_total == on_phone
    assert all(
        r - s <= u for r, s, u in zip(cov["required"], cov["staffed"], cov["unmet"], strict=True)
    )
    assert all(360 <= a["paid_minutes"] <= 1200 for a in schedule)
    assert roster["kpis"]["paid_hours"] == pytest.approx(
        sum(a["paid_minutes"] for a in schedule) / 60
    )

    text = client.get(f"{job['result_url']}/export.csv")
    assert text.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(text.text)))
    assert len(rows) == sum(len(a["shifts"]) for a in schedule)
    assert rows[0]["date"] >= WEEK
    doc = client.get(f"{job['result_url']}/export.json").json()
    assert doc["schema"] == "staffwise-roster/1" and len(doc["shifts"]) == len(rows)
    simulated = client.get(f"{job['result_url']}/simulated-kpis", params={"replications": 3})
    assert simulated.status_code == 200, simulated.text
    assert len(simulated.json()["intervals"]["agents"]) == len(cov["staffed"])
    assert client.get("/v1/rosters", params={"requirement_id": requirement_id}).json()["total"] == 1


def test_idempotent_roster_job(client: TestClient, requirement_id: int) -> None:
    headers = {"Idempotency-Key": "week-45"}
    first = _post(client, requirement_id)
    body = {"requirement_id": requirement_id, "week_start": WEEK, "time_limit_s": 3}
    keyed = client.post("/v1/roster-jobs", headers=headers, json=body)
    again = client.post("/v1/roster-jobs", headers=headers, json=body)
    assert keyed.json()["id"] == again.json()["id"] != first.json()["id"]
    other = client.post("/v1/roster-jobs", headers=headers, json={**body, "time_limit_s": 4})
    assert assert_problem(other, 409)["code"] == "idempotency-key-reused"
    for job_id in (first.json()["id"], keyed.json()["id"]):
        wait_job(client, job_id)
    assert client.get("/v1/jobs", params={"kind": "roster"}).json()["total"] == 2


def test_cancel_stops_the_solve(client: TestClient) -> None:
    """Cancelling a running solve stops it long before its time limit; whatever roster it had
    is kept (``stopped_early``). The keep-the-best-so-far bookkeeping itself is covered with a
    probe job in ``test_jobs.py`` (a small week is solved to optimality too fast to catch)."""
    app: Any = client.app
    ids = load_demo(app.state.engine)
    forecast = client.post(
        f"/v1/queues/{ids.queue_id}/forecasts", json={"method": "seasonal_naive"}
    )
    job = wait_job(client, forecast.json()["id"])
    requirement = client.post("/v1/requirements", json={"forecast_id": job["result_id"]}).json()
    body = {"requirement_id": requirement["id"], "week_start": "2026-11-09", "time_limit_s": 600}
    job_id = client.post("/v1/roster-jobs", json=body).json()["id"]
    deadline = time.monotonic() + 60
    while client.get(f"/v1/jobs/{job_id}").json()["status"] == "queued":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert client.delete(f"/v1/jobs/{job_id}").status_code == 202
    job = wait_job(client, job_id, timeout_s=120)
    assert job["status"] == "cancelled", (job["error"], job["message"])
    assert job["finished_at"] is not None and job["cancel_requested"]
    if job["status"] == "cancelled" and job["result_url"]:
        assert client.get(job["result_url"]).json()["report"]["stopped_early"]


def test_roster_bad_input(client: TestClient, tiny: tuple[int, int]) -> None:
    requirement_id, queue_id = tiny
    assert_problem(_post(client, 9999), 404)
    assert_problem(_post(client, requirement_id, week_start="2026-11-03"), 422)
    problem = assert_problem(_post(client, requirement_id, week_start="2027-01-04"), 422)
    assert problem["errors"][0]["code"] == "outside_requirement"
    assert_problem(_post(client, requirement_id, time_limit_s=-1), 422)
    assert_problem(_post(client, requirement_id, time_limit_s="soon"), 422)
    site_id = client.get(f"/v1/queues/{queue_id}").json()["site_id"]
    for agent in client.get(f"/v1/sites/{site_id}/agents").json()["items"]:
        client.patch(f"/v1/agents/{agent['id']}", json={"active": False})
    assert assert_problem(_post(client, requirement_id), 422)["errors"][0]["code"] == "no_agents"
    assert_problem(client.get("/v1/rosters/404"), 404)
    assert_problem(client.get("/v1/rosters/404/export.csv"), 404)


def test_service_level_roster_job(client: TestClient, requirement_id: int) -> None:
    response = _post(client, requirement_id, objective="service_level")
    assert response.status_code == 202, response.text
    job = wait_job(client, response.json()["id"])
    assert job["status"] == "succeeded", (job["error"], job["errors"])
    roster = client.get(job["result_url"]).json()
    report, kpis = roster["report"], roster["kpis"]
    assert report["objective_kind"] == "service_level" and report["violations"] == []
    sl = kpis["service_level"]
    assert report["objective"] == pytest.approx(sl["objective"]) == pytest.approx(job["objective"])
    assert report["best_bound"] <= report["objective"] + 1e-6
    assert 0.0 <= sl["service_level_week"] <= 1.0 and len(sl["service_level_by_day"]) == 7
    assert sl["calls"] >= sum(roster["coverage"]["calls"]) - 1e-6  # plus calls when closed
    assert "cost" in kpis  # the deviation cost stays available


def test_service_level_without_calls_is_a_422() -> None:
    from api.convert.roster import check_objective
    from forecasting.errors import InvalidInput
    from optimizer.roster.io import load_instance
    from tests.roster_support import tiny_instance

    doc = tiny_instance()
    doc["demand_provenance"] = {"calls_per_interval": [[0.0] * 96] * 3, "aht_seconds": 180}
    problem = load_instance(doc)
    check_objective(problem, "deviation")
    with pytest.raises(InvalidInput) as info:
        check_objective(problem, "service_level")
    [error] = info.value.problems
    assert (error.field, error.code) == ("objective", "no_calls")


def test_the_job_message_names_broken_rules_when_a_roster_has_any() -> None:
    from api.tasks.roster import outcome_message
    from optimizer.roster.solve import SolverReport

    report = SolverReport("FEASIBLE", 92.1, 88.0, 0.0445, 117.8, 88.0, 93.9, 0, False)
    assert outcome_message(report, "deviation", 0) == "FEASIBLE: cost 92.10, gap 4.45%"
    one = outcome_message(report, "deviation", 1)
    assert one.endswith("; 1 rule violation (report.violations)")
    assert "2 rule violations" in outcome_message(report, "service_level", 2)
    assert outcome_message(report, "service_level", 0).startswith("FEASIBLE: service-level")
