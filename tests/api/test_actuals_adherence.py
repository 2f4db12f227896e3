"""GET /v1/queues/{id}/adherence: the day's schedule (roster shifts minus breaks) vs the
imported attendance, per agent."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api import test_actuals_intraday as intraday
from tests.api.support import assert_problem
from tests.api.test_actuals_intraday import DAY

today = intraday.today  # the fixture: A001 rostered 09:00-13:00 (break 10:30-10:45), Berlin


def test_adherence_of_the_days_agents(client: TestClient, today: int) -> None:
    rows = [{"agent": "A001", "start": "2026-10-26 08:55", "end": "2026-10-26 10:00"},
            {"agent": "A001", "start": "2026-10-26 10:40", "end": "2026-10-26 12:30"},
            {"agent": "B9", "start": "2026-10-26 09:00", "end": "2026-10-26 10:00"}]  # fmt: skip
    posted = client.post(f"/v1/queues/{today}/attendance-imports", json={"rows": rows})
    assert posted.status_code == 201, posted.text
    response = client.get(f"/v1/queues/{today}/adherence", params={"day": DAY.isoformat()})
    assert response.status_code == 200, response.text
    body = response.json()
    agents = {a["agent"]: a for a in body["agents"]}
    ada = agents["A001"]  # scheduled 90 + 135; logged in 65 + 110; both 60 + 105
    assert (ada["scheduled_min"], ada["actual_min"], ada["adherent_min"]) == (225, 175, 165)
    assert ada["adherence"] == pytest.approx(165 / 225)
    assert ada["conformance"] == pytest.approx(175 / 225)
    assert agents["B9"]["scheduled_min"] == 0 and agents["B9"]["adherence"] is None
    assert body["totals"]["actual_min"] == 235
    missing = client.get(f"/v1/queues/{today}/adherence", params={"day": "2026-11-02"})
    assert assert_problem(missing, 422)["errors"][0]["code"] == "no_plan"
