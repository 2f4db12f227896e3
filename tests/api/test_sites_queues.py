"""Sites and queues: CRUD, problem+json for bad input, conflicting service goals."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.support import OPENING_HOURS, assert_problem, create_queue, create_site, queue_body


def test_site_crud(client: TestClient) -> None:
    site_id = create_site(client)
    site = client.get(f"/v1/sites/{site_id}").json()
    assert site["zone"] == "Europe/Berlin"
    assert site["opening_hours"][5] == {"start": "09:00", "end": "17:00"}
    assert site["opening_hours"][6] is None
    listing = client.get("/v1/sites").json()
    assert listing["total"] == 1 and listing["items"][0]["id"] == site_id
    patched = client.patch(f"/v1/sites/{site_id}", json={"name": "Berlin 2"}).json()
    assert patched["name"] == "Berlin 2"
    assert client.delete(f"/v1/sites/{site_id}").status_code == 204
    assert_problem(client.get(f"/v1/sites/{site_id}"), 404)


def test_site_bad_input(client: TestClient) -> None:
    body = {"name": "X", "zone": "Mars/Olympus", "opening_hours": OPENING_HOURS[:6]}
    problem = assert_problem(client.post("/v1/sites", json=body), 422)
    fields = {e["field"] for e in problem["errors"]}
    assert fields == {"zone", "opening_hours"}
    inverted = [{"start": "20:00", "end": "08:00"}, *OPENING_HOURS[1:]]
    problem = assert_problem(
        client.post("/v1/sites", json={"name": "X", "zone": "UTC", "opening_hours": inverted}), 422
    )
    assert problem["errors"][0]["field"] == "opening_hours.0"
    assert problem["errors"][0]["row"] == 0
    wrong_type = {"name": 5, "zone": "UTC", "opening_hours": "always"}
    assert len(assert_problem(client.post("/v1/sites", json=wrong_type), 422)["errors"]) == 2
    broken = client.post(
        "/v1/sites", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert_problem(broken, 422)


def test_duplicate_site_is_409(client: TestClient) -> None:
    create_site(client)
    body = {"name": "Berlin", "zone": "UTC", "opening_hours": OPENING_HOURS}
    assert assert_problem(client.post("/v1/sites", json=body), 409)["code"] == "conflict"


def test_a_page_of_a_filtered_list_counts_and_orders_only_its_rows(client: TestClient) -> None:
    berlin, paris = create_site(client), create_site(client, "Paris", "Europe/Paris")
    mine = [create_queue(client, berlin, name=f"q{i}") for i in range(3)]
    create_queue(client, paris, name="other")
    listing = client.get(f"/v1/sites/{berlin}/queues", params={"limit": 1, "offset": 1}).json()
    assert (listing["total"], listing["limit"], listing["offset"]) == (3, 1, 1)
    assert [q["id"] for q in listing["items"]] == [mine[1]]
    past_the_end = client.get(f"/v1/sites/{berlin}/queues", params={"offset": 3}).json()
    assert past_the_end["total"] == 3 and past_the_end["items"] == []
    sites = client.get("/v1/sites", params={"limit": 1}).json()
    assert sites["total"] == 2 and [s["id"] for s in sites["items"]] == [berlin]
    assert_problem(client.get("/v1/sites", params={"limit": 0}), 422)


def test_queue_crud(client: TestClient) -> None:
    site_id = create_site(client)
    queue_id = create_queue(client, site_id)
    queue = client.get(f"/v1/queues/{queue_id}").json()
    assert queue["goal"]["service_level"] == 0.8 and queue["site_id"] == site_id
    assert client.get(f"/v1/sites/{site_id}/queues").json()["total"] == 1
    goal = {"service_level": 0.9, "answer_within_s": 30}
    patched = client.patch(f"/v1/queues/{queue_id}", json={"goal": goal, "aht_s": 280}).json()
    assert patched["goal"]["answer_within_s"] == 30 and patched["aht_s"] == 280
    assert_problem(client.post(f"/v1/sites/{site_id}/queues", json=queue_body()), 409)
    assert client.delete(f"/v1/queues/{queue_id}").status_code == 204
    assert_problem(client.get(f"/v1/queues/{queue_id}"), 404)


def test_queue_unknown_site_is_404(client: TestClient) -> None:
    assert_problem(client.post("/v1/sites/999/queues", json=queue_body()), 404)


def test_conflicting_service_goals_are_422(client: TestClient) -> None:
    site_id = create_site(client)
    url = f"/v1/sites/{site_id}/queues"
    abandon = queue_body(
        goal={"service_level": 0.8, "answer_within_s": 20, "max_abandon_rate": 0.05}
    )
    problem = assert_problem(client.post(url, json=abandon), 422)
    assert problem["errors"][0] == {
        "row": None,
        "field": "goal.max_abandon_rate",
        "code": "conflicting-goal",
        "message": problem["errors"][0]["message"],
    }
    no_patience = queue_body(model="erlang_a")
    assert assert_problem(client.post(url, json=no_patience), 422)["errors"][0]["field"] == (
        "patience_s"
    )
    perfect = queue_body(goal={"service_level": 1.0, "answer_within_s": 20})
    assert assert_problem(client.post(url, json=perfect), 422)["errors"][0]["code"] == (
        "unattainable-goal"
    )
    goal = {"service_level": 0.8, "answer_within_s": 20, "max_abandon_rate": 0.05}
    ok = queue_body(model="erlang_a", patience_s=90, goal=goal)
    assert client.post(url, json=ok).status_code == 201


def test_queue_wrong_types(client: TestClient) -> None:
    site_id = create_site(client)
    bad = queue_body(aht_s="long", interval_min=7, channel="pigeon")
    problem = assert_problem(client.post(f"/v1/sites/{site_id}/queues", json=bad), 422)
    assert {e["field"] for e in problem["errors"]} == {"aht_s", "interval_min", "channel"}
    assert_problem(client.get("/v1/queues/abc"), 422)


def test_openapi_has_stable_operation_ids(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    ids = {op["operationId"] for path in spec["paths"].values() for op in path.values()}
    assert {"createSite", "getQueue", "createHistoryImport", "getJob", "cancelJob"} <= ids


def test_migrations_match_tables(database_url: str) -> None:
    """The Alembic head creates exactly the schema of ``api.tables`` (no pending change)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    from api.db import make_engine

    engine = make_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    assert diff == []
