"""CSV history -> forecast job -> requirement, through the API."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.support import assert_problem, create_queue, create_site, wait_job

ZONE = "America/New_York"


def test_forecast_then_requirement(client: TestClient, queue_id: int) -> None:
    response = client.post(f"/v1/queues/{queue_id}/forecasts", json={"method": "auto"})
    assert response.status_code == 202, response.text
    job = wait_job(client, response.json()["id"])
    assert job["status"] == "succeeded", job
    forecast = client.get(job["result_url"]).json()
    intervals = forecast["intervals"]
    assert len(intervals["calls"]) == 7 * 48  # the week after the history, 08:00-20:00 local
    assert intervals["interval_start"][0].startswith("2026-11-02T13:00:00")  # 08:00 EST
    assert all(
        lo <= c <= hi
        for lo, c, hi in zip(
            intervals["calls_lo"], intervals["calls"], intervals["calls_hi"], strict=True
        )
    )
    assert forecast["accuracy"]["backtest"]["wape"] < 0.5
    listing = client.get(f"/v1/queues/{queue_id}/forecasts").json()
    assert listing["items"][0]["id"] == forecast["id"]

    created = client.post("/v1/requirements", json={"forecast_id": forecast["id"]})
    assert created.status_code == 201, created.text
    requirement = created.json()
    agents = requirement["intervals"]["agents"]
    assert len(agents) == 7 * 48 and max(agents) > 5
    assert all(
        sl >= 0.8 - 1e-9
        for sl, a in zip(requirement["intervals"]["service_level"], agents, strict=True)
        if a > 0
    )
    assert requirement["summary"]["peak_agents"] == max(agents)
    shrunk = client.post(
        "/v1/requirements", json={"forecast_id": forecast["id"], "shrinkage": 0.3}
    ).json()
    assert shrunk["summary"]["scheduled_hours"] > requirement["summary"]["scheduled_hours"]
    listing = client.get(f"/v1/queues/{queue_id}/requirements").json()
    assert listing["total"] == 2
    assert client.get(f"/v1/requirements/{requirement['id']}").json()["id"] == requirement["id"]


def test_forecast_bad_input(client: TestClient, queue_id: int) -> None:
    url = f"/v1/queues/{queue_id}/forecasts"
    assert_problem(client.post(url, json={"week_start": "2026-11-03"}), 422)  # a Tuesday
    assert_problem(client.post(url, json={"method": "crystal_ball"}), 422)
    assert_problem(client.post("/v1/queues/999/forecasts", json={}), 404)
    empty = create_queue(client, create_site(client, name="Empty", zone=ZONE))
    problem = assert_problem(client.post(f"/v1/queues/{empty}/forecasts", json={}), 422)
    assert problem["errors"][0]["code"] == "no_history"
    assert_problem(client.post("/v1/requirements", json={"forecast_id": 77}), 404)
    assert_problem(client.post("/v1/requirements", json={"forecast_id": "x"}), 422)


def test_requirement_simulated_kpis(client: TestClient, queue_id: int) -> None:
    job = wait_job(client, client.post(f"/v1/queues/{queue_id}/forecasts", json={}).json()["id"])
    requirement = client.post("/v1/requirements", json={"forecast_id": job["result_id"]}).json()
    url = f"/v1/requirements/{requirement['id']}/simulated-kpis"
    simulated = client.get(url, params={"replications": 4, "seed": 1})
    assert simulated.status_code == 200, simulated.text
    body = simulated.json()
    assert len(body["intervals"]["service_level"]) == len(requirement["intervals"]["agents"])
    overall = body["overall"]["service_level"]
    assert overall["ci_low"] <= overall["mean"] <= overall["ci_high"]
    assert overall["mean"] > 0.7  # staffed to 80/20 by Erlang C in every interval
    assert_problem(client.get(url, params={"replications": 1}), 422)
    assert_problem(client.get(url, params={"staffing_drop": "vanish"}), 422)
