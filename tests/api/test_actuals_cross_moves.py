"""GET /v1/queues/{id}/intraday proposes moving a cross-trained agent from another queue of
the site (its roster for the day) when the net service gained is positive."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from api.tables import Agent, Requirement, Roster
from tests.api import test_actuals_intraday as intraday
from tests.api.support import OPENING_HOURS, create_queue
from tests.api.test_actuals_intraday import DAY, SHIFTS, _store_plan

today = intraday.today  # the fixture: queue 1 of a site, its roster (A001) and actuals so far


def test_a_cross_trained_agent_of_another_queue_is_proposed(client: TestClient, today: int) -> None:
    site_id = client.get(f"/v1/queues/{today}").json()["site_id"]
    other = create_queue(client, site_id, name="second line")
    _store_plan(client, other, site_id)
    lent = [{**SHIFTS[0], "agent": "B002"}]  # B002 works the other queue 09:00-13:00
    # this queue: A001 and 23 more on the phone 09:00-13:00, about the reforecast's load, so
    # one agent more matters here; the other queue's one agent cannot serve its load anyway
    crowd = [{**SHIFTS[0], "agent": f"X{i:02d}", "activities": []} for i in range(23)]
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        query = select(Roster).join(Requirement, col(Roster.requirement_id) == Requirement.id)
        for queue_id, shifts in ((other, lent), (today, SHIFTS + crowd)):
            roster = session.exec(query.where(col(Requirement.queue_id) == queue_id)).one()
            roster.shifts = shifts
            session.add(roster)
        contract_id = session.exec(select(Agent)).first().contract_id  # type: ignore[union-attr]
        session.commit()
    body = {"code": "B002", "name": "Bo", "contract_id": contract_id,
            "availability": OPENING_HOURS, "queue_ids": [today, other]}  # fmt: skip
    assert client.post(f"/v1/sites/{site_id}/agents", json=body).status_code == 201
    response = client.get(f"/v1/queues/{today}/intraday", params={"day": DAY.isoformat()})
    assert response.status_code == 200, response.text
    moves = [p for p in response.json()["proposals"] if p["kind"] == "cross_queue"]
    assert moves and all(p["agent"] == "B002" and p["paid_min"] == 0 for p in moves)
    assert all(p["answered_within_gain"] > 0 and "second line" in p["description"] for p in moves)
    assert len(moves) <= 4
    # not skilled on this queue: no move
    agent_id = next(a["id"] for a in client.get(f"/v1/sites/{site_id}/agents").json()["items"]
                    if a["code"] == "B002")  # fmt: skip
    assert client.patch(f"/v1/agents/{agent_id}", json={"queue_ids": [other]}).status_code == 200
    again = client.get(f"/v1/queues/{today}/intraday", params={"day": DAY.isoformat()}).json()
    assert not [p for p in again["proposals"] if p["kind"] == "cross_queue"]
