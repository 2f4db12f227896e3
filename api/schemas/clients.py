"""Clients: who the centre reports to, their service targets and the queues they own."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from api.schemas.common import Name, Page, Patch, Strict

QUEUES_DOC = (
    "the client's queues (each owned by one client at most; one zone and week, answered-within "
    "threshold equal to the client's)"
)


class ClientTargets(Strict):
    """Service targets agreed with the client: ``service_level`` of calls answered within
    ``answer_within_s``, optional ceilings on ASA and abandonment."""

    service_level: float = Field(gt=0.0, le=1.0, examples=[0.8])
    answer_within_s: float = Field(ge=0.0, le=3600.0, examples=[20])
    max_asa_s: float | None = Field(default=None, gt=0.0, le=3600.0)
    max_abandon_rate: float | None = Field(default=None, gt=0.0, lt=1.0)


class ClientCreate(Strict):
    name: Name
    targets: ClientTargets
    queue_ids: list[int] = Field(default_factory=list, max_length=20, description=QUEUES_DOC)


class ClientUpdate(Patch):
    name: Name | None = None
    targets: ClientTargets | None = None
    queue_ids: list[int] | None = Field(default=None, max_length=20, description=QUEUES_DOC)


class ClientRead(Strict):
    id: int
    name: str
    targets: ClientTargets
    queue_ids: list[int]
    created_at: datetime


class ClientList(Page):
    items: list[ClientRead]
