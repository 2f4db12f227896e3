"""Access tokens and the audit log (api.auth, api.audit)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    Field,
)

from api.schemas.common import Page, Strict

Role = Literal["admin", "planner", "hr", "viewer"]


class TokenCreate(Strict):
    role: Role
    sites: list[Annotated[int, Field(ge=1)]] | None = Field(
        default=None,
        min_length=1,
        max_length=1000,
        description="site ids the token may see (existing sites; none for admin); null = all",
    )
    name: str = Field(default="", max_length=200)
    expires_days: int | None = Field(default=None, ge=1, le=3650)


class TokenRead(BaseModel):
    id: int
    name: str
    role: Role
    sites: list[int] | None
    hint: str = Field(description="the token's first characters")
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None = Field(
        default=None, description="when a request last authenticated with it (to the minute)"
    )
    active: bool


class TokenCreated(TokenRead):
    token: str = Field(description="the bearer token: shown once, only its hash is stored")


class TokenList(Page):
    items: list[TokenRead]


class AuditEventRead(BaseModel):
    id: int
    at: datetime
    token_id: int | None
    token_name: str
    role: str
    method: str
    path: str
    route: str
    status: int
    resource: str
    site_id: int | None
    before_id: int | None
    after_id: int | None


class AuditEventList(Page):
    items: list[AuditEventRead]
