"""Actuals of a site planned by site rosters only (no roster job of a single queue): adherence
reads the site roster's week (its publication where one speaks for the agents), and the
report's plan takes the queue's requirement and the agents the site roster gives the queue."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.convert.actuals import load_plan
from api.tables import Queue, SiteRosterRow
from tests.api.support import assert_problem
from tests.api.test_site_rosters import WEEK, ZONE, _solve, two_queue_site

SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # solves


def _on_phone_minutes(shift: dict[str, Any]) -> int:
    breaks = sum(a["end"] - a["start"] for a in shift["activities"])
    return int(shift["end"] - shift["start"] - breaks)


@SQLITE
def test_a_site_roster_is_the_plan_of_its_queues(client: TestClient) -> None:
    site = two_queue_site(client)
    queue_a = site["queues"]["A"]
    monday = dt.date.fromisoformat(WEEK)
    before = client.get(f"/v1/queues/{queue_a}/adherence", params={"day": WEEK})
    assert assert_problem(before, 422)["errors"][0]["code"] == "no_plan"

    roster = _solve(client, site["site_id"])
    shifts = [s for item in roster["schedule"] for s in item["shifts"]]
    monday_a = [s for s in shifts if s["day"] == 0 and s["agent"] in ("A1", "A2", "AB")]
    assert monday_a, shifts
    body = client.get(f"/v1/queues/{queue_a}/adherence", params={"day": WEEK}).json()
    assert body["roster_id"] is None and body["site_roster_id"] == roster["id"]
    scheduled = {a["agent"]: a["scheduled_min"] for a in body["agents"]}
    for shift in monday_a:
        assert scheduled[shift["agent"]] == _on_phone_minutes(shift)
    assert not {"B1", "B2", "B3"} & set(scheduled)  # queue B's agents are not queue A's

    # an agent taken off queue A since keeps its week: the site roster's skills name it
    a1 = next(a for a in client.get(f"/v1/sites/{site['site_id']}/agents").json()["items"]
              if a["code"] == "A1")  # fmt: skip
    moved = client.patch(f"/v1/agents/{a1['id']}", json={"queue_ids": [site["queues"]["B"]]})
    assert moved.status_code == 200, moved.text
    again = client.get(f"/v1/queues/{queue_a}/adherence", params={"day": WEEK}).json()
    assert {a["agent"]: a["scheduled_min"] for a in again["agents"]} == scheduled

    # the report's plan: queue A's requirement (4 agents an open hour) and its site coverage
    app: Any = client.app
    with Session(app.state.engine) as session:
        queue = session.get(Queue, queue_a)
        stored = session.get(SiteRosterRow, roster["id"])
        assert queue is not None and stored is not None
        start = pd.Timestamp(monday, tz=ZONE).tz_convert("UTC").to_pydatetime()
        plan, _shrinkage = load_plan(session, queue, start, start + dt.timedelta(days=7))
        coverage = stored.cost["coverage"][str(queue_a)]
    assert len(plan) == 20 and set(plan["required"]) == {4}  # Mon-Fri 09-13, hourly
    local = pd.DatetimeIndex(plan["interval_start"]).tz_convert(ZONE)
    expected = [coverage[t.day_of_week][t.hour] for t in local]
    assert plan["rostered"].tolist() == pytest.approx(expected)


@SQLITE
def test_the_intraday_view_of_a_site_roster_queue(client: TestClient) -> None:
    """A busy Monday morning on queue A, planned by a site roster only: the rest of the day is
    reforecast against the agents the site roster gives A, and its proposals name A's agents."""
    site = two_queue_site(client)
    queue_a = site["queues"]["A"]
    roster = _solve(client, site["site_id"])
    monday = pd.Timestamp(dt.date.fromisoformat(WEEK), tz=ZONE)
    starts = [monday + pd.Timedelta(hours=h) for h in (9, 10)]
    rows = [{"interval_start": t.tz_convert("UTC").isoformat(), "offered": 40.0, "answered": 30.0,
             "abandoned": 10.0, "answered_within": 12.0} for t in starts]  # fmt: skip
    posted = client.post(f"/v1/queues/{queue_a}/actual-imports", json={"rows": rows})
    assert posted.status_code == 201, posted.text
    now = (monday + pd.Timedelta(hours=11)).tz_convert("UTC").isoformat()
    view = client.get(f"/v1/queues/{queue_a}/intraday", params={"day": WEEK, "now": now})
    assert view.status_code == 200, view.text
    body = view.json()
    app: Any = client.app
    with Session(app.state.engine) as session:
        stored = session.get(SiteRosterRow, roster["id"])
        assert stored is not None
        monday_cover = stored.cost["coverage"][str(queue_a)][0][9:13]
    assert body["intervals"]["rostered"] == pytest.approx(monday_cover)
    assert body["proposals"]  # was none: proposals needed a roster job of the queue
    assert {p["agent"] for p in body["proposals"]} <= {"A1", "A2", "AB"}
