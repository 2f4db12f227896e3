"""Answer repeated roster reads before the framework: the service's hottest read, served hot.

``GET /v1/rosters/{id}`` is what every planner page and client polls, often many at once while
solves run. The route (api.routes.rosters) already caches the serialised body (api.bodies), yet
each request still crossed the framework: dependency solving, a thread-pool hop, a database
session for the access check and the contract-code lookup (about 4.5 ms of CPU per request,
so 200 concurrent reads queued for more than a second on 2 cores).

:class:`HotReads` sits inside the edge checks (host, origin, rate limit, body size: they still
apply) and outside the routes. When the route has just answered a roster, it notes the
roster's site and body here (:func:`remember`). A later read of the same roster is answered at
once when all of this holds, else it goes the normal way, unchanged:
- the bearer token is one :mod:`api.auth` remembers (valid, checked within ``auth.CACHE_S``),
  its role may read rosters and it sees the roster's site;
- the note is younger than :data:`TTL_S` and no change (POST, PUT, PATCH, DELETE) went
  through this process since it was made: any change forgets every note, because a change of
  agents or contracts alters a roster's body and a deleted site takes its rosters with it.
So a read answered here is exactly what the route would answer, except after a change made by
another process (``staffwise token revoke``, a second server), which shows within ``TTL_S``,
as token revocation already does.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from api import auth, bodies
from api.bodies import Body
from api.errors import ApiError

TTL_S = 2.0
ROUTE = "/v1/rosters/{roster_id}"
_PATH = re.compile(r"^/v1/rosters/([1-9]\d{0,8})$")
_CHANGES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_MAX_NOTES = 2048


@dataclass(frozen=True)
class _Note:
    site_id: int
    body: Body
    expires: float
    generation: int


class HotNotes:
    """Notes of recently answered rosters, dropped by any change (thread-safe)."""

    def __init__(self) -> None:
        self._notes: dict[tuple[str, int], _Note] = {}
        self._generation = 0
        self._lock = threading.Lock()
        self.answered = 0  # reads answered from a note (for tests and the bench)

    def generation(self) -> int:
        return self._generation

    def forget_all(self) -> None:
        with self._lock:
            self._generation += 1
            self._notes.clear()

    def note(self, key: tuple[str, int], site_id: int, body: Body, generation: int) -> None:
        """Remember ``body``, unless a change came since ``generation`` was read (the body
        may have been built from rows that changed meanwhile)."""
        with self._lock:
            if generation != self._generation:
                return
            if len(self._notes) >= _MAX_NOTES:
                self._notes.clear()
            self._notes[key] = _Note(site_id, body, time.monotonic() + TTL_S, generation)

    def find(self, key: tuple[str, int]) -> _Note | None:
        note = self._notes.get(key)
        if note is None or note.expires < time.monotonic() or note.generation != self._generation:
            return None
        return note


def notes_of(app: object) -> HotNotes:
    state = app.state  # type: ignore[attr-defined]
    notes: HotNotes | None = getattr(state, "hot_notes", None)
    if notes is None:
        notes = state.hot_notes = HotNotes()
    return notes


def _principal(engine_url: str, request: Request) -> auth.Principal | None:
    value = request.headers.get("authorization", "")
    scheme, _, secret = value.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return auth.remembered(engine_url, secret.strip())


def _allowed(principal: auth.Principal, site_id: int) -> bool:
    try:
        auth.check_role(principal, "GET", ROUTE)
    except ApiError:  # the route answers the refusal, with its problem+json
        return False
    return principal.sees(site_id)


class HotReads:
    """The ASGI middleware (see the module's docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        method = scope["method"]
        notes = notes_of(scope["app"])
        if method in _CHANGES:
            notes.forget_all()
            try:
                return await self.app(scope, receive, send)
            finally:
                notes.forget_all()  # what was noted while the change ran may be stale
        match = _PATH.match(scope["path"]) if method == "GET" else None
        if match is None or scope.get("query_string"):
            return await self.app(scope, receive, send)
        engine_url = str(scope["app"].state.engine.url)
        note = notes.find((engine_url, int(match.group(1))))
        request = Request(scope)
        principal = _principal(engine_url, request) if note is not None else None
        if note is None or principal is None or not _allowed(principal, note.site_id):
            return await self.app(scope, receive, send)
        notes.answered += 1
        await bodies.answer(request, note.body)(scope, receive, send)
