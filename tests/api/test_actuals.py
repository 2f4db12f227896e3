"""Actuals imports (CSV and JSON, dry run, row/field 422s, idempotent) and attendance."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.support import assert_problem, create_queue, create_site

GOOD = b"""interval_start,offered,answered,abandoned,answered_within,aht_s,asa_s
2026-10-05 09:00,40,38,2,30,290,14
2026-10-05 09:15,50,45,5,28,310,35
"""
BAD = b"""interval_start,offered,answered,abandoned,answered_within
2026-10-05 09:00,40,41,0,30
2026-10-05 09:05,40,38,2,30
"""


def _queue(client: TestClient) -> int:
    return create_queue(client, create_site(client, name="Actuals", zone="Europe/Berlin"))


def _csv(data: bytes) -> dict[str, tuple[str, bytes, str]]:
    return {"file": ("actuals.csv", data, "text/csv")}


def test_actual_intervals_import_validates_dry_runs_and_is_idempotent(client: TestClient) -> None:
    queue_id = _queue(client)
    url = f"/v1/queues/{queue_id}/actual-imports"
    dry = client.post(url + "?dry_run=true", files=_csv(BAD))
    assert dry.status_code == 200 and dry.json()["valid"] is False
    assert {(p["row"], p["field"]) for p in dry.json()["problems"]} == {
        (1, "answered"), (2, "interval_start"),
    }  # fmt: skip
    refused = assert_problem(client.post(url, files=_csv(BAD)), 422)
    assert {(e["row"], e["field"], e["code"]) for e in refused["errors"]} == {
        (1, "answered", "inconsistent"), (2, "interval_start", "off_grid"),
    }  # fmt: skip
    assert client.get(url).json() == []  # nothing stored by the dry run or the refusal
    first = client.post(url, files=_csv(GOOD))
    assert first.status_code == 201, first.text
    assert (first.json()["inserted"], first.json()["kind"]) == (2, "intervals")
    again = client.post(url, files=_csv(GOOD))
    assert again.status_code == 200 and again.json()["already_imported"] is True
    assert again.json()["id"] == first.json()["id"]
    row = {"interval_start": "2026-10-05T07:15:00Z", "offered": 50, "answered": 46,
           "abandoned": 4, "answered_within": 29, "aht_s": 300}  # fmt: skip
    updated = client.post(url, json={"rows": [row]})
    assert updated.status_code == 201, updated.text
    assert (updated.json()["inserted"], updated.json()["updated"]) == (0, 1)
    stored = client.get(
        f"/v1/queues/{queue_id}/actuals",
        params={"start": "2026-10-05T00:00:00Z", "end": "2026-10-06T00:00:00Z"},
    ).json()
    assert stored["interval_start"] == ["2026-10-05T07:00:00+00:00", "2026-10-05T07:15:00+00:00"]
    assert stored["answered"] == [38.0, 46.0] and stored["asa_s"] == [14.0, None]
    bad_json = assert_problem(client.post(url, json={"rows": [{"offered": 1}]}), 422)
    assert {e["field"] for e in bad_json["errors"]} >= {"interval_start", "answered"}
    assert_problem(client.post(url, json={"rows": "no"}), 422)


def test_attendance_spans_count_as_agents_staffed(client: TestClient) -> None:
    queue_id = _queue(client)
    client.post(f"/v1/queues/{queue_id}/actual-imports", files=_csv(GOOD))
    spans = (
        b"agent,start,end\nAda,2026-10-05 08:00,2026-10-05 12:00\n"
        b"Bo,2026-10-05 09:05,2026-10-05 10:00\n"
    )
    url = f"/v1/queues/{queue_id}/attendance-imports"
    response = client.post(url, files=_csv(spans))
    assert response.status_code == 201, response.text
    assert (response.json()["kind"], response.json()["inserted"]) == ("attendance", 2)
    bad = assert_problem(
        client.post(url, json={"rows": [{"agent": "C", "start": "x", "end": "y"}]}), 422
    )
    assert {(e["row"], e["field"]) for e in bad["errors"]} == {(1, "start"), (1, "end")}
    stored = client.get(
        f"/v1/queues/{queue_id}/actuals",
        params={"start": "2026-10-05T00:00:00Z", "end": "2026-10-06T00:00:00Z"},
    ).json()
    assert stored["agents_staffed"] == [1 + 10 / 15, 2.0]
