"""Resolution within deadline of deferred (e-mail) queues through the API: the queue's target,
the import of resolution counts, the service report as JSON, CSV, HTML, PDF and from the CLI,
a client's roll-up, and migration 0014 over existing rows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from api.db import make_engine
from api.main import create_app
from tests.api import test_reports
from tests.api.conftest import make_settings
from tests.api.support import AdminClient, assert_problem, create_queue, create_site, queue_body
from tests.api.test_agent_preferences import _migrate, empty_database_url  # noqa: F401
from tests.unit.test_actuals_pdf import parse_pdf

report_cli = test_reports.report_cli  # the fixture: runs ``staffwise report service``
report_queue = test_reports.report_queue  # the fixture: a voice queue with a plan and actuals
# Day 1: 17 of 20 resolved within the deadline (85 %); day 2: 10 of 15 (66.7 %, below 80 %).
ROWS = b"""interval_start,offered,resolved,resolved_within_deadline,backlog
2026-10-05 09:00,12,10,9,5
2026-10-05 10:00,8,10,8,3
2026-10-06 09:00,14,10,6,7
2026-10-06 10:00,6,5,4,2
"""
PARAMS = {"start": "2026-10-05", "end": "2026-10-06"}


def _email_queue(client: TestClient, site_id: int, name: str = "email", **more: object) -> int:
    body = {"name": name, "channel": "email", "interval_min": 60, "deadline_minutes": 2880,
            "resolution_target": 0.8, **more}  # fmt: skip
    return create_queue(client, site_id, **body)


def _import(client: TestClient, queue_id: int, data: bytes, dry_run: bool = False) -> Any:
    url = f"/v1/queues/{queue_id}/actual-imports" + ("?dry_run=true" if dry_run else "")
    return client.post(url, files={"file": ("email.csv", data, "text/csv")})


@pytest.fixture
def email_queue(client: TestClient) -> int:
    queue_id = _email_queue(client, create_site(client, name="Mail", zone="Europe/Berlin"))
    assert _import(client, queue_id, ROWS).status_code == 201
    return queue_id


def test_the_queue_target_is_a_share(client: TestClient) -> None:
    site_id = create_site(client, name="Targets", zone="Europe/Berlin")
    for bad in (1.5, -0.1):
        body = {"name": f"e{bad}", "channel": "email", "resolution_target": bad}
        refused = client.post(f"/v1/sites/{site_id}/queues", json=queue_body(**body))
        assert_problem(refused, 422)
        assert "resolution_target" in refused.text
    queue_id = _email_queue(client, site_id)
    assert client.get(f"/v1/queues/{queue_id}").json()["resolution_target"] == 0.8
    patched = client.patch(f"/v1/queues/{queue_id}", json={"resolution_target": None})
    assert patched.status_code == 200 and patched.json()["resolution_target"] is None
    assert_problem(client.patch(f"/v1/queues/{queue_id}", json={"resolution_target": 2}), 422)


def test_resolution_counts_import_with_row_field_errors_dry_run_and_idempotence(
    client: TestClient,
) -> None:
    queue_id = _email_queue(client, create_site(client, name="Imports", zone="Europe/Berlin"))
    bad = b"""interval_start,offered,resolved,resolved_within_deadline
