"""Sign-in, roles and sites: the one access dependency every ``/v1`` route declares.

A caller sends ``Authorization: Bearer <token>``. Tokens are random (``secrets.token_urlsafe``),
shown once and stored as their SHA-256 (enough for 256-bit random secrets); they may expire
and be revoked. :data:`PERMISSIONS` is the one table of what each role may do: a set of
``(method, route group)`` pairs, and :data:`ROUTE_GROUPS` puts every ``/v1`` path in a group.
A token with ``sites`` sees only those sites: :mod:`api.access` finds the site of the resource
a request names (path ids, the ids of a job-creating body, ``site_id`` of a list) and a
resource of another site answers 404, as if it did not exist.

Answers: no or bad token 401 (``WWW-Authenticate: Bearer``); role without the right 403; a
resource of another site 404; a site-less resource (a new site, a capacity plan without a
requirement, a list over every site that cannot be filtered) for a site-bound token 403.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from api import access
from api.errors import ID_MAX, ID_MIN, ApiError
from api.tables import AccessToken, Site, utcnow

log = logging.getLogger(__name__)
ROLES = ("admin", "planner", "hr", "viewer")
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
TOKEN_PREFIX = "sw_"
SCOPE_KEY = "staffwise.access"  # the request's Access, in the ASGI scope (read by api.audit)

# Every /v1 route's group. A route missing here is refused to every role but admin, and
# tests/api/test_auth_routes.py fails.
ROUTE_GROUPS: dict[str, str] = {
    "/v1/sites": "sites",
    "/v1/sites/{site_id}": "sites",
    "/v1/sites/{site_id}/queues": "queues",
    "/v1/queues/{queue_id}": "queues",
    "/v1/queues/{queue_id}/history-imports": "history",
    "/v1/queues/{queue_id}/history": "history",
    "/v1/history-imports/{import_id}": "history",
    "/v1/sites/{site_id}/contracts": "staff",
    "/v1/contracts/{contract_id}": "staff",
    "/v1/sites/{site_id}/agents": "staff",
    "/v1/agents/{agent_id}": "staff",
    "/v1/agents/{agent_id}/time-off": "staff",
    "/v1/time-off/{time_off_id}": "staff",
    "/v1/sites/{site_id}/shift-rules": "staff",
    "/v1/queues/{queue_id}/forecasts": "forecasts",
    "/v1/forecasts/{forecast_id}": "forecasts",
    "/v1/requirements": "requirements",
    "/v1/requirements/{requirement_id}": "requirements",
    "/v1/queues/{queue_id}/requirements": "requirements",
    "/v1/requirements/{requirement_id}/simulated-kpis": "requirements",
    "/v1/roster-jobs": "rosters",
    "/v1/rosters": "rosters",
    "/v1/rosters/{roster_id}": "rosters",
    "/v1/rosters/{roster_id}/export.json": "rosters",
    "/v1/rosters/{roster_id}/export.csv": "rosters",
    "/v1/rosters/{roster_id}/simulated-kpis": "rosters",
    "/v1/site-roster-jobs": "rosters",
    "/v1/site-rosters": "rosters",
    "/v1/site-rosters/{site_roster_id}": "rosters",
    "/v1/rosters/{roster_id}/edits": "rosters",
    "/v1/rosters/{roster_id}/undo": "rosters",
    "/v1/rosters/{roster_id}/versions": "rosters",
    "/v1/rosters/{roster_id}/versions/{number}": "rosters",
    "/v1/rosters/{roster_id}/compare": "rosters",
    "/v1/rosters/{roster_id}/locks": "rosters",
    "/v1/rosters/{roster_id}/locks/{lock_id}": "rosters",
    "/v1/rosters/{roster_id}/reoptimise": "rosters",
    "/v1/rosters/{roster_id}/swaps": "rosters",
    "/v1/agents/{agent_id}/time-off-requests": "staff",
    "/v1/agents/{agent_id}/time-off-requests/{request_id}": "staff",
    "/v1/agents/{agent_id}/time-off-requests/{request_id}/impact": "staff",
    "/v1/agents/{agent_id}/time-off-requests/{request_id}/cover": "staff",
    "/v1/agents/{agent_id}/time-off-requests/{request_id}/decision": "staff",
    "/v1/rosters/{roster_id}/publications": "schedules",
    "/v1/site-rosters/{site_roster_id}/publications": "schedules",
    "/v1/published-schedules/{site_id}/export.csv": "schedules",
    "/v1/published-schedules/{site_id}/print.html": "schedules",
    "/v1/published-schedules/{site_id}/agents/{agent_code}": "schedules",
    "/v1/published-schedules/{site_id}/agents/{agent_code}/calendar.ics": "schedules",
    "/v1/agents/{agent_id}/schedule-links": "schedules",
    "/v1/agents/{agent_id}/schedule-links/{link_id}": "schedules",
    "/v1/queues/{queue_id}/scenarios": "scenarios",
    "/v1/scenarios/{scenario_id}": "scenarios",
    "/v1/comparisons": "scenarios",
    "/v1/comparisons/{comparison_id}": "scenarios",
    "/v1/capacity-plans": "capacity",
    "/v1/capacity-plans/{plan_id}": "capacity",
    "/v1/capacity-plans/{plan_id}/hr": "capacity",
    "/v1/capacity-plans/{plan_id}/hr.csv": "capacity",
    "/v1/hiring-scenarios": "hiring",
    "/v1/hiring-scenarios/{scenario_id}": "hiring",
    "/v1/jobs": "jobs",
    "/v1/jobs/{job_id}": "jobs",
    "/v1/jobs/{job_id}/cancel": "jobs",
    "/v1/tokens": "tokens",
    "/v1/tokens/{token_id}": "tokens",
    "/v1/audit-events": "audit",
    "/v1/queues/{queue_id}/actual-imports": "actuals",
    "/v1/queues/{queue_id}/attendance-imports": "actuals",
    "/v1/queues/{queue_id}/actuals": "actuals",
    "/v1/queues/{queue_id}/intraday": "actuals",
    "/v1/queues/{queue_id}/adherence": "actuals",
    "/v1/reports/service": "reports",
    "/v1/clients": "queues",  # a client's targets and queues: planned as the queues are
    "/v1/clients/{client_id}": "queues",
}
# Routes anyone may call, without a token (an agent's schedule link holds its own secret).
PUBLIC_PATHS = frozenset(
    {"/v1/health", "/v1/my-schedule/{secret}", "/v1/my-schedule/{secret}/calendar.ics"}
)
SITE_DATA = (
    "sites", "queues", "history", "staff", "forecasts", "requirements", "rosters", "scenarios",
    "capacity", "hiring", "jobs", "actuals", "reports", "schedules",
)  # fmt: skip


PLANNER_WRITES = (
    "queues", "history", "staff", "forecasts", "requirements", "rosters", "scenarios", "hiring",
    "jobs", "actuals", "schedules",
)  # fmt: skip


def _rules(
    read: Iterable[str] = (), write: Iterable[str] = (), extra: Iterable[tuple[str, str]] = ()
) -> frozenset[tuple[str, str]]:
    pairs = {(m, g) for g in read for m in READ_METHODS}
    pairs |= {(m, g) for g in write for m in READ_METHODS | WRITE_METHODS}
    return frozenset(pairs | set(extra))


HR_READS = ("sites", "queues", "staff", "requirements", "rosters", "capacity", "hiring", "jobs",
            "schedules")  # fmt: skip


# The one table of roles: the (method, route group) pairs each role may call. Site scoping
# comes on top (a token's ``sites``). Admin may do everything, including tokens and audit.
PERMISSIONS: dict[str, frozenset[tuple[str, str]]] = {
    "admin": _rules(write=(*SITE_DATA, "tokens", "audit")),
    # plans, rosters and scenarios (what-ifs, hiring what-ifs on a roster week) of its sites,
    # and their inputs (queues, history, staff); may change its site's settings, not create
    # or delete sites; reads capacity plans
    "planner": _rules(
        read=SITE_DATA,
        write=PLANNER_WRITES,
        extra=(("PATCH", "sites"),),
    ),
    # capacity and hiring plans; reads rosters, requirements and what they rest on
    "hr": _rules(
        read=(*HR_READS, "reports"),
        write=("capacity", "hiring", "jobs"),
    ),
    "viewer": _rules(read=SITE_DATA),
}


@dataclass(frozen=True)
class Principal:
    """The caller a token stands for; ``sites`` None = every site."""

    token_id: int
    name: str
    role: str
    sites: frozenset[int] | None

    def sees(self, site_id: int) -> bool:
        return self.sites is None or site_id in self.sites


@dataclass(frozen=True)
class Access:
    """What the access check found for one request (kept in the scope for the audit log)."""

    principal: Principal
    route: str
    site_id: int | None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_secret() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def unauthorized(detail: str, error: str | None = None) -> ApiError:
    challenge = 'Bearer realm="staffwise"'
    if error:
        challenge += f', error="{error}"'
    return ApiError(401, "unauthorized", detail, headers={"WWW-Authenticate": challenge})


def forbidden(detail: str) -> ApiError:
    return ApiError(403, "forbidden", detail)


# ---- tokens ----------------------------------------------------------------------------------


class TokenRequestError(ValueError):
    """A token that cannot be issued; ``field`` names the culprit (role or sites)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def check_token_request(session: Session, role: str, sites: list[int] | None) -> None:
    """A role must exist, an admin token is never site-bound, and the sites must exist."""
    if role not in ROLES:
        raise TokenRequestError("role", f"unknown role {role!r}: one of {', '.join(ROLES)}")
    if role == "admin" and sites:
        raise TokenRequestError("sites", "an admin token is for every site: give no sites")
    if role != "admin" and sites is not None and not sites:
        raise TokenRequestError("sites", "give at least one site, or none for every site")
    for site_id in sites or ():
        if not ID_MIN <= site_id <= ID_MAX or session.get(Site, site_id) is None:
            raise TokenRequestError("sites", f"site {site_id} does not exist")


