"""Agent preferences through the API: stored, read, patched, validated, and priced in a roster."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import make_url

from api.db import alembic_config, make_engine
from api.main import create_app
from tests.api.conftest import _pg_admin_url, _pg_execute, drop_pg_database, make_settings
from tests.api.support import AdminClient, assert_problem, create_queue, create_site, wait_job
from tests.api.test_rosters import WEEK, _staff, _tiny_queue
from tests.api.test_staff import _agent_body, _contract

WISH: dict[str, Any] = {
    "days_off": [6, 5],
    "day_off_weight": 2.0,
    "preferred_start": {"earliest": "08:00", "latest": "09:00"},
    "start_weight": 0.5,
}


def _site_with_staff(client: TestClient) -> tuple[int, int, int]:
    site_id = create_site(client)
    return site_id, _contract(client, site_id), create_queue(client, site_id)


def test_preferences_are_stored_read_and_patched(client: TestClient) -> None:
    site_id, contract_id, queue_id = _site_with_staff(client)
    body = {**_agent_body(contract_id, queue_id), "preferences": WISH}
    created = client.post(f"/v1/sites/{site_id}/agents", json=body)
    assert created.status_code == 201, created.text
    agent_id = created.json()["id"]
    expected = {**WISH, "days_off": [5, 6]}  # stored sorted
    assert created.json()["preferences"] == expected
    assert client.get(f"/v1/agents/{agent_id}").json()["preferences"] == expected
    plain = client.post(f"/v1/sites/{site_id}/agents", json=_agent_body(contract_id, queue_id, "B"))
    assert plain.json()["preferences"] is None
    listed = client.get(f"/v1/sites/{site_id}/agents").json()["items"]
    assert [a["preferences"] for a in listed] == [expected, None]

    one_time = {"preferred_start": {"earliest": "10:30", "latest": "10:30"}, "start_weight": 1}
    patched = client.patch(f"/v1/agents/{agent_id}", json={"preferences": one_time})
    assert patched.status_code == 200, patched.text
    replaced = {"days_off": [], "day_off_weight": 0.0, **one_time, "start_weight": 1.0}
    assert patched.json()["preferences"] == replaced  # replaced as a whole, not merged
    kept = client.patch(f"/v1/agents/{agent_id}", json={"active": False}).json()
    assert kept["preferences"] == replaced and kept["active"] is False
    assert client.get(f"/v1/agents/{agent_id}").json()["preferences"] == replaced
    cleared = client.patch(f"/v1/agents/{agent_id}", json={"preferences": None}).json()
    assert cleared["preferences"] is None
    assert client.get(f"/v1/agents/{agent_id}").json()["preferences"] is None


@pytest.mark.parametrize(
    ("wish", "field", "code"),
    [
        ({"days_off": [7]}, "preferences.days_off.0", "less_than_equal"),
        ({"days_off": [1, 1]}, "preferences.days_off", "value_error"),
        ({"days_off": ["1"]}, "preferences.days_off.0", "int_type"),
        ({"day_off_weight": -1}, "preferences.day_off_weight", "greater_than_equal"),
        ({"start_weight": -0.5}, "preferences.start_weight", "greater_than_equal"),
        (
            {"preferred_start": {"earliest": "09:00", "latest": "08:00"}},
            "preferences.preferred_start",
            "value_error",
        ),
        (
            {"preferred_start": {"earliest": "08:10", "latest": "09:00"}},
            "preferences.preferred_start.earliest",
            "value_error",
        ),
        (
            {"preferred_start": {"earliest": "08:00", "latest": "24:00"}},
            "preferences.preferred_start.latest",
            "value_error",
        ),
        ({"start_time": "09:00"}, "preferences.start_time", "extra_forbidden"),
        ("weekends", "preferences", "model_attributes_type"),
    ],
)
def test_bad_preferences_are_a_422_naming_the_field(
    client: TestClient, wish: Any, field: str, code: str
) -> None:
    site_id, contract_id, queue_id = _site_with_staff(client)
    body = {**_agent_body(contract_id, queue_id), "preferences": wish}
    problem = assert_problem(client.post(f"/v1/sites/{site_id}/agents", json=body), 422)
    assert (field, code) in {(e["field"], e["code"]) for e in problem["errors"]}, problem
    created = client.post(f"/v1/sites/{site_id}/agents", json=_agent_body(contract_id, queue_id))
    agent_id = created.json()["id"]
    patch = client.patch(f"/v1/agents/{agent_id}", json={"preferences": wish})
    assert (field, code) in {(e["field"], e["code"]) for e in assert_problem(patch, 422)["errors"]}
    assert client.get(f"/v1/agents/{agent_id}").json()["preferences"] is None


def test_non_finite_weight_is_a_422(client: TestClient) -> None:
    site_id, contract_id, queue_id = _site_with_staff(client)
    created = client.post(f"/v1/sites/{site_id}/agents", json=_agent_body(contract_id, queue_id))
    raw = '{"preferences": {"days_off": [0], "day_off_weight": Infinity}}'
    headers = {"content-type": "application/json"}
    response = client.patch(f"/v1/agents/{created.json()['id']}", content=raw, headers=headers)
    fields = {e["field"] for e in assert_problem(response, 422)["errors"]}
    assert "preferences.day_off_weight" in fields


def _roster_job(client: TestClient, requirement_id: int) -> dict[str, Any]:
    body = {"requirement_id": requirement_id, "week_start": WEEK, "time_limit_s": 5, "workers": 1}
    response = client.post("/v1/roster-jobs", json=body)
    assert response.status_code == 202, response.text
    job = wait_job(client, response.json()["id"])
    assert job["status"] == "succeeded", (job["error"], job["errors"])
    roster: dict[str, Any] = client.get(job["result_url"]).json()
    assert roster["report"]["violations"] == []
    return roster


def _days_worked(roster: dict[str, Any]) -> dict[str, set[int]]:
    return {a["agent"]: {s["day"] for s in a["shifts"]} for a in roster["schedule"]}


def test_roster_job_grants_a_wished_day_off(client: TestClient) -> None:
    """Two interchangeable agents on a queue that needs more than both: without wishes both
    work Monday; when A00 wishes Monday off (priced above the lost coverage) the roster grants
    it and A01 still works Monday. A cheap wish is not granted and is reported as a miss."""
    site_id, queue_id = _tiny_queue(client)
    _staff(client, site_id, queue_id, agents=2)
    forecast = wait_job(
        client, client.post(f"/v1/queues/{queue_id}/forecasts", json={}).json()["id"]
    )
    assert forecast["status"] == "succeeded", forecast
    created = client.post("/v1/requirements", json={"forecast_id": forecast["result_id"]})
    requirement_id = int(created.json()["id"])
    agents = {a["code"]: a["id"] for a in client.get(f"/v1/sites/{site_id}/agents").json()["items"]}

    plain = _roster_job(client, requirement_id)
    assert all(0 in days for days in _days_worked(plain).values())
    assert plain["kpis"]["preference_cost"] == 0.0 and plain["kpis"]["preference_misses"] == 0

    wish = {"days_off": [0], "day_off_weight": 100.0}
    client.patch(f"/v1/agents/{agents['A00']}", json={"preferences": wish}).raise_for_status()
    granted = _roster_job(client, requirement_id)
    days = _days_worked(granted)
    assert 0 not in days["A00"] and 0 in days["A01"]
    assert granted["kpis"]["preference_cost"] == 0.0
    assert granted["kpis"]["preference_misses"] == 0

    cheap = {"days_off": [0], "day_off_weight": 0.5}
    client.patch(f"/v1/agents/{agents['A00']}", json={"preferences": cheap}).raise_for_status()
    missed = _roster_job(client, requirement_id)
    assert 0 in _days_worked(missed)["A00"]  # an uncovered hour costs more than the wish
    assert missed["kpis"]["preference_misses"] == 1
    assert missed["kpis"]["preference_cost"] == pytest.approx(0.5)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database without any schema (to migrate step by step)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    admin = _pg_admin_url()
    name = f"staffwise_m_{uuid.uuid4().hex[:12]}"
    _pg_execute(admin, f'CREATE DATABASE "{name}"')
    yield make_url(admin).set(database=name).render_as_string(hide_password=False)
    drop_pg_database(admin, name)


def _migrate(url: str, revision: str) -> None:
    engine = make_engine(url)
    config = alembic_config(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    engine.dispose()


OLD_ROWS = (
    "INSERT INTO site (name, zone, opening_hours, created_at) "
    "VALUES ('Old', 'Europe/Berlin', '[]', CURRENT_TIMESTAMP)",
    "INSERT INTO contract (site_id, code, label, shift_paid_minutes, min_weekly_paid_minutes, "
    "max_weekly_paid_minutes, max_days, hourly_cost, created_at) "
    "VALUES (1, 'PT', '', '[240]', 0, 1200, 5, 0, CURRENT_TIMESTAMP)",
    "INSERT INTO agent (site_id, code, name, contract_id, availability, queue_ids, "
    "consecutive_days_worked, active, created_at) VALUES (1, 'OLD1', '', 1, "
    "'[null, null, null, null, null, null, null]', '[]', 0, TRUE, CURRENT_TIMESTAMP)",
)


def test_migration_0003_keeps_existing_agents_without_preferences(empty_database_url: str) -> None:
    _migrate(empty_database_url, "0002")
    engine = make_engine(empty_database_url)
    with engine.begin() as connection:
        for statement in OLD_ROWS:
            connection.execute(text(statement))
    engine.dispose()
    _migrate(empty_database_url, "head")
    with AdminClient(create_app(make_settings(empty_database_url))) as client:
        [agent] = client.get("/v1/sites/1/agents").json()["items"]
        assert agent["code"] == "OLD1" and agent["preferences"] is None
        patched = client.patch(f"/v1/agents/{agent['id']}", json={"preferences": WISH})
        assert patched.json()["preferences"]["days_off"] == [5, 6]
