"""Site roster jobs: two voice queues, agents skilled on one or both, solved as one site."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.convert.site_roster import load_site_input
from api.schemas.site_rosters import SiteRosterJobCreate
from api.tables import Forecast, Requirement, SiteRosterRow
from optimizer.roster.evaluate import evaluate_roster
from optimizer.roster.problem import Activity, Roster, Shift
from optimizer.roster.site.check import check_site_roster
from optimizer.roster.site.problem import SiteRoster
from tests.api.conftest import ZONE
from tests.api.support import assert_problem, client_with, create_queue, token_for, wait_job

WEEK = "2026-11-02"  # a Monday
HOURS: list[Any] = [{"start": "09:00", "end": "13:00"}] * 5 + [None, None]
NEED = {"A": 4, "B": 1}  # agents per open hour
SKILLS = {"A1": "A", "A2": "A", "AB": "AB", "B1": "B", "B2": "B", "B3": "B"}


def _open_starts() -> list[str]:
    """The UTC instants of the site's open hours in the week (Mon-Fri 09:00-13:00 local)."""
    out = []
    for d in range(5):
        day = dt.date.fromisoformat(WEEK) + dt.timedelta(days=d)
        for hour in range(9, 13):
            local = pd.Timestamp(dt.datetime.combine(day, dt.time(hour)), tz=ZONE)
            out.append(local.tz_convert("UTC").isoformat())
    return out


def _store(client: TestClient, queue_id: int, need: int) -> int:
    """A forecast and a requirement of ``need`` agents in every open hour; the requirement id."""
    starts = _open_starts()
    n = len(starts)
    app: Any = client.app
    with Session(app.state.engine) as session:
        forecast = Forecast(queue_id=queue_id, method="test", weeks=1,
                            start=dt.datetime.fromisoformat(starts[0]),
                            intervals={"interval_start": starts, "calls": [6.0] * n,
                                       "aht_s": [300.0] * n})  # fmt: skip
        session.add(forecast)
        session.flush()
        assert forecast.id is not None
        intervals: dict[str, list[Any]] = {
            "interval_start": starts, "calls": [6.0] * n, "aht_s": [300.0] * n,
            "scheduled": [need] * n, "agents": [need] * n,
        }  # fmt: skip
        row = Requirement(queue_id=queue_id, forecast_id=forecast.id, goal={}, summary={},
                          intervals=intervals)  # fmt: skip
        session.add(row)
        session.commit()
        assert row.id is not None
        return row.id


@pytest.fixture
def site(client: TestClient) -> dict[str, Any]:
    return two_queue_site(client)


def two_queue_site(client: TestClient) -> dict[str, Any]:
    """A site open Mon-Fri 09:00-13:00, queues A (4 agents an hour) and B (1), six agents:
    two on A, three on B, one on both."""
    body = {"name": "Two queues", "zone": ZONE, "opening_hours": HOURS}
    site_id = client.post("/v1/sites", json=body).json()["id"]
    rules = client.get(f"/v1/sites/{site_id}/shift-rules").json()
    rules.pop("site_id"), rules.pop("updated_at")
    rules.update(break_rule=None, lunch_rule=None, shift_start_granularity_minutes=60)
    assert client.put(f"/v1/sites/{site_id}/shift-rules", json=rules).status_code == 200
    queues = {name: create_queue(client, site_id, name=name, interval_min=60) for name in NEED}
    requirements = {name: _store(client, queues[name], need) for name, need in NEED.items()}
    contract = {"code": "PT", "shift_paid_minutes": [120, 180, 240], "max_days": 5,
                "min_weekly_paid_minutes": 0, "max_weekly_paid_minutes": 1200}  # fmt: skip
    contract_id = client.post(f"/v1/sites/{site_id}/contracts", json=contract).json()["id"]
    for code, skills in SKILLS.items():
        agent = {"code": code, "contract_id": contract_id, "availability": HOURS,
                 "queue_ids": [queues[s] for s in skills]}  # fmt: skip
        assert client.post(f"/v1/sites/{site_id}/agents", json=agent).status_code == 201
    return {"site_id": site_id, "queues": queues, "requirements": requirements,
            "contract_id": contract_id}  # fmt: skip


def _solve(client: TestClient, site_id: int, **extra: Any) -> dict[str, Any]:
    body = {"site_id": site_id, "week_start": WEEK, "time_limit_s": 4, **extra}
    response = client.post("/v1/site-roster-jobs", json=body)
    assert response.status_code == 202, response.text
    job = wait_job(client, response.json()["id"], timeout_s=60)
    assert job["status"] == "succeeded", job
    assert job["result_url"].startswith("/v1/site-rosters/")
    roster: dict[str, Any] = client.get(job["result_url"]).json()
    return roster | {"job": job}


def _core_roster(roster: dict[str, Any]) -> SiteRoster:
    shifts = tuple(
        Shift(s["agent"], s["day"], s["start"], s["end"],
              tuple(Activity(a["kind"], a["start"], a["end"]) for a in s["activities"]))
        for item in roster["schedule"] for s in item["shifts"]
    )  # fmt: skip
    return SiteRoster(Roster(shifts))


