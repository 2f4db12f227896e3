"""Hand edits of a stored roster: apply one edit to its shifts, check the result with the
core's ``check_roster`` and recompute its KPIs and coverage (``optimizer.roster.evaluate``)
against the roster's week as :func:`api.convert.roster.build_problem` rebuilds it (today's
agents, contracts, time off and rules of the site). Also the shift-by-shift difference of two
versions (compare, a re-publication's change list)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import numpy as np
from sqlmodel import Session, col, func, select

from api.convert.coverage import coverage_slots
from api.convert.roster import RosterInput, build_problem
from api.errors import not_found
from api.schemas.roster_edits import AddShift, DeleteShift, Edit, MoveActivity, MoveShift
from api.tables import Requirement, Roster, RosterVersion
from forecasting.errors import InvalidInput, Problem
from optimizer.errors import InputError
from optimizer.roster import problem as rp
from optimizer.roster.check import check_roster
from optimizer.roster.evaluate import evaluate_roster, evaluate_service_level, staffed_matrix
from optimizer.roster.io import roster_to_json, stored_roster

ShiftKey = tuple[str, int]


def roster_input(session: Session, row: Roster) -> RosterInput:
    """The problem of a stored roster's week, rebuilt by the convert layer."""
    requirement = session.get(Requirement, row.requirement_id)
    assert requirement is not None  # foreign key
    return build_problem(session, requirement, row.week_start)


def core_roster(shifts: list[Any]) -> rp.Roster:
    return stored_roster(shifts)


def shifts_json(problem: rp.RosterProblem, roster: rp.Roster) -> list[Any]:
    """Stored shape (agent, day, start, end, activities), ordered by agent, day and start."""
    shifts: list[Any] = roster_to_json(problem, roster)["shifts"]
    return shifts


def _refuse(edit: Edit, code: str, message: str) -> InvalidInput:
    return InvalidInput([Problem(None, f"edit.{code}", "invalid_edit", message)])


def _find(roster: rp.Roster, edit: Edit) -> rp.Shift:
    for shift in roster.shifts:
        if shift.agent == edit.agent and shift.day == edit.day:
            return shift
    raise _refuse(edit, "day", f"agent {edit.agent!r} has no shift on day {edit.day}")


def _moved(shift: rp.Shift, day: int, start: int) -> rp.Shift:
    delta = start - shift.start_min
    acts = tuple(
        rp.Activity(a.kind, a.start_min + delta, a.end_min + delta) for a in shift.activities
    )
    return rp.Shift(shift.agent, day, start, shift.end_min + delta, acts)


def _changed(edit: Edit, shift: rp.Shift) -> rp.Shift | None:
    """The shift after ``edit`` (None: deleted)."""
    if isinstance(edit, DeleteShift):
        return None
    if isinstance(edit, MoveShift):
        return _moved(shift, shift.day if edit.to_day is None else edit.to_day, edit.start)
    if isinstance(edit, MoveActivity):
        found = [a for a in shift.activities if a.kind == edit.kind]
        if not found:
            raise _refuse(edit, "kind", f"the shift of {edit.agent!r} on day {edit.day} has no "
                          f"{edit.kind}")  # fmt: skip
        act = found[0]
        moved = rp.Activity(act.kind, edit.start, edit.start + act.end_min - act.start_min)
        rest = tuple(a for a in shift.activities if a is not act)
        return dataclasses.replace(shift, activities=(*rest, moved))
    start = shift.start_min if edit.start is None else edit.start  # resize
    end = shift.end_min if edit.end is None else edit.end
    return dataclasses.replace(shift, start_min=start, end_min=end)


def _added(roster: rp.Roster, edit: AddShift) -> rp.Shift:
    if any(s.agent == edit.agent and s.day == edit.day for s in roster.shifts):
        raise _refuse(edit, "day", f"agent {edit.agent!r} already works day {edit.day}")
    acts = tuple(rp.Activity(a.kind, a.start, a.end) for a in edit.activities)
    return rp.Shift(edit.agent, edit.day, edit.start, edit.end, acts)


def apply_edit(roster: rp.Roster, edit: Edit) -> rp.Roster:
    """``roster`` with ``edit`` applied; an edit that names no shift, or gives a shift or
    activity that ends before it starts, is an ``InvalidInput`` (422): the rules of the week
    are :func:`assess`'s."""
    if isinstance(edit, AddShift):
        changed: rp.Shift | None = _added(roster, edit)
        kept = list(roster.shifts)
    else:
        old = _find(roster, edit)
        changed = _changed(edit, old)
        kept = [s for s in roster.shifts if s is not old]
    if changed is not None:
        if changed.end_min <= changed.start_min:
            raise _refuse(edit, "end", "the shift would end before it starts")
        if any(a.end_min <= a.start_min for a in changed.activities):
            raise _refuse(edit, "activities", "an activity would end before it starts")
        clash = [s for s in kept if (s.agent, s.day) == (changed.agent, changed.day)]
        if clash:
            raise _refuse(edit, "to_day", f"agent {changed.agent!r} already works day "
                          f"{changed.day}")  # fmt: skip
        kept.append(changed)
    return rp.Roster(tuple(kept))


