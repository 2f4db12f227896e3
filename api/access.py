"""Which site a request touches: the one resolver of site scoping (used by :mod:`api.auth`).

A request names resources by path ids (``site_id``, ``queue_id``, ``roster_id``...), by the ids
in the body of a job-creating POST (a forecast or requirement) and, for two lists, by a
``site_id`` query. Each resolves to its site through the foreign keys (time off -> agent ->
site, comparison -> forecast -> queue -> site, a job through its parameters...). Only the id
columns are read (never a roster's shifts).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, TypeAdapter, ValidationError
from sqlmodel import Session, SQLModel, col, select

from api.errors import ID_MAX, ID_MIN, ApiError, invalid, not_found
from api.schemas import (
    CapacityPlanCreate,
    ComparisonCreate,
    HiringScenarioCreate,
    RequirementCreate,
    RosterJobCreate,
)
from api.schemas.site_rosters import SiteRosterJobCreate
from api.tables import (
    Agent,
    CapacityPlan,
    Comparison,
    Contract,
    Forecast,
    HiringScenario,
    HistoryImport,
    Job,
    Queue,
    Requirement,
    Roster,
    Scenario,
    Site,
    SiteRosterRow,
    TimeOff,
)

# path parameter -> resource kind (``scenario_id`` depends on the path, see _kind)
PARAM_KINDS = {
    "site_id": "site", "queue_id": "queue", "agent_id": "agent", "contract_id": "contract",
    "time_off_id": "time_off", "import_id": "import", "forecast_id": "forecast",
    "requirement_id": "requirement", "roster_id": "roster", "scenario_id": "scenario",
    "comparison_id": "comparison", "plan_id": "capacity_plan", "job_id": "job",
    "site_roster_id": "site_roster",
}  # fmt: skip
LABELS = {
    "site": "site", "queue": "queue", "agent": "agent", "contract": "contract",
    "time_off": "time off", "import": "history import", "forecast": "forecast",
    "requirement": "requirement", "roster": "roster", "scenario": "scenario",
    "hiring_scenario": "hiring scenario", "comparison": "comparison",
    "capacity_plan": "capacity plan", "job": "job", "site_roster": "site roster",
}  # fmt: skip
# kinds whose row carries the site / points to a parent kind
SITE_COLUMNS: dict[str, tuple[type[SQLModel], str]] = {
    "queue": (Queue, "site_id"), "agent": (Agent, "site_id"), "contract": (Contract, "site_id"),
    "roster": (Roster, "site_id"), "hiring_scenario": (HiringScenario, "site_id"),
    "site_roster": (SiteRosterRow, "site_id"),
}  # fmt: skip
PARENTS: dict[str, tuple[type[SQLModel], str, str]] = {
    "import": (HistoryImport, "queue_id", "queue"),
    "forecast": (Forecast, "queue_id", "queue"),
    "requirement": (Requirement, "queue_id", "queue"),
    "scenario": (Scenario, "queue_id", "queue"),
    "time_off": (TimeOff, "agent_id", "agent"),
    "comparison": (Comparison, "forecast_id", "forecast"),
}
# job-creating POSTs: the body schema (validated as the route does) and its reference
BODY_REFS: dict[str, tuple[type[BaseModel], str, str]] = {
    "/v1/requirements": (RequirementCreate, "forecast_id", "forecast"),
    "/v1/roster-jobs": (RosterJobCreate, "requirement_id", "requirement"),
    "/v1/hiring-scenarios": (HiringScenarioCreate, "requirement_id", "requirement"),
    "/v1/comparisons": (ComparisonCreate, "forecast_id", "forecast"),
    "/v1/capacity-plans": (CapacityPlanCreate, "requirement_id", "requirement"),
    "/v1/site-roster-jobs": (SiteRosterJobCreate, "site_id", "site"),
}
# further body references of a job-creating POST (a capacity plan built from a queue)
BODY_ALSO: dict[str, tuple[tuple[str, str], ...]] = {"/v1/capacity-plans": (("queue_id", "queue"),)}
# lists over every site whose route filters rows by the caller's sites (auth.Visible)
FILTERED_LISTS = frozenset({"/v1/sites", "/v1/jobs", "/v1/capacity-plans"})
# lists a site-bound token may read only with ?site_id= (one of its sites)
SITE_PARAM_LISTS = frozenset({"/v1/rosters", "/v1/hiring-scenarios", "/v1/site-rosters"})
# reports naming their resource by a query parameter: route -> (parameter, kind)
QUERY_REFS = {"/v1/reports/service": ("queue_id", "queue")}
# a job's parameters name its resource with one of these (top level or in "body")
JOB_REFS = (("site_id", "site"), ("queue_id", "queue"), ("forecast_id", "forecast"),
            ("requirement_id", "requirement"))  # fmt: skip
_INT = TypeAdapter(int)
MISSING = -1  # site_of: no such resource (the route answers 404 itself)


@dataclass
class RequestRefs:
    """The resources one request names, before the route runs."""

    method: str
    refs: list[tuple[str, int]] = field(default_factory=list)
    siteless: bool = False  # it creates or reads something bound to no site
    # an id or body this module cannot read: the route rejects it too (422), and a site-bound
    # caller gets this answer before the route runs (fail closed)
    rejection: Exception | None = None

    @property
    def unresolved(self) -> bool:
        return self.rejection is not None


def kind_of(route: str, param: str) -> str:
    if param == "scenario_id" and route.startswith("/v1/hiring-scenarios/"):
        return "hiring_scenario"
    return PARAM_KINDS[param]


def as_id(value: Any) -> int | None:
    try:
        ident = _INT.validate_python(value)
    except ValidationError:
        return None
    return ident if ID_MIN <= ident <= ID_MAX else None  # a 32-bit integer id


def _add(found: RequestRefs, kind: str, name: str, value: Any) -> None:
    ident = as_id(value)
    if ident is None:
        found.rejection = invalid(name, "int_parsing", f"{name} must be a 32-bit integer id")
    else:
        found.refs.append((kind, ident))


async def request_refs(request: Request, route: str) -> RequestRefs:
    """Path ids, the body reference of a job-creating POST, the ``site_id`` of a list."""
    found = RequestRefs(method=request.method)
    for param, value in request.path_params.items():
        if param in PARAM_KINDS:
            _add(found, kind_of(route, param), param, value)
    if route in SITE_PARAM_LISTS and "site_id" in request.query_params:
        _add(found, "site", "site_id", request.query_params["site_id"])
    if route in QUERY_REFS:  # every value of a repeated parameter
        name, kind = QUERY_REFS[route]
        for value in request.query_params.getlist(name):
            _add(found, kind, name, value)
    if route in BODY_REFS and request.method == "POST":
        schema, name, kind = BODY_REFS[route]
        try:
            body = schema.model_validate(await request.json())
        except ValidationError as exc:  # the route rejects the same body (422)
            errors = [{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]
            found.rejection = RequestValidationError(errors)
            return found
        except ValueError:  # not JSON
            found.rejection = invalid("body", "json_invalid", "the body is not valid JSON")
            return found
        named = [(k, getattr(body, n, None)) for n, k in ((name, kind), *BODY_ALSO.get(route, ()))]
        found.refs.extend((k, int(v)) for k, v in named if v is not None)
        found.siteless = not any(v is not None for _k, v in named)
    return found


def _column(session: Session, model: type[SQLModel], name: str, ident: int) -> Any:
    id_column = col(model.id)  # type: ignore[attr-defined]
    return session.exec(select(col(getattr(model, name))).where(id_column == ident)).first()


def _job_ref(params: dict[str, Any]) -> tuple[str, int] | None:
    for source in (params, params.get("body")):
        if not isinstance(source, dict):
            continue
        for key, kind in JOB_REFS:
            ident = as_id(source.get(key))
            if ident is not None:
                return kind, ident
    return None


def site_of(session: Session, kind: str, ident: int) -> int | None:
    """The site of resource ``kind`` ``ident``; None when it belongs to no site, MISSING when
    it does not exist (as is every id beyond the 32-bit keys, e.g. a body's reference)."""
    if not ID_MIN <= ident <= ID_MAX:
        return MISSING
    if kind == "site":
        return ident if session.get(Site, ident) is not None else MISSING
    if kind in SITE_COLUMNS:
        model, name = SITE_COLUMNS[kind]
        value = _column(session, model, name, ident)
        return MISSING if value is None else int(value)
    if kind in PARENTS:
        model, name, parent = PARENTS[kind]
        value = _column(session, model, name, ident)
        return MISSING if value is None else site_of(session, parent, int(value))
    if kind == "capacity_plan":
        inputs = _column(session, CapacityPlan, "inputs", ident)
        if inputs is None:
            return MISSING
        ref = _capacity_ref(inputs)
        return None if ref is None else _or_none(site_of(session, *ref))
    if kind == "job":
        params = _column(session, Job, "params", ident)
        if params is None:
            return MISSING
        ref = _job_ref(params)
        return None if ref is None else _or_none(site_of(session, *ref))
    raise KeyError(kind)


def _or_none(site: int | None) -> int | None:
    """A parent that no longer exists leaves its child bound to no site."""
    return None if site == MISSING else site


def siteless_error(route: str, method: str) -> ApiError:
    if route in SITE_PARAM_LISTS:
        detail = f"a site-bound token lists {route} of one of its sites: add ?site_id="
    else:
        detail = f"{method} {route} is not bound to one site: it needs a token for every site"
    return ApiError(403, "forbidden", detail)


def check_sites(
    session: Session, sites: frozenset[int] | None, route: str, found: RequestRefs
) -> int | None:
    """Refuse a request of a site-bound token (``sites``) that reaches another site (404) or
    no site (403); returns the request's site (for the audit log)."""
    if sites is not None and found.rejection is not None:
        raise found.rejection
    site_ids: list[int] = []
    for kind, ident in found.refs:
        site = site_of(session, kind, ident)
        if site == MISSING:
            continue  # the route answers 404 itself
        if site is None:
            if sites is not None:
                raise siteless_error(route, found.method)
            continue
        if sites is not None and site not in sites:
            raise not_found(LABELS[kind], ident)
        site_ids.append(site)
    if sites is not None:
        listed = route in FILTERED_LISTS and found.method in ("GET", "HEAD")
        if found.siteless or not (found.refs or listed):
            raise siteless_error(route, found.method)
    return site_ids[0] if site_ids else None


def visible_ids(session: Session, model: type[Any], sites: frozenset[int]) -> list[int]:
    """Ids of the ``model`` rows (Site, Job, CapacityPlan) in ``sites``."""
    if model is Site:
        return sorted(sites)
    kind = "job" if model is Job else "capacity_plan"
    column = "params" if model is Job else "inputs"
    rows = session.exec(select(col(model.id), col(getattr(model, column)))).all()
    memo: dict[tuple[str, int], int | None] = {}

    def site(ref: tuple[str, int] | None) -> int | None:
        if ref is None:
            return None
        if ref not in memo:
            memo[ref] = site_of(session, *ref)
        return memo[ref]

    visible = []
    for ident, values in rows:
        values = values or {}
        ref = _job_ref(values) if kind == "job" else _capacity_ref(values)
        if site(ref) in sites:
            visible.append(ident)
    return visible


def _capacity_ref(inputs: dict[str, Any]) -> tuple[str, int] | None:
    for key, kind in (("requirement_id", "requirement"), ("queue_id", "queue")):
        ident = as_id(inputs.get(key))
        if ident is not None:
            return kind, ident
    return None
