"""Shift rules of a site: start granularity, rest, consecutive days, breaks, lunch, weights."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import ReadSession, WriteSession, commit, get_or_404
from api.schemas import ShiftRulesBody, ShiftRulesRead
from api.tables import ShiftRules, Site, utcnow

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
    rules, objective = split_rules(body)
    row = session.get(ShiftRules, site_id) or ShiftRules(site_id=site_id)
    row.rules, row.objective, row.updated_at = rules, objective, utcnow()
    session.add(row)
    commit(session)
    return ShiftRulesRead(site_id=site_id, updated_at=row.updated_at, **body.model_dump())
