"""Roster jobs resume from their checkpoint; a roster's body is cached with ETag / gzip."""

from __future__ import annotations

import gzip
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

import api.tasks.roster as roster_task
from api.db import write_session
from api.jobs import create_job
from api.tables import Job
from tests.api.support import wait_job
from tests.api.test_rosters import WEEK, requirement_id, tiny  # noqa: F401 - fixtures

Solved = tuple[dict[str, Any], dict[str, Any]]


def _roster_job(client: TestClient, requirement_id: int) -> dict[str, Any]:  # noqa: F811
    body = {"requirement_id": requirement_id, "week_start": WEEK, "time_limit_s": 5}
    job = wait_job(client, client.post("/v1/roster-jobs", json=body).json()["id"])
    assert job["status"] == "succeeded", job
    return job


def _rerun_with(client: TestClient, job: dict[str, Any], checkpoint: dict[str, Any]) -> int:
    """A new attempt of the same request that finds ``checkpoint`` (as after a crash)."""
    app: Any = client.app
    again, created = create_job(app.state.engine, "roster", job["params"], None)
    assert created and again.id is not None
    with write_session(app.state.engine) as session:
        session.execute(update(Job).where(Job.id == again.id).values(checkpoint=checkpoint))  # type: ignore[arg-type]
    app.state.runner.submit(again.id)
    return again.id


def _checkpoint(client: TestClient, job_id: int) -> dict[str, Any]:
    app: Any = client.app
    with write_session(app.state.engine) as session:
        row = session.get(Job, job_id)
        assert row is not None and row.checkpoint is not None
        return dict(row.checkpoint)


@pytest.fixture
def solved(client: TestClient, requirement_id: int) -> Solved:  # noqa: F811
    """A finished roster job and its saved checkpoint."""
    first = _roster_job(client, requirement_id)
    return first, _checkpoint(client, first["id"])


def test_a_complete_checkpoint_is_the_result_without_a_second_solve(
    client: TestClient, solved: Solved, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, saved = solved
    assert saved["complete"] and saved["attempt"] == 1 and saved["spent_s"] > 0

    def no_solve(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("solved again")

    monkeypatch.setattr(roster_task, "solve_roster", no_solve)
    job = wait_job(client, _rerun_with(client, first, saved))
    assert job["status"] == "succeeded", job
    assert job["message"].startswith("kept from attempt 1's checkpoint")
    assert job["objective"] == pytest.approx(first["objective"])
    old, new = client.get(first["result_url"]).json(), client.get(job["result_url"]).json()
    assert new["schedule"] == old["schedule"] and new["job_id"] == job["id"]


def test_an_interrupted_checkpoint_resumes_for_the_time_left_and_keeps_the_cheaper(
    client: TestClient, solved: Solved, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, saved = solved
    cheaper = {**saved, "complete": False, "spent_s": 3.0,
               "outcome": {**saved["outcome"], "objective": -1.0}}  # fmt: skip
    limits: list[float] = []
    solve = roster_task.solve_roster

    def spy(problem: Any, options: Any, **kwargs: Any) -> Any:
        limits.append(options.time_limit_s)
        return solve(problem, options, **kwargs)

    monkeypatch.setattr(roster_task, "solve_roster", spy)
    job = wait_job(client, _rerun_with(client, first, cheaper))
    assert job["status"] == "succeeded", job
    assert limits == [pytest.approx(2.0)]  # 5 s limit, 3 s spent by the earlier attempt
    assert job["objective"] == -1.0 and job["message"].startswith("kept from attempt 1's")
    latest = _checkpoint(client, job["id"])
    assert latest["complete"] and latest["spent_s"] > 3.0


def test_roster_body_is_cached_with_etag_gzip_and_304(
    client: TestClient,
    requirement_id: int,  # noqa: F811
) -> None:
    url = _roster_job(client, requirement_id)["result_url"]
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    etag = plain.headers["ETag"]
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip" and zipped.headers["ETag"] == etag
    assert zipped.json() == plain.json()  # httpx decodes it
    assert len(gzip.compress(plain.content)) < len(plain.content)
    unchanged = client.get(url, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.content == b""
    app: Any = client.app
    assert app.state.body_cache.misses == 1  # built once (later reads: cache or api.fast_reads)
    site_id = plain.json()["site_id"]
    contract = {"code": "FT", "shift_paid_minutes": [240], "min_weekly_paid_minutes": 0,
                "max_weekly_paid_minutes": 1200, "max_days": 5}  # fmt: skip
    contract_id = client.post(f"/v1/sites/{site_id}/contracts", json=contract).json()["id"]
    agent = plain.json()["schedule"][0]["agent"]
    agents = client.get(f"/v1/sites/{site_id}/agents").json()["items"]
    agent_id = next(a["id"] for a in agents if a["code"] == agent)
    moved = client.patch(f"/v1/agents/{agent_id}", json={"contract_id": contract_id})
    assert moved.status_code == 200, moved.text
    after = client.get(url, headers={"If-None-Match": etag})
    assert after.status_code == 200 and after.headers["ETag"] != etag
    assert json.loads(after.content)["schedule"][0]["contract"] == "FT"
