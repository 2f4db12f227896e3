"""Contracts, agents, shift rules and time off."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.support import OPENING_HOURS, assert_problem, create_queue, create_site

FT40 = {
    "code": "FT40",
    "label": "full-time",
    "shift_paid_minutes": [480],
    "min_weekly_paid_minutes": 2400,
    "max_weekly_paid_minutes": 2400,
    "max_days": 5,
}


def _contract(client: TestClient, site_id: int, **changes: Any) -> int:
    response = client.post(f"/v1/sites/{site_id}/contracts", json={**FT40, **changes})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _agent_body(contract_id: int, queue_id: int, code: str = "A001") -> dict[str, Any]:
    return {
        "code": code,
        "name": "Ada",
        "contract_id": contract_id,
        "availability": OPENING_HOURS,
        "queue_ids": [queue_id],
    }


def test_contract_crud_and_validation(client: TestClient) -> None:
    site_id = create_site(client)
    contract_id = _contract(client, site_id)
    assert client.get(f"/v1/contracts/{contract_id}").json()["shift_paid_minutes"] == [480]
    assert client.get(f"/v1/sites/{site_id}/contracts").json()["total"] == 1
    replaced = client.put(f"/v1/contracts/{contract_id}", json={**FT40, "max_days": 6}).json()
    assert replaced["max_days"] == 6
    assert_problem(client.post(f"/v1/sites/{site_id}/contracts", json=FT40), 409)
    bad = {**FT40, "code": "X", "min_weekly_paid_minutes": 3000}
    assert_problem(client.post(f"/v1/sites/{site_id}/contracts", json=bad), 422)
    off_grid = {**FT40, "code": "Y", "shift_paid_minutes": [470]}
    problem = assert_problem(client.post(f"/v1/sites/{site_id}/contracts", json=off_grid), 422)
    assert problem["errors"][0]["field"] == "shift_paid_minutes"
    assert client.delete(f"/v1/contracts/{contract_id}").status_code == 204


def test_agent_crud_time_off(client: TestClient) -> None:
    site_id = create_site(client)
    queue_id = create_queue(client, site_id)
    contract_id = _contract(client, site_id)
    created = client.post(f"/v1/sites/{site_id}/agents", json=_agent_body(contract_id, queue_id))
    assert created.status_code == 201, created.text
    agent_id = created.json()["id"]
    assert created.json()["availability"][6] is None
    assert client.get(f"/v1/sites/{site_id}/agents").json()["total"] == 1
    patched = client.patch(f"/v1/agents/{agent_id}", json={"active": False}).json()
    assert patched["active"] is False and patched["queue_ids"] == [queue_id]
    off = client.post(f"/v1/agents/{agent_id}/time-off", json={"day": "2026-11-18"})
    assert off.status_code == 201
    assert_problem(client.post(f"/v1/agents/{agent_id}/time-off", json={"day": "2026-11-18"}), 409)
    assert_problem(client.post(f"/v1/agents/{agent_id}/time-off", json={"day": "18/11"}), 422)
    assert client.get(f"/v1/agents/{agent_id}/time-off").json()["total"] == 1
    assert client.delete(f"/v1/time-off/{off.json()['id']}").status_code == 204
    assert client.delete(f"/v1/agents/{agent_id}").status_code == 204
    assert_problem(client.get(f"/v1/agents/{agent_id}"), 404)


def test_agent_references_are_checked(client: TestClient) -> None:
    site_id = create_site(client)
    other_site = create_site(client, name="Lisbon", zone="Europe/Lisbon")
    queue_id = create_queue(client, site_id)
    foreign_contract = _contract(client, other_site)
    body = _agent_body(foreign_contract, queue_id)
    problem = assert_problem(client.post(f"/v1/sites/{site_id}/agents", json=body), 422)
    assert problem["errors"][0]["code"] == "unknown_contract"
    body = _agent_body(_contract(client, site_id), 999)
    problem = assert_problem(client.post(f"/v1/sites/{site_id}/agents", json=body), 422)
    assert problem["errors"][0] == {
        "row": 0,
        "field": "queue_ids",
        "code": "unknown_queue",
        "message": f"site {site_id} has no queue 999",
    }
    late = {**body, "availability": [{"start": "08:00", "end": "24:15"}, *OPENING_HOURS[1:]]}
    assert_problem(client.post(f"/v1/sites/{site_id}/agents", json=late), 422)


def test_shift_rules_default_and_replace(client: TestClient) -> None:
    site_id = create_site(client)
    rules = client.get(f"/v1/sites/{site_id}/shift-rules").json()
    assert rules["min_rest_between_shifts_minutes"] == 660
    assert rules["lunch_rule"]["duration_minutes"] == 30
    rules.pop("site_id"), rules.pop("updated_at")
    rules["shift_start_granularity_minutes"] = 15
    rules["lunch_rule"] = None
    replaced = client.put(f"/v1/sites/{site_id}/shift-rules", json=rules)
    assert replaced.status_code == 200, replaced.text
    again = client.get(f"/v1/sites/{site_id}/shift-rules").json()
    assert again["shift_start_granularity_minutes"] == 15 and again["lunch_rule"] is None
    rules["shift_start_granularity_minutes"] = 20
    assert_problem(client.put(f"/v1/sites/{site_id}/shift-rules", json=rules), 422)
    assert_problem(client.get("/v1/sites/77/shift-rules"), 404)
