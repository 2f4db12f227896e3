"""Locks of a roster, "re-optimise the rest" (a job making a new draft version) and shift swaps
between agents (docs/schedule.md)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response
from sqlmodel import col, select

from api.auth import CurrentAccess
from api.convert import reoptimise as cr
from api.convert import roster_edits as ce
from api.convert.swaps import swap_violations, swapped
from api.deps import ReadSession, SettingsDep, WriteSession, commit, get_or_404
from api.errors import ID_MAX, ApiError
from api.routes.jobs import StartJob
from api.routes.roster_edits import SAVE_ANSWERS, answer_version, check_version, editable, stale
from api.schemas import JobRead
from api.schemas.roster_edits import VersionRead
from api.schemas.schedule_changes import (
    LockCreate,
    LockList,
    LockRead,
    ReoptimiseCreate,
    SwapCreate,
)
from api.tables import Roster, RosterLock
from forecasting.errors import Problem

router = APIRouter(tags=["roster edits"])
LockId = Annotated[int, Path(ge=1, le=ID_MAX)]


def _read(lock: RosterLock) -> LockRead:
    assert lock.id is not None
    return LockRead(id=lock.id, roster_id=lock.roster_id, agent=lock.agent, day=lock.day,
                    author=lock.author, created_at=lock.created_at)  # fmt: skip


@router.post("/v1/rosters/{roster_id}/locks", status_code=201, operation_id="createRosterLock")
def create_lock(
    roster_id: int, body: LockCreate, session: WriteSession, who: CurrentAccess,
    response: Response,
) -> LockRead:  # fmt: skip
    """Lock an agent's week, a day or one agent-day of the roster: a re-optimisation keeps
    what the re-optimised version has there."""
    editable(session, roster_id)
    lock = RosterLock(roster_id=roster_id, agent=body.agent, day=body.day,
                      author=who.principal.name)  # fmt: skip
    session.add(lock)
    commit(session)
    session.refresh(lock)
    response.headers["Location"] = f"/v1/rosters/{roster_id}/locks/{lock.id}"
    return _read(lock)


@router.get("/v1/rosters/{roster_id}/locks", operation_id="listRosterLocks")
def list_locks(roster_id: int, session: ReadSession) -> LockList:
    get_or_404(session, Roster, roster_id, "roster")
    query = select(RosterLock).where(col(RosterLock.roster_id) == roster_id)
    rows = session.exec(query.order_by(col(RosterLock.id))).all()
    return LockList(roster_id=roster_id, items=[_read(r) for r in rows])


@router.delete("/v1/rosters/{roster_id}/locks/{lock_id}", status_code=204,
               operation_id="deleteRosterLock")  # fmt: skip
def delete_lock(roster_id: int, lock_id: LockId, session: WriteSession) -> Response:
    lock = session.get(RosterLock, lock_id)
    if lock is None or lock.roster_id != roster_id:
        raise ApiError(404, "not-found", f"roster {roster_id} has no lock {lock_id}")
    session.delete(lock)
    commit(session)
    return Response(status_code=204)


def reoptimise_params(
    row: Roster, version: int, who: CurrentAccess, options: dict[str, Any]
) -> dict[str, Any]:
    """A ``reoptimise`` job's parameters (``options``: locks, absences, limits, seed, edit)."""
    return {
        "roster_id": row.id, "site_id": row.site_id, "version": version,
        "author": who.principal.name, "author_token_id": who.principal.token_id,
        "locks": [], "absences": [], **options,
    }  # fmt: skip


@router.post("/v1/rosters/{roster_id}/reoptimise", status_code=202,
             operation_id="reoptimiseRoster", response_model=JobRead,
             responses=SAVE_ANSWERS)  # fmt: skip
def reoptimise(
    roster_id: int, body: ReoptimiseCreate, session: ReadSession, who: CurrentAccess,
    settings: SettingsDep, start: StartJob,
) -> Any:  # fmt: skip
    """Re-solve the current version with the roster's locks fixed: a job (202 + Location)
    whose result is a new draft version (``kind: reoptimise``; bound and gap in its ``edit``
    and on the job). Nothing locked changes."""
    row = editable(session, roster_id)
    check_version(session, row, body.version, None)
    options = {
        "locks": cr.lock_dicts(session, roster_id), "time_limit_s": body.time_limit_s,
        "workers": body.workers or settings.solver_workers, "seed": body.seed,
        "edit": {"op": "reoptimise"},
    }  # fmt: skip
    return start.submit(session, "reoptimise", reoptimise_params(row, body.version, who, options))


@router.post("/v1/rosters/{roster_id}/swaps", status_code=201, operation_id="swapShifts",
             responses=SAVE_ANSWERS)  # fmt: skip
def swap_shifts(
    roster_id: int, body: SwapCreate, session: WriteSession, who: CurrentAccess,
    response: Response,
) -> VersionRead:  # fmt: skip
    """Give ``agent``'s shift on ``day`` to ``other`` and ``other``'s shift on ``other_day`` to
    ``agent``: saved as a new version only when both weeks stay valid (else 409
    ``swap-invalid`` naming the rules they would break)."""
    row = editable(session, roster_id)
    current = check_version(session, row, body.version, None)
    other_day = body.day if body.other_day is None else body.other_day
    base = ce.core_roster(ce.version_of(session, row, current).shifts)
    roster = swapped(base, body.agent, body.day, body.other, other_day)
    data = ce.roster_input(session, row)
    broken = swap_violations(data.problem, roster, (body.agent, body.other))
    if broken:
        raise ApiError(
            409, "swap-invalid", f"the swap would break {len(broken)} rules of "
            f"{body.agent!r} or {body.other!r}: nothing saved",
            errors=[Problem(None, f"swap.{v.agent}", v.rule, f"day {v.day}: {v.message}")
                    for v in broken],
        )  # fmt: skip
    edit = {"op": "swap", **body.model_dump(exclude={"version"}), "other_day": other_day}
    who_pair = (who.principal.name, who.principal.token_id)
    version = cr.version_row(data, row, current + 1, roster, who_pair, "swap", edit)
    session.add(version)
    try:
        commit(session)
    except ApiError as exc:
        raise stale(roster_id, ce.current_number(session, roster_id), current) from exc
    return answer_version(response, roster_id, version)
