"""Roles and sites: every route has an access rule, each role gets what api.auth.PERMISSIONS
says (checked against a hand-written table), and a site-bound token sees only its sites."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.auth import PERMISSIONS, PUBLIC_PATHS, ROLES, ROUTE_GROUPS, require_access
from api.main import create_app
from api.settings import Settings
from api.tables import CapacityPlan, Forecast, Job, Requirement, utcnow
from tests.api.support import assert_problem, client_with, create_queue, create_site, token_for


def _api_routes() -> list[tuple[str, set[str], Any]]:
    app = create_app(Settings(database_url="sqlite://"))
    found = []
    for context in iter_route_contexts(app.routes):
        if isinstance(context.original_route, APIRoute):
            found.append((str(context.path), set(context.methods or ()), context.dependant))
    return found


def test_every_route_has_an_access_rule() -> None:
    """Fails when a /v1 route is added without the access dependency or a group in
    api.auth.ROUTE_GROUPS (then only admin may call it)."""
    routes = _api_routes()
    assert len(routes) > 50
    missing: list[str] = []
    for path, methods, dependant in routes:
        if not path.startswith("/v1/") or path in PUBLIC_PATHS:
            continue
        calls = [d.call for d in dependant.dependencies]
        if require_access not in calls or path not in ROUTE_GROUPS:
            missing.extend(f"{m} {path}" for m in methods)
    assert missing == []
    assert {p for p, _m, _d in routes if p.startswith("/v1/")} >= set(ROUTE_GROUPS)
    groups = set(ROUTE_GROUPS.values())
    assert set(PERMISSIONS) == set(ROLES)
    for role, pairs in PERMISSIONS.items():
        assert {g for _m, g in pairs} <= groups, role


ALL = {"admin", "planner", "hr", "viewer"}
# (method, path, body, roles allowed): the role rules, written out by hand. Bodies and ids are
# chosen so an allowed call fails in the route (404 / 422) without changing anything.
RULES: list[tuple[str, str, Any, set[str]]] = [
    ("GET", "/v1/sites/{site}", None, ALL),
    ("POST", "/v1/sites", {}, {"admin"}),
    ("PATCH", "/v1/sites/{site}", {"zone": "Mars/Base"}, {"admin", "planner"}),
    ("DELETE", "/v1/sites/999999", None, {"admin"}),
    ("GET", "/v1/sites/{site}/queues", None, ALL),
    ("POST", "/v1/sites/{site}/queues", {}, {"admin", "planner"}),
    ("POST", "/v1/queues/{queue}/history-imports", None, {"admin", "planner"}),
    ("GET", "/v1/queues/{queue}/history", None, {"admin", "planner", "viewer"}),
    ("GET", "/v1/sites/{site}/agents", None, ALL),
    ("POST", "/v1/sites/{site}/agents", {}, {"admin", "planner"}),
    ("PUT", "/v1/sites/{site}/shift-rules", {"bogus": 1}, {"admin", "planner"}),
    ("GET", "/v1/queues/{queue}/forecasts", None, {"admin", "planner", "viewer"}),
    ("POST", "/v1/queues/{queue}/forecasts", {"bogus": 1}, {"admin", "planner"}),
    ("GET", "/v1/queues/{queue}/requirements", None, ALL),
    ("POST", "/v1/requirements", {}, {"admin", "planner"}),
    ("GET", "/v1/rosters?site_id={site}", None, ALL),
    ("POST", "/v1/roster-jobs", {}, {"admin", "planner"}),
    ("GET", "/v1/queues/{queue}/scenarios", None, {"admin", "planner", "viewer"}),
    ("POST", "/v1/queues/{queue}/scenarios", {}, {"admin", "planner"}),
    ("POST", "/v1/comparisons", {}, {"admin", "planner"}),
    ("GET", "/v1/capacity-plans", None, ALL),
    ("POST", "/v1/capacity-plans", {}, {"admin", "hr"}),
    ("GET", "/v1/hiring-scenarios?site_id={site}", None, ALL),
    ("POST", "/v1/hiring-scenarios", {}, {"admin", "planner", "hr"}),
    ("GET", "/v1/jobs", None, ALL),
    ("DELETE", "/v1/jobs/999999", None, {"admin", "planner", "hr"}),
    ("GET", "/v1/tokens", None, {"admin"}),
    ("POST", "/v1/tokens", {}, {"admin"}),
    ("GET", "/v1/audit-events", None, {"admin"}),
]


@pytest.mark.parametrize("role", ["admin", "planner", "hr", "viewer"])
def test_each_role_gets_exactly_its_rules(client: TestClient, role: str) -> None:
    site_id = create_site(client)
    queue_id = create_queue(client, site_id)
    caller = client if role == "admin" else client_with(client, token_for(client, role))
    wrong = []
    for method, template, body, allowed in RULES:
        url = template.format(site=site_id, queue=queue_id)
        response = caller.request(method, url, json=body)
        refused = response.status_code == 403
        if refused == (role in allowed) or response.status_code in (401, 500):
            wrong.append(f"{method} {url}: {response.status_code}")
    assert wrong == []


def _insert(client: TestClient, *rows: Any) -> list[int]:
    app: Any = client.app
    with Session(app.state.engine) as session:
        for row in rows:
            session.add(row)
            session.commit()
            session.refresh(row)
        return [row.id for row in rows]


def _forecast(queue_id: int) -> Forecast:
    start = dt.datetime(2026, 11, 9, tzinfo=dt.UTC)
    return Forecast(queue_id=queue_id, method="seasonal_naive", start=start, weeks=1, intervals={})


def _requirement(queue_id: int, forecast_id: int) -> Requirement:
    return Requirement(queue_id=queue_id, forecast_id=forecast_id, goal={}, summary={},
                       intervals={})  # fmt: skip


def _job(params: dict[str, Any]) -> Job:
    return Job(kind="forecast", status="succeeded", request_sha256="0" * 64, params=params,
               finished_at=utcnow())  # fmt: skip


@pytest.fixture
def two_sites(client: TestClient) -> dict[str, int]:
    """Sites A and B, each with a queue, a forecast and a requirement (rows written directly:
    no solve needed to test who may see them)."""
    ids: dict[str, int] = {}
    for name in ("A", "B"):
        site = create_site(client, name=f"site {name}")
        queue = create_queue(client, site)
        (forecast,) = _insert(client, _forecast(queue))
        (requirement,) = _insert(client, _requirement(queue, forecast))
        job, plan = _insert(
            client, _job({"queue_id": queue, "body": {}}),
            CapacityPlan(name=name, mode="projection", inputs={"requirement_id": requirement},
                         result={}),
        )  # fmt: skip
        ids.update({f"site{name}": site, f"queue{name}": queue, f"forecast{name}": forecast,
                    f"req{name}": requirement, f"job{name}": job, f"plan{name}": plan})  # fmt: skip
    return ids


def test_a_site_bound_token_reads_only_its_sites(
    client: TestClient, two_sites: dict[str, int]
) -> None:
    a, b = two_sites["siteA"], two_sites["siteB"]
    planner = client_with(client, token_for(client, "planner", [a]))
    sites = planner.get("/v1/sites").json()
    assert sites["total"] == 1 and [s["id"] for s in sites["items"]] == [a]
    assert planner.get(f"/v1/sites/{a}").status_code == 200
    for url, kind, ident in [
        (f"/v1/sites/{b}", "site", b),
        (f"/v1/sites/{b}/queues", "site", b),
        (f"/v1/queues/{two_sites['queueB']}", "queue", two_sites["queueB"]),
        (f"/v1/forecasts/{two_sites['forecastB']}", "forecast", two_sites["forecastB"]),
        (f"/v1/requirements/{two_sites['reqB']}", "requirement", two_sites["reqB"]),
        (f"/v1/jobs/{two_sites['jobB']}", "job", two_sites["jobB"]),
        (f"/v1/capacity-plans/{two_sites['planB']}", "capacity plan", two_sites["planB"]),
        (f"/v1/rosters?site_id={b}", "site", b),
    ]:
        problem = assert_problem(planner.get(url), 404)  # as if it did not exist
        assert problem["detail"] == f"{kind} {ident} does not exist", url
    jobs = planner.get("/v1/jobs").json()
    assert [j["id"] for j in jobs["items"]] == [two_sites["jobA"]] and jobs["total"] == 1
    plans = planner.get("/v1/capacity-plans").json()
    assert [p["id"] for p in plans["items"]] == [two_sites["planA"]]
    assert planner.get(f"/v1/rosters?site_id={a}").json()["total"] == 0
    assert "site_id" in assert_problem(planner.get("/v1/rosters"), 403)["detail"]
    assert_problem(planner.get("/v1/hiring-scenarios"), 403)
    # an unbound token sees both
    viewer = client_with(client, token_for(client, "viewer"))
    assert viewer.get("/v1/sites").json()["total"] == 2
    assert viewer.get("/v1/jobs").json()["total"] == 2


def test_a_site_bound_token_changes_only_its_sites(
    client: TestClient, two_sites: dict[str, int]
) -> None:
    a, b = two_sites["siteA"], two_sites["siteB"]
    planner = client_with(client, token_for(client, "planner", [a]))
    assert_problem(planner.patch(f"/v1/sites/{b}", json={"name": "mine"}), 404)
    assert_problem(planner.post(f"/v1/sites/{b}/queues", json={}), 404)
    assert_problem(planner.delete(f"/v1/queues/{two_sites['queueB']}"), 404)
    assert_problem(planner.delete(f"/v1/jobs/{two_sites['jobB']}"), 404)
    body = {"requirement_id": two_sites["reqB"], "week_start": "2026-11-09"}
    problem = assert_problem(planner.post("/v1/roster-jobs", json=body), 404)
    assert problem["detail"] == f"requirement {two_sites['reqB']} does not exist"
    body = {"forecast_id": two_sites["forecastB"]}
    assert_problem(planner.post("/v1/requirements", json=body), 404)
    # a body spelling the id another way ("5" for 5) is resolved as the route reads it
    body = {"forecast_id": str(two_sites["forecastB"])}
    assert planner.post("/v1/requirements", json=body).status_code in (404, 422)
    assert planner.get(f"/v1/queues/{two_sites['queueB']}").status_code == 404
    assert client.get(f"/v1/queues/{two_sites['queueB']}").status_code == 200  # still there
    assert planner.patch(f"/v1/sites/{a}", json={"name": "site A2"}).status_code == 200
    hr = client_with(client, token_for(client, "hr", [a]))
    plan = {
        "name": "p", "mode": "optimise", "requirement_id": two_sites["reqB"],
        "contracts": [{"name": "FT", "weekly_hours": 40, "hire_cost": 2000}],
        "attrition": {"annual_rate": 0.3}, "costs": {"under_per_hour": 60, "over_per_hour": 5},
    }  # fmt: skip
    assert_problem(hr.post("/v1/capacity-plans", json=plan), 404)
    plan.update(requirement_id=None, need_hours=[3000.0] * 4)  # bound to no site
    assert "every site" in assert_problem(hr.post("/v1/capacity-plans", json=plan), 403)["detail"]
    # a plan bound to no site needs a token for every site
    siteless = _insert(client, CapacityPlan(name="x", mode="projection", inputs={}, result={}))
    assert_problem(hr.get(f"/v1/capacity-plans/{siteless[0]}"), 403)
    assert_problem(planner.post("/v1/sites", json={}), 403)


def test_a_site_bound_token_gets_the_routes_422_for_ids_and_bodies_it_cannot_read(
    client: TestClient, two_sites: dict[str, int]
) -> None:
    """Fail closed: what the access check cannot resolve to a site is answered before the
    route runs, as the route would (422 naming the field)."""
    planner = client_with(client, token_for(client, "planner", [two_sites["siteA"]]))
    problem = assert_problem(planner.get("/v1/queues/abc"), 422)
    assert problem["errors"][0]["field"] == "queue_id"
    problem = assert_problem(planner.post("/v1/roster-jobs", json={"requirement_id": "x"}), 422)
    assert {e["field"] for e in problem["errors"]} >= {"requirement_id", "week_start"}
    bad_json = planner.post(
        "/v1/roster-jobs", content=b"{", headers={"Content-Type": "application/json"}
    )
    assert_problem(bad_json, 422)
    assert_problem(planner.get("/v1/rosters?site_id=1.5"), 422)
    for ident in (-(2**63), 2**31 - 1, 2**31, 2**63 - 1, 2**63):  # id edges: as the route answers
        url = f"/v1/queues/{ident}"
        assert planner.get(url).status_code == client.get(url).status_code, url


def test_what_the_access_check_cannot_read_is_refused_before_the_route(
    client: TestClient, two_sites: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fail closed: were a body to pass the route but not the access check's reading, a
    site-bound caller is refused before the route runs (here the check is made stricter)."""
    from api import access
    from api.schemas import RequirementCreate

    class Stricter(RequirementCreate):
        access_check_only: int

    monkeypatch.setitem(access.BODY_REFS, "/v1/requirements", (Stricter, "forecast_id", "forecast"))
    planner = client_with(client, token_for(client, "planner", [two_sites["siteA"]]))
    body = {"forecast_id": two_sites["forecastB"]}
    problem = assert_problem(planner.post("/v1/requirements", json=body), 422)
    assert [e["field"] for e in problem["errors"]] == ["access_check_only"]
