"""Paid minutes of a roster through the API are the core's (``Shift.paid_min`` under the rules
solved with): a paid lunch counts as paid time in the schedule and the CSV export."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.support import wait_job
from tests.api.test_roster_honest import FOUR_HOURS, WEEK, _activity, _rules, _setup

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # solves


def test_a_paid_lunch_is_paid_time_in_the_schedule_and_the_csv(client: TestClient) -> None:
    hours: list[Any] = [FOUR_HOURS] * 5 + [None, None]
    site_id, requirement_id, _ = _setup(client, hours, agents=4)
    lunch = _activity(30, True, 120, (60, 150))  # a paid lunch in every shift of 2 h or more
    assert _rules(client, site_id, lunch_rule=lunch).status_code == 200
    body = {"requirement_id": requirement_id, "week_start": WEEK, "time_limit_s": 2}
    job = wait_job(client, client.post("/v1/roster-jobs", json=body).json()["id"], 120)
    assert job["status"] == "succeeded", (job["error"], job["errors"])
    roster = client.get(job["result_url"]).json()
    shifts = [s for a in roster["schedule"] for s in a["shifts"]]
    assert shifts and all(any(a["kind"] == "lunch" for a in s["activities"]) for s in shifts)
    # nothing is unpaid under these rules: the core's paid minutes are the minutes on site
    assert roster["report"]["shift_paid_minutes"] == [s["end"] - s["start"] for s in shifts]
    for agent in roster["schedule"]:
        assert agent["paid_minutes"] == sum(s["end"] - s["start"] for s in agent["shifts"])
    assert roster["kpis"]["paid_hours"] == pytest.approx(
        sum(a["paid_minutes"] for a in roster["schedule"]) / 60
    )
    text = client.get(f"{job['result_url']}/export.csv").text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [int(r["paid_minutes"]) for r in rows] == [s["end"] - s["start"] for s in shifts]
