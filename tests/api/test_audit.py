"""The audit log: every change of a caller with a token (who, when, what, status, ids), stored
before the response reaches the client; reads and anonymous calls leave no event."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient

from api.audit import describe
from api.tables import utcnow
from tests.api.support import assert_problem, client_with, create_site, queue_body, token_for


def _events(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/v1/audit-events", params={"limit": 1000, **params})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def test_every_change_is_logged_with_who_what_and_ids(client: TestClient) -> None:
    before = utcnow()
    site_id = create_site(client)
    events = _events(client)
    assert len(events) == 1  # the event exists as soon as the response is back
    created = events[0]
    assert created["token_name"] == "tests admin" and created["role"] == "admin"
    assert (created["method"], created["path"], created["status"]) == ("POST", "/v1/sites", 201)
    assert (created["resource"], created["before_id"], created["after_id"]) == (
        "site", None, site_id
    )  # fmt: skip
    assert before - dt.timedelta(seconds=1) <= dt.datetime.fromisoformat(created["at"])
    planner_token = token_for(client, "planner", [site_id], name="ana")
    planner = client_with(client, planner_token)
    queue = planner.post(f"/v1/sites/{site_id}/queues", json=queue_body()).json()
    assert planner.patch(f"/v1/queues/{queue['id']}", json={"aht_s": 240}).status_code == 200
    assert planner.delete(f"/v1/queues/{queue['id']}").status_code == 204
    assert_problem(planner.post("/v1/sites", json={}), 403)  # refused: logged too
    planner.get(f"/v1/sites/{site_id}")  # reads are not logged
    client_with(client, None).post("/v1/sites", json={})  # nor calls without a token
    ana = [
        (e["method"], e["route"], e["status"], e["resource"], e["site_id"], e["before_id"],
         e["after_id"])
        for e in reversed(_events(client))
        if e["token_name"] == "ana"
    ]  # fmt: skip
    queue_id = queue["id"]
    assert ana == [
        ("POST", "/v1/sites/{site_id}/queues", 201, "queue", site_id, None, queue_id),
        ("PATCH", "/v1/queues/{queue_id}", 200, "queue", site_id, queue_id, queue_id),
        ("DELETE", "/v1/queues/{queue_id}", 204, "queue", site_id, queue_id, None),
        ("POST", "/v1/sites", 403, "site", None, None, None),
    ]
    assert len(_events(client)) == 2 + len(ana)  # site, token, ana's four


def test_audit_events_are_paged_and_filtered(client: TestClient) -> None:
    site_ids = [create_site(client, name=f"s{i}") for i in range(5)]
    page = client.get("/v1/audit-events", params={"limit": 2, "offset": 1}).json()
    assert page["total"] == 5 and page["limit"] == 2 and page["offset"] == 1
    assert [e["after_id"] for e in page["items"]] == [site_ids[3], site_ids[2]]  # newest first
    viewer_id = client.post("/v1/tokens", json={"role": "viewer"}).json()["id"]
    assert [e["resource"] for e in _events(client, resource="token")] == ["token"]
    assert _events(client, site_id=site_ids[0]) == []  # a site's creation has no site yet
    client.patch(f"/v1/sites/{site_ids[0]}", json={"name": "renamed"})
    assert [e["method"] for e in _events(client, site_id=site_ids[0])] == ["PATCH"]
    assert _events(client, token_id=viewer_id) == []
    assert_problem(client.get("/v1/audit-events", params={"limit": 0}), 422)


def test_resource_and_ids_of_each_kind_of_change() -> None:
    assert describe("/v1/roster-jobs", {}, "POST", 202, "/v1/jobs/7") == ("job", None, 7)
    assert describe("/v1/jobs/{job_id}/cancel", {"job_id": "7"}, "POST", 202, None) == (
        "job", 7, 7
    )  # fmt: skip
    assert describe("/v1/sites/{site_id}/shift-rules", {"site_id": "3"}, "PUT", 200, None) == (
        "shift_rules", 3, 3
    )  # fmt: skip
    assert describe("/v1/tokens/{token_id}", {"token_id": "4"}, "DELETE", 204, None) == (
        "token", 4, None
    )  # fmt: skip
    assert describe("/v1/hiring-scenarios/{scenario_id}", {"scenario_id": "2"}, "DELETE", 404,
                    None) == ("hiring_scenario", 2, None)  # fmt: skip
    assert describe("/v1/sites/{site_id}/agents", {"site_id": "1"}, "POST", 422, None) == (
        "agent", None, None
    )  # fmt: skip
