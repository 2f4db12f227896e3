"""Shift rules: the two-breaks-and-lunch shortcut and the site's own break rule sets reach
the core and the roster job; bad rule sets are refused naming the field."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.convert.rules import core_rules
from api.schemas import ShiftRulesBody
from tests.api.support import assert_problem, create_queue, create_site, wait_job
from tests.api.test_rosters import _post, _staff, _tiny_queue


def test_two_breaks_and_lunch_from_the_shift_rules(client: TestClient) -> None:
    site_id = create_site(client)
    rules = client.get(f"/v1/sites/{site_id}/shift-rules").json()
    assert rules["two_breaks_and_lunch_from_paid_minutes"] is None
    assert core_rules(ShiftRulesBody.model_validate({})).rule_sets is None
    rules.pop("site_id"), rules.pop("updated_at")
    rules.update(two_breaks_and_lunch_from_paid_minutes=450, shift_start_granularity_minutes=15)
    replaced = client.put(f"/v1/sites/{site_id}/shift-rules", json=rules)
    assert replaced.status_code == 200, replaced.text
    stored = client.get(f"/v1/sites/{site_id}/shift-rules").json()
    assert stored["two_breaks_and_lunch_from_paid_minutes"] == 450
    stored.pop("site_id"), stored.pop("updated_at")
    band = core_rules(ShiftRulesBody.model_validate(stored)).band(480)
    assert band is not None
    assert [(a.kind, a.anchor, a.durations_min) for a in band.activities] == [
        ("break", "start", (15,)),
        ("lunch", "start", (30, 45, 60)),
        ("break", "end", (15,)),
    ]
    rules["two_breaks_and_lunch_from_paid_minutes"] = 30
    assert client.put(f"/v1/sites/{site_id}/shift-rules", json=rules).status_code == 422


def test_two_breaks_and_lunch_off_a_30_minute_grid_is_refused(client: TestClient) -> None:
    site_id = create_site(client)
    create_queue(client, site_id, interval_min=30)
    rules = client.get(f"/v1/sites/{site_id}/shift-rules").json()
    rules.pop("site_id"), rules.pop("updated_at")
    rules.update(break_rule=None, lunch_rule=None, two_breaks_and_lunch_from_paid_minutes=450)
    problem = assert_problem(client.put(f"/v1/sites/{site_id}/shift-rules", json=rules), 422)
    assert [(e["field"], e["code"]) for e in problem["errors"]] == [
        ("two_breaks_and_lunch_from_paid_minutes", "off_grid")
    ]


def _two_breaks_from_three_hours() -> list[dict[str, Any]]:
    """Shifts under 3 h: nothing; from 3 h: a paid 15-min break 60-90 min after the start,
    a second one ending 30-45 min before the end, an hour of work between them."""
    brk = {"kind": "break", "minutes": 15, "paid": True}
    return [
        {"min_paid_minutes": 0, "max_paid_minutes": 180, "activities": []},
        {
            "min_paid_minutes": 180,
            "min_work_between_activities_minutes": 60,
            "activities": [
                {**brk, "window": {"from": "start", "earliest": 60, "latest": 90}},
                {**brk, "window": {"from": "end", "earliest": 30, "latest": 45}},
            ],
        },
    ]


def test_own_break_rule_sets_are_stored_and_rule_the_roster(client: TestClient) -> None:
    """The API took only the two-breaks-and-lunch shortcut; any rule set of the interchange
    format (rules.break_rule_sets) is now a shift-rules field that reaches the roster job."""
    site_id, queue_id = _tiny_queue(client)
    rules = client.get(f"/v1/sites/{site_id}/shift-rules").json()
    rules.pop("site_id"), rules.pop("updated_at")
    rules["break_rule_sets"] = _two_breaks_from_three_hours()
    replaced = client.put(f"/v1/sites/{site_id}/shift-rules", json=rules)
    assert replaced.status_code == 200, replaced.text
    stored = client.get(f"/v1/sites/{site_id}/shift-rules").json()
    assert stored["break_rule_sets"][1]["activities"][1]["window"]["from"] == "end"
    _staff(client, site_id, queue_id, agents=6)
    forecast = client.post(f"/v1/queues/{queue_id}/forecasts", json={}).json()["id"]
    job = wait_job(client, forecast)
    requirement = client.post("/v1/requirements", json={"forecast_id": job["result_id"]})
    job = wait_job(client, _post(client, requirement.json()["id"]).json()["id"])
    assert job["status"] == "succeeded", (job["error"], job["errors"])
    roster = client.get(job["result_url"]).json()
    assert roster["report"]["violations"] == []
    shifts = [s for agent in roster["schedule"] for s in agent["shifts"]]
    long = [s for s in shifts if s["end"] - s["start"] >= 180]
    assert long, "the tiny site rosters some 3-4 h shifts"
    for s in long:
        first, second = s["activities"]
        assert (first["kind"], second["kind"]) == ("break", "break")
        assert 60 <= first["start"] - s["start"] <= 90
        assert 30 <= s["end"] - second["end"] <= 45
        assert second["start"] - first["end"] >= 60
    assert all(s["activities"] == [] for s in shifts if s["end"] - s["start"] < 180)


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        (lambda sets: sets.reverse(), "break_rule_sets.1.min_paid_minutes", "order"),
        (
            lambda sets: sets[0].update(max_paid_minutes=240),
            "break_rule_sets",
            "overlap",
        ),
        (
            lambda sets: sets[1]["activities"][0]["window"].update(earliest=100),
            "break_rule_sets.1.activities.0.window.latest",
            "order",
        ),
        (
            lambda sets: sets[1]["activities"][1].update(paid=False),
            "break_rule_sets",
            "paid",
        ),
    ],
)
def test_bad_break_rule_sets_are_refused_naming_the_field(
    client: TestClient, change: Any, field: str, code: str
) -> None:
    site_id = create_site(client)
    rules = client.get(f"/v1/sites/{site_id}/shift-rules").json()
    rules.pop("site_id"), rules.pop("updated_at")
    sets = _two_breaks_from_three_hours()
    change(sets)
    rules["break_rule_sets"] = sets
    problem = assert_problem(client.put(f"/v1/sites/{site_id}/shift-rules", json=rules), 422)
    assert (field, code) in [(e["field"], e["code"]) for e in problem["errors"]]
    rules.update(break_rule_sets=_two_breaks_from_three_hours())
    rules["two_breaks_and_lunch_from_paid_minutes"] = 450
    problem = assert_problem(client.put(f"/v1/sites/{site_id}/shift-rules", json=rules), 422)
    assert [(e["field"], e["code"]) for e in problem["errors"]] == [
        ("two_breaks_and_lunch_from_paid_minutes", "conflict")
    ]


def test_a_rule_set_off_the_queue_grid_names_its_own_field(client: TestClient) -> None:
    site_id = create_site(client)
    create_queue(client, site_id, interval_min=30)
    rules = client.get(f"/v1/sites/{site_id}/shift-rules").json()
    rules.pop("site_id"), rules.pop("updated_at")
    rules["break_rule_sets"] = _two_breaks_from_three_hours()
    problem = assert_problem(client.put(f"/v1/sites/{site_id}/shift-rules", json=rules), 422)
    assert ("break_rule_sets.1.activities.0.minutes", "off_grid") in [
        (e["field"], e["code"]) for e in problem["errors"]
    ]
