"""The job machinery: status, progress, cancel, errors, idempotency, restart -> interrupted."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import Response
from fastapi.testclient import TestClient

from api import tasks
from api.db import make_engine, write_session
from api.main import create_app
from api.routes.jobs import submit_job
from api.settings import Settings
from api.tables import Job, utcnow
from tests.api.support import AdminClient, assert_problem, wait_job


@pytest.fixture
def probe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(tasks.KINDS, "probe", "tests.api.job_probe")


def _submit(client: TestClient, params: dict[str, Any], key: str | None = None) -> int:
    app: Any = client.app
    job = submit_job(app.state.engine, app.state.runner, "probe", params, key, Response())
    return job.id


def test_job_runs_and_reports(client: TestClient, probe: None) -> None:
    job_id = _submit(client, {"steps": 5})
    job = wait_job(client, job_id)
    assert job["status"] == "succeeded" and job["progress"] == 1.0
    assert job["objective"] == 95.0 and job["best_bound"] == 50.0
    assert job["started_at"] and job["finished_at"] and job["message"] == "done"
    listing = client.get("/v1/jobs", params={"status": "succeeded", "kind": "probe"}).json()
    assert [j["id"] for j in listing["items"]] == [job_id]


def test_cancel_running_job(client: TestClient, probe: None) -> None:
    job_id = _submit(client, {"steps": 2000, "sleep_s": 0.01})
    deadline = time.monotonic() + 10
    while client.get(f"/v1/jobs/{job_id}").json()["status"] != "running":
        assert time.monotonic() < deadline
        time.sleep(0.02)
    answer = client.delete(f"/v1/jobs/{job_id}")
    assert answer.status_code == 202 and answer.json()["cancel_requested"]
    job = wait_job(client, job_id)
    assert job["status"] == "cancelled" and job["message"].startswith("stopped at")
    assert job["objective"] is not None  # the best solution so far is kept
    again = client.post(f"/v1/jobs/{job_id}/cancel")
    assert again.status_code == 202 and again.json()["status"] == "cancelled"


def test_failed_job_has_row_errors(client: TestClient, probe: None) -> None:
    job = wait_job(client, _submit(client, {"steps": 1, "fail": "input"}))
    assert job["status"] == "failed"
    assert job["errors"] == [
        {"row": 3, "field": "calls", "code": "negative", "message": "calls must be >= 0"}
    ]
    crashed = wait_job(client, _submit(client, {"steps": 1, "fail": "crash"}))
    assert crashed["status"] == "failed" and "probe crashed" in crashed["error"]


def test_idempotency_key(client: TestClient, probe: None) -> None:
    first = _submit(client, {"steps": 1}, key="abc")
    assert _submit(client, {"steps": 1}, key="abc") == first
    with pytest.raises(Exception) as info:
        _submit(client, {"steps": 2}, key="abc")
    assert getattr(info.value, "status", None) == 409
    wait_job(client, first)
    assert client.get("/v1/jobs").json()["total"] == 1


def test_unknown_job_is_404(client: TestClient) -> None:
    assert_problem(client.get("/v1/jobs/12345"), 404)
    assert_problem(client.delete("/v1/jobs/12345"), 404)


@pytest.fixture
def stale_database(database_url: str) -> Iterator[str]:
    """Jobs left open by a service that stopped: one never leased (a pre-lease database or a
    handed-back job), one whose lease lapsed, one at the retry limit, one finished."""
    engine = make_engine(database_url)
    past = utcnow() - dt.timedelta(minutes=5)
    lapsed = {"owner": "dead:1:x", "lease_expires_at": past}
    with write_session(engine) as session:
        params = {"steps": 2, "sleep_s": 0.01}
        session.add(Job(kind="probe", status="queued", params=params, request_sha256="x"))
        session.add(Job(kind="probe", status="running", params=params, request_sha256="x",
                        attempt=1, **lapsed))  # fmt: skip
        session.add(Job(kind="probe", status="running", params=params, request_sha256="x",
                        attempt=3, **lapsed))  # fmt: skip
        session.add(Job(kind="probe", status="succeeded", params=params, request_sha256="x"))
    engine.dispose()
    yield database_url


def test_restart_requeues_lapsed_jobs_up_to_the_retry_limit(
    stale_database: str, probe: None
) -> None:
    settings = Settings(database_url=stale_database, executor="thread", job_max_attempts=3)
    with AdminClient(create_app(settings)) as client:
        jobs = [wait_job(client, i) for i in (1, 2, 3, 4)]
    assert [j["status"] for j in jobs] == ["succeeded", "succeeded", "interrupted", "succeeded"]
    assert [j["attempt"] for j in jobs] == [1, 2, 3, 0]
    assert "retry limit" in jobs[2]["message"]
