"""Publishing a site roster (several queues planned together) as the site's schedule: the
agents' views and exports read its shifts, a later publication of the week (a one-queue
roster's or another site roster's) lists what moved since it, next week's history is taken
from it, and a cross-training what-if or a roster breaking rules is refused."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.convert.last_week import carry_last_week
from api.convert.site_roster import load_site_input
from api.schemas.site_rosters import SiteRosterJobCreate
from api.tables import SiteRosterRow
from tests.api.support import assert_problem, wait_job
from tests.api.test_site_rosters import WEEK, _solve, two_queue_site

SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # solves


@pytest.fixture
def site(client: TestClient) -> dict[str, Any]:
    return two_queue_site(client)


def _publish(client: TestClient, site_roster_id: int) -> Any:
    return client.post(f"/v1/site-rosters/{site_roster_id}/publications")


def _shifts(roster: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for item in roster["schedule"] for s in item["shifts"]]


def test_a_site_roster_becomes_the_published_schedule(
    client: TestClient, site: dict[str, Any]
) -> None:
    site_id = site["site_id"]
    roster = _solve(client, site_id)
    shifts = _shifts(roster)
    assert shifts, roster["report"]
    made = _publish(client, roster["id"])
    assert made.status_code == 201, made.text
    assert made.headers["Location"] == f"/v1/published-schedules/{site_id}"
    publication = made.json()
    assert publication["site_roster_id"] == roster["id"] and publication["roster_id"] is None
    assert publication["version"] == 1 and publication["changes"] is None
    assert publication["week_start"] == WEEK and publication["site_id"] == site_id
    listed = client.get(f"/v1/site-rosters/{roster['id']}/publications").json()
    assert [p["id"] for p in listed] == [publication["id"]]

    # the export holds every shift of every queue's agents, at the site roster's times
    assert _published(client, site_id) == _keys(shifts, {s["agent"] for s in shifts})
    assert publication["agents"] == sorted(A_AGENTS | B_AGENTS)
    week = dt.date.fromisoformat(WEEK)
    # the agent skilled on both queues reads their own shifts in the site's local time
    mine = [s for s in shifts if s["agent"] == "AB"]
    view = client.get(f"/v1/published-schedules/{site_id}/agents/AB").json()
    assert view["publication_id"] == publication["id"]
    assert len(view["shifts"]) == len(mine)
    for got_shift, s in zip(view["shifts"], sorted(mine, key=lambda s: s["day"]), strict=True):
        start = dt.datetime.fromisoformat(got_shift["start"])
        assert (start.date() - week).days == s["day"]
        assert start.hour * 60 + start.minute == s["start"]

    # publishing the same site roster again: nothing moved
    again = _publish(client, roster["id"]).json()
    assert again["changes"] == []


def _roster(client: TestClient, site: dict[str, Any], queue: str) -> dict[str, Any]:
    """A one-queue roster of ``queue``'s requirement (its agents only), solved."""
    body = {"requirement_id": site["requirements"][queue], "week_start": WEEK, "time_limit_s": 4}
    job = wait_job(client, client.post("/v1/roster-jobs", json=body).json()["id"], timeout_s=60)
    assert job["status"] == "succeeded", job
    roster: dict[str, Any] = client.get(job["result_url"]).json()
    return roster


def _published(client: TestClient, site_id: int) -> list[tuple[str, int, int, int]]:
    """The site's published week as (agent, day, start, end), from its CSV export."""
    text = client.get(f"/v1/published-schedules/{site_id}/export.csv").text
    week = dt.date.fromisoformat(WEEK)

    def minutes(hhmm: str) -> int:
        return int(hhmm[:2]) * 60 + int(hhmm[3:5])

    return sorted((r["agent"], (dt.date.fromisoformat(r["date"]) - week).days,
                   minutes(r["start"]), minutes(r["end"]))
                  for r in csv.DictReader(io.StringIO(text)))  # fmt: skip


def _keys(shifts: list[dict[str, Any]], agents: set[str]) -> list[tuple[str, int, int, int]]:
    return sorted((s["agent"], s["day"], s["start"], s["end"]) for s in shifts
                  if s["agent"] in agents)  # fmt: skip


A_AGENTS, B_AGENTS = {"A1", "A2", "AB"}, {"B1", "B2", "B3", "AB"}


