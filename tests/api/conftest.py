"""API test fixtures: an isolated database per test (SQLite file, or PostgreSQL when
``STAFFWISE_TEST_POSTGRES_URL`` is set), the app on a TestClient, small-data helpers.

Every test using ``client`` runs on SQLite and, marked ``postgres``, on PostgreSQL (skipped with
a reason when the variable is absent). Each backend is migrated once per session into a
template; each test gets a copy (a file copy for SQLite, ``CREATE DATABASE ... TEMPLATE`` for
PostgreSQL) that is dropped afterwards.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from api.db import make_engine, upgrade
from api.main import create_app
from api.settings import Settings
from forecasting.synthetic import synthetic_history, to_acd_csv
from tests.api.support import AdminClient, client_with, create_queue, create_site

ZONE = "America/New_York"
PG_ENV = "STAFFWISE_TEST_POSTGRES_URL"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


def _pg_admin_url() -> str:
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"{PG_ENV} is not set (no PostgreSQL to test against)")
    return url


def _pg_execute(admin_url: str, statement: str) -> None:
    engine = make_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


def drop_pg_database(admin_url: str, name: str, attempts: int = 20) -> None:
    """``DROP DATABASE ... WITH (FORCE)``, retried for a few seconds: FORCE must terminate
    every other session on the database, and a session the test role may not signal (seen
    in CI: InsufficientPrivilege at teardown; most likely a worker PostgreSQL itself attached
    to the fresh copy, such as autovacuum) is gone moments later."""
    statement = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    for attempt in range(attempts):
        try:
            _pg_execute(admin_url, statement)
            return
        except DBAPIError as exc:
            if attempt == attempts - 1 or exc.orig is None:
                raise
            if getattr(exc.orig, "sqlstate", None) not in ("42501", "55006"):
                raise
            time.sleep(0.5)


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[tuple[str, str]]:
    admin = _pg_admin_url()
    name = f"staffwise_tpl_{uuid.uuid4().hex[:10]}"
    _pg_execute(admin, f'CREATE DATABASE "{name}"')
    url = make_url(admin).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield admin, name
    drop_pg_database(admin, name)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        target = tmp_path / "staffwise.db"
        shutil.copyfile(template, target)
        yield f"sqlite:///{target}"
        return
    admin, template_name = request.getfixturevalue("postgres_template")
    name = f"staffwise_t_{uuid.uuid4().hex[:12]}"
    _pg_execute(admin, f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"')
    yield make_url(admin).set(database=name).render_as_string(hide_password=False)
    drop_pg_database(admin, name)


def make_settings(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "executor": "thread",
        "workers": 2,
        "max_upload_bytes": 2 * 1024 * 1024,
        "solver_time_limit_s": 5.0,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    """The app, called with the tests' admin token (tests.api.support.ADMIN_TOKEN)."""
    with AdminClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def anon_client(client: TestClient) -> TestClient:
    """The same running app, called without a token (see also support.token_for/client_with)."""
    return client_with(client, None)


def _import_history(client: TestClient, queue_id: int, weeks: int = 4) -> None:
    history = synthetic_history(
        start=dt.date(2026, 10, 5),
        weeks=weeks,
        zone=ZONE,
        seed=3,
        open_minute=480,
        close_minute=1200,
        mean_daily_calls=1500.0,
    )
    files = {"file": ("h.csv", to_acd_csv(history, ZONE).encode(), "text/csv")}
    response = client.post(f"/v1/queues/{queue_id}/history-imports", files=files)
    assert response.status_code == 201, response.text


@pytest.fixture
def queue_id(client: TestClient) -> int:
    queue_id = create_queue(client, create_site(client, name="NY", zone=ZONE))
    _import_history(client, queue_id)
    return queue_id