2026-10-05 09:00,12,10,11
2026-10-05 10:00,8,-1,0
2026-10-05 11:00,8,many,0
"""
    dry = _import(client, queue_id, bad, dry_run=True).json()
    assert dry["valid"] is False and dry["rows"] == 0
    expected = {(1, "resolved_within_deadline", "inconsistent"), (2, "resolved", "invalid"),
                (3, "resolved", "invalid")}  # fmt: skip
    assert {(p["row"], p["field"], p["code"]) for p in dry["problems"]} == expected
    refused = assert_problem(_import(client, queue_id, bad), 422)
    assert {(e["row"], e["field"], e["code"]) for e in refused["errors"]} == expected
    url = f"/v1/queues/{queue_id}/actual-imports"
    assert client.get(url).json() == []  # nothing stored
    first = _import(client, queue_id, ROWS).json()
    assert first["inserted"] == 4
    again = _import(client, queue_id, ROWS)
    assert again.status_code == 200 and again.json()["already_imported"] is True
    row = {"interval_start": "2026-10-05T07:00:00Z", "offered": 12, "resolved": 10,
           "resolved_within_deadline": 10}  # fmt: skip
    updated = client.post(url, json={"rows": [row]}).json()
    assert (updated["inserted"], updated["updated"]) == (0, 1)
    window = {"start": "2026-10-05T00:00:00Z", "end": "2026-10-06T00:00:00Z"}
    stored = client.get(f"/v1/queues/{queue_id}/actuals", params=window).json()
    assert stored["resolved_within_deadline"] == [10.0, 8.0] and stored["answered"] == [None] * 2
    missing = {"interval_start": "2026-10-05T09:00:00Z", "offered": 3}
    no_counts = assert_problem(client.post(url, json={"rows": [missing]}), 422)
    assert {e["field"] for e in no_counts["errors"]} == {"resolved", "resolved_within_deadline"}


def test_the_report_shows_the_share_against_the_target_not_an_sl(
    client: TestClient, email_queue: int, report_cli: Callable[[list[str], str], Path]
) -> None:
    body = client.get("/v1/reports/service", params={**PARAMS, "queue_id": email_queue}).json()
    first, second = body["periods"]
    assert (first["resolved"], first["resolved_within_deadline"]) == (20, 17)
    assert first["resolution_share"] == pytest.approx(0.85) and first["resolution_met"] is True
    assert second["resolution_share"] == pytest.approx(10 / 15)
    assert (second["resolution_met"], second["met"]) == (False, False)  # missed
    assert second["resolution_trend"] == pytest.approx(10 / 15 - 0.85)
    assert (first["backlog"], second["backlog"]) == (3, 2)
    assert first["service_level"] is None and first["goal_sl"] is None  # no SL for e-mail
    assert body["goal"]["resolution_target"] == 0.8 and body["goal"]["deadline_minutes"] == 2880
    assert "deadline" in body["resolution_basis"]
    csv = client.get("/v1/reports/service", params={**PARAMS, "queue_id": email_queue,
                                                    "format": "csv"}).text  # fmt: skip
    head, day1, _day2 = csv.splitlines()
    assert dict(zip(head.split(","), day1.split(","), strict=True))["resolution_share"] == "0.85"
    assert report_cli(["--queue-id", str(email_queue)], "csv").read_text() == csv
    html = client.get("/v1/reports/service", params={**PARAMS, "queue_id": email_queue,
                                                     "format": "html"}).text  # fmt: skip
    assert "Resolution within deadline" in html and "66.7 %" in html
    assert "actual SL" not in html and html.count("<svg") == 1  # the share's chart only
    pdf = client.get("/v1/reports/service", params={**PARAMS, "queue_id": email_queue,
                                                    "format": "pdf"})  # fmt: skip
    words = parse_pdf(pdf.content)["text"][0]
    assert "Resolution within deadline (deferred queues)" in words
    assert "85.0 %" in words and "66.7 %" in words and "missed" in words
    assert "Deferred queues only: no service level in seconds." in words


def test_a_clients_deferred_queues_roll_up_by_items(client: TestClient, email_queue: int) -> None:
    site_id = client.get(f"/v1/queues/{email_queue}").json()["site_id"]
    big = _email_queue(client, site_id, name="tickets", resolution_target=0.9)
    rows = b"interval_start,offered,resolved,resolved_within_deadline\n" \
           b"2026-10-05 09:00,80,80,76\n2026-10-06 09:00,5,5,5\n"  # fmt: skip
    assert _import(client, big, rows).status_code == 201
    answer_within = client.get(f"/v1/queues/{big}").json()["goal"]["answer_within_s"]
    acme = {"name": "Acme", "targets": {"service_level": 0.8, "answer_within_s": answer_within},
            "queue_ids": [email_queue, big]}  # fmt: skip
    client_id = client.post("/v1/clients", json=acme).json()["id"]
    body = client.get("/v1/reports/service", params={**PARAMS, "client_id": client_id}).json()
    first, second = body["periods"]
    assert first["resolution_share"] == pytest.approx(93 / 100)  # not (0.85 + 0.95) / 2
    assert first["resolution_target"] == pytest.approx(0.88) and first["met"] is True
    assert second["resolution_share"] == pytest.approx(0.75)
    assert second["resolution_target"] == pytest.approx(0.825) and second["met"] is False
    assert body["goal"]["resolution_target"] is None  # the queues' targets differ


def test_live_and_deferred_queues_in_one_report(
    client: TestClient, report_queue: tuple[int, int]
) -> None:
    site_id, voice = report_queue
    other_goal = {"service_level": 0.5, "answer_within_s": 3600}  # no SL goal for e-mail
    email = _email_queue(client, site_id, goal=other_goal)
    assert _import(client, email, ROWS).status_code == 201
    both = client.get("/v1/reports/service", params={**PARAMS, "queue_id": [email, voice]})
    assert both.status_code == 200, both.text  # not mixed_goals
    body = both.json()
    alone = client.get("/v1/reports/service", params={**PARAMS, "queue_id": voice}).json()
    assert body["goal"]["service_level"] == 0.8 and "within 20 s" in body["sl_basis"]
    for mixed, calls in zip(body["periods"], alone["periods"], strict=True):
        for name in ("offered", "service_level", "planned_sl", "abandon_rate", "met"):
            assert mixed[name] == calls[name], name  # the e-mail items count in no call figure
    assert [p["resolution_share"] for p in body["periods"]] == pytest.approx([0.85, 10 / 15])
    assert body["model"] == alone["model"]


def test_migration_0014_keeps_existing_queues_and_actuals(empty_database_url: str) -> None:  # noqa: F811
    _migrate(empty_database_url, "0013")
    engine = make_engine(empty_database_url)
    with engine.begin() as connection:
        for statement in (
            "INSERT INTO site (name, zone, opening_hours, created_at) "
            "VALUES ('Old', 'Europe/Berlin', '[]', CURRENT_TIMESTAMP)",
            "INSERT INTO queue (site_id, name, channel, interval_min, aht_s, model, "
            "service_level, answer_within_s, shrinkage, weight, created_at) VALUES "
            "(1, 'old', 'voice', 15, 300, 'erlang_c', 0.8, 20, 0, 1, CURRENT_TIMESTAMP)",
            "INSERT INTO actual_interval (queue_id, interval_start, offered, answered, "
            "abandoned, abandoned_short, answered_within) VALUES "
            "(1, '2026-10-05 07:00:00', 40, 38, 2, 0, 30)",
        ):
            connection.execute(text(statement))
    engine.dispose()
    _migrate(empty_database_url, "head")
    with AdminClient(create_app(make_settings(empty_database_url))) as client:
        assert client.get("/v1/queues/1").json()["resolution_target"] is None
        window = {"start": "2026-10-05T00:00:00Z", "end": "2026-10-06T00:00:00Z"}
        stored = client.get("/v1/queues/1/actuals", params=window).json()
        assert (stored["offered"], stored["answered"], stored["resolved"]) == ([40], [38], [None])
        body = client.get("/v1/reports/service", params={**PARAMS, "queue_id": 1}).json()
        assert body["periods"][0]["service_level"] == pytest.approx(30 / 40)
        assert body["periods"][0]["resolution_share"] is None
