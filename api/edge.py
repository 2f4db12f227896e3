"""The HTTP edge: ASGI middlewares that refuse a request before any route sees it.

Outermost first (:func:`install`):

* :class:`HostCheck`: ``Host`` must be in ``allowed_hosts`` or be the address the request
  arrived on (400; stops DNS-rebinding pages from reaching a service bound to localhost).
* :class:`OriginCheck`: an unsafe method (POST, PUT, PATCH, DELETE) carrying an ``Origin``
  header is refused (403) unless the origin is the service's own or in ``allowed_origins``:
  a page of another site cannot make a signed-in browser change anything.
* :class:`RateLimit`: a token bucket per ``Authorization`` header value (per client address
  without one): 429 with ``Retry-After`` once ``rate_limit_burst`` requests were spent faster
  than ``rate_limit_per_s`` refills them. ``/v1/health`` is not limited.
* :class:`IntegerBounds`: integer path and query parameters (ids, paging) outside the 64-bit
  range the database stores are a 422 naming the parameter (the OpenAPI document states the
  bounds, :mod:`api.errors`).
* :class:`BodyLimit`: a body over ``max_upload_bytes`` is a 413, from ``Content-Length`` when
  sent, else counted while it streams (chunked uploads): the request is cut off as soon as the
  limit is passed, never read whole.

Every refusal is problem+json (:func:`api.errors.problem_response`). State (the buckets) lives
in the middleware instance of one app; nothing is global.
"""

from __future__ import annotations

import hashlib
import math
import re
import time
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import errors
from api.settings import Settings
from forecasting.errors import Problem

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
UNLIMITED_PATHS = frozenset({"/v1/health"})
CLOSE = {"Connection": "close"}  # a 413 ends the connection: the rest of the body is not read
_INTEGER = re.compile(r"^[+-]?\d+$")
_LONG_NUMBER = re.compile(r"\d{10}")  # 2**31 has 10 digits (ids), 2**63 has 19


def install(app: FastAPI, settings: Settings) -> None:
    """Add the edge middlewares to ``app`` (each ``add_middleware`` wraps the ones before)."""
    app.add_middleware(BodyLimit, limit_bytes=settings.max_upload_bytes)
    app.add_middleware(IntegerBounds)
    if settings.rate_limit_per_s > 0:
        app.add_middleware(
            RateLimit, rate_per_s=settings.rate_limit_per_s, burst=settings.rate_limit_burst
        )
    app.add_middleware(OriginCheck, allowed_origins=settings.allowed_origins)
    app.add_middleware(HostCheck, allowed_hosts=settings.allowed_hosts)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


async def _refuse(scope: Scope, receive: Receive, send: Send, status: int, code: str,
                  detail: str, **kwargs: Any) -> None:  # fmt: skip
    response = errors.problem_response(status, code, detail, instance=scope.get("path"), **kwargs)
    await response(scope, receive, send)


