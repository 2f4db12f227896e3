"""Access tokens (admin only): create (the secret is shown once), list, read, revoke."""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from sqlmodel import col, select

from api.auth import TokenRequestError, forget_tokens, is_active, issue_token
from api.crud import created
from api.deps import Limit, Offset, ReadSession, WriteSession, commit, get_or_404, page
from api.errors import invalid
from api.schemas import TokenCreate, TokenCreated, TokenList, TokenRead
from api.tables import AccessToken, utcnow

router = APIRouter(prefix="/v1/tokens", tags=["access"])


def token_read(row: AccessToken) -> TokenRead:
    assert row.id is not None
    return TokenRead(
        id=row.id, name=row.name, role=row.role, sites=row.sites, hint=row.hint,  # type: ignore[arg-type]
        created_at=row.created_at, expires_at=row.expires_at, revoked_at=row.revoked_at,
        last_used_at=row.last_used_at, active=is_active(row),
    )  # fmt: skip


@router.post("", status_code=status.HTTP_201_CREATED, operation_id="createToken")
def create_token(body: TokenCreate, session: WriteSession, response: Response) -> TokenCreated:
    """A new token; ``token`` is the secret, shown in this answer only (only its hash is kept)."""
    try:
        row, secret = issue_token(session, body.role, body.sites, body.name, body.expires_days)
    except TokenRequestError as exc:
        raise invalid(exc.field, "invalid_token_request", str(exc)) from exc
    created(session, row, response, "/v1/tokens")  # issue_token added the row
    return TokenCreated(**token_read(row).model_dump(), token=secret)


@router.get("", operation_id="listTokens")
def list_tokens(
    session: ReadSession, active: bool | None = None, limit: Limit = 100, offset: Offset = 0
) -> TokenList:
    """Tokens, oldest first; ``active`` true: usable now (not revoked, not expired)."""
    expires = col(AccessToken.expires_at)
    usable = col(AccessToken.revoked_at).is_(None) & (expires.is_(None) | (expires > utcnow()))
    query = select(AccessToken)
    if active is not None:
        query = query.where(usable if active else ~usable)
    total, rows = page(session, query, col(AccessToken.id), limit, offset)
    return TokenList(total=total, limit=limit, offset=offset, items=[token_read(r) for r in rows])


@router.get("/{token_id}", operation_id="getToken")
def get_token(token_id: int, session: ReadSession) -> TokenRead:
    return token_read(get_or_404(session, AccessToken, token_id, "token"))


@router.delete("/{token_id}", status_code=status.HTTP_204_NO_CONTENT, operation_id="revokeToken")
def revoke_token(token_id: int, session: WriteSession) -> Response:
    """Revoke a token: it answers 401 from now on (the row stays, for the audit log)."""
    row = get_or_404(session, AccessToken, token_id, "token")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.add(row)
        commit(session)
    forget_tokens()  # a remembered token stops working now
    return Response(status_code=status.HTTP_204_NO_CONTENT)
