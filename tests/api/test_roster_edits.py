"""Hand edits of a stored roster: each edit a checked version (cost and coverage recomputed),
an invalid edit saved as a draft marked invalid, malformed edits refused, optimistic locking
(409 with the current version), compare and undo."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.support import assert_problem, wait_job
from tests.api.test_roster_honest import FOUR_HOURS, WEEK, _activity, _rules, _setup

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # solves


def solved_roster(client: TestClient) -> tuple[int, int]:
    """A solved roster (6 agents, 4-hour shifts Mon-Fri, a 15-min break in every shift of 2 h
    or more): its site id and roster id."""
    hours: list[Any] = [FOUR_HOURS] * 5 + [None, None]
    site_id, requirement_id, _ = _setup(client, hours, agents=4)
    brk = _activity(15, True, 120, (60, 150))
    assert _rules(client, site_id, break_rule=brk).status_code == 200
    body = {"requirement_id": requirement_id, "week_start": WEEK, "time_limit_s": 2}
    job = wait_job(client, client.post("/v1/roster-jobs", json=body).json()["id"], 120)
    assert job["status"] == "succeeded", (job["error"], job["errors"])
    return site_id, int(job["result_id"])


def edit(client: TestClient, roster_id: int, version: int, **change: Any) -> Any:
    return client.post(f"/v1/rosters/{roster_id}/edits", json={"version": version, "edit": change})


def first_shift(version: dict[str, Any]) -> dict[str, Any]:
    return version["shifts"][0]


@pytest.fixture
def roster(client: TestClient) -> tuple[int, int]:
    return solved_roster(client)


def test_each_edit_is_a_checked_version_with_cost_and_coverage(
    client: TestClient, roster: tuple[int, int]
) -> None:
    _, rid = roster
    v1 = client.get(f"/v1/rosters/{rid}/versions/1").json()
    assert v1["valid"] and v1["kind"] == "solved"
    shift = first_shift(v1)
    agent, day = shift["agent"], shift["day"]
    brk = next(a for a in shift["activities"] if a["kind"] == "break")
    moved = edit(client, rid, 1, op="move_activity", agent=agent, day=day, kind="break",
                 start=brk["start"] + 15)  # fmt: skip
    assert moved.status_code == 201, moved.text
    v2 = moved.json()
    assert v2["number"] == 2 and moved.headers["ETag"] == '"v2"'
    assert v2["author"] == "tests admin" and v2["author_token_id"] is not None
    mine = next(s for s in v2["shifts"] if (s["agent"], s["day"]) == (agent, day))
    assert mine["activities"][0]["start"] == brk["start"] + 15
    v3 = edit(client, rid, 2, op="delete", agent=agent, day=day).json()
    assert len(v3["shifts"]) == len(v1["shifts"]) - 1
    # one agent fewer on the phone: the staffed coverage and the cost are recomputed
    assert sum(v3["coverage"]["staffed"]) < sum(v1["coverage"]["staffed"])
    assert v3["kpis"]["paid_hours"] == pytest.approx(v1["kpis"]["paid_hours"] - 4)
    other = next(s for s in v3["shifts"] if s["agent"] == agent)
    v4 = edit(client, rid, 3, op="move", agent=agent, day=other["day"], to_day=day,
              start=other["start"]).json()  # fmt: skip
    days = {s["day"] for s in v4["shifts"] if s["agent"] == agent}
    assert day in days and other["day"] not in days
    v5 = edit(client, rid, 4, op="add", agent=agent, day=other["day"], start=other["start"],
              end=other["end"], activities=other["activities"]).json()  # fmt: skip
    assert len(v5["shifts"]) == len(v1["shifts"]) and v5["valid"], v5["violations"]
    listed = client.get(f"/v1/rosters/{rid}/versions").json()
    assert listed["current"] == 5 and [v["number"] for v in listed["items"]] == [1, 2, 3, 4, 5]


def test_an_edit_breaking_a_rule_is_saved_invalid_with_the_rule_named(
    client: TestClient, roster: tuple[int, int]
) -> None:
    _, rid = roster
    shift = first_shift(client.get(f"/v1/rosters/{rid}/versions/1").json())
    # 4 h 30: outside the contract's shift lengths and the agent's 09:00-13:00 availability
    longer = edit(client, rid, 1, op="resize", agent=shift["agent"], day=shift["day"],
                  end=shift["end"] + 30)  # fmt: skip
    assert longer.status_code == 201, longer.text
    draft = longer.json()
    assert not draft["valid"]
    rules = {v["rule"] for v in draft["violations"]}
    assert rules and all(v["agent"] == shift["agent"] for v in draft["violations"])
    # malformed edits are refused: no such shift, a shift ending before it starts
    missing = edit(client, rid, 2, op="delete", agent="NOBODY", day=0)
    assert assert_problem(missing, 422)["errors"][0]["field"] == "edit.day"
    backwards = edit(client, rid, 2, op="resize", agent=shift["agent"], day=shift["day"],
                     end=shift["start"])  # fmt: skip
    assert_problem(backwards, 422)
    assert client.get(f"/v1/rosters/{rid}/versions").json()["current"] == 2


def test_a_concurrent_edit_gets_409_with_the_current_version(
    client: TestClient, roster: tuple[int, int]
) -> None:
    _, rid = roster
    shift = first_shift(client.get(f"/v1/rosters/{rid}/versions/1").json())
    change = {"op": "resize", "agent": shift["agent"], "day": shift["day"],
              "start": shift["start"] + 60}  # fmt: skip
    first = client.post(f"/v1/rosters/{rid}/edits", json={"edit": change},
                        headers={"If-Match": '"v1"'})  # fmt: skip
    assert first.status_code == 201, first.text
    second = client.post(f"/v1/rosters/{rid}/edits", json={"edit": change},
                         headers={"If-Match": '"v1"'})  # fmt: skip
    problem = assert_problem(second, 409)
    assert second.headers["ETag"] == '"v2"' and "version 2" in problem["detail"]
    unnamed = client.post(f"/v1/rosters/{rid}/edits", json={"edit": change})
    assert_problem(unnamed, 428)


def test_compare_and_undo(client: TestClient, roster: tuple[int, int]) -> None:
    _, rid = roster
    v1 = client.get(f"/v1/rosters/{rid}/versions/1").json()
    shift = first_shift(v1)
    edit(client, rid, 1, op="delete", agent=shift["agent"], day=shift["day"])
    diff = client.get(f"/v1/rosters/{rid}/compare", params={"base": 1, "other": 2}).json()
    assert [(c["agent"], c["day"], c["change"]) for c in diff["changes"]] == [
        (shift["agent"], shift["day"], "removed")
    ]
    assert diff["paid_hours_difference"] == pytest.approx(-4)
    assert sum(diff["staffed_difference_by_day"]) < 0
    undo = client.post(f"/v1/rosters/{rid}/undo", json={"version": 2, "to": 1})
    assert undo.status_code == 201, undo.text
    assert undo.json()["number"] == 3 and undo.json()["kind"] == "undo"
    assert undo.json()["shifts"] == v1["shifts"]
    same = client.get(f"/v1/rosters/{rid}/compare", params={"base": 1, "other": 3}).json()
    assert same["changes"] == [] and same["cost_difference"] == pytest.approx(0)
