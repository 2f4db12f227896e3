"""Small builders shared by the API tests."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from api.auth import token_hash
from api.db import writer
from api.tables import AccessToken, Forecast, Requirement

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


def store_requirement(client: TestClient, queue_id: int, starts: list[str]) -> tuple[int, int]:
    """(forecast id, requirement id) stored directly: a forecast of 2 calls of 300 s at each of
    ``starts`` (UTC ISO instants) and a requirement of 2 agents there (Erlang C: 1 agent
    answers 35 % within 20 s, 2 agents 85 %)."""
    n = len(starts)

    def col(value: float) -> list[float]:
        return [value] * n

    intervals: dict[str, list[Any]] = {
        "interval_start": starts, "calls": col(2.0), "aht_s": col(300.0),
        "agents_fractional": col(2.0), "agents": [2] * n, "scheduled_fractional": col(2.0),
        "scheduled": [2] * n, "service_level": col(0.85), "asa_s": col(5.0),
        "abandon_rate": col(0.0), "occupancy": col(1 / 3),
    }  # fmt: skip
    app: Any = client.app
    with Session(app.state.engine) as session:
        forecast = Forecast(queue_id=queue_id, method="test", weeks=1,
                            start=dt.datetime.fromisoformat(starts[0]),
                            intervals={"interval_start": starts, "calls": col(2.0),
                                       "aht_s": col(300.0)})  # fmt: skip
        session.add(forecast)
        session.flush()
        assert forecast.id is not None
        row = Requirement(queue_id=queue_id, forecast_id=forecast.id, goal={}, summary={},
                          intervals=intervals)  # fmt: skip
        session.add(row)
        session.commit()
        assert row.id is not None
        return forecast.id, row.id


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


# Access (api.auth): every API test client sends this admin token unless it says otherwise.
# It exists only in test databases (AdminClient adds it on start).
ADMIN_TOKEN = "sw_tests-admin-token-of-the-test-databases-only"


def seed_admin_token(engine: Engine) -> None:
    """Add the tests' admin token to the database behind ``engine`` (once)."""
    digest = token_hash(ADMIN_TOKEN)
    # BEGIN IMMEDIATE: a read-then-write transaction fails at once ("database is locked")
    # when a job started by the app writes at the same moment
    with Session(writer(engine)) as session:
        query = select(AccessToken).where(col(AccessToken.token_sha256) == digest)
        if session.exec(query).first() is None:
            session.add(AccessToken(name="tests admin", role="admin", token_sha256=digest))
            session.commit()


class AdminClient(TestClient):
    """A TestClient that sends the tests' admin token (and adds it to the app's database when
    the client starts the app)."""

    def __init__(self, app: Any, **kwargs: Any) -> None:
        headers = {"Authorization": f"Bearer {ADMIN_TOKEN}", **kwargs.pop("headers", {})}
        super().__init__(app, headers=headers, **kwargs)

    def __enter__(self) -> AdminClient:
        super().__enter__()
        seed_admin_token(self.app.state.engine)  # type: ignore[attr-defined]
        return self


def token_for(admin: TestClient, role: str, sites: list[int] | None = None, **body: Any) -> str:
    """A new token of ``role`` (for ``sites``; None = every site), made by the admin client."""
    response = admin.post("/v1/tokens", json={"role": role, "sites": sites, **body})
    assert response.status_code == 201, response.text
    return str(response.json()["token"])


def client_with(admin: TestClient, token: str | None) -> TestClient:
    """A client of the same running app sending ``token`` (None: no Authorization header)."""
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    return TestClient(admin.app, headers=headers)
