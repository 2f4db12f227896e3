"""Sign-in: bearer tokens (401 without, expired, revoked), stored hashed, shown once; the
admin token API, the ``staffwise token`` CLI and the demo's planner token."""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.cli import main as cli_main
from api.db import make_engine
from api.demo import load_demo
from api.tables import AccessToken, utcnow
from tests.api.conftest import make_settings
from tests.api.support import assert_problem, client_with, create_site, token_for


def _engine(client: TestClient) -> Any:
    app: Any = client.app
    return app.state.engine


def test_a_request_without_a_token_is_a_401_problem(anon_client: TestClient) -> None:
    for response in (
        anon_client.get("/v1/sites"),
        anon_client.post("/v1/sites", json={}),
        anon_client.get("/v1/jobs/1"),
    ):
        body = assert_problem(response, 401)
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert "Bearer" in body["detail"]
    assert anon_client.get("/v1/health").status_code == 200  # health stays open
    bad = client_with(anon_client, "sw_not-a-token")
    assert_problem(bad.get("/v1/sites"), 401)
    assert 'error="invalid_token"' in bad.get("/v1/sites").headers["www-authenticate"]
    basic = anon_client.get("/v1/sites", headers={"Authorization": "Basic YTpi"})
    assert_problem(basic, 401)


def test_tokens_are_shown_once_and_stored_hashed(client: TestClient) -> None:
    response = client.post("/v1/tokens", json={"role": "viewer", "name": "wallboard"})
    assert response.status_code == 201, response.text
    created = response.json()
    secret = created["token"]
    assert len(secret) >= 40 and response.headers["location"] == f"/v1/tokens/{created['id']}"
    read = client.get(f"/v1/tokens/{created['id']}").json()
    assert "token" not in read and read["active"] and read["name"] == "wallboard"
    assert all("token" not in item for item in client.get("/v1/tokens").json()["items"])
    with Session(_engine(client)) as session:
        row = session.get(AccessToken, created["id"])
        assert row is not None
        assert row.token_sha256 == hashlib.sha256(secret.encode()).hexdigest()
        assert secret not in repr(row.model_dump())
    viewer = client_with(client, secret)
    assert viewer.get("/v1/sites").status_code == 200


def test_revoked_and_expired_tokens_are_refused(client: TestClient) -> None:
    secret = token_for(client, "viewer")
    viewer = client_with(client, secret)
    assert viewer.get("/v1/sites").status_code == 200
    token_id = client.get("/v1/tokens").json()["items"][-1]["id"]
    assert client.delete(f"/v1/tokens/{token_id}").status_code == 204
    assert "revoked" in assert_problem(viewer.get("/v1/sites"), 401)["detail"]
    assert client.get(f"/v1/tokens/{token_id}").json()["active"] is False

    secret = token_for(client, "viewer", expires_days=1)
    with Session(_engine(client)) as session:
        row = session.exec(select(AccessToken).order_by(AccessToken.id.desc())).first()  # type: ignore[union-attr]
        assert row is not None and row.expires_at is not None
        assert dt.timedelta(hours=23) < row.expires_at - utcnow() <= dt.timedelta(days=1)
        row.expires_at = utcnow() - dt.timedelta(seconds=1)
        session.add(row)
        session.commit()
        expired_id = row.id
    assert "expired" in assert_problem(client_with(client, secret).get("/v1/sites"), 401)["detail"]
    inactive = client.get("/v1/tokens", params={"active": False}).json()["items"]
    assert [t["id"] for t in inactive] == [token_id, expired_id]  # revoked, expired
    active = client.get("/v1/tokens", params={"active": True}).json()["items"]
    assert {t["name"] for t in active} == {"tests admin"}


def test_token_requests_are_checked(client: TestClient) -> None:
    site_id = create_site(client)
    cases = [
        ({"role": "root"}, "role"),
        ({"role": "admin", "sites": [site_id]}, "sites"),
        ({"role": "planner", "sites": [site_id + 99]}, "sites"),
        ({"role": "planner", "sites": []}, "sites"),
        ({"role": "viewer", "expires_days": 0}, "expires_days"),
    ]
    for body, field in cases:
        problem = assert_problem(client.post("/v1/tokens", json=body), 422)
        assert problem["errors"][0]["field"] == field, problem
    assert (
        client.post("/v1/tokens", json={"role": "planner", "sites": [site_id]}).status_code == 201
    )


def test_only_admin_manages_tokens_and_reads_the_audit_log(client: TestClient) -> None:
    site_id = create_site(client)
    for role, sites in (("planner", [site_id]), ("hr", None), ("viewer", None)):
        other = client_with(client, token_for(client, role, sites))
        assert_problem(other.get("/v1/tokens"), 403)
        assert_problem(other.post("/v1/tokens", json={"role": "admin"}), 403)
        assert_problem(other.delete("/v1/tokens/1"), 403)
        assert_problem(other.get("/v1/audit-events"), 403)


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str]]:
    code = cli_main(list(argv))
    return code, capsys.readouterr().out.strip().splitlines()


