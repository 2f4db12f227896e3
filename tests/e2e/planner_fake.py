"""Serve the packaged planner assets and canned ``/v1`` bodies to a Playwright page.

Requests to ``ORIGIN`` are answered inside the test process by ``page.route`` (nothing
listens on a socket): the page and its assets come from the installed package, ``/v1`` calls
from a :class:`FakeApi`, which records every request so tests can check what the page sent.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from api.web.routes import MEDIA_TYPES, PAGE, STATIC_PREFIX, read_asset
from tests.e2e.browser_support import VIEWPORT, console_errors

ORIGIN = "http://planner.test"
HARNESS = "<!doctype html><html><head><meta charset='utf-8'>" + (
    f"<link rel='stylesheet' href='{STATIC_PREFIX}/planner.css'></head><body></body></html>"
)

UNAUTHORIZED: dict[str, Any] = {
    "type": "https://staffwise.dev/problems/unauthorized",
    "title": "Unauthorized",
    "status": 401,
    "detail": "missing or unknown bearer token",
}

Handler = Callable[[str, dict[str, list[str]], bytes | None], tuple[int, Any]]


@dataclass
class Sent:
    method: str
    path: str
    query: dict[str, list[str]]
    body: bytes | None
    headers: dict[str, str]


@dataclass
class FakeApi:
    """Canned answers by (method, path); a value may be a handler computing the answer.

    With ``token`` set, every ``/v1`` request without ``Authorization: Bearer <token>`` is
    answered 401 problem+json (as the service does once it requires tokens).
    """

    routes: dict[tuple[str, str], Any] = field(default_factory=dict)
    sent: list[Sent] = field(default_factory=list)
    token: str | None = None

    def on(self, method: str, path: str, answer: Any) -> None:
        self.routes[(method, path)] = answer

    def answer(self, method: str, path: str, query: dict[str, list[str]], body: bytes | None):
        answer = self.routes.get((method, path))
        if answer is None:
            return 404, {"status": 404, "title": "Not Found", "detail": f"{path} not faked"}
        if callable(answer):
            return answer(path, query, body)
        return answer if isinstance(answer, tuple) else (200, answer)


def paged(items: list[Any]) -> Callable[[str, dict[str, list[str]], bytes | None], Any]:
    """A list endpoint answering ``limit``/``offset`` like the API's ``Page`` schema."""

    def handler(_path: str, query: dict[str, list[str]], _body: bytes | None) -> Any:
        limit = int(query.get("limit", ["100"])[0])
        offset = int(query.get("offset", ["0"])[0])
        window = items[offset : offset + limit]
        return 200, {"total": len(items), "limit": limit, "offset": offset, "items": window}

    return handler


def _static(path: str) -> tuple[int, str, bytes]:
    if path == "/harness":
        return 200, MEDIA_TYPES[".html"], HARNESS.encode()
    name = PAGE if path == "/planner" else path.removeprefix(STATIC_PREFIX + "/")
    body = read_asset(name) if path == "/planner" or path.startswith(STATIC_PREFIX + "/") else None
    if body is None:
        return 404, "text/plain", b"not found"
    return 200, MEDIA_TYPES[name[name.rfind(".") :]], body


def install(page: Any, api: FakeApi) -> None:
    """Answer every request of ``page`` to ``ORIGIN`` from the package and ``api``."""

    def handle(route: Any, request: Any) -> None:
        url = urlsplit(request.url)
        if not url.path.startswith("/v1/"):
            status, media, body = _static(url.path)
            route.fulfill(status=status, content_type=media, body=body)
            return
        raw = request.post_data_buffer
        api.sent.append(
            Sent(request.method, url.path, parse_qs(url.query), raw, dict(request.headers))
        )
        if api.token is not None and request.headers.get("authorization") != f"Bearer {api.token}":
            status, payload = 401, dict(UNAUTHORIZED)
        else:
            status, payload = api.answer(request.method, url.path, parse_qs(url.query), raw)
        media = "application/json" if status < 400 else "application/problem+json"
        headers: dict[str, str] = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
        if isinstance(payload, dict) and "_location" in payload:
            headers["Location"] = payload.pop("_location")
        if isinstance(payload, dict) and "_headers" in payload:
            headers.update(payload.pop("_headers"))
        route.fulfill(status=status, content_type=media, body=json.dumps(payload), headers=headers)

    page.route(ORIGIN + "/**", handle)


def open_page(
    chromium: Any, api: FakeApi, ready: bool = True, path: str = "/planner"
) -> tuple[Any, list[str]]:
    """A new page answered by ``api`` at ``path``, with the live list of its console errors;
    with ``ready`` it waits until the planner says it is ready."""
    page = chromium.new_page(viewport=VIEWPORT)
    errors = console_errors(page)
    install(page, api)
    page.goto(ORIGIN + path)
    if ready:
        page.wait_for_selector("body[data-ready=true]")
    return page, errors


def harness_page(chromium: Any) -> Iterator[Any]:
    """The bare harness page (the planner's stylesheet, an empty body) for a module-scoped
    fixture that renders one module at a time; no console error by the end."""
    page, errors = open_page(chromium, FakeApi(), ready=False, path="/harness")
    yield page
    page.close()
    assert errors == []
