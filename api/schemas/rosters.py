"""Roster jobs and rosters."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import (
    BaseModel,
    Field,
)

from api.schemas.common import Page, PlanDate, Strict


class RosterJobCreate(Strict):
    """Solve the weekly roster of a requirement's queue for the local week ``week_start``."""

    requirement_id: int
    week_start: PlanDate = Field(
        description="local first day of the week to roster (on the site's week_start_day)"
    )
    time_limit_s: float | None = Field(default=None, gt=0.0, le=3600.0)
    seed: int = Field(default=0, ge=0)
    workers: int | None = Field(default=None, ge=1, le=16)
    objective: Literal["deviation", "service_level"] = "deviation"


class AgentSchedule(BaseModel):
    agent: str
    contract: str | None
    paid_minutes: int
    days_worked: int
    shifts: list[dict[str, Any]]


class RosterSummary(BaseModel):
    id: int
    job_id: int | None
    site_id: int
    requirement_id: int
    week_start: date
    source: str = Field(
        default="roster_job", description="roster_job, or hiring_scenario (base / scenario roster)"
    )
    report: dict[str, Any]
    kpis: dict[str, Any]
    created_at: datetime


class RosterRead(RosterSummary):
    """Coverage per interval (``interval_start`` UTC, local ``day``/``minute``, ``required``,
    ``staffed``, ``unmet``, ``calls``, ``aht_s``), per-agent schedule, KPIs, solver report."""

    coverage: dict[str, list[Any]]
    schedule: list[AgentSchedule]
    explanations: list[dict[str, Any]]


class RosterList(Page):
    items: list[RosterSummary]
