"""``serve --demo`` data: loaded once, realistic enough to roster, idempotent on restart."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.demo import DEMO_AGENTS, demo_state, load_demo
from tests.api.support import assert_problem, wait_job


def test_demo_loads_once(client: TestClient) -> None:
    app: Any = client.app
    first = load_demo(app.state.engine)
    again = load_demo(app.state.engine)
    assert first.created and not again.created
    assert (again.site_id, again.queue_id) == (first.site_id, first.queue_id)
    assert client.get("/v1/sites").json()["total"] == 1
    agents = client.get(f"/v1/sites/{first.site_id}/agents").json()
    assert agents["total"] == 36
    queues = client.get(f"/v1/sites/{first.site_id}/queues").json()["items"]
    assert [(q["name"], q["channel"]) for q in queues] == [
        ("Customer service", "voice"),
        ("E-mail", "email"),
    ]
    assert queues[0]["id"] == first.queue_id and queues[1]["deadline_minutes"] == 720
    skills = [a["queue_ids"] for a in agents["items"]]
    assert all(first.queue_id in q for q in skills)  # every agent takes calls
    assert sum(queues[1]["id"] in q for q in skills) == 9  # every fourth also e-mail
    history = client.get(f"/v1/queues/{first.queue_id}/history").json()
    assert len(history["offered"]) == 10 * (5 * 48 + 32)  # Mon-Fri 08-20, Sat 09-17
    imports = client.get(f"/v1/queues/{first.queue_id}/history-imports").json()
    assert imports["total"] == 1 and imports["items"][0]["inserted"] == len(history["offered"])


def test_an_older_demo_in_the_database_is_named_not_silently_kept(client: TestClient) -> None:
    app: Any = client.app
    first = load_demo(app.state.engine)
    assert demo_state(first) == "loaded" and first.agents == DEMO_AGENTS == 36
    assert demo_state(load_demo(app.state.engine)) == "already present"
    agents = client.get(f"/v1/sites/{first.site_id}/agents", params={"limit": 1}).json()
    assert client.delete(f"/v1/agents/{agents['items'][0]['id']}").status_code == 204
    older = load_demo(app.state.engine)
    assert not older.created and older.agents == DEMO_AGENTS - 1
    assert demo_state(older) == (
        "already present from an older demo (35 agents; this version's demo has 36:"
        " delete the database file to load it)"
    )


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # a solve: once is enough
def test_demo_roster_covers_every_open_day(client: TestClient) -> None:
    """A newcomer's first roster must not leave a day short: FT40 shifts (8 h paid + lunch) do
    not fit the 8-hour Saturday, so the part-timers must be able to cover it (with 20 FT40 and
    4 PT20 agents, Saturday was 16 % short while every weekday was over)."""
    app: Any = client.app
    ids = load_demo(app.state.engine)
    forecast = client.post(f"/v1/queues/{ids.queue_id}/forecasts", json={}).json()
    job = wait_job(client, forecast["id"])
    requirement = client.post("/v1/requirements", json={"forecast_id": job["result_id"]}).json()
    body = {"requirement_id": requirement["id"], "week_start": "2026-11-09", "time_limit_s": 20}
    job = wait_job(client, client.post("/v1/roster-jobs", json=body).json()["id"], 120)
    assert job["status"] == "succeeded", (job["error"], job["message"])
    coverage = client.get(job["result_url"]).json()["coverage"]
    required: dict[int, float] = {}
    short: dict[int, float] = {}
    for day, need, staffed in zip(
        coverage["day"], coverage["required"], coverage["staffed"], strict=True
    ):
        required[day] = required.get(day, 0.0) + need / 4
        short[day] = short.get(day, 0.0) + max(need - staffed, 0) / 4
    assert sorted(required) == [0, 1, 2, 3, 4, 5]
    for day, hours in required.items():
        assert short[day] <= 0.05 * hours, (day, short[day], hours)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # a solve: once is enough
def test_demo_site_roster_plans_calls_and_email_together(client: TestClient) -> None:
    """The demo's two queues in one site roster: calls by their requirement, e-mail as
    deferred work answered within its deadline by the agents who have both skills."""
    app: Any = client.app
    ids = load_demo(app.state.engine)
    queues = client.get(f"/v1/sites/{ids.site_id}/queues").json()["items"]
    email = queues[1]["id"]
    voice = wait_job(
        client, client.post(f"/v1/queues/{ids.queue_id}/forecasts", json={}).json()["id"]
    )
    assert voice["status"] == "succeeded", voice
    made = client.post("/v1/requirements", json={"forecast_id": voice["result_id"]})
    assert made.status_code in (200, 201, 202), made.text
    mail = wait_job(client, client.post(f"/v1/queues/{email}/forecasts", json={}).json()["id"])
    assert mail["status"] == "succeeded", mail
    # no Erlang requirement for e-mail: a 422 that points to the site roster
    refused = client.post("/v1/requirements", json={"forecast_id": mail["result_id"]})
    problem = assert_problem(refused, 422)["errors"][0]
    assert (problem["field"], problem["code"]) == ("forecast_id", "deferred_queue")
    assert "within 720 open minutes" in problem["message"] and "site roster" in problem["message"]
    # an e-mail what-if: 30 % more mail and a deadline half as long need more agents on it;
    # the base plan's agents would finish less of it in time
    changes = {"volume": [{"multiplier": 1.3}], "deadline_minutes": 360}
    scenario = client.post(f"/v1/queues/{email}/scenarios",
                           json={"name": "more mail", "changes": changes})  # fmt: skip
    assert scenario.status_code == 201, scenario.text
    body = {"forecast_id": mail["result_id"], "scenario_ids": [scenario.json()["id"]]}
    compared = wait_job(client, client.post("/v1/comparisons", json=body).json()["id"])
    assert compared["status"] == "succeeded", compared
    table = client.get(compared["result_url"]).json()["table"]
    assert table["scenario"] == ["base", "more mail"]
    assert table["deferred_deadline_minutes"] == [720, 360]
    base_need, more_need = table["deferred_required_agents"]
    assert more_need > base_need > 0 and table["fte_paid_vs_base"][1] > 0
    assert table["deferred_within_deadline_share"][0] >= 0.8  # the queue's target
    assert table["deferred_share_at_base_plan"][1] < 0.8 <= table["service_level"][1]
    sooner = {"name": "x", "changes": {"deadline_minutes": 60}}
    voice_deadline = client.post(f"/v1/queues/{ids.queue_id}/scenarios", json=sooner)
    problem = assert_problem(voice_deadline, 422)["errors"][0]
    assert (problem["field"], problem["code"]) == ("changes.deadline_minutes", "live_queue")
    intraday = client.get(f"/v1/queues/{email}/intraday", params={"day": "2026-11-11"})
    problem = assert_problem(intraday, 422)["errors"][0]
    assert (problem["field"], problem["code"]) == ("queue_id", "deferred_queue")
    body = {"site_id": ids.site_id, "week_start": "2026-11-09", "time_limit_s": 8}
    job = wait_job(client, client.post("/v1/site-roster-jobs", json=body).json()["id"], 180)
    assert job["status"] == "succeeded", (job["error"], job["message"])
    roster = client.get(job["result_url"]).json()
    assert roster["report"]["violations"] == []
    assert {q["channel"] for q in roster["queues"]} == {"voice", "deferred"}
    assert roster["cost"]["within_deadline_share"] >= 0.95  # weekdays have idle time to spare
    emailers = {a for a, s in roster["skills"].items() if str(email) in s}
    assert len(emailers) == 9
    worked = {b["queue"] for item in roster["schedule"] if item["agent"] in emailers
              for s in item["shifts"] for b in s["allocation"]}  # fmt: skip
    assert str(email) in worked  # the e-mail is answered by the agents with both skills
