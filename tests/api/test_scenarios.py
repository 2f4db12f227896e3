"""Scenarios (versioned what-if changes) and comparisons through the API."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.support import assert_problem, wait_job


def _forecast(client: TestClient, queue_id: int) -> int:
    job = wait_job(client, client.post(f"/v1/queues/{queue_id}/forecasts", json={}).json()["id"])
    assert job["status"] == "succeeded", job
    return int(job["result_id"])


def _scenario(
    client: TestClient, queue_id: int, name: str, changes: dict[str, Any]
) -> dict[str, Any]:
    response = client.post(
        f"/v1/queues/{queue_id}/scenarios", json={"name": name, "changes": changes}
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_scenarios_and_comparison(client: TestClient, queue_id: int) -> None:
    forecast_id = _forecast(client, queue_id)
    up = _scenario(client, queue_id, "volume +15%", {"volume": [{"multiplier": 1.15}]})
    target = _scenario(client, queue_id, "90/30",
                       {"goal": {"service_level": 0.9, "answer_within_s": 30}})  # fmt: skip
    again = _scenario(client, queue_id, "volume +15%", {"volume": [{"multiplier": 1.2}]})
    assert (up["version"], again["version"]) == (1, 2)
    assert client.get(f"/v1/queues/{queue_id}/scenarios").json()["total"] == 3
    assert client.get(f"/v1/scenarios/{target['id']}").json()["name"] == "90/30"

    body = {"forecast_id": forecast_id, "scenario_ids": [up["id"], target["id"]]}
    response = client.post("/v1/comparisons", json=body)
    assert response.status_code == 202, response.text
    job = wait_job(client, response.json()["id"])
    assert job["status"] == "succeeded", job
    comparison = client.get(job["result_url"]).json()
    table = comparison["table"]
    assert table["scenario"] == ["base", "volume +15%", "90/30"]
    hours = table["required_agent_hours"]
    assert hours[1] > hours[0] and hours[2] > hours[0]
    assert table["required_agent_hours_vs_base"][0] == 0
    assert len(comparison["results"]) == 3 and comparison["results"][1]["provenance"]["input_hash"]


def test_scenario_bad_input(client: TestClient, queue_id: int) -> None:
    url = f"/v1/queues/{queue_id}/scenarios"
    bad = {"name": "x", "changes": {"volume": [{"multiplier": "lots"}]}}
    assert_problem(client.post(url, json=bad), 422)
    wrong_window = {
        "name": "x",
        "changes": {"aht": [{"delta_s": 5, "window": {"from_time": "18:00", "to_time": "08:00"}}]},
    }
    response = client.post(url, json=wrong_window)
    assert response.status_code in (201, 422)
    assert_problem(client.post("/v1/queues/999/scenarios", json={"name": "x"}), 404)
    assert_problem(
        client.post("/v1/comparisons", json={"forecast_id": 5, "scenario_ids": [1]}), 404
    )
    forecast_id = _forecast(client, queue_id)
    problem = assert_problem(
        client.post("/v1/comparisons", json={"forecast_id": forecast_id, "scenario_ids": [42]}), 422
    )
    assert problem["errors"][0]["field"] == "scenario_ids"
    assert_problem(client.get("/v1/comparisons/3"), 404)
