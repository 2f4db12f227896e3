"""Queues and their service goal."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import (
    Field,
)

from api.schemas.common import Name, Page, Patch, Strict


class ServiceGoal(Strict):
    """Service target: ``service_level`` of calls answered within ``answer_within_s``."""

    service_level: float = Field(gt=0.0, le=1.0, examples=[0.8])
    answer_within_s: float = Field(ge=0.0, le=3600.0, examples=[20])
    max_asa_s: float | None = Field(default=None, gt=0.0, le=3600.0)
    max_abandon_rate: float | None = Field(default=None, gt=0.0, lt=1.0)
    max_occupancy: float | None = Field(default=None, gt=0.0, le=1.0, examples=[0.88])


Channel = Literal["voice", "chat", "email", "callback"]
StaffingKind = Literal["erlang_c", "erlang_a"]


RESOLUTION_TARGET = Field(
    default=None, ge=0.0, le=1.0, examples=[0.8],
    description="deferred queues (channel email): desired share of items resolved within "
    "their deadline (service report); absent: the report shows the actual share and judges "
    "no met/missed",
)  # fmt: skip


class QueueBase(Strict):
    name: Name
    channel: Channel = "voice"
    interval_min: Literal[15, 30, 60] = 15
    aht_s: float = Field(gt=0.0, le=86_400.0, description="planned average handle time")
    patience_s: float | None = Field(default=None, gt=0.0, le=86_400.0)
    model: StaffingKind = "erlang_c"
    goal: ServiceGoal
    shrinkage: float = Field(default=0.0, ge=0.0, lt=1.0)
    weight: float = Field(
        default=1.0, gt=0.0, le=100.0,
        description="site rosters: cost of one uncovered agent-interval (or 15 late "
        "work-minutes) of this queue, relative to the others",
    )  # fmt: skip
    deadline_minutes: int | None = Field(
        default=None, gt=0, le=20_160,
        description="deferred queues (channel email): an item must be finished within this "
        "many of the site's open minutes (site rosters); aht_s is its work",
    )  # fmt: skip
    resolution_target: float | None = RESOLUTION_TARGET


class QueueCreate(QueueBase):
    pass


class QueueUpdate(Patch):
    NULLABLE = frozenset({"patience_s", "resolution_target"})

    name: Name | None = None
    aht_s: float | None = Field(default=None, gt=0.0, le=86_400.0)
    patience_s: float | None = Field(
        default=None, gt=0.0, le=86_400.0, description="null removes it (Erlang C queues)"
    )
    model: StaffingKind | None = None
    goal: ServiceGoal | None = None
    shrinkage: float | None = Field(default=None, ge=0.0, lt=1.0)
    weight: float | None = Field(default=None, gt=0.0, le=100.0)
    deadline_minutes: int | None = Field(default=None, gt=0, le=20_160)
    resolution_target: float | None = Field(
        default=None, ge=0.0, le=1.0, description="null removes it"
    )


class QueueRead(QueueBase):
    id: int
    site_id: int
    created_at: datetime


class QueueList(Page):
    items: list[QueueRead]
