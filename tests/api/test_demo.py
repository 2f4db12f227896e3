"""``serve --demo`` data: loaded once, realistic enough to roster, idempotent on restart."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from api.demo import load_demo


def test_demo_loads_once(client: TestClient) -> None:
    app: Any = client.app
    first = load_demo(app.state.engine)
    again = load_demo(app.state.engine)
    assert first.created and not again.created
    assert (again.site_id, again.queue_id) == (first.site_id, first.queue_id)
    assert client.get("/v1/sites").json()["total"] == 1
    agents = client.get(f"/v1/sites/{first.site_id}/agents").json()
    assert agents["total"] == 34
    history = client.get(f"/v1/queues/{first.queue_id}/history").json()
    assert len(history["offered"]) == 10 * (5 * 48 + 32)  # Mon-Fri 08-20, Sat 09-17
    imports = client.get(f"/v1/queues/{first.queue_id}/history-imports").json()
    assert imports["total"] == 1 and imports["items"][0]["inserted"] == len(history["offered"])