def test_site_roster_job(client: TestClient, site: dict[str, Any]) -> None:
    roster = _solve(client, site["site_id"])
    report = roster["report"]
    assert report["status"] in ("OPTIMAL", "FEASIBLE"), report
    assert report["violations"] == []
    assert report["bound"] is not None and report["gap"] is not None
    assert report["bound"] <= report["objective"] + 1e-6
    message = roster["job"]["message"]
    assert message.startswith(f"{report['status']}: cost") and "gap" in message
    assert "deadline" not in message  # no deferred queue
    app: Any = client.app
    body = SiteRosterJobCreate(site_id=site["site_id"], week_start=dt.date.fromisoformat(WEEK))
    with Session(app.state.engine) as session:  # independent check on the stored rows
        problem = load_site_input(session, body).problem
    assert check_site_roster(problem, _core_roster(roster)) == []
    a, b = (str(site["queues"][n]) for n in ("A", "B"))
    coverage = roster["cost"]["coverage"]
    assert set(coverage) == {a, b}
    assert sum(map(sum, coverage[a])) == pytest.approx(3 * 20, abs=1e-6)  # 3 A-skilled agents
    assert sum(map(sum, coverage[b])) == pytest.approx(20, abs=1e-6)
    assert roster["requirement_ids"] == {a: site["requirements"]["A"], b: site["requirements"]["B"]}
    assert roster["skills"]["AB"] == sorted([a, b]) and roster["skills"]["B1"] == [b]
    assert all(item["skills"] == roster["skills"][item["agent"]] for item in roster["schedule"])
    for item in roster["schedule"]:  # allocation blocks on the agent's skills, inside the shift
        for shift in item["shifts"]:
            for block in shift["allocation"]:
                assert block["queue"] in [*item["skills"], "idle"]
                assert shift["start"] <= block["start"] < block["end"] <= shift["end"]
    listed = client.get("/v1/site-rosters", params={"site_id": site["site_id"]}).json()
    assert [r["id"] for r in listed["items"]] == [roster["id"]]


def test_one_queue_is_todays_roster_engine(client: TestClient, site: dict[str, Any]) -> None:
    """A site roster of one voice queue is the single-queue problem: today's engine solves it
    and its exact site cost is the ``/1`` cost of the roster."""
    qa = site["queues"]["A"]
    roster = _solve(client, site["site_id"], queue_ids=[qa])
    report = roster["report"]
    assert report["source"] == "roster_engine" and report["violations"] == []
    assert report["bound"] is not None and report["bound"] <= report["objective"] + 1e-6
    app: Any = client.app
    body = SiteRosterJobCreate(site_id=site["site_id"], week_start=dt.date.fromisoformat(WEEK),
                               queue_ids=[qa])  # fmt: skip
    with Session(app.state.engine) as session:
        problem = load_site_input(session, body).problem
    core = _core_roster(roster)
    assert check_site_roster(problem, core) == []
    assert evaluate_roster(problem.core, core.roster).cost == pytest.approx(report["objective"])
    assert set(roster["skills"]) == {"A1", "A2", "AB"}  # the agents serving queue A


def test_cross_training_what_if(client: TestClient, site: dict[str, Any]) -> None:
    """Queue A is one agent short every hour; giving A to one B agent closes the gap."""
    qa = site["queues"]["A"]
    roster = _solve(client, site["site_id"], cross_training=[{"queue_id": qa, "agents": 1}])
    what_if = roster["what_if"]
    assert what_if["cross_training"] == {str(qa): ["B1"]}
    assert what_if["cost"] <= what_if["base_cost"] + 1e-9
    assert what_if["gain"] == pytest.approx(what_if["base_cost"] - what_if["cost"])
    assert what_if["gain"] > 10  # 20 uncovered A-hours at weight 1, less the extra paid time
    assert what_if["under_agent_intervals"] < what_if["base_under_agent_intervals"]
    base = client.get(f"/v1/site-rosters/{what_if['base_site_roster_id']}").json()
    assert base["report"]["objective"] == pytest.approx(what_if["base_cost"])
    assert str(qa) in roster["skills"]["B1"] and str(qa) not in base["skills"]["B1"]


