"""What-if scenarios and comparisons."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    Field,
)

from api.schemas.common import Code, Name, Page, PlanDate, Strict
from api.schemas.queues import ServiceGoal, StaffingKind


class WindowBody(Strict):
    start_date: PlanDate | None = None
    end_date: PlanDate | None = None
    weekdays: list[Annotated[int, Field(ge=0, le=6)]] | None = None
    from_time: str | None = Field(default=None, pattern=r"^\d\d:\d\d$")
    to_time: str | None = Field(default=None, pattern=r"^\d\d:\d\d$")


class VolumeChangeBody(Strict):
    multiplier: float = Field(ge=0.0, le=100.0, examples=[1.15])
    window: WindowBody = Field(default_factory=WindowBody)


class AhtChangeBody(Strict):
    delta_s: float = 0.0
    change_pct: float = Field(default=0.0, ge=-99.0, le=1000.0)
    window: WindowBody = Field(default_factory=WindowBody)


class WorkforceContractBody(Strict):
    name: Code
    headcount: float = Field(ge=0.0)
    weekly_hours: float = Field(gt=0.0, le=80.0)
    cost_per_hour: float = Field(default=0.0, ge=0.0)


class StaffingModelBody(Strict):
    kind: StaffingKind = "erlang_c"
    patience_s: float | None = Field(default=None, gt=0.0)


class ScenarioChanges(Strict):
    """Changes to the base plan; anything left out keeps the base value."""

    volume: list[VolumeChangeBody] = Field(default_factory=list)
    aht: list[AhtChangeBody] = Field(default_factory=list)
    goal: ServiceGoal | None = None
    model: StaffingModelBody | None = None
    shrinkage: float | None = Field(default=None, ge=0.0, lt=1.0)
    absenteeism: float | None = Field(default=None, ge=0.0, lt=1.0)
    max_occupancy: float | None = Field(default=None, gt=0.0, le=1.0)
    workforce: list[WorkforceContractBody] | None = None
    cost_per_paid_hour: float | None = Field(default=None, ge=0.0)
    deadline_minutes: int | None = Field(
        default=None, gt=0, le=1_000_000,
        description="e-mail queues only: the deadline in open minutes (goal.service_level is "
        "the share to finish within it)",
    )  # fmt: skip


class ScenarioCreate(Strict):
    name: Name
    changes: ScenarioChanges = Field(default_factory=ScenarioChanges)


class ScenarioRead(BaseModel):
    id: int
    queue_id: int
    name: str
    version: int
    changes: dict[str, Any]
    created_at: datetime


class ScenarioList(Page):
    items: list[ScenarioRead]


class PlanSettingsBody(Strict):
    """Base-plan settings of a comparison (goal and model default to the queue's)."""

    absenteeism: float = Field(default=0.0, ge=0.0, lt=1.0)
    workforce: list[WorkforceContractBody] = Field(default_factory=list)
    cost_per_paid_hour: float = Field(default=0.0, ge=0.0)
    fte_hours: float = Field(default=40.0, gt=0.0)


class ComparisonCreate(Strict):
    """Run scenarios against the base plan built from a stored forecast; one table out."""

    forecast_id: int
    scenario_ids: list[int] = Field(min_length=1, max_length=100)
    settings: PlanSettingsBody = Field(default_factory=PlanSettingsBody)


class ComparisonRead(BaseModel):
    """``table``: one row per scenario (base first) with KPIs and ``<kpi>_vs_base``;
    ``results``: per scenario daily and weekly frames and provenance."""

    id: int
    job_id: int | None
    forecast_id: int
    scenario_ids: list[int]
    table: dict[str, list[Any]]
    results: list[dict[str, Any]]
    created_at: datetime
