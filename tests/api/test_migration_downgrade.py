"""Downgrading the schema keeps the data: on SQLite a batch step copies a parent table (queue,
job, contract) and drops the old one; with foreign keys on, that deleted every row cascading
from it (history, forecasts, rosters). ``api.db.migrate`` runs with them off and checks them."""

from __future__ import annotations

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import text

from api.db import make_engine, migrate
from api.settings import Settings
from tests.api.support import wait_job
from tests.api.test_roster_edits import solved_roster

TABLES = ("site", "queue", "history_interval", "contract", "agent", "job", "forecast")


def _counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    with engine.connect() as connection:
        count = "SELECT COUNT(*) FROM {}"
        out = {t: int(connection.execute(text(count.format(t))).scalar_one()) for t in TABLES}
    engine.dispose()
    return out


def test_downgrade_to_0005_and_back_keeps_every_row(
    client: TestClient, settings: Settings, queue_id: int
) -> None:
    site_id = client.get(f"/v1/queues/{queue_id}").json()["site_id"]
    contract = {"code": "FT", "shift_paid_minutes": [480], "min_weekly_paid_minutes": 2400,
                "max_weekly_paid_minutes": 2400, "max_days": 5}  # fmt: skip
    contract_id = client.post(f"/v1/sites/{site_id}/contracts", json=contract).json()["id"]
    hours = [{"start": "08:00", "end": "20:00"}] * 5 + [None, None]
    agent = {"code": "A1", "contract_id": contract_id, "queue_ids": [queue_id]}
    agent["availability"] = hours
    assert client.post(f"/v1/sites/{site_id}/agents", json=agent).status_code == 201
    job = wait_job(client, client.post(f"/v1/queues/{queue_id}/forecasts", json={}).json()["id"])
    assert job["status"] == "succeeded", job
    before = _counts(settings.database_url)
    assert all(before[t] > 0 for t in TABLES), before
    engine = make_engine(settings.database_url)
    migrate(engine, command.downgrade, "0005")
    assert _counts(settings.database_url) == before
    migrate(engine, command.upgrade, "head")
    engine.dispose()
    assert _counts(settings.database_url) == before


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # a solve
def test_downgrade_below_0015_keeps_roster_publications(
    client: TestClient, settings: Settings
) -> None:
    """0015 rebuilt ``schedule_publication`` (nullable ``roster_id``, ``site_roster_id``, a CHECK,
    ``agents``): a roster's publication survives 0015 down and up again, with its week and
    version; the agents' view still reads it."""
    site_id, rid = solved_roster(client)
    made = client.post(f"/v1/rosters/{rid}/publications", json={})
    assert made.status_code == 201, made.text
    view = client.get(f"/v1/published-schedules/{site_id}/export.csv").text
    engine = make_engine(settings.database_url)
    migrate(engine, command.downgrade, "0014")
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT roster_id, version FROM schedule_publication"))
        assert [tuple(r) for r in rows] == [(rid, 1)]
    migrate(engine, command.upgrade, "head")
    engine.dispose()
    assert client.get(f"/v1/published-schedules/{site_id}/export.csv").text == view
    listed = client.get(f"/v1/rosters/{rid}/publications").json()
    assert [(p["id"], p["site_roster_id"], p["agents"]) for p in listed] == [
        (made.json()["id"], None, None)  # the agents column was dropped: every agent's week
    ]
