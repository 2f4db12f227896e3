"""Actuals imports (interval statistics, attendance) and the service report."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from api.schemas.imports import ImportProblem

_COUNT = Field(ge=0, allow_inf_nan=False)


class ActualIntervalIn(BaseModel):
    """One interval of actual service (JSON import); ``interval_start`` without an offset is
    local time in the site's zone."""

    interval_start: str = Field(max_length=40)
    offered: float = Field(ge=0, allow_inf_nan=False, description="calls (or items) arrived")
    answered: float | None = Field(
        default=None, ge=0, allow_inf_nan=False, description="required but for deferred queues"
    )
    abandoned: float | None = Field(
        default=None, ge=0, allow_inf_nan=False, description="required but for deferred queues"
    )
    answered_within: float | None = Field(
        default=None, ge=0, allow_inf_nan=False,
        description="answered within the goal's threshold (required but for deferred queues)",
    )  # fmt: skip
    abandoned_short: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    aht_s: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    asa_s: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    agents_staffed: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    resolved: float | None = Field(
        default=None, ge=0, allow_inf_nan=False,
        description="items finished in the interval (required for deferred queues)",
    )  # fmt: skip
    resolved_within_deadline: float | None = Field(
        default=None, ge=0, allow_inf_nan=False,
        description="of those, finished within the queue's deadline (<= resolved)",
    )  # fmt: skip
    backlog: float | None = Field(
        default=None, ge=0, allow_inf_nan=False, description="items open at the interval's end"
    )


class ActualIntervalsUpload(BaseModel):
    rows: list[ActualIntervalIn] = Field(max_length=200_000)


class AttendanceIn(BaseModel):
    """An agent logged in and available over ``[start, end)``."""

    agent: str = Field(min_length=1, max_length=200)
    start: str = Field(max_length=40)
    end: str = Field(max_length=40)


class AttendanceUpload(BaseModel):
    rows: list[AttendanceIn] = Field(max_length=200_000)


class ActualImportReport(BaseModel):
    """Result of an actuals import; with ``dry_run`` nothing was stored."""

    id: int | None = None
    queue_id: int
    kind: Literal["intervals", "attendance"]
    dry_run: bool
    file_sha256: str
    filename: str | None = None
    rows: int
    valid: bool
    problems: list[ImportProblem] = Field(default_factory=list)
    truncated: bool = False
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    first_instant: datetime | None = None
    last_instant: datetime | None = None
    already_imported: bool = False
    created_at: datetime | None = None


class ServicePeriod(BaseModel):
    """One day, week or month: actual vs goal vs planned, and the attribution of the gap."""

    period: str = Field(description="local first day of the period (ISO date)")
    offered: float = Field(description="calls of the live queues")
    answered: float
    abandoned: float
    service_level: float | None = Field(description="null without live queues (deferred only)")
    asa_s: float | None
    abandon_rate: float | None
    aht_s: float | None
    goal_sl: float | None
    met: bool | None = Field(
        description="live queues: SL goal (and ASA, abandonment ceilings) met (null in a "
        "period without calls; the deferred queues' verdict is resolution_met); deferred "
        "queues only: the resolution verdict (null: no target)"
    )
    sl_trend: float | None
    items: float | None = Field(default=None, description="deferred queues: items arrived")
    resolved: float | None = Field(default=None, description="deferred queues: items finished")
    resolved_within_deadline: float | None = Field(
        default=None, description="of those, finished within their queue's deadline"
    )
    resolution_share: float | None = Field(
        default=None, description="resolved_within_deadline / resolved (null: none resolved)"
    )
    resolution_target: float | None = Field(
        default=None,
        description="the queues' targets weighted by items resolved (null: a queue without one)",
    )
    resolution_met: bool | None = Field(
        default=None, description="share >= target (null: not judged)"
    )
    resolution_trend: float | None = Field(
        default=None, description="change of the share from the previous period"
    )
    backlog: float | None = Field(
        default=None, description="items open at the period's end (its last interval giving it)"
    )
    forecast_calls: float | None = None
    planned_sl: float | None = None
    forecast_wape: float | None = Field(
        default=None, description="sum |forecast - offered| / sum offered over planned intervals"
    )
    forecast_bias: float | None = Field(
        default=None, description="(sum forecast - sum offered) / sum offered (> 0: over)"
    )
    forecast_coverage: float | None = Field(
        default=None,
        description="share of planned intervals whose offered calls fell inside the "
        "prediction interval of the forecast the roster was built on",
    )
    forecast_pi_level: float | None = Field(
        default=None, description="that interval's nominal coverage (e.g. 0.8)"
    )
    forecast_lead_days: float | None = Field(
        default=None, description="mean days from the forecast's making to the interval"
    )
    attendance_known: int | None = None
    attribution: dict[str, float] | None = Field(
        default=None,
        description="baseline_sl, modelled_sl, measured_sl, volume, handle_time, staffing, "
        "attendance, model_gap, total (SL fractions; parts + model_gap = total)",
    )


