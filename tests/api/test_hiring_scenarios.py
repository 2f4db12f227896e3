"""Hiring and attrition scenarios through the API: job lifecycle, results, rosters, bad input.

The week is tiny and known: a site open Monday 09:00-13:00 only (16 quarter-hours), a stored
requirement of 2 agents in every interval with 2 calls of 300 s each (Erlang C: 1 agent answers
35 % within 20 s, 2 agents 85 %), contract ``PT`` (one 4-hour shift a week) and ``FT`` (same
shape, nobody on it yet). With one agent the minimum is one hire, for either target.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient

from forecasting.errors import InvalidInput, Problem
from tests.api.conftest import ZONE
from tests.api.support import (
    AdminClient,
    assert_problem,
    create_queue,
    store_requirement,
    wait_job,
)

WEEK = "2026-11-02"  # a Monday (EST, UTC-5)
MONDAY: list[Any] = [{"start": "09:00", "end": "13:00"}] + [None] * 6
SLOTS = 16


def _contract(client: TestClient, site_id: int, code: str) -> int:
    body = {"code": code, "shift_paid_minutes": [240], "min_weekly_paid_minutes": 0,
            "max_weekly_paid_minutes": 240, "max_days": 1}  # fmt: skip
    response = client.post(f"/v1/sites/{site_id}/contracts", json=body)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _requirement(client: TestClient, queue_id: int) -> int:
    """A stored forecast and requirement (2 agents, 2 calls per interval on Monday morning)."""
    start = dt.datetime(2026, 11, 2, 14, 0, tzinfo=dt.UTC)  # 09:00 in New York
    starts = [(start + dt.timedelta(minutes=15 * i)).isoformat() for i in range(SLOTS)]
    return store_requirement(client, queue_id, starts)[1]


def _week(client: TestClient, agents: int) -> dict[str, Any]:
    site = client.post("/v1/sites", json={"name": "Tiny", "zone": ZONE, "opening_hours": MONDAY})
    site_id = int(site.json()["id"])
    queue_id = create_queue(client, site_id)
    rules = client.get(f"/v1/sites/{site_id}/shift-rules").json()
    rules.pop("site_id"), rules.pop("updated_at")
    rules.update(break_rule=None, lunch_rule=None, shift_start_granularity_minutes=60)
    assert client.put(f"/v1/sites/{site_id}/shift-rules", json=rules).status_code == 200
    pt = _contract(client, site_id, "PT")
    _contract(client, site_id, "FT")
    for i in range(agents):
        body = {"code": f"A{i:02d}", "contract_id": pt, "availability": MONDAY,
                "queue_ids": [queue_id]}  # fmt: skip
        assert client.post(f"/v1/sites/{site_id}/agents", json=body).status_code == 201
    return {"site_id": site_id, "requirement_id": _requirement(client, queue_id)}


def _post(client: TestClient, week: dict[str, Any], **body: Any) -> Any:
    payload = {"requirement_id": week["requirement_id"], "week_start": WEEK, "time_limit_s": 5,
               **body}  # fmt: skip
    return client.post("/v1/hiring-scenarios", json=payload)


def _run(client: TestClient, week: dict[str, Any], **body: Any) -> dict[str, Any]:
    response = _post(client, week, **body)
    assert response.status_code == 202, response.text
    assert response.headers["location"] == f"/v1/jobs/{response.json()['id']}"
    job = wait_job(client, response.json()["id"])
    assert job["status"] == "succeeded", (job["error"], job["errors"])
    assert job["kind"] == "hiring_scenario" and job["progress"] == 1.0
    assert job["result_url"] == f"/v1/hiring-scenarios/{job['result_id']}"
    scenario: dict[str, Any] = client.get(job["result_url"]).json()
    assert scenario["job_id"] == job["id"]
    return scenario


def test_hire_scenario(client: TestClient) -> None:
    week = _week(client, agents=1)
    vacancy = {"contract": "PT", "count": 1, "hiring_cost": 100,
               "availability": {"start": "07:00", "end": "22:00"}}  # fmt: skip
    out = _run(client, week, kind="hire", vacancies=[vacancy])
    assert out["kind"] == "hire" and out["hires_by_contract"] == {"PT": 1}
    assert out["total_hires"] == 1 and out["hiring_cost"] == 100
    assert out["report"]["status"] == "GIVEN"
    assert out["hires"] == [
        {"vacancy": "PT", "contract": "PT", "hires": 1, "max_hires": 2, "hiring_cost": 100.0}
    ]
    monday = out["days"][0]
    assert monday["date"] == WEEK and monday["required_agent_hours"] == 8.0
    assert monday["base_under_agent_hours"] == 4.0 and monday["scenario_under_agent_hours"] == 0
    assert monday["lost_covered_agent_hours"] == -4.0  # a gain
    assert monday["service_level_loss"] < 0 and out["scenario_service_level"] > 0.8
    assert out["under_agent_hours_saved_per_hire"] == 4.0
    assert out["base_service_level"] == pytest.approx(0.348, abs=1e-3)
    (marginal,) = out["marginal"]  # a second hire covers nothing more
    assert marginal["vacancy"] == "PT" and marginal["under_agent_hours_saved"] == 0.0

    rosters = out["rosters"]
    assert rosters["base"]["status"] in ("OPTIMAL", "FEASIBLE")
    hired = client.get(rosters["scenario"]["url"]).json()
    assert hired["source"] == "hiring_scenario"
    assert {(a["agent"], a["contract"]) for a in hired["schedule"]} == {
        ("A00", "PT"),
        ("HIRE-PT-001", "PT"),
    }
    assert sum(hired["coverage"]["unmet"]) == 0 and hired["report"]["violations"] == []
    assert client.get(f"/v1/rosters/{out['base_roster_id']}").json()["coverage"]["unmet"] == (
        [1] * SLOTS
    )
    listed = client.get("/v1/rosters", params={"site_id": week["site_id"]}).json()
    assert listed["total"] == 0  # the planner's rosters stay the roster jobs' only
    both = client.get("/v1/rosters", params={"source": "hiring_scenario"}).json()
    assert {r["id"] for r in both["items"]} == {out["base_roster_id"], out["roster_id"]}
    scenarios = client.get("/v1/hiring-scenarios", params={"kind": "hire"}).json()
    assert scenarios["total"] == 1 and scenarios["items"][0]["id"] == out["id"]


@pytest.mark.parametrize(
    "target", [{"max_under_agent_hours": 0}, {"service_level": 0.8}], ids=["under", "sl"]
)
def test_minimum_hires_known_answer(client: TestClient, target: dict[str, float]) -> None:
    week = _week(client, agents=1)
    vacancies = [{"contract": "PT", "max_hires": 3}, {"contract": "FT", "max_hires": 3}]
    out = _run(client, week, kind="minimum_hires", vacancies=vacancies, target=target,
               marginal=False)  # fmt: skip
    report = out["report"]
    assert report["status"] == "OPTIMAL" and report["objective"] == 1.0
    assert report["best_bound"] == 1.0 and report["gap"] == 0.0
    assert report["seconds"] >= 0 and report["lp_bound"] <= 1.0 + 1e-6
    assert out["total_hires"] == 1 and sum(out["hires_by_contract"].values()) == 1
    assert out["days"][0]["scenario_under_agent_hours"] == 0.0
    job = client.get(f"/v1/jobs/{out['job_id']}").json()
    assert job["objective"] == 1.0 and job["best_bound"] == 1.0 and job["gap"] == 0.0


def test_minimum_hires_unreachable(client: TestClient) -> None:
    """No open position: the target cannot be met (proven), and no scenario roster is made."""
    week = _week(client, agents=1)
    out = _run(client, week, kind="minimum_hires", vacancies=[{"contract": "PT", "max_hires": 0}],
               target={"max_under_agent_hours": 0})  # fmt: skip
    assert out["report"]["status"] == "INFEASIBLE" and out["total_hires"] == 0
    assert out["roster_id"] is None and out["base_roster_id"] is not None
    assert out["days"] == [] and out["marginal"] == []
    job = client.get(f"/v1/jobs/{out['job_id']}").json()
    assert job["message"].startswith("INFEASIBLE")


@pytest.mark.parametrize(
    "remove", [{"agent_ids": ["A01"]}, {"share": 0.5, "seed": 3}], ids=["named", "share"]
)
def test_attrition(client: TestClient, remove: dict[str, Any]) -> None:
    week = _week(client, agents=2)
    out = _run(client, week, kind="attrition", remove=remove)
    assert len(out["removed"]) == 1 and out["removed_by_contract"] == {"PT": 1}
    assert out["report"] is None and out["total_hires"] == 0
    for day in out["kept_days"]:  # the base roster minus the leavers' shifts: never better
        assert day["lost_covered_agent_hours"] >= 0
        if day["service_level_loss"] is not None:
            assert day["service_level_loss"] >= 0
    assert out["kept_days"][0]["lost_covered_agent_hours"] == 4.0
    assert out["days"][0]["lost_covered_agent_hours"] == 4.0  # re-rostering cannot help here
    assert out["scenario_service_level"] < out["base_service_level"]
    kept = client.get(out["rosters"]["scenario"]["url"]).json()
    assert {a["agent"] for a in kept["schedule"]}.isdisjoint(out["removed"])


def test_hiring_scenario_bad_input(client: TestClient) -> None:
    week = _week(client, agents=2)

    def errors(**body: Any) -> set[tuple[int | None, str, str]]:
        problem = assert_problem(_post(client, week, **body), 422)
        return {(e["row"], e["field"], e["code"]) for e in problem["errors"]}

    pt = {"contract": "PT", "count": 1}
    assert errors(kind="hire", vacancies=[pt, {"contract": "XX", "count": 1}]) == {
        (1, "vacancies.1.contract", "unknown")
    }
    assert (0, "vacancies.0.count", "greater_than_equal") in errors(
        kind="hire", vacancies=[{"contract": "PT", "count": -1}]
    )
    assert (0, "vacancies.0.hiring_cost", "greater_than_equal") in errors(
        kind="hire", vacancies=[{**pt, "hiring_cost": -5}]
    )
    assert errors(kind="hire", vacancies=[{"contract": "PT"}]) == {
        (0, "vacancies.0.count", "missing")
    }
    assert errors(kind="hire", vacancies=[]) == {(None, "vacancies", "missing")}
    assert errors(kind="hire", vacancies=[pt, pt]) >= {(1, "vacancies.1.label", "duplicate")}
    late = {**pt, "availability": {"start": "18:00", "end": "22:00"}}
    assert errors(kind="hire", vacancies=[late]) == {
        (0, "vacancies.0.availability", "outside_opening_hours")
    }
    open_pt = [{"contract": "PT", "max_hires": 2}]
    assert errors(kind="minimum_hires", vacancies=open_pt) == {(None, "target", "missing")}
    assert errors(kind="minimum_hires", vacancies=open_pt, target={}) == {
        (None, "target", "missing")
    }
    assert (None, "target.service_level", "less_than") in errors(
        kind="minimum_hires", vacancies=open_pt, target={"service_level": 1.0}
    )
    assert (None, "target.max_under_agent_hours", "greater_than_equal") in errors(
        kind="minimum_hires", vacancies=open_pt, target={"max_under_agent_hours": -1}
    )
    assert errors(kind="attrition", remove={"agent_ids": ["A00", "NOPE"]}) == {
        (1, "remove.agent_ids", "unknown")
    }
    assert errors(kind="attrition", remove={"share": 1.5}) == {
        (None, "remove.share", "out_of_range")
    }
    assert errors(kind="attrition", remove={"share": {"PT": -0.1}}) == {
        (None, "remove.share[PT]", "out_of_range")
    }
    assert errors(kind="attrition", remove={"share": 1.0}) == {(None, "remove", "no_agents_left")}
    assert errors(kind="attrition") == {(None, "remove", "missing")}
    assert errors(kind="attrition", remove={"agent_ids": ["A00"], "share": 0.1}) == {
        (None, "remove", "ambiguous")
    }
    assert errors(kind="attrition", remove={"tenure_weeks": {"A00": 3}, "below_weeks": 4}) == {
        (1, "remove.tenure_weeks[A01]", "missing")
    }
    assert errors(kind="sack") == {(None, "kind", "literal_error")}
    assert_problem(_post(client, {"requirement_id": 9999}, kind="hire", vacancies=[pt]), 404)
    outside = client.post(
        "/v1/hiring-scenarios",
        json={"requirement_id": week["requirement_id"], "week_start": "2027-01-04",
              "kind": "hire", "vacancies": [pt]},
    )  # fmt: skip
    assert assert_problem(outside, 422)["errors"][0]["code"] == "outside_requirement"
    assert client.get("/v1/jobs", params={"kind": "hiring_scenario"}).json()["total"] == 0
    assert_problem(client.get("/v1/hiring-scenarios/404"), 404)


def test_vacancy_without_valid_week(client: TestClient) -> None:
    """A 2-hour window cannot hold the 4 paid hours a week of contract ``MIN``: a 422 naming
    the vacancy (also for ``hire``, where the hire would silently add nothing)."""
    week = _week(client, agents=1)
    body = {"code": "MIN", "shift_paid_minutes": [240], "min_weekly_paid_minutes": 240,
            "max_weekly_paid_minutes": 240, "max_days": 1}  # fmt: skip
    assert client.post(f"/v1/sites/{week['site_id']}/contracts", json=body).status_code == 201
    short = {"contract": "MIN", "availability": {"start": "09:00", "end": "11:00"}}
    for kind, extra in (("hire", {"count": 1}), ("minimum_hires", {"max_hires": 2})):
        response = _post(
            client,
            week,
            kind=kind,
            vacancies=[{**short, **extra}],
            target={"max_under_agent_hours": 0} if kind != "hire" else None,
        )
        problem = assert_problem(response, 422)
        assert {(e["row"], e["field"], e["code"]) for e in problem["errors"]} == {
            (0, "vacancies.0.availability", "no_valid_week")
        }


def test_failed_job_stores_nothing(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """A stage failing after the base and hired rosters were solved: the job fails with the
    problems, and neither roster nor scenario row is written (one transaction at the end)."""
    import api.tasks.hiring as task

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise InvalidInput([Problem(None, "marginal", "broken", "marginal stage failed")])

    monkeypatch.setattr(task, "marginal_hires", broken)
    week = _week(client, agents=1)
    response = _post(client, week, kind="hire", vacancies=[{"contract": "PT", "count": 1}])
    job = wait_job(client, response.json()["id"])
    assert job["status"] == "failed" and job["result_url"] is None
    assert job["errors"] == [
        {"row": None, "field": "marginal", "code": "broken", "message": "marginal stage failed"}
    ]
    assert client.get("/v1/rosters", params={"source": "all"}).json()["total"] == 0
    assert client.get("/v1/hiring-scenarios").json()["total"] == 0


def test_hiring_scenario_operation_ids(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    ops = {op["operationId"] for op in spec["paths"]["/v1/hiring-scenarios"].values()}
    assert ops == {"createHiringScenario", "listHiringScenarios"}
    item = spec["paths"]["/v1/hiring-scenarios/{scenario_id}"]
    assert item["get"]["operationId"] == "getHiringScenario"


@pytest.mark.slow
def test_process_pool_gives_same_result(database_url: str) -> None:
    """The job runs the same on the local process pool (spawn) as on the thread pool."""
    from api.main import create_app
    from tests.api.conftest import make_settings

    body = {"kind": "attrition", "remove": {"agent_ids": ["A01"]}}
    keep = ("days", "kept_days", "removed", "base_service_level", "scenario_service_level")
    with AdminClient(create_app(make_settings(database_url))) as client:
        week = _week(client, agents=2)
        want = _run(client, week, **body)
    settings = make_settings(database_url, executor="process", workers=1)
    with AdminClient(create_app(settings)) as client:
        app: Any = client.app
        assert app.state.runner.backend.kind == "process"
        got = _run(client, week, **body)
    assert {k: got[k] for k in keep} == {k: want[k] for k in keep}
    assert got["rosters"]["scenario"]["objective"] == want["rosters"]["scenario"]["objective"]
