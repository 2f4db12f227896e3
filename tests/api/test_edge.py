"""The HTTP edge (api/edge.py): Host and Origin checks, the per-token rate limit, the body
limit of chunked uploads (on a real uvicorn server), and 405s naming every allowed method."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.db import make_engine, upgrade
from api.edge import RateLimit
from api.main import create_app
from api.settings import Settings
from bench.api import free_port
from tests.api.conftest import make_settings
from tests.api.support import (
    ADMIN_TOKEN,
    OPENING_HOURS,
    AdminClient,
    assert_problem,
    seed_admin_token,
)

SITE = {"name": "Berlin", "zone": "Europe/Berlin", "opening_hours": OPENING_HOURS}


@contextmanager
def app_client(database_url: str, **overrides: Any) -> Iterator[TestClient]:
    with AdminClient(create_app(make_settings(database_url, **overrides))) as client:
        yield client


@contextmanager
def live_server(settings: Settings) -> Iterator[str]:
    """``settings``' service on uvicorn in its own process (its own core: a client in this
    process does not share the GIL with it), on a free loopback port; yields its base URL.
    The database is migrated and holds the tests' admin token."""
    engine = make_engine(settings.database_url)
    upgrade(engine)
    seed_admin_token(engine)
    engine.dispose()
    env = {**os.environ, "STAFFWISE_RUN_MIGRATIONS": "false"}
    for name, value in settings.model_dump(exclude_none=True).items():
        env[f"STAFFWISE_{name.upper()}"] = (
            json.dumps(value) if isinstance(value, list) else str(value)
        )
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "--factory", "api.main:create_app",
               "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]  # fmt: skip
    server = subprocess.Popen(command, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, "uvicorn exited"
            assert time.monotonic() < deadline, "uvicorn did not start"
            try:
                with urllib.request.urlopen(base + "/v1/health", timeout=5):
                    break
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# ---- Host -----------------------------------------------------------------------------------


def test_a_foreign_host_header_is_400(client: TestClient) -> None:
    problem = assert_problem(client.get("/v1/health", headers={"host": "evil.example"}), 400)
    assert problem["code"] == "host-not-allowed"
    assert_problem(client.get("/v1/sites", headers={"host": "rebound.evil.example:8000"}), 400)
    for host in ("localhost:8000", "127.0.0.1", "[::1]:8000", "testserver"):
        assert client.get("/v1/sites", headers={"host": host}).status_code == 200, host


def test_allowed_hosts_come_from_the_settings(database_url: str) -> None:
    with app_client(database_url, allowed_hosts=["api.example.com"]) as client:
        assert client.get("/v1/sites", headers={"host": "api.example.com"}).status_code == 200
        assert_problem(client.get("/v1/sites", headers={"host": "localhost"}), 400)
    with app_client(database_url, allowed_hosts=["*"]) as client:
        assert client.get("/v1/sites", headers={"host": "any.example"}).status_code == 200


def test_allowed_hosts_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STAFFWISE_ALLOWED_HOSTS", "a.example, b.example")
    monkeypatch.setenv("STAFFWISE_ALLOWED_ORIGINS", '["https://planner.example"]')
    settings = Settings()
    assert settings.allowed_hosts == ["a.example", "b.example"]
    assert settings.allowed_origins == ["https://planner.example"]


# ---- Origin ---------------------------------------------------------------------------------


def test_an_unsafe_request_from_another_origin_is_403_and_changes_nothing(
    client: TestClient,
) -> None:
    for method, path in [
        ("POST", "/v1/sites"),
        ("PATCH", "/v1/sites/1"),
        ("DELETE", "/v1/sites/1"),
    ]:
        response = client.request(
            method, path, json=SITE, headers={"origin": "https://evil.example"}
        )
        assert assert_problem(response, 403)["code"] == "cross-origin-request"
    assert client.get("/v1/sites").json()["total"] == 0
    null_origin = client.post("/v1/sites", json=SITE, headers={"origin": "null"})
    assert_problem(null_origin, 403)


def test_same_origin_no_origin_and_reads_pass(client: TestClient) -> None:
    own = client.post("/v1/sites", json=SITE, headers={"origin": "http://testserver"})
    assert own.status_code == 201, own.text
    other = {**SITE, "name": "Paris"}
    assert client.post("/v1/sites", json=other).status_code == 201  # no Origin: not a browser
    read = client.get("/v1/sites", headers={"origin": "https://evil.example"})
    assert read.status_code == 200


def test_allowed_origins_come_from_the_settings(database_url: str) -> None:
    with app_client(database_url, allowed_origins=["https://planner.example"]) as client:
        ok = client.post("/v1/sites", json=SITE, headers={"origin": "https://planner.example/"})
        assert ok.status_code == 201, ok.text
        refused = client.post("/v1/sites", json=SITE, headers={"origin": "https://x.example"})
        assert_problem(refused, 403)


# ---- rate limit -----------------------------------------------------------------------------


def test_the_bucket_refills_at_the_rate() -> None:
    limit = RateLimit(app=None, rate_per_s=2.0, burst=3)  # type: ignore[arg-type]
    assert [limit.take("k", 0.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limit.take("k", 0.0) == pytest.approx(0.5)  # one token back after 0.5 s
    assert limit.take("k", 0.5) == 0.0
    assert limit.take("other", 0.5) == 0.0  # every key has its own bucket
    assert limit.take("k", 10.0) == 0.0  # refilled (never beyond the burst)
    assert [limit.take("k", 10.0) for _ in range(3)][-1] > 0


def test_429_with_retry_after_per_token(database_url: str) -> None:
    with app_client(database_url, rate_limit_per_s=0.05, rate_limit_burst=3) as client:
        assert [client.get("/v1/sites").status_code for _ in range(3)] == [200] * 3
        limited = client.get("/v1/sites")
        problem = assert_problem(limited, 429)
        assert problem["code"] == "rate-limited"
        assert 1 <= int(limited.headers["retry-after"]) <= 20  # one token back in <= 20 s
        assert client.get("/v1/health").status_code == 200  # probes are never limited
        other = client.get("/v1/sites", headers={"authorization": "Bearer another"})
        assert other.status_code == 401  # its own bucket: reaches the access check
        anonymous = TestClient(client.app)
        assert anonymous.get("/v1/sites").status_code == 401


def test_the_default_limit_is_generous(client: TestClient) -> None:
    settings = client.app.state.settings  # type: ignore[attr-defined]
    assert settings.rate_limit_per_s >= 100 and settings.rate_limit_burst >= 500
    assert all(client.get("/v1/sites").status_code == 200 for _ in range(300))


# ---- body size ------------------------------------------------------------------------------


def test_a_declared_length_over_the_limit_is_413_before_reading(client: TestClient) -> None:
    body = b"x" * (2 * 1024 * 1024 + 1)
    problem = assert_problem(client.post("/v1/sites", content=body), 413)
    assert problem["code"] == "payload-too-large"


def _chunked_post(
    base: str, path: str, chunk: bytes, chunks: int, first: bytes = b""
) -> tuple[int, dict[str, Any], int]:
    """POST ``first`` then ``chunks`` chunks (Transfer-Encoding: chunked; multipart when
    ``first`` is a part header, else JSON); stop sending once the server has answered and
    closed. Returns status, body and the bytes sent."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.putrequest("POST", path)
    connection.putheader("Authorization", f"Bearer {ADMIN_TOKEN}")
    kind = "multipart/form-data; boundary=b" if first else "application/json"
    connection.putheader("Content-Type", kind)
    connection.putheader("Transfer-Encoding", "chunked")
    connection.endheaders()
    sent = 0
    try:
        for piece in [first] * bool(first) + [chunk] * chunks:
            connection.send(b"%x\r\n%s\r\n" % (len(piece), piece))
            sent += len(piece)
        connection.send(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server answered and closed: it stopped reading
    response = connection.getresponse()
    body = json.loads(response.read() or b"{}")
    connection.close()
    return response.status, body, sent


@pytest.mark.slow
def test_a_chunked_upload_is_cut_off_at_the_limit(database_url: str) -> None:
    settings = make_settings(database_url, max_upload_bytes=1024 * 1024)
    with live_server(settings) as base:
        started = time.monotonic()
        part = b'--b\r\nContent-Disposition: form-data; name="file"; filename="h.csv"\r\n\r\n'
        path = "/v1/queues/1/history-imports"
        status, body, sent = _chunked_post(base, path, b"y" * 65536, 3200, first=part)
        assert status == 413, body
        assert body["code"] == "payload-too-large"
        assert sent < 200 * 1024 * 1024  # the 200 MB were not all taken
        assert time.monotonic() - started < 20
        small_status, _, _ = _chunked_post(base, "/v1/sites", b'{"name": "x"}', 1)
        assert small_status == 422  # a chunked body under the limit is read and validated


# ---- 405 ------------------------------------------------------------------------------------


def test_405_names_every_method_of_the_path(client: TestClient) -> None:
    response = client.request("PUT", "/v1/sites/1")
    assert_problem(response, 405)
    assert response.headers["allow"] == "DELETE, GET, PATCH"
    assert client.request("OPTIONS", "/v1/jobs/1").headers["allow"] == "DELETE, GET"
