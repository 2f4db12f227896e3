"""Small builders shared by the API tests."""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from api.auth import token_hash
from api.db import writer
from api.tables import AccessToken

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