def issue_token(
    session: Session,
    role: str,
    sites: list[int] | None = None,
    name: str = "",
    expires_days: int | None = None,
    *,
    replace: AccessToken | None = None,
) -> tuple[AccessToken, str]:
    """Add (or, with ``replace``, rotate) a token; returns the row and the secret (shown once).
    The caller commits."""
    check_token_request(session, role, sites)
    secret = new_secret()
    row = replace or AccessToken(role=role, token_sha256="")
    row.name, row.role = name, role
    row.sites = None if role == "admin" or sites is None else sorted(set(sites))
    row.token_sha256, row.hint = token_hash(secret), secret[: len(TOKEN_PREFIX) + 4]
    row.created_at, row.revoked_at = utcnow(), None
    row.expires_at = None if expires_days is None else utcnow() + timedelta(days=expires_days)
    session.add(row)
    return row, secret


def rotate_named_token(session: Session, name: str, role: str, sites: list[int]) -> str:
    """The secret of the token called ``name``: a new one each call (the old one stops
    working), the row reused so repeated demo starts leave one token. The caller commits."""
    query = select(AccessToken).where(col(AccessToken.name) == name)
    existing = session.exec(query.order_by(col(AccessToken.id))).first()
    _row, secret = issue_token(session, role, sites, name, replace=existing)
    return secret


