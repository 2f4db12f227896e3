"""Time-off requests: requested / approved / refused, the predicted effect on a roster week,
a cover proposal (re-optimised around the absence, the others locked on the other days), and
approved leave counted toward a fixed-hours contract (it used to leave that agent with no
shift)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.support import assert_problem, wait_job
from tests.api.test_roster_edits import solved_roster
from tests.api.test_roster_honest import FOUR_HOURS, WEEK, _setup

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # solves


def _agent_id(client: TestClient, site_id: int, code: str) -> int:
    agents = client.get(f"/v1/sites/{site_id}/agents").json()["items"]
    return int(next(a["id"] for a in agents if a["code"] == code))


def _shift_day(version: dict[str, Any], agent: str) -> int:
    return int(next(s["day"] for s in version["shifts"] if s["agent"] == agent))


def test_a_request_shows_its_effect_gets_a_cover_proposal_and_is_decided(
    client: TestClient,
) -> None:
    site_id, rid = solved_roster(client)
    v1 = client.get(f"/v1/rosters/{rid}/versions/1").json()
    code = v1["shifts"][0]["agent"]
    day = _shift_day(v1, code)
    agent_id = _agent_id(client, site_id, code)
    base = f"/v1/agents/{agent_id}/time-off-requests"
    date = f"2026-11-0{2 + day}"
    bad = client.post(base, json={"first_day": date, "start_minute": 600})
    assert_problem(bad, 422)
    made = client.post(base, json={"first_day": date, "reason": "dentist"})
    assert made.status_code == 201, made.text
    req = made.json()
    assert req["status"] == "requested" and req["last_day"] == date
    effect = client.get(f"{base}/{req['id']}/impact", params={"roster_id": rid}).json()
    assert effect["days"] == [day] and [s["agent"] for s in effect["lost_shifts"]] == [code]
    assert effect["staffed_by_day_after"][day] < effect["staffed_by_day_before"][day]
    assert effect["under_difference"] >= 0 and effect["valid_after"], effect["violations_after"]
    cover = client.post(f"{base}/{req['id']}/cover",
                        json={"roster_id": rid, "version": 1, "time_limit_s": 2})  # fmt: skip
    assert cover.status_code == 202, cover.text
    job = wait_job(client, cover.json()["id"], 120)
    assert job["status"] == "succeeded", (job["error"], job["errors"])
    v2 = client.get(f"/v1/rosters/{rid}/versions/2").json()
    assert v2["edit"]["op"] == "cover" and v2["valid"], v2["violations"]
    assert (code, day) not in {(s["agent"], s["day"]) for s in v2["shifts"]}

    # the other agents are locked on the other days: unchanged
    def kept(v: dict[str, Any]) -> list[Any]:
        return [s for s in v["shifts"] if s["day"] != day and s["agent"] != code]

    assert kept(v1) == kept(v2)
    lost = v1["kpis"]["under_agent_intervals"] + effect["under_difference"]
    assert v2["kpis"]["under_agent_intervals"] <= lost  # the cover is no worse than the gap
    decided = client.post(f"{base}/{req['id']}/decision", json={"status": "approved"})
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    leave = client.get(f"/v1/agents/{agent_id}/time-off").json()["items"]
    assert [t["day"] for t in leave] == [date]
    again = assert_problem(client.post(f"{base}/{req['id']}/decision",
                                       json={"status": "refused"}), 409)  # fmt: skip
    assert again["code"] == "already-decided"
    other = client.post(base, json={"first_day": "2026-11-05", "start_minute": 540,
                                    "end_minute": 600}).json()  # fmt: skip
    refused = client.post(f"{base}/{other['id']}/decision", json={"status": "refused"}).json()
    assert refused["status"] == "refused" and refused["decided_by"] == "tests admin"
    late = client.post(f"{base}/{other['id']}/cover", json={"roster_id": rid, "version": 2})
    assert assert_problem(late, 409)["code"] == "refused"
    listed = client.get(base).json()["items"]
    assert [r["status"] for r in listed] == ["approved", "refused"]


def test_approved_leave_counts_toward_a_fixed_hours_contract(client: TestClient) -> None:
    """A 5 x 4 h fixed contract, agents available Mon-Fri, one day of leave: the agent
    works the other four days (before: no shift at all, the week being impossible)."""
    hours: list[Any] = [FOUR_HOURS] * 5 + [None, None]
    site_id, requirement_id, ids = _setup(client, hours, agents=3)
    fixed = {
        "code": "FIX",
        "shift_paid_minutes": [240],
        "min_weekly_paid_minutes": 1200,
        "max_weekly_paid_minutes": 1200,
        "max_days": 5,
        "leave_paid_minutes": 240,
    }
    contract = client.post(f"/v1/sites/{site_id}/contracts", json=fixed)
    assert contract.status_code == 201, contract.text
    assert contract.json()["leave_paid_minutes"] == 240
    for agent_id in ids:
        changed = client.patch(f"/v1/agents/{agent_id}",
                               json={"contract_id": contract.json()["id"]})  # fmt: skip
        assert changed.status_code == 200, changed.text
    leave = client.post(f"/v1/agents/{ids[0]}/time-off", json={"day": "2026-11-04"})
    assert leave.status_code == 201, leave.text
    body = {"requirement_id": requirement_id, "week_start": WEEK, "time_limit_s": 2}
    job = wait_job(client, client.post("/v1/roster-jobs", json=body).json()["id"], 120)
    assert job["status"] == "succeeded", (job["error"], job["errors"])
    roster = client.get(f"/v1/rosters/{job['result_id']}/versions/1").json()
    code = client.get(f"/v1/agents/{ids[0]}").json()["code"]
    days = sorted(s["day"] for s in roster["shifts"] if s["agent"] == code)
    assert days == [0, 1, 3, 4]
    assert roster["valid"], roster["violations"]
