"""Shift rules of a site: start granularity, rest, consecutive days, breaks, lunch, weights.

Rules that cannot fit the interval grid of one of the site's queues (a 15-min break on a
30-min queue, a lunch window without a start on the grid, starts off the grid) are a 422
naming the fields (:func:`optimizer.roster.diagnose.grid_conflicts`).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlmodel import Session, col, select

from api.deps import ReadSession, WriteSession, commit, get_or_404
from api.schemas import BreakRule, ShiftRulesBody, ShiftRulesRead
from api.tables import Contract, Queue, ShiftRules, Site, utcnow
from forecasting.errors import InvalidInput, Problem
from optimizer.roster import problem as rp
from optimizer.roster.diagnose import grid_conflicts

router = APIRouter(tags=["staff"])
OBJECTIVE_FIELDS = (
    "under_per_agent_interval",
    "over_per_agent_interval",
    "paid_per_agent_interval",
)


def split_rules(body: ShiftRulesBody) -> tuple[dict[str, Any], dict[str, Any]]:
    rules = body.model_dump()
    objective = {name: rules.pop(name) for name in OBJECTIVE_FIELDS}
    return rules, objective


def rules_body(row: ShiftRules | None) -> ShiftRulesBody:
    if row is None:
        return ShiftRulesBody()
    return ShiftRulesBody.model_validate({**row.rules, **row.objective})


def _activity(rule: BreakRule | None) -> rp.ActivityRule:
    if rule is None:  # no such activity: never required
        return rp.ActivityRule(15, True, 10**6, 0, 1440, 0)
    return rp.ActivityRule(
        rule.duration_minutes, rule.paid, rule.required_if_paid_minutes_at_least,
        rule.earliest_start_after_shift_start_minutes,
        rule.latest_start_after_shift_start_minutes, rule.min_minutes_before_shift_end,
    )  # fmt: skip


def core_rules(body: ShiftRulesBody) -> rp.Rules:
    """The shift rules as the core's :class:`~optimizer.roster.problem.Rules`."""
    return rp.Rules(
        body.shift_start_granularity_minutes, body.min_rest_between_shifts_minutes,
        body.max_consecutive_working_days, body.min_days_off_per_week,
        body.min_work_between_activities_minutes, _activity(body.break_rule),
        _activity(body.lunch_rule),
    )  # fmt: skip


def api_field(field: str) -> str:
    """A :func:`grid_conflicts` field as the shift rules name it (``rules.break.x`` ->
    ``break_rule.x``); contract fields stay as they are."""
    name = field.removeprefix("rules.")
    for kind in ("break", "lunch"):
        if name.startswith(f"{kind}."):
            name = f"{kind}_rule." + name.removeprefix(f"{kind}.")
    return name


def grid_problems(
    session: Session, site_id: int, body: ShiftRulesBody, intervals: list[int], prefix: str = ""
) -> list[Problem]:
    """Fields of ``body`` (prefixed by ``prefix``) that cannot fit a queue interval of
    ``intervals``; the site's contracts decide which activities are required at all."""
    rows = session.exec(select(Contract).where(col(Contract.site_id) == site_id)).all()
    contracts = [rp.Contract(r.code, tuple(r.shift_paid_minutes), 0, 0, 0) for r in rows]
    problems: dict[str, Problem] = {}
    for grid in sorted(set(intervals)):
        for c in grid_conflicts(grid, core_rules(body), contracts):
            if c.field.startswith("rules."):
                field = prefix + api_field(c.field)
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
    problems = grid_problems(session, site_id, body, site_intervals(session, site_id))
    if problems:
        raise InvalidInput(problems)
    rules, objective = split_rules(body)
    row = session.get(ShiftRules, site_id) or ShiftRules(site_id=site_id)
    row.rules, row.objective, row.updated_at = rules, objective, utcnow()
    session.add(row)
    commit(session)
    return ShiftRulesRead(site_id=site_id, updated_at=row.updated_at, **body.model_dump())
