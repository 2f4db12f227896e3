"""Capacity plans: hiring plans over up to 156 weeks (projection or optimisation), HR view."""

from __future__ import annotations

from typing import Any

import pandas as pd
from fastapi import APIRouter, Response
from sqlmodel import col, select

from api.auth import Visible
from api.convert.capacity import hire_classes, plan_input
from api.deps import Limit, Offset, ReadSession, get_or_404, page
from api.routes.jobs import StartJob
from api.schemas import (
    CapacityPlanCreate,
    CapacityPlanList,
    CapacityPlanRead,
    CapacityPlanSummary,
    HrView,
    JobRead,
)
from api.tables import CapacityPlan, Queue, Requirement
from scenarios import capacity_model as cm
from scenarios.capacity_hr import hiring_calendar_csv

router = APIRouter(tags=["capacity plans"])
HR_WEEK_COLUMNS = (
    "week", "label", "hires", "recruiting_starts", "expected_leavers", "headcount",
    "headcount_training", "headcount_nesting", "headcount_productive", "need_fte",
    "productive_fte", "fte_gap",
)  # fmt: skip


@router.post("/v1/capacity-plans", status_code=202, operation_id="createCapacityPlan")
def create_capacity_plan(
    body: CapacityPlanCreate, session: ReadSession, start: StartJob
) -> JobRead:
    """Start a capacity-plan job (202 + ``Location`` of the job)."""
    if body.requirement_id is not None:
        get_or_404(session, Requirement, body.requirement_id, "requirement")
    if body.queue_id is not None:
        get_or_404(session, Queue, body.queue_id, "queue")
    inp = plan_input(session, body)  # nonsensical input is a 422 now, not a failed job
    cm.validate_plan_input(inp)
    if body.mode == "projection":
        cm.validate_hire_plan(inp, hire_classes(body))
    params = body.model_dump(mode="json")
    return start.submit(session, "capacity_plan", params)


def _summary(row: CapacityPlan) -> CapacityPlanSummary:
    assert row.id is not None
    return CapacityPlanSummary(
        id=row.id, job_id=row.job_id, name=row.name, mode=row.mode, report=row.report,
        created_at=row.created_at,
    )  # fmt: skip


@router.get("/v1/capacity-plans/{plan_id}", operation_id="getCapacityPlan")
def get_capacity_plan(plan_id: int, session: ReadSession) -> CapacityPlanRead:
    row = get_or_404(session, CapacityPlan, plan_id, "capacity plan")
    result: dict[str, Any] = row.result
    return CapacityPlanRead(**_summary(row).model_dump(), **result)


@router.get("/v1/capacity-plans/{plan_id}/hr", operation_id="getCapacityPlanHrView")
def get_hr_view(plan_id: int, session: ReadSession) -> HrView:
    row = get_or_404(session, CapacityPlan, plan_id, "capacity plan")
    weekly = row.result["weekly"]
    weeks = {name: weekly[name] for name in HR_WEEK_COLUMNS if name in weekly}
    return HrView(plan_id=plan_id, classes=row.result["hires"], weeks=weeks)


@router.get(
    "/v1/capacity-plans/{plan_id}/hr.csv",
    operation_id="getCapacityPlanHiringCalendar",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "the hiring calendar"}},
)
def get_hiring_calendar(plan_id: int, session: ReadSession) -> Response:
    """The hiring calendar as CSV: per class and contract the weeks (labels) its class starts,
    its recruiting must start, and its hires are first and fully productive."""
    row = get_or_404(session, CapacityPlan, plan_id, "capacity plan")
    hires = pd.DataFrame(row.result["hires"])
    labels = tuple(str(v) for v in row.result["weekly"].get("label", []))
    headers = {"Content-Disposition": f'attachment; filename="hiring-plan-{plan_id}.csv"'}
    return Response(hiring_calendar_csv(hires, labels), media_type="text/csv", headers=headers)


@router.get("/v1/capacity-plans", operation_id="listCapacityPlans")
def list_capacity_plans(
    session: ReadSession, visible: Visible, limit: Limit = 100, offset: Offset = 0
) -> CapacityPlanList:
    query = visible.restrict(session, select(CapacityPlan), CapacityPlan)  # site-bound: its sites
    total, rows = page(session, query, col(CapacityPlan.id), limit, offset)
    items = [_summary(r) for r in rows]
    return CapacityPlanList(total=total, limit=limit, offset=offset, items=items)
