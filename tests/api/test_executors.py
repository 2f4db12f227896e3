"""The executor seam: the same jobs give the same results on the in-process thread pool, the
local process pool (spawn) and Dask distributed (a 2-worker ``LocalCluster``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from tests.api.conftest import make_settings
from tests.api.support import AdminClient, wait_job
from tests.api.test_rosters import WEEK, _staff, _tiny_queue


def _prepare(database_url: str) -> int:
    """Tiny site, staff and history; returns the queue id."""
    with AdminClient(create_app(make_settings(database_url))) as client:
        site_id, queue_id = _tiny_queue(client)
        _staff(client, site_id, queue_id, agents=6)
    return queue_id


def _run_pipeline(client: TestClient, queue_id: int) -> dict[str, Any]:
    """Forecast job -> requirement -> two concurrent roster jobs; the stored results."""
    forecast_job = wait_job(
        client, client.post(f"/v1/queues/{queue_id}/forecasts", json={}).json()["id"]
    )
    assert forecast_job["status"] == "succeeded", forecast_job
    forecast = client.get(forecast_job["result_url"]).json()
    requirement = client.post("/v1/requirements", json={"forecast_id": forecast["id"]}).json()
    body = {
        "requirement_id": requirement["id"],
        "week_start": WEEK,
        "time_limit_s": 20,
        "workers": 1,
    }
    job_ids = [
        client.post("/v1/roster-jobs", json={**body, "seed": s}).json()["id"] for s in (0, 0)
    ]
    jobs = [wait_job(client, job_id, timeout_s=120) for job_id in job_ids]
    assert [j["status"] for j in jobs] == ["succeeded", "succeeded"], jobs
    rosters = [client.get(j["result_url"]).json() for j in jobs]
    return {
        "calls": forecast["intervals"]["calls"],
        "agents": requirement["intervals"]["agents"],
        "objectives": [r["report"]["objective"] for r in rosters],
        "staffed": [r["coverage"]["staffed"] for r in rosters],
    }


@pytest.fixture
def reference(database_url: str) -> tuple[int, dict[str, Any]]:
    queue_id = _prepare(database_url)
    with AdminClient(create_app(make_settings(database_url))) as client:
        return queue_id, _run_pipeline(client, queue_id)


def _same(got: dict[str, Any], want: dict[str, Any]) -> None:
    assert got["calls"] == pytest.approx(want["calls"])
    assert got["agents"] == want["agents"]
    assert got["objectives"] == pytest.approx(want["objectives"])
    assert got["objectives"][0] == pytest.approx(got["objectives"][1])


@pytest.mark.slow
def test_process_pool_gives_same_results(
    database_url: str, reference: tuple[int, dict[str, Any]]
) -> None:
    queue_id, want = reference
    settings = make_settings(database_url, executor="process", workers=2)
    with AdminClient(create_app(settings)) as client:
        app: Any = client.app
        assert app.state.runner.backend.kind == "process"
        _same(_run_pipeline(client, queue_id), want)


@pytest.fixture
def dask_scheduler() -> Iterator[str]:
    distributed = pytest.importorskip("dask.distributed")
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    try:
        yield str(cluster.scheduler_address)
    finally:
        cluster.close()


@pytest.mark.dask
@pytest.mark.slow
def test_dask_gives_same_results(
    database_url: str, reference: tuple[int, dict[str, Any]], dask_scheduler: str
) -> None:
    queue_id, want = reference
    settings = make_settings(database_url, dask_scheduler=dask_scheduler)
    with AdminClient(create_app(settings)) as client:
        app: Any = client.app
        assert app.state.runner.backend.kind == "dask"
        _same(_run_pipeline(client, queue_id), want)
