"""Repeated roster reads are answered before routing (api.fast_reads), exactly as the route
would answer them: same body and headers, access rules kept, and any change forgets them."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.support import client_with, create_site, token_for, wait_job
from tests.api.test_rosters import WEEK, requirement_id, tiny  # noqa: F401 - fixtures


def _roster_url(client: TestClient, requirement_id: int) -> str:  # noqa: F811
    body = {"requirement_id": requirement_id, "week_start": WEEK, "time_limit_s": 3}
    job = wait_job(client, client.post("/v1/roster-jobs", json=body).json()["id"])
    assert job["status"] == "succeeded", job
    return str(job["result_url"])


def _answered(client: TestClient) -> int:
    app: Any = client.app
    return int(app.state.hot_notes.answered)


def _same(a: Any, b: Any) -> None:
    assert (a.status_code, a.content) == (b.status_code, b.content)
    for name in ("etag", "content-type", "content-encoding", "cache-control", "vary"):
        assert a.headers.get(name) == b.headers.get(name), name


def test_a_repeated_read_is_answered_hot_with_the_routes_body_and_headers(
    client: TestClient,
    requirement_id: int,  # noqa: F811
) -> None:
    url = _roster_url(client, requirement_id)
    for i, headers in enumerate(({"Accept-Encoding": "identity"}, {"Accept-Encoding": "gzip"})):
        routed = client.get(url, headers=headers)  # a change (the job) forgot every note
        before = _answered(client)
        hot = client.get(url, headers=headers)
        assert _answered(client) == before + 1
        _same(routed, hot)
        create_site(client, f"elsewhere {i}")  # a change
    etag = client.get(url).headers["etag"]
    before = _answered(client)
    cached = client.get(url, headers={"If-None-Match": etag})
    assert cached.status_code == 304 and cached.content == b"" and cached.headers["etag"] == etag
    assert _answered(client) == before + 1
    assert client.get(url + "?x=1").status_code == 200 and _answered(client) == before + 1


def test_hot_reads_keep_the_access_rules(
    client: TestClient,
    requirement_id: int,  # noqa: F811
) -> None:
    url = _roster_url(client, requirement_id)
    site_id = client.get(url).json()["site_id"]
    other = create_site(client, "other")
    outsider = client_with(client, token_for(client, "viewer", [other]))
    reader = client_with(client, token_for(client, "viewer", [site_id]))
    assert reader.get(url).status_code == 200  # noted, and the reader's token remembered
    assert client.get(url).status_code == 200
    before = _answered(client)
    assert outsider.get(url).status_code == 404  # another site's roster: routed, refused
    assert outsider.get(url).status_code == 404
    assert client_with(client, None).get(url).status_code == 401
    assert client_with(client, "sw_not-a-token").get(url).status_code == 401
    assert _answered(client) == before
    assert reader.get(url).status_code == 200 and _answered(client) == before + 1


def test_a_change_of_contract_shows_in_the_next_read(
    client: TestClient,
    requirement_id: int,  # noqa: F811
) -> None:
    url = _roster_url(client, requirement_id)
    first = client.get(url).json()
    client.get(url)  # noted and answered hot
    site_id, agent = first["site_id"], first["schedule"][0]["agent"]
    contract = {"code": "HOT", "shift_paid_minutes": [240], "min_weekly_paid_minutes": 0,
                "max_weekly_paid_minutes": 1200, "max_days": 5}  # fmt: skip
    contract_id = client.post(f"/v1/sites/{site_id}/contracts", json=contract).json()["id"]
    agents = client.get(f"/v1/sites/{site_id}/agents").json()["items"]
    agent_id = next(a["id"] for a in agents if a["code"] == agent)
    assert client.patch(f"/v1/agents/{agent_id}", json={"contract_id": contract_id}).is_success
    assert client.get(url).json()["schedule"][0]["contract"] == "HOT"