def test_deferred_queue_gets_a_backlog_curve(client: TestClient, site: dict[str, Any]) -> None:
    """E-mail (3 items of 10 work-minutes an hour, due within 4 open hours) beside queue B,
    served by two agents skilled on both."""
    site_id, qb = site["site_id"], site["queues"]["B"]
    mail = create_queue(client, site_id, name="mail", channel="email", interval_min=60,
                        aht_s=600, deadline_minutes=240)  # fmt: skip
    starts = _open_starts()
    app: Any = client.app
    with Session(app.state.engine) as session:
        session.add(Forecast(queue_id=mail, method="test", weeks=1,
                             start=dt.datetime.fromisoformat(starts[0]),
                             intervals={"interval_start": starts, "calls": [3.0] * len(starts),
                                        "aht_s": [600.0] * len(starts)}))  # fmt: skip
        session.commit()
    for code in ("M1", "M2"):
        agent = {"code": code, "contract_id": site["contract_id"], "availability": HOURS,
                 "queue_ids": [qb, mail]}  # fmt: skip
        assert client.post(f"/v1/sites/{site_id}/agents", json=agent).status_code == 201
    roster = _solve(client, site_id, queue_ids=[qb, mail])
    assert roster["report"]["violations"] == []
    queue = next(q for q in roster["queues"] if q["id"] == str(mail))
    assert (queue["channel"], queue["deadline_minutes"], queue["work_minutes"]) == (
        "deferred",
        240,
        10.0,
    )
    backlog = roster["cost"]["backlog"]
    assert len(backlog["work_minutes"][str(mail)]) == len(backlog["intervals"]) == 20
    processed = sum(map(sum, roster["cost"]["coverage"][str(mail)]))  # agent-hours of mail work
    left = backlog["work_minutes"][str(mail)][-1]  # waiting at the week's end, not yet due
    assert processed * 60 + left == pytest.approx(20 * 30)  # 30 work-minutes arrive an hour
    assert left <= 60 + 1e-6  # at most the last two hours' arrivals
    assert roster["report"]["within_deadline_share"] == pytest.approx(1.0)
    assert "deferred work within deadline 100.0%" in roster["job"]["message"]


def test_bad_input_is_422_naming_fields(client: TestClient, site: dict[str, Any]) -> None:
    site_id, qa = site["site_id"], site["queues"]["A"]

    def post(**extra: Any) -> Any:
        body = {"site_id": site_id, "week_start": WEEK, **extra}
        return client.post("/v1/site-roster-jobs", json=body)

    def fields(response: Any) -> list[str]:
        return [e["field"] for e in assert_problem(response, 422)["errors"]]

    assert fields(post(queue_ids=[999_999])) == ["queue_ids[0]"]
    assert fields(post(week_start="2026-11-03")) == ["week_start"]
    assert fields(post(requirement_ids={str(qa): site["requirements"]["B"]})) == [
        f"requirement_ids.{qa}"
    ]
    later = post(week_start="2026-11-09")  # no requirement covers that week
    assert fields(later)[0].startswith("requirement_ids.")
    assert fields(post(cross_training=[{"queue_id": qa, "agents": 9}])) == [
        "cross_training[0].agents"
    ]
    email = create_queue(client, site_id, name="mail", channel="email", interval_min=60)
    assert fields(post(queue_ids=[email])) == [f"queues.{email}.deadline_minutes"]
    missing = {"site_id": 999_999, "week_start": WEEK}
    assert client.post("/v1/site-roster-jobs", json=missing).status_code == 404


def test_idempotency_key_names_changed_inputs(client: TestClient, site: dict[str, Any]) -> None:
    body = {"site_id": site["site_id"], "week_start": WEEK, "time_limit_s": 1}
    key = {"Idempotency-Key": "site-week-1"}
    first = client.post("/v1/site-roster-jobs", json=body, headers=key)
    again = client.post("/v1/site-roster-jobs", json=body, headers=key)
    assert first.status_code == again.status_code == 202
    assert first.json()["id"] == again.json()["id"]
    agents = client.get(f"/v1/sites/{site['site_id']}/agents").json()["items"]
    b1 = next(a for a in agents if a["code"] == "B1")
    assert client.patch(f"/v1/agents/{b1['id']}", json={"queue_ids": []}).status_code == 200
    changed = client.post("/v1/site-roster-jobs", json=body, headers=key)
    assert assert_problem(changed, 409)["changed"] == ["agents"]
    assert wait_job(client, first.json()["id"])["status"] == "succeeded"


def test_a_token_of_another_site_sees_no_site_roster(
    client: TestClient, site: dict[str, Any]
) -> None:
    site_id = site["site_id"]
    app: Any = client.app
    with Session(app.state.engine) as session:
        row = SiteRosterRow(site_id=site_id, week_start=dt.date.fromisoformat(WEEK), queues=[],
                            requirement_ids={}, skills={}, report={}, cost={}, shifts=[],
                            explanations=[])  # fmt: skip
        session.add(row)
        session.commit()
        roster_id = row.id
    other = client.post("/v1/sites", json={"name": "Other", "zone": ZONE, "opening_hours": HOURS})
    own = client_with(client, token_for(client, "planner", [site_id]))
    stranger = client_with(client, token_for(client, "planner", [other.json()["id"]]))
    assert own.get(f"/v1/site-rosters/{roster_id}").status_code == 200
    assert stranger.get(f"/v1/site-rosters/{roster_id}").status_code == 404
    body = {"site_id": site_id, "week_start": WEEK, "queue_ids": [999_999]}
    assert stranger.post("/v1/site-roster-jobs", json=body).status_code == 404
    assert own.post("/v1/site-roster-jobs", json=body).status_code == 422  # reaches the route
    assert stranger.get("/v1/site-rosters").status_code == 403  # a site-bound list: ?site_id=
    listed = stranger.get("/v1/site-rosters", params={"site_id": site_id})
    assert listed.status_code == 404
