"""Shift rules: the two-breaks-and-lunch rule set for long shifts reaches the core."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.convert.rules import core_rules
from api.schemas import ShiftRulesBody
from tests.api.support import assert_problem, create_queue, create_site


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