@dataclasses.dataclass(frozen=True)
class Assessment:
    """What a version is worth: broken rules (empty: valid), KPIs and coverage columns."""

    violations: list[dict[str, Any]]
    kpis: dict[str, Any]
    coverage: dict[str, list[Any]]


def _kpis(problem: rp.RosterProblem, roster: rp.Roster) -> dict[str, Any]:
    """The stored roster's KPI shape: deviation KPIs and ``service_level`` (None without the
    queue's demand)."""
    try:
        sl: dict[str, Any] | None = dataclasses.asdict(evaluate_service_level(problem, roster))
    except InputError:
        sl = None
    return {**dataclasses.asdict(evaluate_roster(problem, roster)), "service_level": sl}


def coverage(data: RosterInput, roster: rp.Roster, week_start: dt.date) -> dict[str, list[Any]]:
    """Per interval that is open, required or staffed: its UTC start, day, minute, required,
    staffed and unmet agents (a roster's coverage columns without calls and AHT)."""
    problem = data.problem
    required = np.asarray(problem.requirement, dtype=np.int64)
    staffed = staffed_matrix(problem, roster)
    names = ("interval_start", "day", "minute", "required", "staffed", "unmet")
    columns: dict[str, list[Any]] = {name: [] for name in names}
    for start, day, slot, minute in coverage_slots(data, staffed, week_start):
        need, have = int(required[day, slot]), int(staffed[day, slot])
        row = (start, day, minute, need, have, max(0, need - have))
        for name, value in zip(names, row, strict=True):
            columns[name].append(value)
    return columns


def assess(data: RosterInput, roster: rp.Roster, week_start: dt.date) -> Assessment:
    problem = data.problem
    violations = [dataclasses.asdict(v) for v in check_roster(problem, roster)]
    return Assessment(violations, _kpis(problem, roster), coverage(data, roster, week_start))


SEEN = ("agent", "day", "start", "end", "activities")  # what an agent's schedule shows


def _by_key(shifts: list[Any]) -> dict[ShiftKey, dict[str, Any]]:
    """Shifts by agent and day, as agents see them (a site roster's shifts also carry their
    paid minutes and queue allocation, which a change list does not compare)."""
    return {(s["agent"], int(s["day"])): {k: s[k] for k in SEEN if k in s} for s in shifts}


def shift_changes(before: list[Any], after: list[Any]) -> list[dict[str, Any]]:
    """Per agent and day: a shift ``added``, ``removed`` or ``changed`` (times or
    activities), ordered by agent and day."""
    old, new = _by_key(before), _by_key(after)
    changes = []
    for key in sorted(old.keys() | new.keys()):
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        change = "added" if a is None else "removed" if b is None else "changed"
        changes.append({"agent": key[0], "day": key[1], "change": change, "before": a,
                        "after": b})  # fmt: skip
    return changes


def staffed_by_day(coverage_columns: dict[str, list[Any]]) -> list[int]:
    """Agent-intervals on the phone per day (from coverage columns ``day`` and ``staffed``)."""
    totals = [0] * 7
    for day, staffed in zip(coverage_columns["day"], coverage_columns["staffed"], strict=True):
        if 0 <= int(day) < 7:
            totals[int(day)] += int(staffed)
    return totals


# ---- versions --------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Version:
    """One version of a roster: 1 is the solved roster itself, later ones are
    ``roster_version`` rows."""

    number: int
    kind: str
    edit: dict[str, Any] | None
    author: str
    author_token_id: int | None
    created_at: dt.datetime
    shifts: list[Any]
    violations: list[Any]
    kpis: dict[str, Any]
    coverage: dict[str, list[Any]]


def solved_version(row: Roster) -> Version:
    author = "solver" if row.job_id is None else f"solver (job {row.job_id})"
    return Version(1, "solved", None, author, None, row.created_at, row.shifts,
                   list(row.report.get("violations") or []), row.kpis, row.coverage)  # fmt: skip


def version_of_row(v: RosterVersion) -> Version:
    return Version(v.number, v.kind, v.edit, v.author, v.author_token_id, v.created_at,
                   v.shifts, v.violations, v.kpis, v.coverage)  # fmt: skip


def current_number(session: Session, roster_id: int) -> int:
    query = select(func.max(RosterVersion.number)).where(col(RosterVersion.roster_id) == roster_id)
    found = session.exec(query).one()
    return 1 if found is None else int(found)


def versions(session: Session, row: Roster) -> list[Version]:
    query = select(RosterVersion).where(col(RosterVersion.roster_id) == row.id)
    stored = session.exec(query.order_by(col(RosterVersion.number))).all()
    return [solved_version(row), *(version_of_row(v) for v in stored)]


def version_of(session: Session, row: Roster, number: int) -> Version:
    """Version ``number`` of ``row`` (404 when it has none)."""
    if number == 1:
        return solved_version(row)
    query = select(RosterVersion).where(
        col(RosterVersion.roster_id) == row.id, col(RosterVersion.number) == number
    )
    found = session.exec(query).first()
    if found is None:
        raise not_found(f"version of roster {row.id}", number)
    return version_of_row(found)
