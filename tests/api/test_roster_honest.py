"""Honest roster results through the API: grid conflicts refused (422 naming the fields), an
INVALID roster labelled and not exported silently, structural shortfall warnings, and an
Idempotency-Key re-sent after its inputs changed (409 naming them)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from forecasting.synthetic import synthetic_history, to_acd_csv
from tests.api.conftest import ZONE
from tests.api.support import assert_problem, create_queue, create_site, wait_job

WEEK = "2026-11-02"  # the Monday after the history
FOUR_HOURS: dict[str, str] = {"start": "09:00", "end": "13:00"}
NO_ACTIVITIES = {"break_rule": None, "lunch_rule": None, "shift_start_granularity_minutes": 60}
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # solves


def _contract(code: str, min_weekly: int) -> dict[str, Any]:
    return {
        "code": code,
        "shift_paid_minutes": [120, 180, 240],
        "min_weekly_paid_minutes": min_weekly,
        "max_weekly_paid_minutes": 1200,
        "max_days": 5,
    }


def _activity(duration: int, paid: bool, at_least: int, window: tuple[int, int]) -> dict[str, Any]:
    return {
        "duration_minutes": duration,
        "paid": paid,
        "required_if_paid_minutes_at_least": at_least,
        "earliest_start_after_shift_start_minutes": window[0],
        "latest_start_after_shift_start_minutes": window[1],
        "min_minutes_before_shift_end": 30,
    }


def _rules(client: TestClient, site_id: int, **changes: Any) -> Any:
    rules = client.get(f"/v1/sites/{site_id}/shift-rules").json()
    rules.pop("site_id"), rules.pop("updated_at")
    rules.update(changes)
    return client.put(f"/v1/sites/{site_id}/shift-rules", json=rules)


def _history(queue_id: int, client: TestClient, hours: list[Any], interval_min: int) -> None:
    """Four weeks of calls inside ``hours`` (local, per weekday)."""
    history = synthetic_history(
        start=dt.date(2026, 10, 5), weeks=4, zone=ZONE, seed=5, open_minute=540,
        close_minute=780, mean_daily_calls=60.0, interval_min=interval_min,
    )  # fmt: skip
    local = pd.DatetimeIndex(history["interval_start"]).tz_convert(ZONE)
    minute = local.hour * 60 + local.minute
    keep = [
        hours[d] is not None
        and hours[d]["start"] <= f"{m // 60:02d}:{m % 60:02d}" < hours[d]["end"]
        for d, m in zip(local.day_of_week, minute, strict=True)
    ]
    files = {"file": ("h.csv", to_acd_csv(history[keep], ZONE).encode(), "text/csv")}
    response = client.post(f"/v1/queues/{queue_id}/history-imports", files=files)
    assert response.status_code == 201, response.text


def _setup(
    client: TestClient, hours: list[Any], interval_min: int = 15, agents: int = 6
) -> tuple[int, int, list[int]]:
    """Site (activities off), queue, history, PT contract, agents and a requirement for WEEK.

    Returns the site id, the requirement id and the agents' ids."""
    site_id = client.post("/v1/sites", json={"name": "Tiny", "zone": ZONE,
                                             "opening_hours": hours}).json()["id"]  # fmt: skip
    assert _rules(client, site_id, **NO_ACTIVITIES).status_code == 200
    queue_id = create_queue(client, site_id, interval_min=interval_min)
    _history(queue_id, client, hours, interval_min)
    contract_id = client.post(f"/v1/sites/{site_id}/contracts", json=_contract("PT", 360)).json()[
        "id"
    ]
    ids = []
    for i in range(agents):
        week = [FOUR_HOURS] * 5 + [None, None]
        body = {"code": f"A{i:02d}", "contract_id": contract_id, "availability": week,
                "queue_ids": [queue_id]}  # fmt: skip
        response = client.post(f"/v1/sites/{site_id}/agents", json=body)
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    job = wait_job(client, client.post(f"/v1/queues/{queue_id}/forecasts", json={}).json()["id"])
    assert job["status"] == "succeeded", job
    requirement = client.post("/v1/requirements", json={"forecast_id": job["result_id"]})
    return site_id, int(requirement.json()["id"]), ids


def _post(client: TestClient, requirement_id: int, **headers: str) -> Any:
    body = {"requirement_id": requirement_id, "week_start": WEEK, "time_limit_s": 2}
    return client.post("/v1/roster-jobs", json=body, headers=headers)


def test_shift_rules_that_cannot_fit_a_30_min_queue_are_refused_naming_the_fields(
    client: TestClient,
) -> None:
    site_id = create_site(client)
    create_queue(client, site_id, interval_min=30)
    problem = assert_problem(_rules(client, site_id), 422)  # the default 15-min break
    assert [e["field"] for e in problem["errors"]] == ["break_rule.duration_minutes"]
    assert "30 min" in problem["errors"][0]["message"]
    lunch = _activity(30, False, 360, (190, 200))
    problem = assert_problem(_rules(client, site_id, lunch_rule=lunch), 422)
    assert {e["field"] for e in problem["errors"]} == {
        "break_rule.duration_minutes", "lunch_rule.latest_start_after_shift_start_minutes",
    }  # fmt: skip
    assert _rules(client, site_id, break_rule=None).status_code == 200


