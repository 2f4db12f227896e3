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
from tests.api.test_site_rosters import WEEK, _solve, site  # noqa: F401  (fixture)

SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # solves


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
    text = client.get(f"/v1/published-schedules/{site_id}/export.csv").text
    rows = list(csv.DictReader(io.StringIO(text)))
    expected = sorted((s["agent"], s["day"], s["start"], s["end"]) for s in shifts)
    week = dt.date.fromisoformat(WEEK)

    def minutes(hhmm: str) -> int:
        return int(hhmm[:2]) * 60 + int(hhmm[3:5])

    got = sorted((r["agent"], (dt.date.fromisoformat(r["date"]) - week).days,
                  minutes(r["start"]), minutes(r["end"])) for r in rows)  # fmt: skip
    assert got == expected
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


@SQLITE
def test_a_roster_published_after_a_site_roster_lists_the_changes(
    client: TestClient, site: dict[str, Any]
) -> None:
    """A one-queue roster of queue B published after the site roster: its change list is
    against the site roster's shifts (the A agents' shifts are removed, B's may move)."""
    site_id = site["site_id"]
    site_roster = _solve(client, site_id)
    assert _publish(client, site_roster["id"]).status_code == 201
    body = {"requirement_id": site["requirements"]["B"], "week_start": WEEK, "time_limit_s": 4}
    job = wait_job(client, client.post("/v1/roster-jobs", json=body).json()["id"], timeout_s=60)
    assert job["status"] == "succeeded", job
    roster = client.get(job["result_url"]).json()
    made = client.post(f"/v1/rosters/{roster['id']}/publications", json={})
    assert made.status_code == 201, made.text
    changes = made.json()["changes"]
    removed = {(c["agent"], c["day"]) for c in changes if c["change"] == "removed"}
    a_only = {(s["agent"], s["day"]) for s in _shifts(site_roster) if s["agent"] in ("A1", "A2")}
    assert a_only and a_only <= removed
    # the schedule is now the newest publication: queue B's roster
    view = client.get(f"/v1/published-schedules/{site_id}/agents/A1").json()
    assert view["shifts"] == [] and view["publication_id"] == made.json()["id"]
    # and the site roster published again replaces it, with the reverse changes
    back = _publish(client, site_roster["id"]).json()
    added = {(c["agent"], c["day"]) for c in back["changes"] if c["change"] == "added"}
    assert a_only <= added


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
