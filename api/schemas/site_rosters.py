"""Site roster jobs and site rosters: several queues of a site in one roster, agents with skills."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field, WithJsonSchema, model_validator

from api.schemas.common import Page, PlanDate, Strict

# JSON object keys are strings: the schema states that they are queue ids (digits) and that no
# other key is taken; the body's keys arrive as ints.
RequirementIds = Annotated[
    dict[int, Annotated[int, Field(ge=1)]],
    WithJsonSchema(
        {
            "type": "object",
            "patternProperties": {"^[1-9][0-9]{0,17}$": {"type": "integer", "minimum": 1}},
            "additionalProperties": False,
        }
    ),
]


class CrossTraining(Strict):
    """A what-if: give queue ``queue_id`` to the agents named in ``agent_codes``, or to the
    first ``agents`` agents (by code) of the roster who do not serve it yet."""

    queue_id: int
    agents: int | None = Field(default=None, ge=1, le=10_000)
    agent_codes: list[str] | None = Field(default=None, min_length=1, max_length=10_000)

    @model_validator(mode="after")
    def _one_way(self) -> CrossTraining:
        if (self.agents is None) == (self.agent_codes is None):
            raise ValueError("give either agents (a count) or agent_codes")
        return self


class SiteRosterJobCreate(Strict):
    """Roster the queues of a site together for the local week ``week_start``.

    Voice and chat queues need a requirement for the week (``requirement_ids[queue_id]``, else
    the queue's newest requirement covering the week); e-mail queues are deferred work: their
    newest forecast covering the week gives the arrivals, ``aht_s`` the work per item and the
    queue's ``deadline_minutes`` the deadline. ``cross_training`` makes the job a what-if: the
    site is solved as it is and with the extra skills, and the gain is reported."""

    site_id: int
    week_start: PlanDate = Field(
        description="local first day of the week to roster (on the site's week_start_day)"
    )
    queue_ids: list[int] | None = Field(
        default=None, min_length=1, max_length=64, description="default: every queue of the site"
    )
    requirement_ids: RequirementIds = Field(
        default_factory=dict, description="queue id -> requirement id (default: the newest)"
    )
    cross_training: list[CrossTraining] = Field(default_factory=list, max_length=64)
    time_limit_s: float | None = Field(default=None, gt=0.0, le=3600.0)
    seed: int = Field(default=0, ge=0)
    workers: int | None = Field(default=None, ge=1, le=16)


class SiteRosterSummary(BaseModel):
    id: int
    job_id: int | None
    site_id: int
    week_start: date
    queues: list[dict[str, Any]] = Field(
        description="{id, name, channel, weight, interval_min, deadline_minutes, work_minutes}"
    )
    requirement_ids: dict[str, Any]
    report: dict[str, Any] = Field(
        description="status, objective (exact cost), bound, gap, seconds, violations, ..."
    )
    what_if: dict[str, Any] | None = Field(
        default=None, description="cross-training: base and what-if cost, gain"
    )
    created_at: datetime


class SiteAgentSchedule(BaseModel):
    agent: str
    skills: list[str] = Field(description="queue ids the agent may serve")
    paid_minutes: int
    shifts: list[dict[str, Any]] = Field(
        description="agent, day, start, end, activities, allocation: [{queue, start, end, share}]"
    )


class SiteRosterRead(SiteRosterSummary):
    skills: dict[str, Any]
    cost: dict[str, Any] = Field(
        description="cost, components, within_deadline_share, coverage and requirement per "
        "queue ([day][interval]), backlog curve per deferred queue"
    )
    schedule: list[SiteAgentSchedule]
    explanations: list[dict[str, Any]]


class SiteRosterList(Page):
    items: list[SiteRosterSummary]
