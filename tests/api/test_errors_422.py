"""Errors the client can act on: 422 naming the field, never a 500 or a 409, for integers
beyond 64 bits (path, query, body), null in PATCH bodies, huge CSV fields, years 0001/9999."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.settings import Settings
from tests.api.conftest import make_settings
from tests.api.support import (
    OPENING_HOURS,
    assert_problem,
    create_queue,
    create_site,
    wait_job,
)

HUGE = str(2**64)  # one past what a signed 64-bit database integer holds (2**63 - 1)
FT40 = {
    "code": "FT40",
    "shift_paid_minutes": [480],
    "min_weekly_paid_minutes": 2400,
    "max_weekly_paid_minutes": 2400,
    "max_days": 5,
}


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url, max_upload_bytes=8 * 1024 * 1024)  # 5 MB CSV fields


def _fields(response: Any) -> dict[str, str]:
    return {e["field"]: e["code"] for e in assert_problem(response, 422)["errors"]}


def _site_with_agent(client: TestClient) -> tuple[int, int, int]:
    site_id = create_site(client)
    queue_id = create_queue(client, site_id)
    contract = client.post(f"/v1/sites/{site_id}/contracts", json=FT40).json()["id"]
    body = {
        "code": "A1",
        "contract_id": contract,
        "availability": OPENING_HOURS,
        "queue_ids": [queue_id],
    }
    response = client.post(f"/v1/sites/{site_id}/agents", json=body)
    assert response.status_code == 201, response.text
    return site_id, queue_id, int(response.json()["id"])


@pytest.mark.parametrize(
    "path",
    [
        f"/v1/sites/{HUGE}",
        f"/v1/queues/{HUGE}",
        f"/v1/agents/{HUGE}",
        f"/v1/jobs/{HUGE}",
        f"/v1/rosters/{HUGE}",
        f"/v1/sites/-{HUGE}/queues",
        "/v1/sites/" + "9" * 5000,  # more digits than Python's int() parses by default
    ],
)
def test_ids_beyond_64_bits_in_the_path_are_422(client: TestClient, path: str) -> None:
    fields = _fields(client.get(path))
    assert list(fields.values()) == ["out_of_range"], fields
    assert next(iter(fields)).endswith("_id")


def test_paging_beyond_64_bits_is_422_and_in_range_is_served(client: TestClient) -> None:
    assert _fields(client.get("/v1/sites", params={"offset": HUGE})) == {"offset": "out_of_range"}
    site_id = create_site(client)
    listing = client.get(f"/v1/sites/{site_id}/queues", params={"offset": str(2**63 - 1)})
    assert listing.status_code == 200, listing.text
    assert listing.json()["items"] == []
    assert client.get(f"/v1/sites/{2**31 - 1}").status_code == 404


def test_ids_beyond_the_databases_32_bit_keys_are_422_in_paths_and_404_in_bodies(
    client: TestClient,
) -> None:
    """PostgreSQL's INTEGER keys are 32-bit: such an id was a 500 (NumericValueOutOfRange) there
    and a 404 on SQLite; the document bounds ids to 32 bits and both databases answer alike."""
    for ident in (2**31, -(2**31) - 1, 2**63 - 1):
        assert _fields(client.get(f"/v1/sites/{ident}")) == {"site_id": "out_of_range"}
    roster = client.post(
        "/v1/roster-jobs", json={"requirement_id": 2**40, "week_start": "2026-11-02"}
    )
    assert roster.status_code == 404, roster.text
    document = client.get("/openapi.json").json()
    site = next(p for p in document["paths"]["/v1/sites/{site_id}"]["get"]["parameters"])
    assert site["schema"]["maximum"] == 2**31 - 1


def test_ids_beyond_64_bits_in_a_body_are_422(client: TestClient) -> None:
    _, queue_id, agent_id = _site_with_agent(client)
    patch = client.patch(f"/v1/agents/{agent_id}", json={"queue_ids": [queue_id, 2**64]})
    assert _fields(patch) == {"queue_ids": "int64_range"}
    roster = client.post(
        "/v1/roster-jobs", json={"requirement_id": 2**70, "week_start": "2026-11-02"}
    )
    assert _fields(roster) == {"requirement_id": "int64_range"}
    assert client.get(f"/v1/agents/{agent_id}").json()["queue_ids"] == [queue_id]


@pytest.mark.parametrize("field", ["name", "contract_id", "availability", "queue_ids", "active"])
def test_null_in_an_agent_patch_is_422_and_stores_nothing(client: TestClient, field: str) -> None:
    _, queue_id, agent_id = _site_with_agent(client)
    before = client.get(f"/v1/agents/{agent_id}").json()
    assert _fields(client.patch(f"/v1/agents/{agent_id}", json={field: None})) == {
        field: "null_not_allowed"
    }
    assert client.get(f"/v1/agents/{agent_id}").json() == before
    assert before["queue_ids"] == [queue_id]


def test_null_where_it_means_remove_is_still_accepted(client: TestClient) -> None:
    _, queue_id, agent_id = _site_with_agent(client)
    prefs = {"days_off": [5, 6], "day_off_weight": 2.0}
    assert client.patch(f"/v1/agents/{agent_id}", json={"preferences": prefs}).status_code == 200
    cleared = client.patch(f"/v1/agents/{agent_id}", json={"preferences": None})
    assert cleared.status_code == 200 and cleared.json()["preferences"] is None
    queue = client.patch(f"/v1/queues/{queue_id}", json={"patience_s": None})
    assert queue.status_code == 200 and queue.json()["patience_s"] is None


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        ("sites", "name"),
        ("sites", "opening_hours"),
        ("sites", "week_start_day"),
        ("queues", "name"),
        ("queues", "aht_s"),
        ("queues", "model"),
        ("queues", "goal"),
        ("queues", "shrinkage"),
    ],
)
def test_null_in_site_and_queue_patches_is_422(client: TestClient, kind: str, field: str) -> None:
    site_id = create_site(client)
    ident = site_id if kind == "sites" else create_queue(client, site_id)
    before = client.get(f"/v1/{kind}/{ident}").json()
    response = client.patch(f"/v1/{kind}/{ident}", json={field: None})
    assert _fields(response) == {field: "null_not_allowed"}
    assert client.get(f"/v1/{kind}/{ident}").json() == before


def test_the_documented_patch_bodies_do_not_offer_null(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    queue = {"patience_s", "resolution_target"}  # null removes them
    for name, nullable in [("AgentUpdate", {"preferences"}), ("QueueUpdate", queue),
                           ("SiteUpdate", set())]:  # fmt: skip
        for field, prop in schemas[name]["properties"].items():
            offers_null = {"type": "null"} in prop.get("anyOf", [])
            assert offers_null == (field in nullable), (name, field, prop)


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1899-12-31", "2201-01-01"])
def test_years_out_of_range_are_422(client: TestClient, day: str) -> None:
    _, _, agent_id = _site_with_agent(client)
    assert _fields(client.post(f"/v1/agents/{agent_id}/time-off", json={"day": day})) == {
        "day": "less_than_equal" if day > "2200" else "greater_than_equal"
    }
    roster = client.post("/v1/roster-jobs", json={"requirement_id": 1, "week_start": day})
    assert "week_start" in _fields(roster)
    window = {"start_date": day}
    scenario = {"name": "s", "changes": {"volume": [{"multiplier": 1.1, "window": window}]}}
    site_queue = client.get(f"/v1/agents/{agent_id}").json()["queue_ids"][0]
    assert "changes.volume.0.window.start_date" in _fields(
        client.post(f"/v1/queues/{site_queue}/scenarios", json=scenario)
    )


def test_the_date_range_edges_are_accepted(client: TestClient) -> None:
    _, _, agent_id = _site_with_agent(client)
    for day in (dt.date(1900, 1, 1), dt.date(2200, 12, 31)):
        response = client.post(f"/v1/agents/{agent_id}/time-off", json={"day": day.isoformat()})
        assert response.status_code == 201, response.text


CSV_CASES = [
    (b"interval_start,offered\n2026-10-05 08:00,{big}\n", 1, "offered"),
    (b'interval_start,offered\n"{big}",3\n', 1, "interval_start"),
    (b"interval_start,offered\n2026-10-05 08:00,1\n2026-10-05 08:15,{big}\n", 2, "offered"),
    (b"interval_start,offered,{big}\n2026-10-05 08:00,3,1\n", None, None),
]


def _upload(client: TestClient, template: bytes, size: int) -> Any:
    queue_id = create_queue(client, create_site(client, name="NY", zone="America/New_York"))
    body = template.replace(b"{big}", b"7" * size)
    files = {"file": ("h.csv", body, "text/csv")}
    return client.post(f"/v1/queues/{queue_id}/history-imports", files=files)


@pytest.mark.parametrize(("template", "row", "field"), CSV_CASES)
def test_a_csv_field_over_the_limit_is_a_422_naming_row_and_field(
    client: TestClient, template: bytes, row: int | None, field: str | None
) -> None:
    response = _upload(client, template, 200_000)  # a small upload: answered at once
    first = assert_problem(response, 422)["errors"][0]
    assert (first["row"], first["field"], first["code"]) == (row, field, "field_too_large")
    assert len(response.content) < 10_000  # the big cell is not echoed back


@pytest.mark.parametrize(("template", "row", "field"), CSV_CASES[:2])
def test_a_5_mb_csv_field_fails_its_import_job_naming_row_and_field(
    client: TestClient, template: bytes, row: int | None, field: str | None
) -> None:
    started = time.monotonic()
    response = _upload(client, template, 5_000_000)  # a large upload: an import job
    assert response.status_code == 202, response.text
    job = wait_job(client, response.json()["id"])
    assert time.monotonic() - started < 30
    assert job["status"] == "failed", job
    first = job["errors"][0]
    assert (first["row"], first["field"], first["code"]) == (row, field, "field_too_large")


def test_json_types_are_not_coerced(client: TestClient) -> None:
    """What schemathesis' negative checks sent: false for a number, 0 for a boolean, 0 for a
    date (pydantic's lax mode stored 0, false and 1970-01-01)."""
    site_id, queue_id, agent_id = _site_with_agent(client)
    assert _fields(client.patch(f"/v1/queues/{queue_id}", json={"shrinkage": False})) == {
        "shrinkage": "bool_type_mismatch"
    }
    assert _fields(client.patch(f"/v1/agents/{agent_id}", json={"active": 0})) == {
        "active": "bool_type"
    }
    assert _fields(client.post(f"/v1/agents/{agent_id}/time-off", json={"day": 0})) == {
        "day": "date_type"
    }
    window = {"weekdays": [False]}
    scenario = {"name": "s", "changes": {"volume": [{"multiplier": 1.1, "window": window}]}}
    fields = _fields(client.post(f"/v1/queues/{queue_id}/scenarios", json=scenario))
    assert fields == {"changes.volume.0.window.weekdays": "bool_type_mismatch"}
    assert client.get(f"/v1/sites/{site_id}").status_code == 200


def test_a_long_cell_under_the_limit_is_not_echoed_whole(client: TestClient) -> None:
    response = _upload(client, CSV_CASES[0][0], 100_000)  # read by csv, refused as a number
    first = assert_problem(response, 422)["errors"][0]
    assert (first["row"], first["field"]) == (1, "offered")
    assert len(first["message"]) <= 300 and len(response.content) < 10_000


def test_a_token_for_a_site_beyond_the_32_bit_keys_is_refused_naming_sites(
    client: TestClient,
) -> None:
    """Found by schemathesis on PostgreSQL: the site lookup met NumericValueOutOfRange."""
    answer = client.post("/v1/tokens", json={"role": "hr", "sites": [2**63 - 2]})
    assert answer.status_code == 422, answer.text
    assert [e["field"] for e in answer.json()["errors"]] == ["sites"]
