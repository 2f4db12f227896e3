"""History imports: dry run, transactional commit, idempotent re-upload, malformed CSV, size."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient

from forecasting.synthetic import synthetic_history, to_acd_csv
from tests.api.support import assert_problem, create_queue, create_site


def _csv(weeks: int = 1, seed: int = 1) -> str:
    history = synthetic_history(
        start=dt.date(2026, 3, 2), weeks=weeks, zone="Europe/Berlin", seed=seed,
        open_minute=480, close_minute=600, mean_daily_calls=400.0,
    )  # fmt: skip
    return to_acd_csv(history, "Europe/Berlin")


def _upload(client: TestClient, queue_id: int, text: str, **params: str) -> object:
    files = {"file": ("history.csv", text.encode(), "text/csv")}
    return client.post(f"/v1/queues/{queue_id}/history-imports", files=files, params=params)


def test_dry_run_stores_nothing(client: TestClient) -> None:
    queue_id = create_queue(client, create_site(client))
    response = _upload(client, queue_id, _csv(), dry_run="true")
    assert response.status_code == 200  # type: ignore[attr-defined]
    report = response.json()  # type: ignore[attr-defined]
    assert report["valid"] and report["dry_run"] and report["rows"] == 7 * 8
    assert client.get(f"/v1/queues/{queue_id}/history").json()["offered"] == []
    assert client.get(f"/v1/queues/{queue_id}/history-imports").json()["total"] == 0


def test_import_then_reupload_is_idempotent(client: TestClient) -> None:
    queue_id = create_queue(client, create_site(client))
    text = _csv()
    first = _upload(client, queue_id, text)
    assert first.status_code == 201  # type: ignore[attr-defined]
    body = first.json()  # type: ignore[attr-defined]
    assert body["inserted"] == 56 and body["updated"] == 0 and not body["already_imported"]
    again = _upload(client, queue_id, text)
    assert again.status_code == 200  # type: ignore[attr-defined]
    assert again.json()["already_imported"] and again.json()["id"] == body["id"]  # type: ignore[attr-defined]
    history = client.get(f"/v1/queues/{queue_id}/history").json()
    assert len(history["offered"]) == 56
    assert history["interval_start"][0].startswith("2026-03-02T07:00:00")  # 08:00 CET


def test_overlapping_file_updates_by_natural_key(client: TestClient) -> None:
    queue_id = create_queue(client, create_site(client))
    _upload(client, queue_id, _csv(seed=1))
    second = _upload(client, queue_id, _csv(weeks=2, seed=2)).json()  # type: ignore[attr-defined]
    assert second["inserted"] == 56
    assert second["updated"] + second["unchanged"] == 56 and second["updated"] > 0
    assert len(client.get(f"/v1/queues/{queue_id}/history").json()["offered"]) == 112
    assert client.get(f"/v1/queues/{queue_id}/history-imports").json()["total"] == 2
    got = client.get(f"/v1/history-imports/{second['id']}").json()
    assert got["file_sha256"] == second["file_sha256"]


def test_malformed_csv_is_422_with_rows_and_nothing_stored(client: TestClient) -> None:
    queue_id = create_queue(client, create_site(client))
    lines = _csv().splitlines()
    lines[3] = lines[3].replace(lines[3].split(",")[3], "many")  # Offered of data row 3
    lines[5] = "2026-03-02,25:99,general,1,1,0,300.0"
    problem = assert_problem(_upload(client, queue_id, "\n".join(lines) + "\n"), 422)
    codes = {(e["row"], e["field"], e["code"]) for e in problem["errors"]}
    assert (3, "offered", "bad_number") in codes
    assert any(row == 5 for row, _f, _c in codes)
    assert len(client.get(f"/v1/queues/{queue_id}/history").json()["offered"]) == 0
    report = _upload(client, queue_id, "\n".join(lines), dry_run="true").json()  # type: ignore[attr-defined]
    assert report["valid"] is False and len(report["problems"]) >= 2
    assert_problem(_upload(client, queue_id, "not,a,history\n1,2,3\n"), 422)
    assert_problem(_upload(client, queue_id, ""), 422)


def test_granularity_mismatch(client: TestClient) -> None:
    queue_id = create_queue(client, create_site(client), interval_min=15)
    # (rows finer than the queue's intervals are summed: tests/api/test_imports_formats.py)
    hourly = synthetic_history(
        start=dt.date(2026, 3, 2), weeks=1, zone="Europe/Berlin", interval_min=60,
        open_minute=480, close_minute=600,
    )  # fmt: skip
    problem = assert_problem(_upload(client, queue_id, to_acd_csv(hourly, "Europe/Berlin")), 422)
    assert problem["errors"][0]["code"] == "granularity_mismatch"


def test_upload_too_large_is_413(client: TestClient) -> None:
    queue_id = create_queue(client, create_site(client))
    big = "x" * (3 * 1024 * 1024)
    problem = assert_problem(_upload(client, queue_id, big), 413)
    assert problem["code"] == "payload-too-large"


def test_unknown_queue_is_404(client: TestClient) -> None:
    assert_problem(_upload(client, 4242, _csv()), 404)
    assert_problem(client.get("/v1/history-imports/77"), 404)
