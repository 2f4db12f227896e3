"""Forecasts, requirements and simulated KPIs."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import (
    BaseModel,
    Field,
)

from api.schemas.common import Page, PlanDate, Strict
from api.schemas.queues import ServiceGoal, StaffingKind


class ForecastIntervals(BaseModel):
    interval_start: list[datetime]
    calls: list[float]
    calls_lo: list[float]
    calls_hi: list[float]
    aht_s: list[float]


class ForecastWarningRead(BaseModel):
    """``code``: ``horizon_far_after_history`` (the forecast starts more than 8 weeks after
    the last history day) or ``history_gap`` (4 weeks or more without history rows)."""

    code: str
    message: str


class ForecastSummary(BaseModel):
    id: int
    queue_id: int
    job_id: int | None
    method: str
    start: datetime
    weeks: int
    accuracy: dict[str, Any] | None
    warnings: list[ForecastWarningRead] = Field(default_factory=list)
    created_at: datetime


class ForecastRead(ForecastSummary):
    intervals: ForecastIntervals


class ForecastList(Page):
    items: list[ForecastSummary]


class RequirementCreate(Strict):
    """Required agents per interval of a stored forecast; overrides default to the queue's."""

    forecast_id: int
    goal: ServiceGoal | None = None
    model: StaffingKind | None = None
    patience_s: float | None = Field(default=None, gt=0.0, le=86_400.0)
    shrinkage: float | None = Field(default=None, ge=0.0, lt=1.0)
    aht_source: Literal["forecast", "queue"] = "forecast"


class RequirementIntervals(BaseModel):
    interval_start: list[datetime]
    calls: list[float]
    aht_s: list[float]
    agents_fractional: list[float]
    agents: list[int]
    scheduled_fractional: list[float]
    scheduled: list[int]
    service_level: list[float]
    asa_s: list[float | None]
    abandon_rate: list[float]
    occupancy: list[float]


class RequirementSummary(BaseModel):
    id: int
    queue_id: int
    forecast_id: int
    goal: dict[str, Any]
    summary: dict[str, Any]
    created_at: datetime


class RequirementRead(RequirementSummary):
    intervals: RequirementIntervals


class RequirementList(Page):
    items: list[RequirementSummary]


class ForecastCreate(Strict):
    """Forecast ``weeks`` local weeks from ``week_start`` (the site's ``week_start_day``, 422
    otherwise; default: the week after the history). ``method="auto"`` picks the method by
    rolling-origin backtest."""

    week_start: PlanDate | None = None
    weeks: int = Field(default=1, ge=1, le=8)
    method: Literal["auto", "profile_volume", "svd_scores", "seasonal_naive",
                    "mean_last_4_weekdays"] = "auto"  # fmt: skip
    coverage: float = Field(default=0.8, gt=0.0, lt=1.0)


class SimulatedKpisRead(BaseModel):
    """Simulated KPIs: ``overall`` estimates (mean, ci_low, ci_high, replications) and a
    per-interval table (``interval_start``, ``agents``, ``calls``, each KPI with its CI)."""

    config: dict[str, Any]
    overall: dict[str, Any]
    intervals: dict[str, list[Any]]
