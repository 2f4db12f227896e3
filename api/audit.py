"""The audit log: one ``audit_event`` row per unsafe request (POST, PUT, PATCH, DELETE) of a
caller with a valid token, whatever its outcome (a 403 / 404 refusal is logged too).

When: the row is written by :class:`AuditMiddleware` as the route's response starts, i.e. after
the change's own transaction has committed and *before* the client receives the status, in a
transaction of its own (not the change's: the routes commit their own sessions). A client that
saw a success therefore has its event stored; a crash between the two commits would lose the
event of a committed change. Requests without a valid token (401) are not logged.

What: who (token id, name, role), when, method, path and route template, status, the resource
kind, its site, and before/after ids: a creation has ``after_id`` (from ``Location``), a change
has both (the same id), a deletion has ``before_id``.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi.concurrency import run_in_threadpool
from sqlalchemy.engine import Engine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import access
from api.auth import SCOPE_KEY, WRITE_METHODS, Access
from api.db import write_session
from api.tables import AuditEvent

log = logging.getLogger(__name__)
_LOCATION = re.compile(r"^/v1/([a-z-]+)/(\d{1,18})$")
COLLECTION_KINDS = {
    "sites": "site", "queues": "queue", "agents": "agent", "contracts": "contract",
    "time-off": "time_off", "history-imports": "import", "forecasts": "forecast",
    "requirements": "requirement", "rosters": "roster", "scenarios": "scenario",
    "hiring-scenarios": "hiring_scenario", "comparisons": "comparison",
    "capacity-plans": "capacity_plan", "jobs": "job", "tokens": "token", "roster-jobs": "job",
    "site-rosters": "site_roster", "site-roster-jobs": "job",
}  # fmt: skip
SUB_RESOURCES = {"shift-rules": "shift_rules"}  # one per parent: keeps the parent's id


def _param_kind(route: str, param: str) -> str:
    if param in access.PARAM_KINDS:
        return access.kind_of(route, param)
    return param.removesuffix("_id")


def describe(
    route: str, path_params: dict[str, Any], method: str, status: int, location: str | None
) -> tuple[str, int | None, int | None]:
    """(resource kind, before id, after id) of one request."""
    ok = 200 <= status < 300
    segments = route.strip("/").split("/")
    params = [s[1:-1] for s in segments if s.startswith("{")]
    last = segments[-1]
    if ok and location and (match := _LOCATION.match(location)):
        return COLLECTION_KINDS.get(match[1], match[1]), None, int(match[2])
    if last in COLLECTION_KINDS:  # a creation that failed or named no Location
        return COLLECTION_KINDS[last], None, None
    ident = access.as_id(path_params.get(params[-1])) if params else None
    kind = SUB_RESOURCES.get(last) or (_param_kind(route, params[-1]) if params else last)
    after = ident if ok and method != "DELETE" else None
    return kind, ident, after


def audit_event(scope: Scope, found: Access, status: int, location: str | None) -> AuditEvent:
    method: str = scope["method"]
    kind, before, after = describe(found.route, scope.get("path_params", {}), method, status,
                                   location)  # fmt: skip
    who = found.principal
    return AuditEvent(
        token_id=who.token_id, token_name=who.name[:200], role=who.role, method=method,
        path=str(scope.get("path", ""))[:500], route=found.route[:200], status=status,
        resource=kind[:40], site_id=found.site_id, before_id=before, after_id=after,
    )  # fmt: skip


def _write(engine: Engine, event: AuditEvent) -> None:
    with write_session(engine) as session:
        session.add(event)


class AuditMiddleware:
    """Writes the audit event of an unsafe request as its response starts (see module doc)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in WRITE_METHODS:
            await self.app(scope, receive, send)
            return
        recorded = False

        async def record(status: int, headers: list[tuple[bytes, bytes]]) -> None:
            nonlocal recorded
            recorded = True
            found = scope.get(SCOPE_KEY)
            if not isinstance(found, Access):
                return
            location = next((v.decode("latin-1") for k, v in headers if k == b"location"), None)
            event = audit_event(scope, found, status, location)
            try:
                await run_in_threadpool(_write, scope["app"].state.engine, event)
            except Exception:  # the change stands; its missing event is in the service log
                log.exception("audit event of %s %s not written", event.method, event.path)

        async def send_recorded(message: Message) -> None:
            if message["type"] == "http.response.start" and not recorded:
                await record(int(message["status"]), list(message.get("headers", [])))
            await send(message)

        try:
            await self.app(scope, receive, send_recorded)
        except Exception:
            if not recorded:
                await record(500, [])
            raise
