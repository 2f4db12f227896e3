"""Capacity plans: contracts, cohorts, attrition, hiring policy, costs, classes."""

from __future__ import annotations

from datetime import date, datetime
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
    """From tenure week ``from_tenure_week`` on: a ``weekly_rate`` or a ``monthly_rate``
    (converted exactly: ``1 - (1 - monthly) ** (12 / 52)``)."""

    from_tenure_week: int = Field(ge=0)
    weekly_rate: float | None = None
    monthly_rate: float | None = Field(default=None, ge=0.0, lt=1.0)

    @model_validator(mode="after")
    def _one_rate(self) -> AttritionBandBody:
        if (self.weekly_rate is None) == (self.monthly_rate is None):
            raise ValueError("give either weekly_rate or monthly_rate")
        return self


class AttritionBody(Strict):
    """Either ``bands`` of weekly or monthly rates by tenure, an ``annual_rate`` (optionally
    higher in the first ``early_weeks`` of tenure) or a flat ``monthly_rate``."""

    bands: list[AttritionBandBody] | None = None
    annual_rate: float | None = None
    early_annual_rate: float | None = None
    early_weeks: int = Field(default=0, ge=0)
    monthly_rate: float | None = Field(default=None, ge=0.0, lt=1.0)

    @model_validator(mode="after")
    def _one_form(self) -> AttritionBody:
        given = [x is not None for x in (self.bands, self.annual_rate, self.monthly_rate)]
        if sum(given) != 1:
            raise ValueError("give either bands, annual_rate or monthly_rate")
        return self


class HiringPolicyBody(Strict):
    lead_time_weeks: int = Field(default=0, ge=0)
    training_weeks: int = Field(default=0, ge=0)
    ramp: list[float] = Field(default_factory=list)
    class_size_min: int = 1
    class_size_max: int = 20
    class_start_weeks: list[int] | None = None
    freeze_weeks: list[int] = Field(default_factory=list)
    max_hires: int | None = Field(default=None, ge=0)


class CapacityCostsBody(Strict):
    """Cost of a productive hour short of / above the need, or of an FTE-week short / over
    (``*_per_fte_week``: divided by one FTE's productive hours, ``fte_hours x (1 - mean
    shrinkage)``); give one of each pair."""

    under_per_hour: float | None = Field(default=None, ge=0.0)
    over_per_hour: float | None = Field(default=None, ge=0.0)
    under_per_fte_week: float | None = Field(default=None, ge=0.0)
    over_per_fte_week: float | None = Field(default=None, ge=0.0)

    @model_validator(mode="after")
    def _one_of_each(self) -> CapacityCostsBody:
        for side in ("under", "over"):
            hour, week = getattr(self, f"{side}_per_hour"), getattr(self, f"{side}_per_fte_week")
            if (hour is None) == (week is None):
                raise ValueError(f"give either {side}_per_hour or {side}_per_fte_week")
        return self


class HireClassBody(Strict):
    week: int = Field(ge=0)
    contract: Code
    size: int = Field(ge=0)


class CapacityPlanCreate(Strict):
    """A capacity plan: ``projection`` of given ``classes`` or ``optimise`` (choose classes).

    The weekly need comes from ``need_hours`` (productive hours per week), from a stored
    requirement (``requirement_id``: its productive agent-hours per local week of the site,
    starting on its ``week_start_day``) or from a queue (``queue_id``: a long-range forecast of
    its history over ``horizon_weeks`` weeks, spread with its interval profile and staffed to
    its goal; ``need_basis`` ``p80`` plans for the 80th percentile of the need;
    ``closed_days`` and ``event_days`` are the known calendar; ``shrinkage`` defaults to the
    queue's). A plan from a queue also says why it stays short and weighs its risk.
    """

    name: Name
    mode: Literal["projection", "optimise"] = "optimise"
    need_hours: list[float] | None = Field(default=None, min_length=1, max_length=156)
    requirement_id: int | None = None
    queue_id: int | None = None
    horizon_weeks: int = Field(default=26, ge=1, le=104)
    need_basis: Literal["p50", "p80"] = "p50"
    closed_days: list[date] = Field(default_factory=list, max_length=1000)
    event_days: list[date] = Field(default_factory=list, max_length=1000)
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
        sources = (self.need_hours, self.requirement_id, self.queue_id)
        if sum(x is not None for x in sources) != 1:
            raise ValueError("give either need_hours, requirement_id or queue_id")
        if self.queue_id is not None and self.mode == "projection":
            raise ValueError("a plan from a queue is optimised: use mode=optimise")
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
    need: dict[str, list[Any]] | None = None
    monthly: dict[str, list[Any]] | None = None
    forecast: dict[str, Any] | None = None
    shortfall: dict[str, Any] | None = None
    reasons: list[dict[str, Any]] | None = None
    risk: dict[str, Any] | None = None


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
