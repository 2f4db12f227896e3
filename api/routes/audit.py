"""The audit log (admin only): every change, newest first (see api.audit)."""

from __future__ import annotations

from fastapi import APIRouter
from sqlmodel import col, select

from api.deps import Limit, Offset, ReadSession, page
from api.schemas import AuditEventList, AuditEventRead
from api.tables import AuditEvent

router = APIRouter(tags=["access"])


@router.get("/v1/audit-events", operation_id="listAuditEvents")
def list_audit_events(
    session: ReadSession,
    token_id: int | None = None,
    site_id: int | None = None,
    resource: str | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> AuditEventList:
    """Unsafe requests of callers with a valid token: who, when, what, status, ids."""
    given = [(col(AuditEvent.token_id), token_id), (col(AuditEvent.site_id), site_id),
             (col(AuditEvent.resource), resource)]  # fmt: skip
    total, rows = page(session, select(AuditEvent), col(AuditEvent.id).desc(), limit, offset, given)
    items = [AuditEventRead.model_validate(r, from_attributes=True) for r in rows]
    return AuditEventList(total=total, limit=limit, offset=offset, items=items)
