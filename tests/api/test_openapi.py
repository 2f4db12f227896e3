"""The OpenAPI document states the problem+json body of every error the service sends, and
the real error bodies (400, 401, 403, 404, 405, 409, 413, 422, 429) match it."""

from __future__ import annotations

import json
from typing import Any

import jsonschema_rs  # comes with schemathesis (the dev extra)
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from tests.api.conftest import make_settings
from tests.api.support import OPENING_HOURS, AdminClient

PROBLEM = "application/problem+json"
SITE = {"name": "Berlin", "zone": "Europe/Berlin", "opening_hours": OPENING_HOURS}
EVERY_ROUTE = {"400", "401", "403", "404", "422", "429", "500"}
UNSAFE = {"post", "put", "patch", "delete"}


@pytest.fixture
def document(client: TestClient) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
    ]


def test_fastapis_detail_schema_is_gone(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas and "ValidationError" not in schemas
    assert {"Problem", "ProblemItem"} <= set(schemas)
    assert "HTTPValidationError" not in str(document)


def test_every_error_answer_is_problem_json(document: dict[str, Any]) -> None:
    for path, method, operation in _operations(document):
        statuses = set(operation["responses"])
        if path == "/v1/health":
            assert {"400", "500", "503"} <= statuses
            continue
        expected = EVERY_ROUTE | ({"409", "413"} if method in UNSAFE else set())
        assert expected <= statuses, (method, path, expected - statuses)
        for status, answer in operation["responses"].items():
            if status.startswith(("4", "5")):
                assert list(answer["content"]) == [PROBLEM], (method, path, status)
                ref = answer["content"][PROBLEM]["schema"]["$ref"]
                assert ref == "#/components/schemas/Problem"
        assert "Retry-After" in operation["responses"]["429"]["headers"]
        assert "WWW-Authenticate" in operation["responses"]["401"]["headers"]


def test_integer_parameters_state_the_64_bit_range(document: dict[str, Any]) -> None:
    seen = 0
    for _, _, operation in _operations(document):
        for parameter in operation.get("parameters", []):
            schema = parameter["schema"]
            options = schema.get("anyOf", [schema])
            for option in options:
                if option.get("type") == "integer":
                    seen += 1
                    assert option["maximum"] <= 2**63 - 1, parameter
                    assert "minimum" in option or "exclusiveMinimum" in option, parameter
    assert seen > 40


def _errors(client: TestClient, database_url: str) -> list[Any]:
    """One real answer of every error status the service sends."""
    site = client.post("/v1/sites", json=SITE)
    assert site.status_code == 201
    with AdminClient(
        create_app(make_settings(database_url, rate_limit_per_s=0.01, rate_limit_burst=1))
    ) as limited:
        limited.get("/v1/sites")
        too_many = limited.get("/v1/sites")
    return [
        client.get("/v1/sites", headers={"host": "evil.example"}),  # 400
        TestClient(client.app).get("/v1/sites"),  # 401
        client.post("/v1/sites", json=SITE, headers={"origin": "https://evil.example"}),  # 403
        client.get("/v1/sites/999"),  # 404
        client.request("PUT", "/v1/sites/1"),  # 405
        client.post("/v1/sites", json=SITE),  # 409
        client.post("/v1/sites", content=b"x" * (3 * 1024 * 1024)),  # 413
        client.post("/v1/sites", json={"name": ""}),  # 422 (pydantic)
        client.get(f"/v1/sites/{2**64}"),  # 422 (the edge)
        too_many,  # 429
    ]


def test_real_errors_match_the_documented_problem(
    client: TestClient, document: dict[str, Any], database_url: str
) -> None:
    schema = {
        **document["components"]["schemas"]["Problem"],
        "$defs": document["components"]["schemas"],
    }
    text = json.dumps(schema).replace("#/components/schemas/", "#/$defs/")
    validator = jsonschema_rs.validator_for(json.loads(text))
    statuses = []
    for response in _errors(client, database_url):
        assert response.headers["content-type"].startswith(PROBLEM), response.text
        body = response.json()
        assert body["status"] == response.status_code
        errors = [e.message for e in validator.iter_errors(body)]
        assert errors == [], (response.status_code, body, errors)
        statuses.append(response.status_code)
    assert statuses == [400, 401, 403, 404, 405, 409, 413, 422, 422, 429]
