"""Shift rules of a site: start granularity, rest, consecutive days, breaks, lunch, weights.

Rules that cannot fit the interval grid of one of the site's queues (a 15-min break on a
30-min queue, a lunch window without a start on the grid, starts off the grid) are a 422
naming the fields (:func:`optimizer.roster.diagnose.grid_conflicts`).
"""

from __future__ import annotations

from fastapi import APIRouter
from sqlmodel import Session, col, select

from api.convert.rules import api_field, core_rules, rule_set_problems, rules_body, split_rules
from api.deps import ReadSession, WriteSession, commit, get_or_404
from api.schemas import ShiftRulesBody, ShiftRulesRead
from api.tables import Contract, Queue, ShiftRules, Site, utcnow
from forecasting.errors import InvalidInput, Problem
from optimizer.roster import problem as rp
from optimizer.roster.diagnose import grid_conflicts

router = APIRouter(tags=["staff"])


def grid_problems(
    session: Session, site_id: int, body: ShiftRulesBody, intervals: list[int], prefix: str = ""
) -> list[Problem]:
    """Fields of ``body`` (prefixed by ``prefix``) that cannot fit a queue interval of
    ``intervals``; the site's contracts decide which activities are required at all."""
    rows = session.exec(select(Contract).where(col(Contract.site_id) == site_id)).all()
    contracts = [rp.Contract(r.code, tuple(r.shift_paid_minutes), 0, 0, 0) for r in rows]
    problems: dict[str, Problem] = {}
    own_sets = body.break_rule_sets is not None
    rules = core_rules(body)
    for grid in sorted(set(intervals)):
        for c in grid_conflicts(grid, rules, contracts):
            if c.field.startswith("rules."):
                field = prefix + api_field(c.field, own_sets)
                message = f"queue interval {grid} min: {c.message}"
                problems.setdefault(field, Problem(None, field, c.code, message))
    return list(problems.values())


def site_intervals(session: Session, site_id: int) -> list[int]:
    rows = session.exec(select(Queue.interval_min).where(col(Queue.site_id) == site_id)).all()
    return [int(v) for v in rows]


@router.get("/v1/sites/{site_id}/shift-rules", operation_id="getShiftRules")
def get_shift_rules(site_id: int, session: ReadSession) -> ShiftRulesRead:
    """The site's rules; the defaults (S-1 style) until they are set."""
    site = get_or_404(session, Site, site_id, "site")
    row = session.get(ShiftRules, site_id)
    updated = row.updated_at if row is not None else site.created_at
    return ShiftRulesRead(site_id=site_id, updated_at=updated, **rules_body(row).model_dump())


@router.put("/v1/sites/{site_id}/shift-rules", operation_id="replaceShiftRules")
def replace_shift_rules(
    site_id: int, body: ShiftRulesBody, session: WriteSession
) -> ShiftRulesRead:
    get_or_404(session, Site, site_id, "site")
    problems = rule_set_problems(body) or grid_problems(
        session, site_id, body, site_intervals(session, site_id)
    )
    if problems:
        raise InvalidInput(problems)
    rules, objective = split_rules(body)
    row = session.get(ShiftRules, site_id) or ShiftRules(site_id=site_id)
    row.rules, row.objective, row.updated_at = rules, objective, utcnow()
    session.add(row)
    commit(session)
    return ShiftRulesRead(site_id=site_id, updated_at=row.updated_at, **body.model_dump())