def _hostname(host: str) -> str:
    """``example.com:8000`` -> ``example.com``; ``[::1]:8000`` -> ``::1``."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class HostCheck:
    """400 unless ``Host`` names an allowed host (``*`` allows any) or the local address the
    request arrived on (the bind address; ``testserver`` under Starlette's TestClient)."""

    def __init__(self, app: ASGIApp, allowed_hosts: Iterable[str]) -> None:
        self.app = app
        self.allowed = {_hostname(h) for h in allowed_hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or "*" in self.allowed:
            return await self.app(scope, receive, send)
        host = _header(scope, b"host")
        name = _hostname(host) if host else ""
        server = scope.get("server")
        local = str(server[0]).lower() if server else None
        if name and (name in self.allowed or name == local):
            return await self.app(scope, receive, send)
        detail = f"host {host!r} is not served here (STAFFWISE_ALLOWED_HOSTS)"
        await _refuse(scope, receive, send, 400, "host-not-allowed", detail)


class OriginCheck:
    """403 for an unsafe method whose ``Origin`` is neither the service's own origin (the
    scheme and ``Host`` of the request) nor one of ``allowed_origins``."""

    def __init__(self, app: ASGIApp, allowed_origins: Iterable[str]) -> None:
        self.app = app
        self.allowed = {o.strip().rstrip("/").lower() for o in allowed_origins}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in UNSAFE_METHODS:
            return await self.app(scope, receive, send)
        origin = _header(scope, b"origin")
        if origin is None or self._allowed(scope, origin.strip().rstrip("/").lower()):
            return await self.app(scope, receive, send)
        detail = (
            f"{scope['method']} from origin {origin!r} refused: only the service's own pages "
            "and STAFFWISE_ALLOWED_ORIGINS may change data"
        )
        await _refuse(scope, receive, send, 403, "cross-origin-request", detail)

    def _allowed(self, scope: Scope, origin: str) -> bool:
        host = (_header(scope, b"host") or "").strip().lower()
        return origin in self.allowed or (bool(host) and origin == f"{scope['scheme']}://{host}")


class RateLimit:
    """Token buckets of ``burst`` requests refilled at ``rate_per_s``, keyed by the SHA-256 of
    the ``Authorization`` header (the client address without one)."""

    MAX_KEYS = 10_000

    def __init__(self, app: ASGIApp, rate_per_s: float, burst: int) -> None:
        self.app = app
        self.rate = float(rate_per_s)
        self.burst = float(max(1, burst))
        self.buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, monotonic time)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in UNLIMITED_PATHS:
            return await self.app(scope, receive, send)
        wait_s = self.take(self._key(scope), time.monotonic())
        if wait_s <= 0:
            return await self.app(scope, receive, send)
        retry = max(1, math.ceil(wait_s))
        detail = f"too many requests: {self.rate:g} per second (burst {self.burst:g}) allowed"
        headers = {"Retry-After": str(retry)}
        await _refuse(scope, receive, send, 429, "rate-limited", detail, headers=headers)

    @staticmethod
    def _key(scope: Scope) -> str:
        auth = _header(scope, b"authorization")
        if auth:
            return "t:" + hashlib.sha256(auth.encode("latin-1")).hexdigest()
        client = scope.get("client")
        return "a:" + (str(client[0]) if client else "-")

    def take(self, key: str, now: float) -> float:
        """Spend one token of ``key``'s bucket: 0 when granted, else seconds until one is."""
        tokens, last = self.buckets.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens < 1.0:
            self.buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate
        if key not in self.buckets and len(self.buckets) >= self.MAX_KEYS:
            self._prune(now)
        self.buckets[key] = (tokens - 1.0, now)
        return 0.0

    def _prune(self, now: float) -> None:
        """Forget buckets that have refilled (forgetting them changes nothing)."""
        refill = self.rate
        full = [
            k for k, (t, last) in self.buckets.items() if t + (now - last) * refill >= self.burst
        ]
        for key in full:
            del self.buckets[key]


class IntegerBounds:
    """422 for an integer path or query parameter (as the OpenAPI document types them)
    outside the signed 64-bit range: the database's integer (Python's ``int`` would take it and
    the query fail)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            problems = self.problems(scope)
            if problems:
                detail = f"{problems[0].field}: {problems[0].message}"
                return await _refuse(
                    scope, receive, send, 422, "validation-error", detail, errors=problems
                )
        await self.app(scope, receive, send)

    @staticmethod
    def problems(scope: Scope) -> list[Problem]:
        if not _LONG_NUMBER.search(
            scope["path"] + scope.get("query_string", b"").decode("latin-1")
        ):
            return []  # nothing that long: no need to look up the route's parameters
        app = scope.get("app")
        found = errors.operations_at(app, scope["path"]) if isinstance(app, FastAPI) else None
        if found is None:
            return []
        operations, path_params = found
        params = operations.get(scope["method"].lower(), {}).get("parameters", [])
        integers = {(p["in"], p["name"]) for p in params if _is_integer(p.get("schema"))}
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), True)
        values = [("path", n, v) for n, v in path_params.items()]
        values += [("query", n, v) for n, v in query]
        return [
            _out_of_range(name, value)
            for where, name, value in values
            if (where, name) in integers and _beyond(value, _bounds(name))
        ]


def _bounds(name: str) -> tuple[int, int]:
    """Ids are the databases' 32-bit primary keys; other integers (paging) 64-bit."""
    return (
        (errors.ID_MIN, errors.ID_MAX) if errors.is_id_parameter(name) else (INT64_MIN, INT64_MAX)
    )


def _is_integer(schema: Any) -> bool:
    if not isinstance(schema, dict):
        return False
    if schema.get("type") == "integer":
        return True
    return any(_is_integer(s) for s in schema.get("anyOf", ()))


def _beyond(value: str, bounds: tuple[int, int]) -> bool:
    text = value.strip()
    if not _INTEGER.match(text):
        return False  # not an integer: FastAPI's own validation answers
    digits = text.lstrip("+-")
    return len(digits) > 19 or not bounds[0] <= int(text) <= bounds[1]


def _out_of_range(name: str, value: str) -> Problem:
    shown = value if len(value) <= 40 else value[:37] + "..."
    low, high = _bounds(name)
    kind = "32-bit id" if errors.is_id_parameter(name) else "64-bit integer"
    message = f"{shown} is outside the {kind} range [{low}, {high}]"
    return Problem(row=None, field=name, code="out_of_range", message=message)


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` once a streamed body passes the limit; FastAPI passes an
    ``HTTPException`` through its body parsing, the problem handler answers 413."""

    def __init__(self, limit_bytes: int) -> None:
        detail = f"request body exceeds the limit of {limit_bytes} bytes"
        super().__init__(413, detail, headers=CLOSE)


class BodyLimit:
    """413 for a body over ``limit_bytes``: by ``Content-Length`` before reading, else counted
    per ``http.request`` message while the body streams."""

    def __init__(self, app: ASGIApp, limit_bytes: int) -> None:
        self.app = app
        self.limit = limit_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = _header(scope, b"content-length")
        if length is not None and length.strip().isdigit() and int(length) > self.limit:
            detail = f"request body of {int(length)} bytes exceeds the limit of {self.limit} bytes"
            return await _refuse(
                scope, receive, send, 413, "payload-too-large", detail, headers=CLOSE
            )
        started, size = False, 0

        async def counted_receive() -> Message:
            nonlocal size
            message = await receive()
            if message["type"] == "http.request":
                size += len(message.get("body", b""))
                if size > self.limit:
                    raise BodyTooLarge(self.limit)
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLarge as exc:
            if started:
                raise
            detail = str(exc.detail)
            await _refuse(scope, receive, send, 413, "payload-too-large", detail, headers=CLOSE)
