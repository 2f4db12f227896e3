"""RFC 9457 problem details (``application/problem+json``) for every error the API returns.

422: ``errors: [{row, field, code, message}]`` for every core ``InvalidInput`` (CSV rows,
parameters, service goals, roster inputs) and for request validation; 404 unknown resource;
409 conflict (duplicate name, idempotency key reused with another body); 413 upload too large.
A request never gets a 500 because its input was bad.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path

from forecasting.errors import InvalidInput, Problem

log = logging.getLogger(__name__)
PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://staffwise.dev/problems/"


class ApiError(Exception):
    """An error with an HTTP status, a stable problem ``code`` and optional row problems."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        errors: Sequence[Problem] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.errors = list(errors)
        self.headers = headers


def not_found(kind: str, ident: object) -> ApiError:
    return ApiError(404, "not-found", f"{kind} {ident} does not exist")


def conflict(detail: str, code: str = "conflict") -> ApiError:
    return ApiError(409, code, detail)


def invalid(field: str | None, code: str, message: str, row: int | None = None) -> ApiError:
    problem = Problem(row=row, field=field, code=code, message=message)
    return ApiError(422, "validation-error", message, errors=[problem])


def problem_response(
    status: int,
    code: str,
    detail: str,
    *,
    instance: str | None = None,
    errors: Sequence[Problem] | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": TYPE_BASE + code,
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if instance:
        body["instance"] = instance
    if errors is not None:
        body["errors"] = [_problem_dict(p) for p in errors]
    body.update(extra or {})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _problem_dict(problem: Problem) -> dict[str, Any]:
    return {
        "row": problem.row,
        "field": problem.field,
        "code": problem.code,
        "message": problem.message,
    }


def problems_from_validation(exc: RequestValidationError) -> list[Problem]:
    """FastAPI/pydantic validation errors as ``Problem`` rows (``field`` is the dotted path)."""
    problems = []
    for err in exc.errors():
        loc = [str(part) for part in err.get("loc", ()) if part not in ("body", "query", "path")]
        row = next((int(p) for p in loc if p.isdigit()), None)
        problems.append(
            Problem(
                row=row,
                field=".".join(loc) or None,
                code=str(err.get("type", "invalid")),
                message=str(err.get("msg", "invalid value")),
            )
        )
    return problems


async def _on_api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    errors = exc.errors if exc.errors or exc.status == 422 else None
    return problem_response(
        exc.status,
        exc.code,
        exc.detail,
        instance=request.url.path,
        errors=errors,
        headers=exc.headers,
    )


async def _on_invalid_input(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InvalidInput)
    return problem_response(
        422,
        "validation-error",
        str(exc),
        instance=request.url.path,
        errors=exc.problems,
        extra={"truncated": exc.truncated},
    )


async def _on_request_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = problems_from_validation(exc)
    detail = f"{len(problems)} invalid field(s) in the request"
    return problem_response(
        422, "validation-error", detail, instance=request.url.path, errors=problems
    )


_HTTP_CODES = {413: "payload-too-large"}  # the code the edge's Content-Length check uses


async def _on_http_exception(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    code = _HTTP_CODES.get(status) or HTTPStatus(status).phrase.lower().replace(" ", "-")
    headers = dict(exc.headers or {})
    if status == 405 and (allowed := _allowed_methods(request)):
        headers["Allow"] = ", ".join(allowed)
    return problem_response(
        status, code, str(exc.detail), instance=request.url.path, headers=headers
    )


def _allowed_methods(request: Request) -> list[str]:
    """Every method the document lists for this path (Starlette's 405 names only the
    methods of the first route whose path matched)."""
    found = operations_at(request.app, request.url.path)
    methods = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
    return sorted(m.upper() for m in found[0] if m in methods) if found else []


def operations_at(app: FastAPI, path: str) -> tuple[dict[str, Any], dict[str, str]] | None:
    """The OpenAPI operations (by lower-case method) of the documented path template that
    ``path`` matches, and the raw path parameters; None for an undocumented path."""
    compiled = getattr(app.state, "openapi_paths", None)
    if compiled is None:
        paths = app.openapi().get("paths", {})
        compiled = [(compile_path(t)[0], ops) for t, ops in paths.items()]
        app.state.openapi_paths = compiled
    for regex, operations in compiled:
        match = regex.match(path)
        if match:
            return operations, match.groupdict()
    return None


async def _on_data_error(request: Request, exc: Exception) -> JSONResponse:
    """A value the database cannot store (PostgreSQL: a number beyond its 32-bit INTEGER) is
    the request's fault: 422, and the transaction that met it is rolled back by its session."""
    log.warning("database refused a value on %s %s: %s", request.method, request.url.path, exc)
    message = "a number in the request is outside the range the database stores (32-bit integer)"
    problem = Problem(row=None, field=None, code="out_of_range", message=message)
    return problem_response(
        422, "validation-error", message, instance=request.url.path, errors=[problem]
    )


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    detail = f"internal error ({type(exc).__name__}); the service log has the details"
    return problem_response(500, "internal-error", detail, instance=request.url.path)


def install(app: FastAPI) -> None:
    """Register the problem+json handlers on ``app`` and describe them in its OpenAPI document."""
    app.add_exception_handler(ApiError, _on_api_error)
    app.add_exception_handler(InvalidInput, _on_invalid_input)
    app.add_exception_handler(RequestValidationError, _on_request_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http_exception)
    app.add_exception_handler(DataError, _on_data_error)
    app.add_exception_handler(Exception, _on_unexpected)
    install_openapi(app)


# ---- the OpenAPI document states these bodies ----------------------------------------------

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
# Row ids are the databases' INTEGER primary keys: 32 bits on PostgreSQL (SQLite stores 64, but
# one service answers alike on both), so id parameters are documented, and refused, beyond that.
ID_MIN, ID_MAX = -(2**31), 2**31 - 1
_REF = "#/components/schemas/"
PROBLEM_SCHEMAS: dict[str, dict[str, Any]] = {
    "ProblemItem": {
        "type": "object",
        "description": "One invalid input: CSV data row (1-based) or list index, field (dotted "
        "path), stable code, message.",
        "properties": {
            "row": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
            "field": {"anyOf": [{"type": "string"}, {"type": "null"}]},
            "code": {"type": "string"},
            "message": {"type": "string"},
        },
        "required": ["row", "field", "code", "message"],
    },
    "Problem": {
        "type": "object",
        "description": "RFC 9457 problem details. `code` is stable (e.g. validation-error, "
        "not-found, conflict, payload-too-large, rate-limited, host-not-allowed, "
        "cross-origin-request); `errors` lists every invalid input of a 422; other members may "
        "follow (e.g. `changed` of an idempotency conflict, `truncated` of a CSV report).",
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "detail": {"type": "string"},
            "code": {"type": "string"},
            "instance": {"type": "string"},
            "errors": {"type": "array", "items": {"$ref": _REF + "ProblemItem"}},
            "truncated": {"type": "boolean"},
        },
        "required": ["type", "title", "status", "detail", "code"],
        "additionalProperties": True,
    },
}
_ANSWERS = {
    "400": "Bad request: a Host not served here (STAFFWISE_ALLOWED_HOSTS) or an unreadable body",
    "401": "No valid bearer token (header WWW-Authenticate: Bearer)",
    "403": "The token's role or sites do not allow this, or a cross-origin browser request",
    "404": "The resource does not exist (or belongs to a site the token does not see)",
    "409": "Conflict with stored data (duplicate name, still referenced, idempotency key)",
    "413": "Request body over the upload limit (counted while it streams)",
    "422": "Invalid input: `errors` names every row/field with a code and message",
    "429": "Too many requests for this token (header Retry-After: seconds)",
    "500": "Internal error; the service log has the details",
    "503": "The service is shutting down and takes no new jobs: retry on another instance",
}
_HEADERS = {
    "401": {"WWW-Authenticate": {"schema": {"type": "string"}}},
    "429": {"Retry-After": {"schema": {"type": "integer", "minimum": 1}}},
}


def _answer(status: str) -> dict[str, Any]:
    content = {PROBLEM_JSON: {"schema": {"$ref": _REF + "Problem"}}}
    answer: dict[str, Any] = {"description": _ANSWERS[status], "content": content}
    if status in _HEADERS:
        answer["headers"] = _HEADERS[status]
    return answer


def _statuses(path: str, method: str) -> list[str]:
    if path == "/v1/health":
        return ["400", "500"]  # no token, no rate limit: what a load balancer probes
    unsafe = method in ("post", "put", "patch", "delete")
    return [s for s in _ANSWERS if unsafe or s not in ("409", "413", "503")]  # reads: none


def _bound_integers(node: Any) -> None:
    """Every integer schema without bounds gets the signed 64-bit range the database stores
    (the edge refuses path/query values beyond it, ``Strict`` bodies too)."""
    if isinstance(node, dict):
        if node.get("type") == "integer":
            if "minimum" not in node and "exclusiveMinimum" not in node:
                node["minimum"] = INT64_MIN
            if "maximum" not in node and "exclusiveMaximum" not in node:
                node["maximum"] = INT64_MAX
        for value in node.values():
            _bound_integers(value)
    elif isinstance(node, list):
        for value in node:
            _bound_integers(value)


def describe_problems(document: dict[str, Any]) -> dict[str, Any]:
    """Rewrite FastAPI's document: problem+json for every error answer instead of FastAPI's
    ``HTTPValidationError`` ``{detail}``, the answers each operation can get, int64 bounds."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    schemas.update(PROBLEM_SCHEMAS)
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status in _statuses(path, method):
                responses[status] = _answer(status)
            if path == "/v1/health" and "200" in responses:  # the same body, status unavailable
                description = "The job executor takes no work (shutting down, no Dask worker)"
                responses["503"] = {**responses["200"], "description": description}
    _bound_id_parameters(document)
    _bound_integers(document)
    return document


def is_id_parameter(name: str) -> bool:
    return name == "id" or name.endswith("_id")


def _bound_id_parameters(document: dict[str, Any]) -> None:
    """Integer path/query ids get the 32-bit range of the databases' primary keys."""
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                if is_id_parameter(parameter.get("name", "")):
                    _bound_integer_schemas(parameter.get("schema"), ID_MIN, ID_MAX)


def _bound_integer_schemas(node: Any, low: int, high: int) -> None:
    if not isinstance(node, dict):
        return
    if node.get("type") == "integer":
        node["minimum"], node["maximum"] = max(node.get("minimum", low), low), high
    for child in node.get("anyOf", ()):
        _bound_integer_schemas(child, low, high)


def install_openapi(app: FastAPI) -> None:
    """Serve :func:`describe_problems` of FastAPI's document (built once, on first use)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        document = build()  # FastAPI caches it in app.openapi_schema
        if "Problem" not in document.get("components", {}).get("schemas", {}):
            describe_problems(document)
        return document

    app.openapi = openapi  # type: ignore[method-assign]