@SQLITE
def test_each_publication_replaces_only_its_own_agents_weeks(
    client: TestClient, site: dict[str, Any]
) -> None:
    """Queue A's roster published, then queue B's: the site's schedule holds both (AB, on
    both queues, from the newer); a site roster published after them replaces every agent's
    week, and queue B's roster published again replaces only B's agents' weeks in it."""
    site_id = site["site_id"]
    roster_a, roster_b = _roster(client, site, "A"), _roster(client, site, "B")
    first = client.post(f"/v1/rosters/{roster_a['id']}/publications", json={}).json()
    assert first["agents"] == sorted(A_AGENTS) and first["changes"] is None
    second = client.post(f"/v1/rosters/{roster_b['id']}/publications", json={}).json()
    assert second["agents"] == sorted(B_AGENTS)
    a_only = _keys(_shifts(roster_a), {"A1", "A2"})
    assert a_only, _shifts(roster_a)
    assert _published(client, site_id) == sorted(a_only + _keys(_shifts(roster_b), B_AGENTS))
    # the change list of the second publication touches queue B's agents only
    assert {c["agent"] for c in second["changes"]} <= B_AGENTS
    # the A agents' weeks are next week's history too
    app: Any = client.app
    body = SiteRosterJobCreate(site_id=site_id, week_start=dt.date.fromisoformat(WEEK))
    with Session(app.state.engine) as session:
        problem = load_site_input(session, body).problem.core
        next_week = dt.date.fromisoformat(WEEK) + dt.timedelta(days=7)
        carried = {a.id: a for a in carry_last_week(session, site_id, next_week, problem).agents}
    last_a1 = max((s for s in _shifts(roster_a) if s["agent"] == "A1"), key=lambda s: s["day"])
    assert (
        carried["A1"].history.last_shift_end_min
        == last_a1["day"] * 1440 + last_a1["end"] - 7 * 1440
    )

    site_roster = _solve(client, site_id)
    whole = _publish(client, site_roster["id"]).json()
    assert whole["agents"] == sorted(A_AGENTS | B_AGENTS)
    assert _published(client, site_id) == _keys(_shifts(site_roster), A_AGENTS | B_AGENTS)
    again = client.post(f"/v1/rosters/{roster_b['id']}/publications", json={}).json()
    assert {c["agent"] for c in again["changes"]} <= B_AGENTS
    expected = _keys(_shifts(site_roster), {"A1", "A2"}) + _keys(_shifts(roster_b), B_AGENTS)
    assert _published(client, site_id) == sorted(expected)
    view = client.get(f"/v1/published-schedules/{site_id}/agents/A1").json()
    assert view["publication_id"] == again["id"]  # the week's newest publication
    assert len(view["shifts"]) == len(_keys(_shifts(site_roster), {"A1"}))


@SQLITE
def test_next_weeks_history_comes_from_a_published_site_roster(
    client: TestClient, site: dict[str, Any]
) -> None:
    site_id = site["site_id"]
    roster = _solve(client, site_id)
    assert _publish(client, roster["id"]).status_code == 201
    app: Any = client.app
    body = SiteRosterJobCreate(site_id=site_id, week_start=dt.date.fromisoformat(WEEK))
    with Session(app.state.engine) as session:
        problem = load_site_input(session, body).problem.core
        next_week = dt.date.fromisoformat(WEEK) + dt.timedelta(days=7)
        carried = carry_last_week(session, site_id, next_week, problem)
    by_agent = {a.id: a for a in carried.agents}
    for agent in ("A1", "AB", "B1"):
        mine = [s for s in _shifts(roster) if s["agent"] == agent]
        if not mine:
            continue
        last = max(mine, key=lambda s: s["day"])
        history = by_agent[agent].history
        assert history.last_shift_end_min == last["day"] * 1440 + last["end"] - 7 * 1440
        assert history.consecutive_days_worked == 0  # Saturday and Sunday off


@SQLITE
def test_a_what_if_or_a_broken_site_roster_is_not_published(
    client: TestClient, site: dict[str, Any]
) -> None:
    site_id = site["site_id"]
    qa = site["queues"]["A"]
    what_if = _solve(client, site_id, cross_training=[{"queue_id": qa, "agents": 1}])
    refused = _publish(client, what_if["id"])
    assert assert_problem(refused, 409)["code"] == "not-publishable"
    assert "what-if" in refused.json()["detail"]
    base = what_if["what_if"]["base_site_roster_id"]
    app: Any = client.app
    with Session(app.state.engine) as session:  # a stored roster found broken (e.g. by a check)
        row = session.get(SiteRosterRow, base)
        assert row is not None
        broken = {"agent": "B1", "day": 0, "rule": "rest", "message": "9 h rest, 11 h needed"}
        row.report = {**row.report, "status": "INVALID", "violations": [broken]}
        session.add(row)
        session.commit()
    refused = _publish(client, base)
    assert assert_problem(refused, 409)["code"] == "roster-invalid"
    assert "B1 day 0" in refused.text and "rest" in refused.text
    assert client.get(f"/v1/site-rosters/{base}/publications").json() == []
    missing = client.get(f"/v1/published-schedules/{site_id}/export.csv")
    assert missing.status_code == 404  # nothing was published
    assert _publish(client, 999_999).status_code == 404
