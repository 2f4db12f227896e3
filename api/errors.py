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
from starlette.exceptions import HTTPException as StarletteHTTPException

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


async def _on_http_exception(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    code = HTTPStatus(status).phrase.lower().replace(" ", "-")
    return problem_response(
        status,
        code,
        str(exc.detail),
        instance=request.url.path,
        headers=dict(exc.headers or {}),
    )


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    detail = f"internal error ({type(exc).__name__}); the service log has the details"
    return problem_response(500, "internal-error", detail, instance=request.url.path)


def install(app: FastAPI) -> None:
    """Register the problem+json handlers on ``app``."""
    app.add_exception_handler(ApiError, _on_api_error)
    app.add_exception_handler(InvalidInput, _on_invalid_input)
    app.add_exception_handler(RequestValidationError, _on_request_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http_exception)
    app.add_exception_handler(Exception, _on_unexpected)