class MissedInterval(BaseModel):
    queue_id: int
    interval_start: datetime
    measured_sl: float
    attribution: dict[str, float]


class ServiceReportRead(BaseModel):
    queue_id: int = Field(description="the first queue reported on")
    queue_ids: list[int]
    queue: str = Field(description="the queues' names")
    client_id: int | None = Field(default=None, description="the client reported to")
    client: str | None = Field(default=None, description="the client's name")
    zone: str
    grain: Literal["day", "week", "month"]
    start: datetime
    end: datetime
    sl_basis: str
    resolution_basis: str | None = Field(
        default=None,
        description="deferred queues: how the resolution share is counted (null: none)",
    )
    model: str
    goal: dict[str, float | None]
    periods: list[ServicePeriod]
    missed_intervals: list[MissedInterval]


class IntradayIntervals(BaseModel):
    interval_start: list[str]
    day_ahead_calls: list[float]
    actual_calls: list[float | None]
    calls: list[float] = Field(description="actual so far, then the reforecast")
    required: list[int] = Field(description="agents to schedule for the goal with these calls")
    rostered: list[float]
    predicted_sl: list[float] = Field(description="with the rostered agents (net of shrinkage)")


class IntradayProposal(BaseModel):
    """A checked change of the published roster (every hard rule kept) and its effect."""

    kind: Literal["overtime", "early_release", "move_activity", "cross_queue"]
    agent: str
    description: str
    paid_min: int = Field(description="paid minutes added (negative: saved)")
    answered_within_gain: float = Field(
        description="expected calls answered within the threshold gained over the rest of the day"
    )
    rest_sl: float = Field(description="rest-of-day SL with the change")


class IntradayRead(BaseModel):
    """Today: actuals so far, the reforecast of the rest, requirement, staffing, predicted SL."""

    queue_id: int
    day: str
    observed_intervals: int
    ratio_so_far: float
    rest_of_day_sl: float
    goal_sl: float
    shapes: int = Field(description="day shapes used by the update (1: the damped ratio)")
    level_penalty: float = Field(
        default=1.0,
        description="the update's level penalty, tuned on the queue's own past days (the same "
        "weekday of earlier weeks replayed at this cut-off); 1 (weight 1/2) without 5 such days",
    )
    tuned_on_days: int = Field(default=0, description="past days replayed to tune it")
    intervals: IntradayIntervals
    proposals: list[IntradayProposal] = Field(
        description="best 4 of each kind: overtime by calls gained per paid hour, moves of "
        "cross-trained agents from the site's other queues (cross_queue; the gain is net of the "
        "other queue's loss) and break/lunch moves by calls gained, early release by calls lost "
        "per paid hour saved"
    )


class AgentAdherence(BaseModel):
    agent: str
    scheduled_min: float = Field(description="minutes scheduled on the phone (shift minus breaks)")
    actual_min: float = Field(description="minutes logged in and available (attendance import)")
    adherent_min: float = Field(description="minutes available while scheduled to be")
    adherence: float | None = Field(description="adherent / scheduled (null: not scheduled)")
    conformance: float | None = Field(description="actual / scheduled (null: not scheduled)")


class AdherenceTotals(BaseModel):
    scheduled_min: float
    actual_min: float
    adherent_min: float
    adherence: float | None
    conformance: float | None


class AdherenceRead(BaseModel):
    """Scheduled vs actual attendance of a queue's agents on a local day."""

    queue_id: int
    day: str
    roster_id: int | None = Field(description="the roster job whose shifts are the schedule")
    site_roster_id: int | None = Field(
        default=None,
        description="without a roster job of the queue: the site roster whose week is the "
        "schedule (the site's published week where it speaks for the queue's agents)",
    )
    version: int = Field(description="its version agents were given (newest published, else 1)")
    overlaid: dict[str, int] = Field(
        default_factory=dict,
        description="agents whose week comes from a later publication of the site's week (e.g. "
        "a site roster published over this roster) -> that publication's id",
    )
    agents: list[AgentAdherence]
    totals: AdherenceTotals
