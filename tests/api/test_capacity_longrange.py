"""A hiring plan from a queue in one call: long-range forecast -> need -> plan -> reasons."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any, cast

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlmodel import Session

from api.convert.capacity import contract_mix, plan_input
from api.schemas import CapacityPlanCreate
from forecasting.synthetic import synthetic_history, to_acd_csv
from scenarios.capacity_model import monthly_to_weekly
from tests.api.support import (
    assert_problem,
    client_with,
    create_queue,
    create_site,
    token_for,
    wait_job,
)

ZONE = "America/New_York"
STAFF = 30.0


@pytest.fixture
def year_queue(client: TestClient) -> int:
    """A 30-minute queue with a year of synthetic history (08:00-20:00 every day)."""
    queue_id = create_queue(client, create_site(client, name="NY", zone=ZONE), interval_min=30)
    history = synthetic_history(
        start=dt.date(2025, 10, 6), weeks=52, interval_min=30, zone=ZONE, seed=11,
        open_minute=480, close_minute=1200, mean_daily_calls=1500.0,
    )  # fmt: skip
    files = {"file": ("h.csv", to_acd_csv(history, ZONE).encode(), "text/csv")}
    response = client.post(f"/v1/queues/{queue_id}/history-imports", files=files)
    assert response.status_code == 201, response.text
    return queue_id


def _body(queue_id: int, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "H1 hiring",
        "queue_id": queue_id,
        "horizon_weeks": 26,
        "contracts": [{"name": "FT", "weekly_hours": 40, "hire_cost": 3000}],
        "cohorts": [{"contract": "FT", "tenure_weeks": 52, "headcount": STAFF}],
        "attrition": {"monthly_rate": 0.03},
        "hiring": {"lead_time_weeks": 2, "training_weeks": 6, "ramp": [0.5], "class_size_max": 2},
        "costs": {"under_per_hour": 200, "over_per_hour": 5},
        "shrinkage": 0.3,
        "time_limit_s": 5,
    }
    body.update(changes)
    return body


def test_plan_from_a_queue_in_one_call(client: TestClient, year_queue: int) -> None:
    response = client.post("/v1/capacity-plans", json=_body(year_queue))
    assert response.status_code == 202, response.text
    job = wait_job(client, response.json()["id"], timeout_s=120)
    assert job["status"] == "succeeded", job
    plan = client.get(job["result_url"]).json()
    need, weekly = plan["need"], plan["weekly"]
    assert len(need["week_start"]) == len(weekly["need_hours"]) == 26
    assert weekly["need_hours"] == pytest.approx(need["need_hours"])
    assert all(lo <= p <= hi for lo, p, hi in zip(need["need_hours_lo"], need["need_hours"],
                                                   need["need_hours_hi"], strict=True))  # fmt: skip
    assert plan["forecast"]["history_weeks"] >= 50 and plan["forecast"]["basis"] == "p50"
    # what the forecaster learned is stored with the plan: per band its method and interval
    # multiplier, and the carry of closed days (the prior 0.5 while the history has none)
    bands = plan["forecast"]["bands"]
    assert [b["weeks"] for b in bands] == [[1, 4], [5, 8], [9, 13], [14, 26]]
    assert all(b["method"] and b["interval_scale"] > 0 for b in bands)
    assert 0.0 <= plan["forecast"]["carry"] <= 1.0
    assert sum(plan["monthly"]["calls"]) == pytest.approx(sum(need["calls"]))
    assert need["heads_FT"] == pytest.approx([h / 40 for h in need["paid_hours"]])  # one contract
    # monthly attrition, converted exactly: week 0 loses 30 x 0.70 % of the starting staff
    assert weekly["expected_leavers"][0] == pytest.approx(STAFF * monthly_to_weekly(0.03))
    # the cap of 2 is too low: the reasons name it, with the weeks it binds in
    assert plan["shortfall"]["fte_weeks"] > 0
    cap = next(r for r in plan["reasons"] if r["limit"] == "class_size_max")
    assert "class size cap (2) binds in" in cap["message"] and cap["removes_fte_weeks"] > 0
    assert any(r["limit"] == "lead_time" for r in plan["reasons"])
    scenarios = plan["risk"]["scenarios"]
    assert scenarios["scenario"] == ["expected", "attrition_p10", "attrition_p50", "attrition_p90"]
    text = client.get(f"{job['result_url']}/hr.csv")
    assert text.status_code == 200 and text.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(text.text)))
    assert [int(r["size"]) for r in rows] == [c["size"] for c in plan["classes"]]
    assert rows[0]["class_start"] == weekly["label"][plan["classes"][0]["week"]]
    # the plan belongs to the queue's site: a token of another site neither reads nor lists it
    other = client_with(client, token_for(client, "hr", sites=[create_site(client, name="LA")]))
    assert_problem(other.get(job["result_url"]), 404)
    assert other.get("/v1/capacity-plans").json()["total"] == 0


def test_queue_plans_are_checked_and_site_bound(client: TestClient) -> None:
    year_queue = create_queue(client, create_site(client, name="NY", zone=ZONE))  # no history
    missing = client.post("/v1/capacity-plans", json=_body(999_999))
    assert_problem(missing, 404)
    both = client.post("/v1/capacity-plans", json=_body(year_queue, need_hours=[1.0]))
    assert "give either need_hours, requirement_id or queue_id" in str(assert_problem(both, 422))
    other_site = create_site(client, name="LA", zone="America/Los_Angeles")
    hr = client_with(client, token_for(client, "hr", sites=[other_site]))
    assert_problem(hr.post("/v1/capacity-plans", json=_body(year_queue)), 404)


def test_attrition_bands_take_monthly_or_weekly_rates() -> None:
    bands = [
        {"from_tenure_week": 0, "monthly_rate": 0.06},
        {"from_tenure_week": 13, "weekly_rate": 0.001},
    ]
    body = CapacityPlanCreate.model_validate(
        _body(1, need_hours=[100.0] * 4, attrition={"bands": bands}) | {"queue_id": None}
    )
    inp = plan_input(cast(Session, None), body)  # need_hours: no database read
    assert inp.attrition.rate_at(12) == pytest.approx(monthly_to_weekly(0.06))
    assert inp.attrition.rate_at(13) == pytest.approx(0.001)
    both = [{"from_tenure_week": 0, "monthly_rate": 0.06, "weekly_rate": 0.01}]
    with pytest.raises(ValidationError, match="either weekly_rate or monthly_rate"):
        CapacityPlanCreate.model_validate(_body(1, attrition={"bands": both}))


def test_costs_per_fte_week_are_per_productive_fte_hour() -> None:
    costs = {"under_per_fte_week": 2800.0, "over_per_hour": 5.0}
    body = CapacityPlanCreate.model_validate(
        _body(1, need_hours=[100.0] * 4, costs=costs) | {"queue_id": None}
    )
    inp = plan_input(cast(Session, None), body)
    assert inp.costs.under_per_hour == pytest.approx(2800.0 / (40 * (1 - 0.3)))  # 100 an hour
    assert inp.costs.over_per_hour == 5.0
    with pytest.raises(ValidationError, match="either over_per_hour or over_per_fte_week"):
        CapacityPlanCreate.model_validate(_body(1, costs={"under_per_hour": 1.0}))


def test_contract_mix_follows_todays_paid_hours() -> None:
    contracts = [{"name": "FT", "weekly_hours": 40}, {"name": "PT", "weekly_hours": 20}]
    cohorts = [
        {"contract": "FT", "tenure_weeks": 52, "headcount": 30},
        {"contract": "PT", "tenure_weeks": 52, "headcount": 10},
    ]
    body = CapacityPlanCreate.model_validate(_body(1, contracts=contracts, cohorts=cohorts))
    shares = {c.name: c.share for c in contract_mix(body)}
    assert shares == pytest.approx({"FT": 1200 / 1400, "PT": 200 / 1400})
    nobody = CapacityPlanCreate.model_validate(_body(1, contracts=contracts, cohorts=[]))
    assert {c.name: c.share for c in contract_mix(nobody)} == {"FT": 0.5, "PT": 0.5}


def test_an_email_queues_plan_needs_its_workload(client: TestClient) -> None:
    """An e-mail queue (work due within a day) needs its workload, not an Erlang requirement
    answered in seconds: every week's need is its forecast items x handle time / the queue's
    occupancy cap (0.9), in each band."""
    site_id = create_site(client, name="Mail", zone=ZONE)
    queue_id = create_queue(client, site_id, name="mail", channel="email", interval_min=30,
                            deadline_minutes=720)  # fmt: skip
    history = synthetic_history(
        start=dt.date(2025, 10, 6), weeks=52, interval_min=30, zone=ZONE, seed=12,
        open_minute=480, close_minute=1200, mean_daily_calls=300.0, mean_aht_s=360.0,
    )  # fmt: skip
    files = {"file": ("m.csv", to_acd_csv(history, ZONE).encode(), "text/csv")}
    assert client.post(f"/v1/queues/{queue_id}/history-imports", files=files).status_code == 201
    response = client.post("/v1/capacity-plans", json=_body(queue_id, horizon_weeks=8))
    assert response.status_code == 202, response.text
    job = wait_job(client, response.json()["id"], timeout_s=120)
    assert job["status"] == "succeeded", job
    need = client.get(job["result_url"]).json()["need"]
    for band in ("", "_lo", "_hi"):
        expected = [c * a / 3600 / 0.9 for c, a in zip(need[f"calls{band}"], need["aht_s"],
                                                          strict=True)]  # fmt: skip
        assert need[f"need_hours{band}"] == pytest.approx(expected), band
