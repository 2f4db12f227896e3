"""Site roster jobs keep their best roster as a checkpoint and resume from it (issue 28)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

import api.tasks.site_roster as site_task
from api.db import write_session
from api.jobs import create_job
from api.tables import Job
from tests.api.support import wait_job
from tests.api.test_jobs_resume import _checkpoint
from tests.api.test_site_rosters import _solve, site  # noqa: F401 - fixture


def _again(client: TestClient, job: dict[str, Any], checkpoint: dict[str, Any]) -> dict[str, Any]:
    """A new attempt of ``job``'s request that finds ``checkpoint`` (as after a crash)."""
    engine = client.app.state.engine  # type: ignore[attr-defined]
    job_id = int(create_job(engine, "site_roster", job["params"], None)[0].id or 0)
    with write_session(engine) as session:
        session.get_one(Job, job_id).checkpoint = checkpoint
    client.app.state.runner.submit(job_id)  # type: ignore[attr-defined]
    done = wait_job(client, job_id, timeout_s=60)
    assert done["status"] == "succeeded", done
    return done


def _no_solve(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("solved again")


def test_a_complete_what_if_checkpoint_is_the_result(
    client: TestClient,
    site: dict[str, Any],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Both rows of a what-if (its roster and the base roster it names) come back."""
    training = [{"queue_id": site["queues"]["A"], "agents": 1}]
    first = _solve(client, site["site_id"], cross_training=training)
    saved = _checkpoint(client, first["job"]["id"])
    assert saved["kind"] == "site_roster" and saved["complete"] and len(saved["related"]) == 1
    monkeypatch.setattr(site_task, "solve_site", _no_solve)
    job = _again(client, first["job"], saved)
    assert job["message"].startswith("kept from attempt 1's checkpoint")
    assert job["objective"] == pytest.approx(first["job"]["objective"])
    again = client.get(job["result_url"]).json()
    assert again["schedule"] == first["schedule"] and again["job_id"] == job["id"]
    base_id = again["what_if"]["base_site_roster_id"]
    assert base_id != first["what_if"]["base_site_roster_id"]
    base = client.get(f"/v1/site-rosters/{base_id}").json()
    assert base["report"]["objective"] == pytest.approx(again["what_if"]["base_cost"])


def test_an_interrupted_checkpoint_resumes_for_the_time_left_with_a_stop_callback(
    client: TestClient,
    site: dict[str, Any],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = _solve(client, site["site_id"])
    saved = _checkpoint(client, first["job"]["id"])
    assert saved["complete"] and saved["spent_s"] > 0 and saved["related"] == []
    cheaper = {**saved, "complete": False, "spent_s": 2.0,
               "outcome": {**saved["outcome"], "objective": -1.0}}  # fmt: skip
    calls: list[tuple[float, bool]] = []
    solve = site_task.solve_site

    def spy(problem: Any, options: Any, should_stop: Any = None) -> Any:
        calls.append((options.time_limit_s, callable(should_stop) and not should_stop()))
        return solve(problem, options, should_stop)

    monkeypatch.setattr(site_task, "solve_site", spy)
    job = _again(client, first["job"], cheaper)
    assert calls == [(pytest.approx(2.0), True)]  # 4 s limit, 2 s spent earlier; the job's stop
    assert job["objective"] == -1.0 and job["message"].startswith("kept from attempt 1's")
    latest = _checkpoint(client, job["id"])
    assert latest["complete"] and latest["spent_s"] > 2.0
