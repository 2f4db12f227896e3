"""Hiring and attrition scenarios."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    Field,
)

from api.schemas.common import Code, Page, PlanDate, Strict, TimeWindow


class VacancyBody(Strict):
    """Positions on one of the site's contracts.

    ``count``: hires to add (kind ``hire``); ``max_hires``: open positions (kind
    ``minimum_hires``; for ``hire`` it defaults to ``count + 1`` so the value of one more hire is
    reported). ``availability``: a daily window (e.g. 07:00-22:00) on ``days`` (weekdays,
    0 = Monday .. 6 = Sunday, whatever day the site's week starts on; default every day),
    clipped to the opening hours; default the opening hours.
    """

    contract: Code
    count: int | None = Field(default=None, ge=0, le=1000)
    max_hires: int | None = Field(default=None, ge=0, le=1000)
    hiring_cost: float = Field(default=0.0, ge=0.0)
    availability: TimeWindow | None = None
    days: list[Annotated[int, Field(ge=0, le=6)]] | None = None
    label: Code | None = Field(default=None, description="group name (default: the contract)")


class HeadcountTargetBody(Strict):
    """Coverage target of ``minimum_hires``: predicted Erlang C service level at least
    ``service_level`` in every interval with calls, and/or under-coverage of the requirement at
    most ``max_under_agent_hours`` over the week."""

    service_level: float | None = Field(default=None, gt=0.0, lt=1.0, examples=[0.8])
    max_under_agent_hours: float | None = Field(default=None, ge=0.0)


class LeaversBody(Strict):
    """Who leaves (kind ``attrition``), exactly one of: ``agent_ids`` (agent codes); ``share``
    of every contract's agents (one fraction, or one per contract code) drawn with ``seed``;
    ``tenure_weeks`` per agent code (every agent of the week) with ``below_weeks``."""

    agent_ids: list[Code] | None = Field(default=None, min_length=1)
    share: float | dict[str, float] | None = None
    seed: int = Field(default=0, ge=0)
    tenure_weeks: dict[str, int] | None = None
    below_weeks: int | None = Field(default=None, ge=0)


class HiringScenarioCreate(Strict):
    """A hiring or attrition what-if on the roster week of a requirement (a job).

    ``hire``: roster the week with ``vacancies[].count`` hires and compare with the base roster;
    ``minimum_hires``: fewest hires (or cheapest, ``minimize="cost"``) among the ``vacancies``
    (``max_hires`` each) meeting ``target``, with the solver's bound and gap;
    ``attrition``: remove the agents named by ``remove`` and re-roster. ``time_limit_s`` bounds
    each solve (base roster, hiring model, scenario roster, one per marginal hire).
    """

    requirement_id: int
    week_start: PlanDate = Field(
        description="local first day of the week to roster (on the site's week_start_day)"
    )
    kind: Literal["hire", "minimum_hires", "attrition"]
    name: str = Field(default="", max_length=200)
    vacancies: list[VacancyBody] = Field(default_factory=list, max_length=20)
    target: HeadcountTargetBody | None = None
    minimize: Literal["count", "cost"] = "count"
    remove: LeaversBody | None = None
    marginal: bool = Field(default=True, description="value of one more hire per vacancy")
    time_limit_s: float | None = Field(default=None, gt=0.0, le=3600.0)
    seed: int = Field(default=0, ge=0)
    workers: int | None = Field(default=None, ge=1, le=16)


class HireCountRead(BaseModel):
    vacancy: str
    contract: str
    hires: int
    max_hires: int
    hiring_cost: float


class DayChangeRead(BaseModel):
    """One local day of the scenario roster against the base roster (agent-hours, SL as a
    fraction); ``lost_covered_agent_hours`` > 0 is worse, < 0 a gain."""

    day: int
    date: date
    required_agent_hours: float
    base_under_agent_hours: float
    scenario_under_agent_hours: float
    lost_covered_agent_hours: float
    base_service_level: float | None
    scenario_service_level: float | None
    service_level_loss: float | None


class MarginalHireRead(BaseModel):
    """One more hire in ``vacancy`` over the scenario's hires (aggregate model)."""

    vacancy: str
    contract: str
    cost_saved: float
    under_agent_hours_saved: float
    service_level_gain: float | None
    proven: bool


class HiringScenarioSummary(BaseModel):
    id: int
    job_id: int | None
    name: str
    kind: str
    site_id: int
    requirement_id: int
    week_start: date
    report: dict[str, Any] | None
    hires_by_contract: dict[str, int]
    total_hires: int
    removed: list[str]
    base_roster_id: int | None
    roster_id: int | None
    created_at: datetime


class HiringScenarioRead(HiringScenarioSummary):
    """``report``: the hiring model (``status``, ``objective``, ``best_bound``, ``gap``,
    ``seconds``, ``lp_bound``; ``GIVEN`` for ``hire``; null for ``attrition``); ``rosters``: the
    solver reports of the base and scenario rosters (``/v1/rosters/{id}``)."""

    inputs: dict[str, Any]
    hires: list[HireCountRead]
    hiring_cost: float
    removed_by_contract: dict[str, int]
    days: list[DayChangeRead]
    kept_days: list[DayChangeRead] | None
    base_service_level: float | None
    scenario_service_level: float | None
    lost_covered_agent_hours: float | None
    under_agent_hours_saved_per_hire: float | None
    service_level_gain_per_hire: float | None
    marginal: list[MarginalHireRead]
    rosters: dict[str, dict[str, Any]]


class HiringScenarioList(Page):
    items: list[HiringScenarioSummary]
