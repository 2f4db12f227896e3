"""A site's own working week through the API, and forecast warnings.

A help desk in Asia/Jerusalem open Sunday to Thursday 09:00-13:00: its weeks start on Sunday
(the zone's default), forecasts and rosters take a Sunday ``week_start`` and refuse a Monday
with a 422 naming Sunday; the roster's day 0 is that Sunday.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from api.convert.roster import core_preferences, rotate_week
from forecasting.synthetic import synthetic_history, to_acd_csv
from tests.api.support import assert_problem, create_queue, wait_job

JERUSALEM = "Asia/Jerusalem"
WINDOW = {"start": "09:00", "end": "13:00"}
SUN_THU_HOURS: list[Any] = [WINDOW] * 4 + [None, None, WINDOW]  # Mon..Sun
HISTORY_START = dt.date(2026, 10, 4)  # a Sunday; four weeks up to Saturday 31 October
SUNDAY, MONDAY = "2026-11-01", "2026-11-02"


def _import(client: TestClient, queue_id: int, start: dt.date, weeks: int) -> None:
    history = synthetic_history(
        start=start, weeks=weeks, zone=JERUSALEM, seed=5, open_minute=540, close_minute=780,
        mean_daily_calls=400.0,
    )  # fmt: skip
    local = pd.DatetimeIndex(history["interval_start"]).tz_convert(JERUSALEM)
    history = history[~local.day_of_week.isin([4, 5])]  # closed Friday and Saturday
    files = {"file": ("h.csv", to_acd_csv(history, JERUSALEM).encode(), "text/csv")}
    response = client.post(f"/v1/queues/{queue_id}/history-imports", files=files)
    assert response.status_code == 201, response.text


def _sun_thu_site(client: TestClient) -> tuple[int, int]:
    body = {"name": "Tel Aviv", "zone": JERUSALEM, "opening_hours": SUN_THU_HOURS}
    response = client.post("/v1/sites", json=body)
    assert response.status_code == 201, response.text
    site_id = int(response.json()["id"])
    queue_id = create_queue(client, site_id)
    _import(client, queue_id, HISTORY_START, weeks=4)
    rules = client.get(f"/v1/sites/{site_id}/shift-rules").json()
    rules.pop("site_id"), rules.pop("updated_at")
    rules.update(break_rule=None, lunch_rule=None, shift_start_granularity_minutes=60)
    assert client.put(f"/v1/sites/{site_id}/shift-rules", json=rules).status_code == 200
    contract = {"code": "PT", "shift_paid_minutes": [120, 180, 240], "max_days": 5,
                "min_weekly_paid_minutes": 360, "max_weekly_paid_minutes": 1200}  # fmt: skip
    contract_id = client.post(f"/v1/sites/{site_id}/contracts", json=contract).json()["id"]
    for i in range(6):
        agent = {"code": f"A{i:02d}", "contract_id": contract_id,
                 "availability": SUN_THU_HOURS, "queue_ids": [queue_id]}  # fmt: skip
        assert client.post(f"/v1/sites/{site_id}/agents", json=agent).status_code == 201
    return site_id, queue_id


@pytest.fixture
def sun_thu(client: TestClient) -> tuple[int, int]:
    return _sun_thu_site(client)


def test_week_start_day_defaults_from_the_zone_and_can_be_set(client: TestClient) -> None:
    body: dict[str, Any] = {"name": "TLV", "zone": JERUSALEM, "opening_hours": SUN_THU_HOURS}
    created = client.post("/v1/sites", json=body).json()
    assert created["week_start_day"] == 6
    berlin = client.post("/v1/sites", json={**body, "name": "B", "zone": "Europe/Berlin"}).json()
    assert berlin["week_start_day"] == 0
    chosen = client.post("/v1/sites", json={**body, "name": "C", "week_start_day": 0}).json()
    assert chosen["week_start_day"] == 0
    patched = client.patch(f"/v1/sites/{chosen['id']}", json={"week_start_day": 5})
    assert patched.json()["week_start_day"] == 5
    assert client.get(f"/v1/sites/{chosen['id']}").json()["week_start_day"] == 5
    bad = assert_problem(client.post("/v1/sites", json={**body, "week_start_day": 7}), 422)
    assert bad["errors"][0]["field"].endswith("week_start_day")


def test_weekday_lists_are_rotated_to_the_sites_week() -> None:
    assert rotate_week(SUN_THU_HOURS, 6)[:5] == [WINDOW] * 5  # Sunday first, Thursday fifth
    assert rotate_week(SUN_THU_HOURS, 6)[5:] == [None, None]
    wishes = {"days_off": [4, 6], "day_off_weight": 1.0}  # Friday and Sunday, Mon = 0
    assert core_preferences(wishes, 6).days_off == (0, 5)
    assert core_preferences(wishes).days_off == (4, 6)


def test_a_sun_thu_site_forecasts_and_rosters_weeks_from_sunday(
    client: TestClient, sun_thu: tuple[int, int]
) -> None:
    _, queue_id = sun_thu
    url = f"/v1/queues/{queue_id}/forecasts"
    monday = assert_problem(client.post(url, json={"week_start": MONDAY}), 422)
    assert monday["errors"][0]["field"] == "week_start" and "Sunday" in monday["detail"]
    job = wait_job(client, client.post(url, json={}).json()["id"])  # default: the next Sunday
    assert job["status"] == "succeeded", job
    forecast = client.get(job["result_url"]).json()
    starts = pd.DatetimeIndex(forecast["intervals"]["interval_start"]).tz_convert(JERUSALEM)
    assert starts.min().date().isoformat() == SUNDAY
    assert set(starts.day_of_week) == {6, 0, 1, 2, 3} and forecast["warnings"] == []
    requirement = client.post("/v1/requirements", json={"forecast_id": forecast["id"]}).json()

    body = {"requirement_id": requirement["id"], "week_start": MONDAY, "time_limit_s": 5}
    refused = assert_problem(client.post("/v1/roster-jobs", json=body), 422)
    assert refused["errors"][0]["code"] == "wrong_week_start_day"
    assert "must be a Sunday" in refused["errors"][0]["message"]
    response = client.post("/v1/roster-jobs", json={**body, "week_start": SUNDAY})
    assert response.status_code == 202, response.text
    job = wait_job(client, response.json()["id"])
    assert job["status"] == "succeeded", (job["error"], job["errors"])
    roster = client.get(job["result_url"]).json()
    cov = roster["coverage"]
    local = pd.DatetimeIndex(cov["interval_start"]).tz_convert(JERUSALEM)
    day0 = local[[d == 0 for d in cov["day"]]]
    assert len(day0) > 0 and set(day0.date) == {dt.date(2026, 11, 1)}  # day 0 is Sunday
    # opening hours and availability follow the dates: every Sun-Thu needs and gets agents
    assert set(local.day_of_week[[r > 0 for r in cov["required"]]]) == {6, 0, 1, 2, 3}
    assert set(local.day_of_week[[s > 0 for s in cov["staffed"]]]) == {6, 0, 1, 2, 3}
    dates = {dt.date.fromisoformat(SUNDAY) + dt.timedelta(days=s["day"])
             for a in roster["schedule"] for s in a["shifts"]}  # fmt: skip
    assert {d.weekday() for d in dates} <= {6, 0, 1, 2, 3}


def test_forecast_warnings_reach_the_body_and_the_job_message(
    client: TestClient, sun_thu: tuple[int, int]
) -> None:
    _, queue_id = sun_thu
    far = "2027-03-07"  # a Sunday, 18 weeks after the history
    job = wait_job(client, client.post(f"/v1/queues/{queue_id}/forecasts",
                                       json={"week_start": far}).json()["id"])  # fmt: skip
    assert job["status"] == "succeeded", job
    assert "horizon_far_after_history" in job["message"]
    forecast = client.get(job["result_url"]).json()
    assert [w["code"] for w in forecast["warnings"]] == ["horizon_far_after_history"]
    assert "2026-10-29" in forecast["warnings"][0]["message"]  # the last history day
    listed = client.get(f"/v1/queues/{queue_id}/forecasts").json()["items"]
    assert listed[-1]["warnings"] == forecast["warnings"]

    _import(client, queue_id, dt.date(2027, 1, 3), weeks=4)  # two months without rows before
    job = wait_job(client, client.post(f"/v1/queues/{queue_id}/forecasts", json={}).json()["id"])
    forecast = client.get(job["result_url"]).json()
    assert [w["code"] for w in forecast["warnings"]] == ["history_gap"]
    assert "2026-12" in forecast["warnings"][0]["message"] and "history_gap" in job["message"]
