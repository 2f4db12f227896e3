"""Hand edits of a stored roster, its versions, comparison and undo (docs/schedule.md).

Every save is a new version (the solved roster is version 1) with its author (the token's
name and id) and time. A save names the version it edits (body ``version`` or ``If-Match:
"v<n>"``): when another save came first it is a 409 naming the current version (also its
``ETag``). An edit that breaks a rule of the week is saved as a draft marked invalid
(``valid: false``, ``violations`` naming agent, day and rule); it cannot be published. An edit
that names no shift or gives times that end before they start is refused (422)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Response
from sqlmodel import Session, col, select

from api.auth import CurrentAccess
from api.convert import reoptimise as cr
from api.convert import roster_edits as ce
from api.deps import ReadSession, WriteSession, commit, get_or_404
from api.errors import ID_MAX, ApiError
from api.schemas.roster_edits import (
    EditCreate,
    UndoCreate,
    VersionComparison,
    VersionList,
    VersionRead,
    VersionSummary,
)
from api.tables import Roster, RosterVersion, SchedulePublication
from optimizer.roster import problem as rp

router = APIRouter(tags=["roster edits"])
PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
SAVE_ANSWERS: dict[int | str, dict[str, Any]] = {
    409: {"description": "Another save came first: the current version is in the detail and "
          "the ETag", "content": PROBLEM},
    428: {"description": "The save names no version (body 'version' or If-Match)",
          "content": PROBLEM},
}  # fmt: skip
VersionNumber = Annotated[int, Path(ge=1, le=ID_MAX)]
VersionQuery = Annotated[int, Query(ge=1, le=ID_MAX)]


def etag(number: int) -> str:
    return f'"v{number}"'


def _if_match(value: str | None) -> int | None:
    if value is None:
        return None
    text = value.strip().removeprefix("W/").strip('"')
    if not text.startswith("v") or not text[1:].isdigit():
        raise ApiError(400, "bad-request", f'If-Match must be "v<version>", not {value!r}')
    return int(text[1:])


def stale(roster_id: int, current: int, given: int) -> ApiError:
    return ApiError(
        409, "version-conflict",
        f"roster {roster_id} is at version {current}, not {given}: read version {current} and "
        "edit that", headers={"ETag": etag(current)},
    )  # fmt: skip


def check_version(session: Session, row: Roster, body: int | None, header: str | None) -> int:
    """The current version number, when the save names it (else 428 or 409)."""
    assert row.id is not None
    given = body if body is not None else _if_match(header)
    current = ce.current_number(session, row.id)
    if given is None:
        raise ApiError(428, "precondition-required",
                       "name the version you edit: body 'version' or If-Match")  # fmt: skip
    if given != current:
        raise stale(row.id, current, given)
    return current


def editable(session: Session, roster_id: int) -> Roster:
    row = get_or_404(session, Roster, roster_id, "roster")
    if row.source != "roster_job":
        raise ApiError(409, "not-editable", f"roster {roster_id} is a {row.source} roster: only "
                       "rosters of roster jobs are edited")  # fmt: skip
    return row


def published_numbers(session: Session, roster_id: int) -> set[int]:
    query = select(SchedulePublication.version).where(
        col(SchedulePublication.roster_id) == roster_id
    )
    return set(session.exec(query).all())


def _summary(roster_id: int, v: ce.Version, published: set[int]) -> dict[str, Any]:
    return {
        "roster_id": roster_id, "number": v.number, "kind": v.kind, "edit": v.edit,
        "author": v.author, "author_token_id": v.author_token_id, "created_at": v.created_at,
        "valid": not v.violations, "violations": v.violations, "kpis": v.kpis,
        "published": v.number in published,
    }  # fmt: skip


def _save(
    session: Session, row: Roster, number: int, roster: rp.Roster, who: CurrentAccess,
    kind: str, edit: dict[str, Any] | None,
) -> RosterVersion:  # fmt: skip
    """Check and store ``roster`` as version ``number`` of ``row``."""
    assert row.id is not None
    data = ce.roster_input(session, row)
    author = (who.principal.name, who.principal.token_id)
    version = cr.version_row(data, row, number, roster, author, kind, edit)
    session.add(version)
    try:
        commit(session)
    except ApiError as exc:  # another save took this number first
        raise stale(row.id, ce.current_number(session, row.id), number - 1) from exc
    return version


def answer_version(response: Response, roster_id: int, version: RosterVersion) -> VersionRead:
    response.headers["ETag"] = etag(version.number)
    response.headers["Location"] = f"/v1/rosters/{roster_id}/versions/{version.number}"
    v = ce.version_of_row(version)
    return VersionRead(**_summary(roster_id, v, set()), shifts=v.shifts, coverage=v.coverage)


@router.post("/v1/rosters/{roster_id}/edits", status_code=201, operation_id="editRoster",
             responses=SAVE_ANSWERS)  # fmt: skip
def edit_roster(
    roster_id: int, body: EditCreate, session: WriteSession, who: CurrentAccess,
    response: Response, if_match: str | None = Header(default=None),
) -> VersionRead:  # fmt: skip
    """Apply one edit to the current version: a new version, checked against every rule of
    the week (``valid``, ``violations``) with its cost and coverage recomputed."""
    row = editable(session, roster_id)
    current = check_version(session, row, body.version, if_match)
    base = ce.version_of(session, row, current)
    edited = ce.apply_edit(ce.core_roster(base.shifts), body.edit)
    version = _save(session, row, current + 1, edited, who, "edit", body.edit.model_dump())
    return answer_version(response, roster_id, version)


@router.post("/v1/rosters/{roster_id}/undo", status_code=201, operation_id="undoRosterEdits",
             responses=SAVE_ANSWERS)  # fmt: skip
def undo_roster(
    roster_id: int, body: UndoCreate, session: WriteSession, who: CurrentAccess,
    response: Response, if_match: str | None = Header(default=None),
) -> VersionRead:  # fmt: skip
    """A new version with the shifts of an older version ``to`` (nothing is deleted)."""
    row = editable(session, roster_id)
    current = check_version(session, row, body.version, if_match)
    older = ce.version_of(session, row, body.to)
    older_roster = ce.core_roster(older.shifts)
    version = _save(session, row, current + 1, older_roster, who, "undo", {"to": body.to})
    return answer_version(response, roster_id, version)


@router.get("/v1/rosters/{roster_id}/versions", operation_id="listRosterVersions")
def list_versions(roster_id: int, session: ReadSession, response: Response) -> VersionList:
    """Every version, oldest first (without shifts and coverage); ``ETag``: the current one."""
    row = get_or_404(session, Roster, roster_id, "roster")
    found = ce.versions(session, row)
    published = published_numbers(session, roster_id)
    response.headers["ETag"] = etag(found[-1].number)
    items = [VersionSummary(**_summary(roster_id, v, published)) for v in found]
    return VersionList(roster_id=roster_id, current=found[-1].number, items=items)


@router.get("/v1/rosters/{roster_id}/versions/{number}", operation_id="getRosterVersion")
def get_version(
    roster_id: int, number: VersionNumber, session: ReadSession, response: Response
) -> VersionRead:
    row = get_or_404(session, Roster, roster_id, "roster")
    v = ce.version_of(session, row, number)
    response.headers["ETag"] = etag(number)
    published = published_numbers(session, roster_id)
    return VersionRead(**_summary(roster_id, v, published), shifts=v.shifts, coverage=v.coverage)


def _difference(a: dict[str, Any], b: dict[str, Any], key: str) -> Any:
    if a.get(key) is None or b.get(key) is None:
        return None
    return b[key] - a[key]


@router.get("/v1/rosters/{roster_id}/compare", operation_id="compareRosterVersions")
def compare_versions(
    roster_id: int, base: VersionQuery, other: VersionQuery, session: ReadSession
) -> VersionComparison:
    """Shifts changed from version ``base`` to ``other`` and the differences (other - base)
    of cost, under/over-covered agent-intervals, paid hours and agents staffed per day."""
    row = get_or_404(session, Roster, roster_id, "roster")
    a, b = ce.version_of(session, row, base), ce.version_of(session, row, other)
    by_day_a, by_day_b = ce.staffed_by_day(a.coverage), ce.staffed_by_day(b.coverage)
    return VersionComparison(
        roster_id=roster_id, base=base, other=other,
        changes=ce.shift_changes(a.shifts, b.shifts),  # type: ignore[arg-type]
        cost_difference=_difference(a.kpis, b.kpis, "cost"),
        under_difference=_difference(a.kpis, b.kpis, "under_agent_intervals"),
        over_difference=_difference(a.kpis, b.kpis, "over_agent_intervals"),
        paid_hours_difference=_difference(a.kpis, b.kpis, "paid_hours"),
        staffed_difference_by_day=[y - x for x, y in zip(by_day_a, by_day_b, strict=True)],
    )  # fmt: skip