def test_a_grid_conflict_is_refused_at_post_and_a_roster_with_violations_is_invalid(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    hours: list[Any] = [FOUR_HOURS] * 5 + [None, None]
    site_id, requirement_id, _ = _setup(client, hours, interval_min=30)
    # rules saved before the queue existed: a 15-min paid break in every 2-h+ shift
    brk = _activity(15, True, 120, (60, 1440))
    assert _rules(client, site_id, break_rule=brk).status_code == 422  # refused now
    from sqlmodel import Session

    from api.tables import ShiftRules

    app: Any = client.app
    with Session(app.state.engine) as session:  # as stored by an older version
        row = session.get(ShiftRules, site_id)
        assert row is not None
        row.rules = {**row.rules, "break_rule": brk}
        session.add(row)
        session.commit()
    problem = assert_problem(_post(client, requirement_id), 422)
    assert [e["field"] for e in problem["errors"]] == ["shift_rules.break_rule.duration_minutes"]

    import api.routes.rosters as rosters

    monkeypatch.setattr(rosters, "check_grid", lambda problem: None)  # let it through
    job = wait_job(client, _post(client, requirement_id).json()["id"], 120)
    assert job["status"] == "succeeded", (job["error"], job["errors"])
    assert job["message"].startswith("INVALID: "), job["message"]
    assert "rule violations: A0" in job["message"] and "grid" in job["message"]
    roster = client.get(job["result_url"]).json()
    report = roster["report"]
    assert report["status"] == "INVALID" and report["solver_status"] in ("OPTIMAL", "FEASIBLE")
    assert report["violations"]
    refused = assert_problem(client.get(f"{job['result_url']}/export.csv"), 409)
    assert "allow_invalid" in refused["detail"]
    assert_problem(client.get(f"{job['result_url']}/export.json"), 409)
    text = client.get(f"{job['result_url']}/export.csv", params={"allow_invalid": "true"})
    rows = list(csv.DictReader(io.StringIO(text.text)))
    assert rows and all(r["status"] == "INVALID" for r in rows)


def test_a_short_friday_is_a_structural_shortfall_warning(client: TestClient) -> None:
    """Friday open 09:00-10:30: no contract shift (2 h at least) fits, the day goes uncovered."""
    hours: list[Any] = [FOUR_HOURS] * 4 + [{"start": "09:00", "end": "10:30"}, None, None]
    _, requirement_id, _ = _setup(client, hours)
    job = wait_job(client, _post(client, requirement_id).json()["id"], 120)
    assert job["status"] == "succeeded", (job["error"], job["errors"])
    assert "structurally short: 2026-11-06" in job["message"], job["message"]
    report = client.get(job["result_url"]).json()["report"]
    [warning] = report["warnings"]
    assert warning["code"] == "structural_shortfall"
    assert (warning["day"], warning["date"]) == (4, "2026-11-06")
    assert warning["cause"] == "no_shift_fits_opening_hours"
    assert warning["hours_short"] > 0
    assert warning["structural_hours"] == warning["hours_short"]  # nothing could be staffed
    assert warning["message"] == (
        f"at least {warning['hours_short']:.1f} agent-hours no roster can cover (Friday): "
        "no contract's shift (2-4 h paid) fits the opening hours 09:00-10:30"
    )


def test_an_idempotency_key_resent_after_its_inputs_changed_is_a_409_naming_them(
    client: TestClient,
) -> None:
    hours: list[Any] = [FOUR_HOURS] * 5 + [None, None]
    site_id, requirement_id, agent_ids = _setup(client, hours, agents=4)
    first = _post(client, requirement_id, **{"Idempotency-Key": "k1"})
    assert first.status_code == 202, first.text
    wait_job(client, first.json()["id"], 120)
    again = _post(client, requirement_id, **{"Idempotency-Key": "k1"})
    assert again.status_code == 202 and again.json()["id"] == first.json()["id"]

    other = client.post(f"/v1/sites/{site_id}/contracts", json=_contract("PT2", 480)).json()["id"]
    patched = client.patch(f"/v1/agents/{agent_ids[0]}", json={"contract_id": other})
    assert patched.status_code == 200, patched.text
    stale = assert_problem(_post(client, requirement_id, **{"Idempotency-Key": "k1"}), 409)
    assert stale["changed"] == ["contracts", "agents"]
    assert "contracts, agents" in stale["detail"]

    assert _rules(client, site_id, min_rest_between_shifts_minutes=600).status_code == 200
    stale = assert_problem(_post(client, requirement_id, **{"Idempotency-Key": "k1"}), 409)
    assert stale["changed"] == ["shift_rules", "contracts", "agents"]
    fresh = _post(client, requirement_id, **{"Idempotency-Key": "k2"})
    assert fresh.status_code == 202 and fresh.json()["id"] != first.json()["id"]


def test_a_queue_interval_the_site_rules_cannot_fit_is_refused_naming_the_rule_fields(
    client: TestClient,
) -> None:
    """``update_queue`` checks a changed interval (the PATCH body cannot change it yet)."""
    from sqlmodel import Session

    from api.routes.queues import check_interval
    from api.tables import Queue
    from forecasting.errors import InvalidInput

    site_id = create_site(client)
    queue_id = create_queue(client, site_id)  # 15 min: the default 15-min break fits
    app: Any = client.app
    with Session(app.state.engine) as session:
        queue = session.get(Queue, queue_id)
        assert queue is not None
        check_interval(session, queue)
        queue.interval_min = 30
        with pytest.raises(InvalidInput) as info:
            check_interval(session, queue)
    assert [p.field for p in info.value.problems] == ["shift_rules.break_rule.duration_minutes"]
