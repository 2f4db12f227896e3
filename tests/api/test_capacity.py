"""Capacity plans through the API: optimisation and projection jobs, HR view, bad input."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.support import assert_problem, wait_job


def _plan(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "H1",
        "mode": "optimise",
        "need_hours": [3000.0] * 4 + [3400.0] * 8,
        "contracts": [{"name": "FT", "weekly_hours": 40, "hire_cost": 2000}],
        "cohorts": [{"contract": "FT", "tenure_weeks": 52, "headcount": 80}],
        "attrition": {"annual_rate": 0.3},
        "hiring": {"lead_time_weeks": 2, "training_weeks": 2, "ramp": [0.5, 0.75]},
        "costs": {"under_per_hour": 60, "over_per_hour": 5},
        "shrinkage": 0.1,
        "time_limit_s": 5,
    }
    body.update(changes)
    return body


def test_optimised_plan_and_hr_view(client: TestClient) -> None:
    response = client.post("/v1/capacity-plans", json=_plan())
    assert response.status_code == 202, response.text
    assert response.headers["location"] == f"/v1/jobs/{response.json()['id']}"
    job = wait_job(client, response.json()["id"])
    assert job["status"] == "succeeded", job
    assert job["result_url"] == f"/v1/capacity-plans/{job['result_id']}"
    plan = client.get(job["result_url"]).json()
    assert plan["report"]["status"] in ("optimal", "feasible")
    assert job["objective"] == plan["report"]["objective"]
    assert len(plan["weekly"]["need_hours"]) == 12
    hires = sum(c["size"] for c in plan["classes"])
    assert hires > 0 and sum(plan["weekly"]["hires"]) == hires
    hr = client.get(f"{job['result_url']}/hr").json()
    assert sum(hr["classes"]["size"]) == hires
    assert "recruiting_start_week" in hr["classes"] and "expected_leavers" in hr["weeks"]
    assert client.get("/v1/capacity-plans").json()["total"] == 1


def test_projection_of_given_classes(client: TestClient) -> None:
    body = _plan(mode="projection", classes=[{"week": 3, "contract": "FT", "size": 12}])
    job = wait_job(client, client.post("/v1/capacity-plans", json=body).json()["id"])
    assert job["status"] == "succeeded", job
    plan = client.get(job["result_url"]).json()
    assert plan["report"] is None and plan["weekly"]["hires"][3] == 12


def test_bad_capacity_input(client: TestClient) -> None:
    problem = assert_problem(client.post("/v1/capacity-plans", json=_plan(need_hours=None)), 422)
    assert problem["errors"][0]["message"].endswith(
        "give either need_hours, requirement_id or queue_id"
    )
    bad_ramp = _plan(hiring={"ramp": [0.5, 1.5]})
    problem = assert_problem(client.post("/v1/capacity-plans", json=bad_ramp), 422)
    assert problem["errors"][0]["field"] == "hiring.ramp"
    unknown = _plan(mode="projection", classes=[{"week": 3, "contract": "PT", "size": 2}])
    assert_problem(client.post("/v1/capacity-plans", json=unknown), 422)
    assert client.get("/v1/jobs").json()["total"] == 0
    assert_problem(
        client.post("/v1/capacity-plans", json=_plan(requirement_id=5, need_hours=None)), 404
    )
    assert_problem(client.get("/v1/capacity-plans/9"), 404)
