"""Jobs that survive faults: a killed worker process, a lost lease, a shutdown, a re-posted key.

Fault tests use real processes: the process executor's spawned workers (one is killed with
SIGKILL) and, in ``test_server_faults.py``, ``staffwise serve`` subprocesses.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from concurrent.futures import wait
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import Response
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session

from api import leases, tasks
from api.db import make_engine, write_session
from api.demo import load_demo
from api.jobs import FINISHED, JobContext, JobOutcome, LeaseLost, _start, _succeed, run_job
from api.leases import Holder
from api.main import create_app
from api.routes.jobs import submit_job
from api.tables import Job, utcnow
from api.workers import WorkerDied, WorkerPool
from bench.api import free_port
from tests.api.conftest import make_settings
from tests.api.support import assert_problem, wait_job

KINDS = "fault=tests.api.fault_probe"


def admin_headers(database_url: str) -> dict[str, str]:
    """An admin bearer token once the service has sign-in (api.auth), else no header."""
    try:
        from api.auth import issue_token
    except ImportError:
        return {}
    engine = make_engine(database_url)
    try:
        with write_session(engine) as session:
            _row, secret = issue_token(session, "admin", name="fault-tests")
    except Exception:  # the token table does not exist yet
        return {}
    finally:
        engine.dispose()
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def fault_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(tasks.EXTRA_KINDS_ENV, KINDS)  # spawned workers inherit it


def _submit(client: TestClient, params: dict[str, Any], key: str | None = None) -> int:
    app: Any = client.app
    job = submit_job(app.state.engine, app.state.runner, "fault", params, key, Response())
    return job.id


def _job(database_url: str, job_id: int) -> Job:
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            job = session.get(Job, job_id)
            assert job is not None
            return job
    finally:
        engine.dispose()


def _wait_running(database_url: str, job_id: int, timeout_s: float = 90) -> Job:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job = _job(database_url, job_id)
        if job.status == "running" and job.worker_pid and job.checkpoint:
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not start")


def _sleep(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def test_worker_pool_dead_worker_fails_only_its_call() -> None:
    pool = WorkerPool(2)
    try:
        futures = [pool.submit(_sleep, 4.0), pool.submit(_sleep, 4.0)]
        deadline = time.monotonic() + 60
        while len(pool.pids()) < 2 or pool.state()["busy"] < 2:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        os.kill(pool.pids()[0], signal.SIGKILL)
        wait(futures, timeout=60)
        errors = [f.exception() for f in futures]
        died = [e for e in errors if e is not None]
        assert len(died) == 1 and isinstance(died[0], WorkerDied)
        assert "SIGKILL" in str(died[0])
        assert pool.submit(_sleep, 0.0).result(timeout=60) not in (None, died[0].pid)
        assert pool.state()["worker_deaths"] == 1 and pool.state()["accepting"]
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


@pytest.mark.slow
def test_killed_worker_fails_only_its_own_job_and_later_jobs_run(
    database_url: str, fault_kind: None
) -> None:
    settings = make_settings(database_url, executor="process", workers=2)
    with TestClient(create_app(settings), headers=admin_headers(database_url)) as client:
        victim = _submit(client, {"steps": 400, "sleep_s": 0.05})
        other = _submit(client, {"steps": 60, "sleep_s": 0.05})
        pid = _wait_running(database_url, victim).worker_pid
        _wait_running(database_url, other)
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        killed = wait_job(client, victim, timeout_s=60)
        assert killed["status"] == "failed"
        assert f"worker process {pid} died (SIGKILL" in killed["error"]
        assert "only this job failed" in killed["error"]
        assert wait_job(client, other, timeout_s=60)["status"] == "succeeded"
        later = wait_job(client, _submit(client, {"steps": 3}), timeout_s=90)
        assert later["status"] == "succeeded", later
        health = client.get("/v1/health")
        assert health.status_code == 200 and health.json()["status"] == "ok"
        assert health.json()["executor"]["worker_deaths"] == 1


def test_only_the_lease_holder_writes(database_url: str, fault_kind: None) -> None:
    """A worker whose lease lapsed and was taken over (a leftover of a dead service) changes
    nothing: no progress, no checkpoint, no result, no start."""
    engine = make_engine(database_url)
    with write_session(engine) as session:
        job = Job(kind="fault", status="queued", params={"steps": 1}, request_sha256="x")
        session.add(job)
    assert job.id is not None
    assert leases.take_over(engine, job, "old", lease_s=30, max_attempts=3) == 1
    ctx = _start(engine, job.id, Holder(job.id, "old", 1))
    assert ctx is not None and ctx.attempt == 1
    ctx.report(0.3, "first", force=True)
    with write_session(engine) as session:  # the old service died: its lease lapsed
        past = utcnow() - dt.timedelta(seconds=1)
        session.execute(update(Job).where(Job.id == job.id).values(lease_expires_at=past))  # type: ignore[arg-type]
    stale = _job(database_url, job.id)
    assert leases.take_over(engine, stale, "new", lease_s=30, max_attempts=3) == 2
    ctx.report(0.9, "late progress", force=True)
    assert not ctx.checkpoint({"step": 99})
    assert ctx.lost and ctx.should_stop()
    with pytest.raises(LeaseLost):  # the result's transaction is rolled back
        _succeed(ctx, JobOutcome(row=None, kind=None, message="late"), 1.0)
    assert run_job(database_url, job.id, "old", 1) == "skipped"
    after = _job(database_url, job.id)
    assert (after.status, after.owner, after.attempt) == ("queued", "new", 2)
    assert after.progress == 0.3 and after.checkpoint is None
    assert after.message == "re-queued after its service stopped (attempt 2)"
    assert run_job(database_url, job.id, "new", 2) == "succeeded"
    engine.dispose()


def test_an_unfenced_context_still_writes(database_url: str) -> None:
    """The fence is what stops the late write above: without a holder the same write lands."""
    engine = make_engine(database_url)
    with write_session(engine) as session:
        job = Job(kind="fault", status="running", params={}, request_sha256="x", owner="new")
        session.add(job)
    assert job.id is not None
    JobContext(engine=engine, job_id=job.id, kind="fault", params={}).report(0.9, "x", force=True)
    assert _job(database_url, job.id).progress == 0.9
    engine.dispose()


def test_idempotency_key_runs_a_failed_or_interrupted_job_again(
    client: TestClient, database_url: str, fault_kind: None
) -> None:
    params = {"steps": 1, "fail_before_attempt": 2}
    first = wait_job(client, _submit(client, params, key="k-failed"))
    assert first["status"] == "failed" and first["attempt"] == 1
    again_id = _submit(client, params, key="k-failed")
    assert again_id == first["id"]
    again = wait_job(client, again_id)
    assert again["status"] == "succeeded" and again["attempt"] == 2, again
    assert _submit(client, params, key="k-failed") == again_id  # a success is not re-run
    assert wait_job(client, again_id)["attempt"] == 2
    other = wait_job(client, _submit(client, {"steps": 1}, key="k-interrupted"))
    engine = make_engine(database_url)
    with write_session(engine) as session:
        session.execute(update(Job).where(Job.id == other["id"]).values(status="interrupted"))  # type: ignore[arg-type]
    engine.dispose()
    rerun = wait_job(client, _submit(client, {"steps": 1}, key="k-interrupted"))
    assert rerun["status"] == "succeeded" and rerun["attempt"] == 2


def test_drain_refuses_new_jobs_and_stops_running_ones(
    client: TestClient, queue_id: int, database_url: str, fault_kind: None
) -> None:
    job_id = _submit(client, {"steps": 100000, "sleep_s": 0.01})
    _wait_running(database_url, job_id)
    app: Any = client.app
    app.state.runner.begin_drain()
    refused = client.post(f"/v1/queues/{queue_id}/forecasts", json={})
    body = assert_problem(refused, 503)
    assert refused.headers["Retry-After"] and "shutting down" in body["detail"]
    health = client.get("/v1/health")
    assert health.status_code == 503 and health.json()["status"] == "unavailable"
    job = wait_job(client, job_id, timeout_s=30)
    assert job["status"] == "succeeded"
    assert job["message"].startswith("stopped early (service shutting down): stopped at")


# ---- a real server: kill -9 and restart, SIGTERM ------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
DEMO_WEEK = "2026-11-09"  # the week after the demo history


@contextmanager
def serving(database_url: str, workers: int = 1, **env: str) -> Iterator[Server]:
    """``staffwise serve`` on a free loopback port; killed at the end if still running."""
    port = free_port()
    cmd = [str(ROOT / ".venv/bin/staffwise"), "serve", "--port", str(port), "--database-url",
           database_url, "--workers", str(workers), "--log-level", "warning"]  # fmt: skip
    environ = {**os.environ, tasks.EXTRA_KINDS_ENV: KINDS, "STAFFWISE_JOB_LEASE_S": "2", **env}
    process = subprocess.Popen(cmd, cwd=ROOT, env=environ)
    server = Server(process, f"http://127.0.0.1:{port}", admin_headers(database_url))
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert process.poll() is None, "the server exited"
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{server.url}/v1/health", timeout=2).status_code == 200:
                    break
            time.sleep(0.2)
        yield server
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(30)


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str
    headers: dict[str, str]


def _insert_job(database_url: str, params: dict[str, Any]) -> int:
    """A queued job nobody holds yet (as a request would leave it): a server takes it."""
    engine = make_engine(database_url)
    with write_session(engine) as session:
        job = Job(kind="fault", status="queued", params=params, request_sha256="x")
        session.add(job)
    engine.dispose()
    assert job.id is not None
    return job.id


def _wait_status(
    database_url: str, job_id: int, done: Callable[[Job], bool], timeout_s: float
) -> Job:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job = _job(database_url, job_id)
        if done(job):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id}: {_job(database_url, job_id)}")


def _gone(pid: int, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.2)
    return False


def _step(job: Job) -> int:
    return int((job.checkpoint or {}).get("step", 0))


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    target = tmp_path / "served.db"
    shutil.copyfile(sqlite_template, target)
    return f"sqlite:///{target}"


@pytest.mark.slow
def test_killed_server_restarts_and_resumes_the_job_from_its_checkpoint(sqlite_url: str) -> None:
    job_id = _insert_job(sqlite_url, {"steps": 200, "sleep_s": 0.05})
    with serving(sqlite_url) as first:
        started = _wait_status(sqlite_url, job_id, lambda j: _step(j) >= 10, 120)
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(30)
    killed_at = _job(sqlite_url, job_id).checkpoint or {}
    assert started.worker_pid is not None and started.attempt == 1
    assert _gone(started.worker_pid, 20), "the dead server's worker is still running"
    orphan_step = (_job(sqlite_url, job_id).checkpoint or {})["step"]
    with serving(sqlite_url):
        done = _wait_status(sqlite_url, job_id, lambda j: j.status in FINISHED, 120)
    assert done.status == "succeeded" and done.attempt == 2, done
    first_step = int(done.message.split("done from step ")[1].split(" ")[0])
    assert killed_at["step"] <= first_step == orphan_step < 200  # resumed, not re-run


@pytest.mark.slow
def test_sigterm_stops_a_long_roster_solve_and_exits_within_15_s(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    ids = load_demo(engine)
    engine.dispose()
    settings = make_settings(sqlite_url)
    with TestClient(create_app(settings), headers=admin_headers(sqlite_url)) as client:
        forecast = client.post(f"/v1/queues/{ids.queue_id}/forecasts", json={}).json()
        forecast = wait_job(client, forecast["id"], timeout_s=300)
        requirement = client.post("/v1/requirements", json={"forecast_id": forecast["result_id"]})
    body = {"requirement_id": requirement.json()["id"], "week_start": DEMO_WEEK,
            "time_limit_s": 3600, "workers": 1}  # fmt: skip
    with serving(sqlite_url) as server:
        posted = httpx.post(f"{server.url}/v1/roster-jobs", json=body, headers=server.headers)
        assert posted.status_code == 202, posted.text
        job_id = posted.json()["id"]
        # the first progress event of the solver (an aggregate estimate or a named roster):
        # the solve is under way; waiting for a named roster took ~50 s of a 3600 s solve
        _wait_status(sqlite_url, job_id, lambda j: j.message.startswith("solving: "), 300)
        signalled = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        server.process.wait(60)
        took = time.monotonic() - signalled
    job = _job(sqlite_url, job_id)
    print(f"SIGTERM: exited after {took:.1f} s; job {job.status}: {job.message[:100]}")
    assert took < 15, f"shutdown took {took:.1f} s"
    kept = job.status == "succeeded" and job.result_id is not None
    requeued = job.status == "queued" and job.owner is None
    assert kept or requeued, job
    if kept:
        assert job.message.startswith("stopped early (service shutting down)")
