"""An actuals import with a wait distribution: answered_within at the queue's threshold."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.support import create_queue, create_site


def test_an_import_derives_answered_within_at_the_queues_threshold(client: TestClient) -> None:
    queue_id = create_queue(client, create_site(client, name="Waits", zone="UTC"))  # 20 s goal
    rows = [{"interval_start": "2026-10-05T09:00:00Z", "offered": 40, "answered": 38,
             "abandoned": 2, "answered_within_10s": 20, "answered_within_30s": 32}]  # fmt: skip
    posted = client.post(f"/v1/queues/{queue_id}/actual-imports", json={"rows": rows})
    assert posted.status_code == 201, posted.text
    day = {"start": "2026-10-05T00:00:00Z", "end": "2026-10-06T00:00:00Z"}
    stored = client.get(f"/v1/queues/{queue_id}/actuals", params=day)
    assert stored.json()["answered_within"] == [26.0]
