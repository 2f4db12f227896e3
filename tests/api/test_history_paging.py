"""History reads page by time range; large uploads are imported by a job in batches."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api import history
from api.convert.history import parse_upload
from api.db import make_engine
from api.jobs import LeaseLost
from api.settings import Settings
from api.tables import Queue, Site
from forecasting.synthetic import synthetic_history, to_acd_csv
from tests.api.conftest import ZONE, make_settings
from tests.api.support import assert_problem, create_queue, create_site, wait_job


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url, sync_import_bytes=4096)


def _csv(weeks: int = 4) -> bytes:
    frame = synthetic_history(start=dt.date(2026, 10, 5), weeks=weeks, zone=ZONE, seed=5,
                              open_minute=480, close_minute=1200,
                              mean_daily_calls=800.0)  # fmt: skip
    return to_acd_csv(frame, ZONE).encode()


def _upload(client: TestClient, queue_id: int, data: bytes) -> Any:
    files = {"file": ("big.csv", data, "text/csv")}
    return client.post(f"/v1/queues/{queue_id}/history-imports", files=files)


def _all_pages(client: TestClient, queue_id: int, **params: Any) -> tuple[list[str], int]:
    starts: list[str] = []
    pages, cursor = 0, None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        page = client.get(f"/v1/queues/{queue_id}/history", params=query).json()
        starts += page["interval_start"]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            return starts, pages


def test_history_pages_by_time_range(client: TestClient) -> None:
    queue_id = create_queue(client, create_site(client, name="NY", zone=ZONE))
    assert wait_job(client, _upload(client, queue_id, _csv()).json()["id"])["status"] == "succeeded"
    whole = client.get(f"/v1/queues/{queue_id}/history").json()
    total = len(whole["interval_start"])
    assert total > 1000 and whole["next_cursor"] is None
    starts, pages = _all_pages(client, queue_id, limit=500)
    assert starts == whole["interval_start"] and pages == -(-total // 500)
    window = {"from": "2026-10-12T00:00:00Z", "to": "2026-10-13T00:00:00Z"}
    day, _ = _all_pages(client, queue_id, limit=7, **window)
    assert day == [s for s in whole["interval_start"] if "2026-10-12T" <= s < "2026-10-13T"]
    assert len(day) > 7
    no_offset = {"from": "2026-10-12T00:00:00", "to": "2026-10-13T00:00:00"}
    naive = client.get(f"/v1/queues/{queue_id}/history", params=no_offset)
    assert naive.json()["interval_start"] == day  # no offset: UTC
    body = assert_problem(client.get(f"/v1/queues/{queue_id}/history?cursor=yesterday"), 422)
    assert body["errors"][0]["field"] == "cursor"
    assert_problem(client.get(f"/v1/queues/{queue_id}/history?limit=50001"), 422)


def test_a_large_upload_is_imported_by_a_job(client: TestClient) -> None:
    queue_id = create_queue(client, create_site(client, name="NY", zone=ZONE))
    data = _csv()
    answer = _upload(client, queue_id, data)
    assert answer.status_code == 202, answer.text
    assert answer.headers["Location"] == f"/v1/jobs/{answer.json()['id']}"
    job = wait_job(client, answer.json()["id"])
    assert job["status"] == "succeeded", job
    assert job["kind"] == "history_import" and job["result_url"].startswith("/v1/history-imports/")
    report = client.get(job["result_url"]).json()
    stored = client.get(f"/v1/queues/{queue_id}/history").json()["interval_start"]
    assert report["rows"] == report["inserted"] == len(stored) > 1000
    again = _upload(client, queue_id, data)  # the same file: the same job, not a second import
    assert again.status_code == 202 and again.json()["id"] == job["id"]
    small = _upload(client, queue_id, data[:3000])  # under sync_import_bytes: in the request
    assert small.status_code in (200, 201, 422), small.text


def test_batched_store_resumes_after_a_lost_lease(
    client: TestClient, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    queue_id = create_queue(client, create_site(client, name="NY", zone=ZONE))
    monkeypatch.setattr(history, "BATCH_ROWS", 300)
    engine = make_engine(database_url)
    with Session(engine) as session:
        queue = session.get(Queue, queue_id)
        assert queue is not None
        site = session.get(Site, queue.site_id)
        assert site is not None
        parsed = parse_upload(_csv(), queue, site.zone, None)
    batches = {"n": 0}

    def fence_after_two(session: Session) -> None:
        batches["n"] += 1
        if batches["n"] > 2:
            raise LeaseLost("taken over")

    with pytest.raises(LeaseLost):
        history.store_in_batches(engine, queue_id, parsed, "h.csv", fence_after_two,
                                 lambda done, total: None)  # fmt: skip
    seen: list[int] = []
    row, created = history.store_in_batches(engine, queue_id, parsed, "h.csv", lambda s: None,
                                            lambda done, total: seen.append(done))  # fmt: skip
    assert created and seen[0] == 900  # continued after the two stored batches
    assert row.rows == row.inserted == len(parsed.frame) and row.updated == row.unchanged == 0
    assert len(client.get(f"/v1/queues/{queue_id}/history").json()["offered"]) == row.rows
    engine.dispose()
