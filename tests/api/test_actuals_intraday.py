"""GET /v1/queues/{id}/intraday: the rest of today from the actuals so far."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.tables import Forecast, Requirement, Roster
from tests.api.support import OPENING_HOURS, assert_problem, create_queue, create_site

DAY = dt.date(2026, 10, 26)  # a Monday, UTC+1 in Berlin
STARTS = pd.date_range("2026-10-26 08:00", periods=8, freq="15min", tz="UTC")
PLANNED = [40.0, 44.0, 48.0, 50.0, 50.0, 48.0, 44.0, 40.0]


def _store_plan(client: TestClient, queue_id: int, site_id: int) -> None:
    starts = [t.isoformat() for t in STARTS]
    coverage = {"interval_start": starts, "day": [0] * 8, "minute": list(range(540, 660, 15)),
                "required": [18] * 8, "staffed": [18] * 8, "unmet": [0] * 8,
                "calls": PLANNED, "aht_s": [300.0] * 8}  # fmt: skip
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        forecast = Forecast(queue_id=queue_id, method="test", start=STARTS[0].to_pydatetime(),
                            weeks=1, intervals={"interval_start": starts})  # fmt: skip
        session.add(forecast)
        session.flush()
        intervals = {"interval_start": starts, "calls": PLANNED, "aht_s": [300.0] * 8,
                     "scheduled": [18] * 8}  # fmt: skip
        requirement = Requirement(queue_id=queue_id, forecast_id=forecast.id, goal={},
                                  summary={"shrinkage": 0.0}, intervals=intervals)  # fmt: skip
        session.add(requirement)
        session.flush()
        roster = Roster(
            site_id=site_id,
            requirement_id=requirement.id,
            week_start=DAY,
            report={},
            kpis={},
            coverage=coverage,
            shifts=SHIFTS,
            explanations=[],
        )
        session.add(roster)
        session.commit()


# the published roster of agent A001 (a part-timer: 4 or 6 paid hours a day) on Monday
SHIFTS = [{"agent": "A001", "day": 0, "start": "09:00", "end": "13:00",
           "activities": [{"kind": "break", "start": "10:30", "end": "10:45"}]}]  # fmt: skip
PART_TIME = {
    "code": "PT", "label": "part-time", "shift_paid_minutes": [240, 360],
    "min_weekly_paid_minutes": 240, "max_weekly_paid_minutes": 720, "max_days": 5,
}  # fmt: skip


def _staff(client: TestClient, site_id: int, queue_id: int) -> None:
    contract = client.post(f"/v1/sites/{site_id}/contracts", json=PART_TIME)
    assert contract.status_code == 201, contract.text
    body = {"code": "A001", "name": "Ada", "contract_id": contract.json()["id"],
            "availability": OPENING_HOURS, "queue_ids": [queue_id]}  # fmt: skip
    assert client.post(f"/v1/sites/{site_id}/agents", json=body).status_code == 201


def _rows(starts: pd.DatetimeIndex, calls: list[float]) -> list[dict[str, object]]:
    return [{"interval_start": t.isoformat(), "offered": c, "answered": c, "abandoned": 0,
             "answered_within": c} for t, c in zip(starts, calls, strict=True)]  # fmt: skip


@pytest.fixture
def today(client: TestClient) -> int:
    site_id = create_site(client, name="Today", zone="Europe/Berlin")
    queue_id = create_queue(client, site_id)
    _staff(client, site_id, queue_id)
    _store_plan(client, queue_id, site_id)
    rows = _rows(STARTS[:3], [56.0, 62.0, 67.0])  # 40 % busier than planned so far
    for week in range(1, 5):  # four earlier Mondays, in summer time: 09:00 local is 07:00 UTC
        earlier = STARTS - pd.Timedelta(days=7 * week, hours=1)
        rows += _rows(earlier, [p * (1 + 0.05 * week) for p in PLANNED])
    response = client.post(f"/v1/queues/{queue_id}/actual-imports", json={"rows": rows})
    assert response.status_code == 201, response.text
    return queue_id


def test_the_rest_of_today_is_reforecast_and_staffed(client: TestClient, today: int) -> None:
    response = client.get(f"/v1/queues/{today}/intraday", params={"day": DAY.isoformat()})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["observed_intervals"] == 3 and body["shapes"] == 2
    assert body["ratio_so_far"] == pytest.approx(185 / 132)
    columns = body["intervals"]
    assert columns["actual_calls"][:3] == [56.0, 62.0, 67.0] and columns["actual_calls"][3] is None
    assert all(c > p for c, p in zip(columns["calls"][3:], PLANNED[3:], strict=True))
    assert all(r >= 18 for r in columns["required"][3:])  # busier: at least the plan's agents
    assert body["rest_of_day_sl"] < 0.8  # the roster's 18 agents no longer meet the goal
    proposals = body["proposals"]
    overtime = [p for p in proposals if p["kind"] == "overtime"]
    assert overtime and {p["paid_min"] for p in overtime} == {120}  # 4 h -> 6 h, with a lunch
    assert all(p["agent"] == "A001" and 0 <= p["rest_sl"] <= 1 for p in proposals)
    moves = [p for p in proposals if p["kind"] == "move_activity"]
    assert moves and all(p["paid_min"] == 0 for p in moves)
    assert len(proposals) <= 12
    early = client.get(
        f"/v1/queues/{today}/intraday",
        params={"day": DAY.isoformat(), "now": "2026-10-26T08:30:00Z"},
    ).json()
    assert early["observed_intervals"] == 2
    nothing = client.get(f"/v1/queues/{today}/intraday", params={"day": "2026-10-27"})
    assert assert_problem(nothing, 422)["errors"][0]["code"] == "no_plan"
