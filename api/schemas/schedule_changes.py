"""Locks and re-optimisation of a roster, shift swaps between agents and time-off requests
(docs/schedule.md). Days are days of the roster's week (0 = its ``week_start``); minutes are
local minutes after midnight, as in a roster's shifts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, model_validator

from api.schemas.common import Code, Strict

Day = Annotated[int, Field(ge=0, le=6)]
Number = Annotated[int, Field(ge=1, le=2**31 - 1)]


class LockCreate(Strict):
    """Lock an agent's week (``agent``), a day of every agent (``day``) or one agent-day
    (both): a re-optimisation keeps what the version has there (a shift, or no shift)."""

    agent: Code | None = None
    day: Day | None = None

    @model_validator(mode="after")
    def _something(self) -> LockCreate:
        if self.agent is None and self.day is None:
            raise ValueError("name an agent, a day or both")
        return self


class LockRead(BaseModel):
    id: int
    roster_id: int
    agent: str | None
    day: int | None
    author: str
    created_at: datetime


class LockList(BaseModel):
    roster_id: int
    items: list[LockRead]


class ReoptimiseCreate(Strict):
    """Re-optimise version ``version`` (the current one) around the roster's locks."""

    version: Number
    time_limit_s: float = Field(default=30.0, ge=1.0, le=3600.0)
    workers: int | None = Field(default=None, ge=1, le=64)
    seed: int = Field(default=0, ge=0, le=2**31 - 1)


class SwapCreate(Strict):
    """Exchange shifts: ``agent``'s shift on ``day`` goes to ``other`` and ``other``'s shift on
    ``other_day`` (default ``day``) goes to ``agent``; either may be no shift (a shift given
    away). Refused (409 ``swap-invalid``) unless both agents' weeks stay valid."""

    version: Number
    agent: Code
    day: Day
    other: Code
    other_day: Day | None = None

    @model_validator(mode="after")
    def _two_agents(self) -> SwapCreate:
        if self.agent == self.other:
            raise ValueError("a swap needs two different agents")
        return self


class TimeOffRequestCreate(Strict):
    """Whole days ``first_day`` .. ``last_day`` (default ``first_day``), or on one day the
    hours ``start_minute`` .. ``end_minute`` (local)."""

    first_day: date
    last_day: date | None = None
    start_minute: int | None = Field(default=None, ge=0, le=1440)
    end_minute: int | None = Field(default=None, ge=0, le=1440)
    reason: str = Field(default="", max_length=300)

    @model_validator(mode="after")
    def _span(self) -> TimeOffRequestCreate:
        last = self.last_day or self.first_day
        if last < self.first_day:
            raise ValueError("last_day is before first_day")
        if (last - self.first_day).days > 31:
            raise ValueError("at most 32 days in one request")
        hours = (self.start_minute, self.end_minute)
        if (hours[0] is None) != (hours[1] is None):
            raise ValueError("give both start_minute and end_minute, or neither")
        if hours[0] is not None and hours[1] is not None:
            if last != self.first_day:
                raise ValueError("an absence of some hours is on one day")
            if hours[1] <= hours[0]:
                raise ValueError("end_minute is not after start_minute")
        return self


class TimeOffRequestRead(BaseModel):
    id: int
    agent_id: int
    first_day: date
    last_day: date
    start_minute: int | None
    end_minute: int | None
    reason: str
    status: Literal["requested", "approved", "refused"]
    author: str
    decided_by: str | None
    decided_at: datetime | None
    created_at: datetime


class TimeOffRequestList(BaseModel):
    items: list[TimeOffRequestRead]


class TimeOffDecision(Strict):
    status: Literal["approved", "refused"]


class CoverCreate(Strict):
    """Re-optimise version ``version`` of roster ``roster_id`` around the request's absence:
    the absent agent's week and the other agents' shifts on the absent days are solved again,
    every other shift is locked."""

    roster_id: Number
    version: Number
    time_limit_s: float = Field(default=30.0, ge=1.0, le=3600.0)
    seed: int = Field(default=0, ge=0, le=2**31 - 1)


class TimeOffImpact(BaseModel):
    """The request's predicted effect on a roster version's week: its shifts on the absent
    days removed (``lost_shifts``), KPIs before and after and the staffed agent-intervals per
    day before and after."""

    request_id: int
    roster_id: int
    version: int
    agent: str
    days: list[int]
    lost_shifts: list[dict[str, Any]]
    kpis_before: dict[str, Any]
    kpis_after: dict[str, Any]
    staffed_by_day_before: list[int]
    staffed_by_day_after: list[int]
    under_difference: int
    cost_difference: float
    service_level_before: float | None
    service_level_after: float | None
    valid_after: bool
    violations_after: list[dict[str, Any]]