def is_active(row: AccessToken, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return row.revoked_at is None and (row.expires_at is None or row.expires_at > now)


# Valid tokens are remembered for CACHE_S seconds per database, so a burst of requests does not
# look the same token up each time. A revocation through the API clears it at once; one by
# ``staffwise token revoke`` (another process) takes effect within CACHE_S.
CACHE_S = 2.0
_CACHE_MAX = 4096
_cache: dict[tuple[str, str], tuple[float, datetime | None, Principal]] = {}


def forget_tokens() -> None:
    """Drop remembered tokens (after a revocation)."""
    _cache.clear()


def _cached(key: tuple[str, str]) -> Principal | None:
    hit = _cache.get(key)
    if hit is None or hit[0] < time.monotonic() or (hit[1] is not None and hit[1] <= utcnow()):
        return None
    return hit[2]


def remembered(engine_url: str, secret: str) -> Principal | None:
    """The principal of a token checked within the last ``CACHE_S`` seconds, else None."""
    return _cached((engine_url, token_hash(secret)))


# A token's last use is written at most once a minute (and only when its check is not
# remembered), in its own short transaction: a busy database skips the note, not the request.
USED_EVERY_S = 60.0
NOTE_WAIT_MS = 200


_noted: dict[tuple[str, int], datetime] = {}  # (database, token id) -> last note written here


def _recent(at: datetime | None, now: datetime) -> bool:
    return at is not None and (now - at).total_seconds() < USED_EVERY_S


def note_use(engine: Engine, row: AccessToken) -> None:
    """Set ``row``'s ``last_used_at`` to now when it is older than :data:`USED_EVERY_S`. A
    burst of requests that all miss the remembered tokens at once writes it once (this
    process's own notes are remembered too), not once per request."""
    now = utcnow()
    assert row.id is not None
    key = (str(engine.url), row.id)
    if _recent(row.last_used_at, now) or _recent(_noted.get(key), now):
        return
    _noted[key] = now
    stale = now - timedelta(seconds=USED_EVERY_S)
    table = AccessToken.__table__  # type: ignore[attr-defined]
    statement = (
        update(table)
        .where(table.c.id == row.id)
        .where(table.c.last_used_at.is_(None) | (table.c.last_used_at < stale))
        .values(last_used_at=now)
    )
    try:
        with engine.begin() as connection, _short_lock_wait(connection):
            connection.execute(statement)
    except OperationalError as exc:  # the database busy writing: a later check notes it
        _noted.pop(key, None)
        log.info("token %s: last use not noted (%s)", row.id, exc.__class__.__name__)


@contextmanager
def _short_lock_wait(connection: Connection) -> Iterator[None]:
    """Wait at most :data:`NOTE_WAIT_MS` for a lock (a long write elsewhere must not hold a
    request's authentication up): SQLite's busy timeout for this connection (restored after),
    PostgreSQL's ``lock_timeout`` for this transaction."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{NOTE_WAIT_MS}ms'")
        yield
        return
    if connection.dialect.name != "sqlite":
        yield
        return
    before = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
    connection.exec_driver_sql(f"PRAGMA busy_timeout = {NOTE_WAIT_MS}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA busy_timeout = {int(before or 0)}")


def authenticate(session: Session, secret: str | None) -> Principal:
    """The principal of a bearer secret, or 401."""
    if not secret:
        raise unauthorized("this endpoint needs 'Authorization: Bearer <token>'")
    digest = token_hash(secret)
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    key = (str(engine.url), digest)
    principal = _cached(key)
    if principal is not None:
        return principal
    row = session.exec(select(AccessToken).where(col(AccessToken.token_sha256) == digest)).first()
    if row is None:
        raise unauthorized("unknown token", "invalid_token")
    if row.revoked_at is not None:
        raise unauthorized(f"token {row.id} was revoked", "invalid_token")
    if not is_active(row):
        raise unauthorized(f"token {row.id} expired", "invalid_token")
    assert row.id is not None
    sites = None if row.role == "admin" or row.sites is None else frozenset(row.sites)
    principal = Principal(token_id=row.id, name=row.name, role=row.role, sites=sites)
    note_use(engine, row)
    if len(_cache) >= _CACHE_MAX:
        _cache.clear()
    _cache[key] = (time.monotonic() + CACHE_S, row.expires_at, principal)
    return principal


# ---- the dependency --------------------------------------------------------------------------


def check_role(principal: Principal, method: str, route: str) -> None:
    if principal.role == "admin":
        return
    group = ROUTE_GROUPS.get(route)
    if group is None:
        raise forbidden(f"{method} {route} has no access rule for role {principal.role!r}")
    if (method, group) not in PERMISSIONS.get(principal.role, frozenset()):
        raise forbidden(f"role {principal.role!r} may not {method} {group}")


def _decide(
    engine: Engine, secret: str | None, route: str, found: access.RequestRefs, scope: Any
) -> Access:
    """Authenticate, check the role and the sites; a refused caller is still noted in
    ``scope`` (the audit log records refused changes)."""
    with Session(engine) as session:
        principal = authenticate(session, secret)
        scope[SCOPE_KEY] = Access(principal=principal, route=route, site_id=None)
        check_role(principal, found.method, route)
        site_id = None
        if principal.sites is not None or found.method in WRITE_METHODS:
            site_id = access.check_sites(session, principal.sites, route, found)
    return Access(principal=principal, route=route, site_id=site_id)


_bearer = HTTPBearer(auto_error=False, description="a Staffwise token (staffwise token create)")


async def require_access(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Access:
    """The access check of every /v1 route: token (401), role (403), site (404 / 403)."""
    route = getattr(request.scope.get("route"), "path", request.url.path)
    found = await access.request_refs(request, route)
    engine: Engine = request.app.state.engine
    secret = credentials.credentials if credentials else None
    known = remembered(str(engine.url), secret) if secret else None
    if known is not None and known.sites is None and found.method not in WRITE_METHODS:
        request.scope[SCOPE_KEY] = Access(principal=known, route=route, site_id=None)
        check_role(known, found.method, route)  # a remembered token, no site to check: no query
        decision = request.scope[SCOPE_KEY]
    else:
        decision = await run_in_threadpool(_decide, engine, secret, route, found, request.scope)
    request.scope[SCOPE_KEY] = decision
    return decision


CurrentAccess = Annotated[Access, Depends(require_access)]


class Visibility:
    """The site scope of a list endpoint that filters its rows itself."""

    def __init__(self, sites: frozenset[int] | None) -> None:
        self.sites = sites

    def restrict(self, session: Session, query: Any, model: type[Any]) -> Any:
        """``query`` limited to the rows of ``model`` (Site, Job, CapacityPlan) the caller sees."""
        if self.sites is None:
            return query
        ids = access.visible_ids(session, model, self.sites)
        return query.where(col(model.id).in_(ids))


def visibility(decision: CurrentAccess) -> Visibility:
    return Visibility(decision.principal.sites)


Visible = Annotated[Visibility, Depends(visibility)]
