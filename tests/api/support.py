"""Small builders shared by the API tests."""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient

WEEKDAYS = [{"start": "08:00", "end": "20:00"}] * 5
OPENING_HOURS: list[Any] = [*WEEKDAYS, {"start": "09:00", "end": "17:00"}, None]


def create_site(client: TestClient, name: str = "Berlin", zone: str = "Europe/Berlin") -> int:
    body = {"name": name, "zone": zone, "opening_hours": OPENING_HOURS}
    response = client.post("/v1/sites", json=body)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def queue_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "voice",
        "channel": "voice",
        "interval_min": 15,
        "aht_s": 300,
        "model": "erlang_c",
        "goal": {"service_level": 0.8, "answer_within_s": 20, "max_occupancy": 0.9},
        "shrinkage": 0.0,
    }
    body.update(changes)
    return body


def create_queue(client: TestClient, site_id: int, **changes: Any) -> int:
    response = client.post(f"/v1/sites/{site_id}/queues", json=queue_body(**changes))
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def wait_job(client: TestClient, job_id: int, timeout_s: float = 60.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(f"/v1/jobs/{job_id}").json()
        if job["status"] in ("succeeded", "failed", "cancelled", "interrupted"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish in {timeout_s} s")


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body
