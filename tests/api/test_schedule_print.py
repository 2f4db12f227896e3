"""The printable team schedule of a published week: a table per team (contract), every
published shift with its break and lunch, names escaped, 404 before anything is published."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.schemas import minute_to_hhmm
from tests.api.support import assert_problem
from tests.api.test_roster_edits import solved_roster

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # solves


def test_the_printable_team_schedule_shows_every_published_shift(client: TestClient) -> None:
    site_id, rid = solved_roster(client)
    url = f"/v1/published-schedules/{site_id}/print.html"
    assert_problem(client.get(url), 404)
    contract = client.get(f"/v1/sites/{site_id}/contracts").json()["items"][0]
    body = {k: contract[k] for k in ("shift_paid_minutes", "min_weekly_paid_minutes",
                                     "max_weekly_paid_minutes", "max_days")}  # fmt: skip
    made = client.post(f"/v1/sites/{site_id}/contracts",
                       json={**body, "code": "DAY", "label": "Day <team>"})  # fmt: skip
    agent = client.get(f"/v1/sites/{site_id}/agents").json()["items"][0]
    moved = client.patch(f"/v1/agents/{agent['id']}", json={"contract_id": made.json()["id"]})
    assert moved.status_code == 200, moved.text
    assert client.post(f"/v1/rosters/{rid}/publications", json={}).status_code == 201
    page = client.get(url)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "Day &lt;team&gt;" in html and "<team>" not in html
    shifts = client.get(f"/v1/rosters/{rid}/versions/1").json()["shifts"]
    for s in shifts:
        assert f"{minute_to_hhmm(s['start'])}-{minute_to_hhmm(s['end'])}" in html
        for a in s["activities"]:
            assert f"{a['kind']} {minute_to_hhmm(a['start'])}-{minute_to_hhmm(a['end'])}" in html
    rows = html.count("<tr><th>") - html.count("<tr><th>Agent</th>")  # one per agent
    assert rows == len({s["agent"] for s in shifts})
    assert "Mon 02 Nov" in html and "@page" in html
    assert html.count("<section>") == 2  # the contract PT and the new one
    assert "Day &lt;team&gt; (1 agents)" in html
    one = client.get(url, params={"team": "Day <team>"}).text
    assert one.count("<section>") == 1 and one.count("<tr><th>") == 2
