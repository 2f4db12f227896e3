"""Capacity plans: contracts, cohorts, attrition, hiring policy, costs, classes."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import (
    BaseModel,
    Field,
    model_validator,
)

from api.schemas.common import Code, Name, Page, Strict


class CapacityContract(Strict):
    name: Code
    weekly_hours: float = Field(gt=0.0, le=80.0)
    hire_cost: float = Field(default=0.0, ge=0.0)
    cost_per_paid_hour: float = Field(default=0.0, ge=0.0)
    hireable: bool = True


class CapacityCohort(Strict):
    contract: Code
    tenure_weeks: int = Field(ge=0, le=10_000)
    headcount: float = Field(ge=0.0)


class AttritionBandBody(Strict):
    from_tenure_week: int = Field(ge=0)
    weekly_rate: float


class AttritionBody(Strict):
    """Either ``bands`` of weekly rates by tenure, or an ``annual_rate`` (optionally higher in
    the first ``early_weeks`` of tenure)."""

    bands: list[AttritionBandBody] | None = None
    annual_rate: float | None = None
    early_annual_rate: float | None = None
    early_weeks: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _one_form(self) -> AttritionBody:
        if (self.bands is None) == (self.annual_rate is None):
            raise ValueError("give either bands or annual_rate")
        return self


class HiringPolicyBody(Strict):
    lead_time_weeks: int = Field(default=0, ge=0)
    training_weeks: int = Field(default=0, ge=0)
    ramp: list[float] = Field(default_factory=list)
    class_size_min: int = 1
    class_size_max: int = 20
    class_start_weeks: list[int] | None = None
    freeze_weeks: list[int] = Field(default_factory=list)


class CapacityCostsBody(Strict):
    under_per_hour: float = Field(ge=0.0)
    over_per_hour: float = Field(ge=0.0)


class HireClassBody(Strict):
    week: int = Field(ge=0)
    contract: Code
    size: int = Field(ge=0)


class CapacityPlanCreate(Strict):
    """A capacity plan: ``projection`` of given ``classes`` or ``optimise`` (choose classes).

    The weekly need comes from ``need_hours`` (productive hours per week) or from a stored
    requirement (``requirement_id``: its productive agent-hours per local week of the site,
    starting on its ``week_start_day``).
    """

    name: Name
    mode: Literal["projection", "optimise"] = "optimise"
    need_hours: list[float] | None = Field(default=None, min_length=1, max_length=156)
    requirement_id: int | None = None
    week_labels: list[str] | None = None
    contracts: list[CapacityContract] = Field(min_length=1)
    cohorts: list[CapacityCohort] = Field(default_factory=list)
    attrition: AttritionBody
    hiring: HiringPolicyBody = Field(default_factory=HiringPolicyBody)
    costs: CapacityCostsBody
    shrinkage: float | list[float] = 0.0
    fte_hours: float = Field(default=40.0, gt=0.0)
    classes: list[HireClassBody] = Field(default_factory=list)
    time_limit_s: float = Field(default=10.0, gt=0.0, le=600.0)

    @model_validator(mode="after")
    def _need(self) -> CapacityPlanCreate:
        if (self.need_hours is None) == (self.requirement_id is None):
            raise ValueError("give either need_hours or requirement_id")
        if self.mode == "optimise" and self.classes:
            raise ValueError("classes are chosen by the optimiser; use mode=projection")
        return self


class CapacityPlanRead(BaseModel):
    id: int
    job_id: int | None
    name: str
    mode: str
    report: dict[str, Any] | None
    classes: list[dict[str, Any]]
    cost: dict[str, float]
    weekly: dict[str, list[Any]]
    hires: dict[str, list[Any]]
    cohorts: dict[str, list[Any]]
    created_at: datetime


class CapacityPlanSummary(BaseModel):
    id: int
    job_id: int | None
    name: str
    mode: str
    report: dict[str, Any] | None
    created_at: datetime


class CapacityPlanList(Page):
    items: list[CapacityPlanSummary]


class HrView(BaseModel):
    """What HR needs: classes with recruiting start dates, hires, leavers, head count, FTE gap."""

    plan_id: int
    classes: dict[str, list[Any]]
    weeks: dict[str, list[Any]]
