"""GET /v1/queues/{id}/adherence: the day's schedule (roster shifts minus breaks) vs the
imported attendance, per agent."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from api.tables import Requirement, Roster, RosterVersion, SchedulePublication, SiteRosterRow
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


def test_the_published_version_is_the_schedule(client: TestClient, today: int) -> None:
    """An edited version published to the agents replaces the solved roster: in adherence and
    in the intraday view's rostered agents and proposals."""
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        query = select(Roster).join(Requirement, col(Roster.requirement_id) == Requirement.id)
        roster = session.exec(query.where(col(Requirement.queue_id) == today)).one()
        shorter = [{"agent": "A001", "day": 0, "start": 540, "end": 720,
                    "activities": [{"kind": "break", "start": 630, "end": 645}]}]  # fmt: skip
        cover = {"interval_start": roster.coverage["interval_start"],
                 "staffed": [17] * len(roster.coverage["interval_start"])}  # fmt: skip
        session.add(RosterVersion(roster_id=roster.id, number=2, kind="edit", shifts=shorter,
                                  violations=[], kpis={}, coverage=cover))  # fmt: skip
        session.add(SchedulePublication(roster_id=roster.id, site_id=roster.site_id,
                                        week_start=roster.week_start, version=2))  # fmt: skip
        newer = Roster(site_id=roster.site_id, requirement_id=roster.requirement_id,
                       week_start=roster.week_start, report={}, kpis={}, explanations=[],
                       coverage={**roster.coverage, "staffed": [20] * len(cover["staffed"])},
                       shifts=[{**shorter[0], "agent": "Z9"}])  # fmt: skip
        session.add(newer)  # solved later, never published: not what agents follow
        session.commit()
    body = client.get(f"/v1/queues/{today}/adherence", params={"day": DAY.isoformat()}).json()
    assert body["version"] == 2
    assert body["totals"]["scheduled_min"] == 90 + 75  # 09:00-12:00 less the break
    view = client.get(f"/v1/queues/{today}/intraday", params={"day": DAY.isoformat()}).json()
    assert set(view["intervals"]["rostered"]) == {17.0}
    # the published shift ends at 12:00: an hour's overtime brings it to 13:00 (the solved
    # roster's end, so no proposal could say so without the published version)
    assert any("(until 13:00)" in p["description"] for p in view["proposals"])


def _publish_site_roster(client: TestClient, queue_id: int, shifts: list[dict[str, object]]) -> int:
    """A site roster of the day's week holding ``shifts``, published over A001's week."""
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        query = select(Roster).join(Requirement, col(Roster.requirement_id) == Requirement.id)
        roster = session.exec(query.where(col(Requirement.queue_id) == queue_id)).one()
        site_roster = SiteRosterRow(site_id=roster.site_id, week_start=roster.week_start,
                                    queues=[], requirement_ids={}, skills={"A001": [queue_id]},
                                    report={}, cost={}, shifts=shifts, explanations=[])  # fmt: skip
        session.add(site_roster)
        session.flush()
        publication = SchedulePublication(site_roster_id=site_roster.id, site_id=roster.site_id,
                                          week_start=roster.week_start, version=1,
                                          agents=["A001"])  # fmt: skip
        session.add(publication)
        session.commit()
        assert publication.id is not None
        return publication.id


def test_a_site_roster_published_over_the_queue_roster_is_the_schedule(
    client: TestClient, today: int
) -> None:
    """A001's week published by a site roster after the queue's roster was solved: adherence,
    the intraday view's rostered agents (the plan the report reads too) follow its shift
    (10:00-14:00, no break), and say where it came from."""
    block = {"queue": today, "start": 600, "end": 840}
    shift = {"agent": "A001", "day": 0, "start": 600, "end": 840, "activities": [],
             "paid_minutes": 240, "allocation": [block]}  # fmt: skip
    publication_id = _publish_site_roster(client, today, [shift])
    rows = [{"agent": "A001", "start": "2026-10-26 09:00", "end": "2026-10-26 11:00"}]
    posted = client.post(f"/v1/queues/{today}/attendance-imports", json={"rows": rows})
    assert posted.status_code == 201, posted.text
    body = client.get(f"/v1/queues/{today}/adherence", params={"day": DAY.isoformat()}).json()
    assert body["overlaid"] == {"A001": publication_id} and body["version"] == 1
    ada = {a["agent"]: a for a in body["agents"]}["A001"]
    # scheduled 10:00-14:00 (240), logged in 09:00-11:00 (120), both 10:00-11:00 (60)
    assert (ada["scheduled_min"], ada["actual_min"], ada["adherent_min"]) == (240, 120, 60)
    view = client.get(f"/v1/queues/{today}/intraday", params={"day": DAY.isoformat()}).json()
    # the roster's intervals are 09:00-11:00 (15 min): A001 on the phone from 10:00
    assert view["intervals"]["rostered"] == [0.0] * 4 + [1.0] * 4


def test_the_queue_roster_published_after_a_site_roster_is_the_schedule_again(
    client: TestClient, today: int
) -> None:
    shift = {"agent": "A001", "day": 0, "start": 600, "end": 840, "activities": []}
    _publish_site_roster(client, today, [shift])
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        query = select(Roster).join(Requirement, col(Roster.requirement_id) == Requirement.id)
        roster = session.exec(query.where(col(Requirement.queue_id) == today)).one()
        session.add(SchedulePublication(roster_id=roster.id, site_id=roster.site_id,
                                        week_start=roster.week_start, version=1,
                                        agents=["A001"]))  # fmt: skip
        session.commit()
    body = client.get(f"/v1/queues/{today}/adherence", params={"day": DAY.isoformat()}).json()
    assert body["overlaid"] == {}
    assert body["totals"]["scheduled_min"] == 225  # the queue roster's 09:00-13:00 less 15