def test_cli_creates_lists_and_revokes_tokens(
    client: TestClient, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    site_id = create_site(client)
    url = ("--database-url", database_url)
    code, lines = _cli(capsys, "token", "create", "--role", "planner", "--site", str(site_id),
                       "--name", "night shift", "--expires-days", "30", *url)  # fmt: skip
    assert code == 0
    secret = lines[-1]
    assert secret.startswith("sw_") and " " not in secret
    planner = client_with(client, secret)
    assert planner.get("/v1/sites").json()["total"] == 1
    code, lines = _cli(capsys, "token", "list", *url)
    listed = [line for line in lines if "night shift" in line]
    assert code == 0 and len(listed) == 1 and f"sites {site_id}" in listed[0]
    assert "last used 20" in listed[0]  # the request above
    assert secret not in "\n".join(lines)
    token_id = listed[0].split()[1]
    assert _cli(capsys, "token", "revoke", token_id, *url)[0] == 0
    assert_problem(planner.get("/v1/sites"), 401)
    assert _cli(capsys, "token", "create", "--role", "admin", "--site", "1", *url)[0] == 2
    assert _cli(capsys, "token", "revoke", "99999", *url)[0] == 1


class _Stop(Exception):
    """Raised instead of building the app: the test stops ``serve`` before it listens."""


def test_serve_demo_prints_a_planner_token_of_the_demo_site(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``staffwise serve --demo`` prints the token before serving; each start rotates it (the
    previous one stops working) and keeps one demo token."""
    from api import main, server_cli

    def stop(settings: Any) -> Any:
        raise _Stop

    real_create_app = main.create_app
    monkeypatch.setattr(main, "create_app", stop)
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    args = argparse.Namespace(
        host="127.0.0.1", port=0, database_url=url, demo=True, workers=1, log_level="warning"
    )
    secrets = []
    for _ in range(2):
        with pytest.raises(_Stop):
            server_cli.serve(args)
        line = capsys.readouterr().out.splitlines()[-1]
        assert line.startswith("Planner token (shown once): ")
        secrets.append(line.rsplit(" ", 1)[-1])
    assert secrets[0] != secrets[1]
    engine = make_engine(url)
    site_id = load_demo(engine).site_id
    with Session(engine) as session:
        rows = session.exec(select(AccessToken)).all()
        assert [(r.role, r.sites) for r in rows] == [("planner", [site_id])]
    engine.dispose()
    settings = make_settings(url)
    with TestClient(real_create_app(settings)) as page:
        old = page.get("/v1/sites", headers={"Authorization": f"Bearer {secrets[0]}"})
        assert_problem(old, 401)
        new = page.get("/v1/sites", headers={"Authorization": f"Bearer {secrets[1]}"})
        assert [s["id"] for s in new.json()["items"]] == [site_id]


def test_a_remembered_token_still_expires_on_time(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Valid tokens are remembered for a moment (api.auth.CACHE_S); one that expires meanwhile
    is refused at its expiry, not at the end of the moment."""
    from api import auth

    secret = token_for(client, "viewer", expires_days=1)
    viewer = client_with(client, secret)
    assert viewer.get("/v1/sites").status_code == 200  # now remembered
    later = utcnow() + dt.timedelta(days=1, seconds=1)
    monkeypatch.setattr(auth, "utcnow", lambda: later)
    assert "expired" in assert_problem(viewer.get("/v1/sites"), 401)["detail"]


def _last_used(client: TestClient, token_id: int) -> dt.datetime | None:
    value = client.get(f"/v1/tokens/{token_id}").json()["last_used_at"]
    return None if value is None else dt.datetime.fromisoformat(value)


def test_a_tokens_last_use_is_noted_once_a_minute(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``last_used_at`` (GET /v1/tokens, ``staffwise token list``) tells stale tokens apart:
    set by the first request, not written again within api.auth.USED_EVERY_S, then moved."""
    from api import auth

    made = client.post("/v1/tokens", json={"role": "viewer", "name": "wall"}).json()
    assert made["last_used_at"] is None
    viewer = client_with(client, made["token"])
    before = utcnow()
    assert viewer.get("/v1/sites").status_code == 200
    first = _last_used(client, made["id"])
    assert first is not None and before - dt.timedelta(seconds=1) <= first <= utcnow()
    auth.forget_tokens()  # looked up again, within the minute: not rewritten
    assert viewer.get("/v1/sites").status_code == 200
    assert _last_used(client, made["id"]) == first
    later = utcnow() + dt.timedelta(minutes=2)
    monkeypatch.setattr(auth, "utcnow", lambda: later)
    auth.forget_tokens()
    assert viewer.get("/v1/sites").status_code == 200
    assert _last_used(client, made["id"]) == later


def test_a_busy_database_delays_no_request_for_the_note(
    client: TestClient, database_url: str
) -> None:
    """Another connection holding the write lock (SQLite) or the token's row (PostgreSQL): the
    request is answered at once and the note is skipped (a later request makes it)."""
    import sqlite3
    import time

    from sqlalchemy import text

    from api import auth

    made = client.post("/v1/tokens", json={"role": "viewer", "name": "busy"}).json()
    viewer = client_with(client, made["token"])

    def answered_at_once() -> None:
        started = time.monotonic()
        assert viewer.get("/v1/sites").status_code == 200
        assert time.monotonic() - started < 3.0  # the note waits NOTE_WAIT_MS, not the timeout

    if database_url.startswith("sqlite"):
        other = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # the database's write lock
        answered_at_once()
        other.execute("ROLLBACK")
        other.close()
    else:
        engine = make_engine(database_url)
        with engine.connect() as connection:  # the token's row locked
            connection.execute(
                text(f"SELECT 1 FROM access_token WHERE id = {made['id']} FOR UPDATE")
            )
            answered_at_once()
            connection.rollback()
        engine.dispose()
    assert _last_used(client, made["id"]) is None
    auth.forget_tokens()
    assert viewer.get("/v1/sites").status_code == 200
    assert _last_used(client, made["id"]) is not None
