"""Database tables (SQLModel). Every schema change goes with an Alembic revision.

Instants are stored as naive UTC and read back as tz-aware UTC (``UTCDateTime``); structured,
immutable results (forecast intervals, roster shifts, solver reports) are JSON columns in a
columnar shape (``{"interval_start": [...], "calls": [...]}``) so one row is one resource.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from api.table_columns import (
    ImportCounts,
    created_field,
    fk_field,
    instant_key,
    json_field,
    queue_key,
    ts_field,
)
from api.table_columns import UTCDateTime as UTCDateTime
from api.table_columns import utcnow as utcnow
from api.tables_actuals import ActualImport, ActualInterval, AttendanceSpan, Client, ClientQueue
from api.tables_schedule import (
    AgentScheduleLink,
    RosterLock,
    RosterVersion,
    SchedulePublication,
    TimeOffRequest,
)


class Site(SQLModel, table=True):
    __tablename__ = "site"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    zone: str = Field(max_length=64)
    opening_hours: list[Any] = json_field()  # 7 entries Mon..Sun: [open_min, close_min] or null
    week_start_day: int = Field(  # first day of the site's week: 0 = Monday .. 6 = Sunday
        default=0, sa_column=Column(Integer, nullable=False, server_default="0")
    )
    created_at: datetime = created_field()


class Queue(SQLModel, table=True):
    __tablename__ = "queue"
    __table_args__ = (UniqueConstraint("site_id", "name", name="uq_queue_site_name"),)
    id: int | None = Field(default=None, primary_key=True)
    site_id: int = fk_field("site.id")
    name: str = Field(max_length=200)
    channel: str = Field(max_length=16)
    interval_min: int
    aht_s: float
    patience_s: float | None = None
    model: str = Field(max_length=16)
    service_level: float
    answer_within_s: float
    max_asa_s: float | None = None
    max_abandon_rate: float | None = None
    max_occupancy: float | None = None
    shrinkage: float = 0.0
    # site rosters (migration 0009): under-coverage / lateness weight; deferred queues
    # (channel "email"): open minutes within which an item must be finished
    weight: float = Field(
        default=1.0, sa_column=Column(Float, nullable=False, server_default="1.0")
    )
    deadline_minutes: int | None = None
    # deferred queues: desired share of items resolved within the deadline (migration 0014)
    resolution_target: float | None = None
    created_at: datetime = created_field()


class HistoryImport(ImportCounts, table=True):
    __tablename__ = "history_import"
    __table_args__ = (UniqueConstraint("queue_id", "file_sha256", name="uq_import_queue_hash"),)
    id: int | None = Field(default=None, primary_key=True)
    queue_id: int = fk_field("queue.id")
    first_interval: datetime | None = ts_field(nullable=True)
    last_interval: datetime | None = ts_field(nullable=True)
    created_at: datetime = created_field()


class HistoryInterval(SQLModel, table=True):
    __tablename__ = "history_interval"
    queue_id: int = queue_key()
    interval_start: datetime = instant_key()
    offered: float
    handled: float | None = None
    abandoned: float | None = None
    aht_s: float | None = None
    import_id: int | None = fk_field("history_import.id", nullable=True, index=False)


class Contract(SQLModel, table=True):
    __tablename__ = "contract"
    __table_args__ = (UniqueConstraint("site_id", "code", name="uq_contract_site_code"),)
    id: int | None = Field(default=None, primary_key=True)
    site_id: int = fk_field("site.id")
    code: str = Field(max_length=40)
    label: str = Field(default="", max_length=200)
    shift_paid_minutes: list[int] = json_field()
    min_weekly_paid_minutes: int
    max_weekly_paid_minutes: int
    max_days: int
    hourly_cost: float = 0.0
    # paid minutes an approved day of leave counts toward the week (0: leave is not counted;
    # migration 0012)
    leave_paid_minutes: int = Field(
        default=0, sa_column=Column(Integer, nullable=False, server_default="0")
    )
    created_at: datetime = created_field()


class Agent(SQLModel, table=True):
    __tablename__ = "agent"
    __table_args__ = (UniqueConstraint("site_id", "code", name="uq_agent_site_code"),)
    id: int | None = Field(default=None, primary_key=True)
    site_id: int = fk_field("site.id")
    code: str = Field(max_length=40)
    name: str = Field(default="", max_length=200)
    contract_id: int = Field(
        sa_column=Column(Integer, ForeignKey("contract.id"), nullable=False, index=True)
    )
    availability: list[Any] = (
        json_field()
    )  # 7 entries: [earliest_start_min, latest_end_min] or null
    queue_ids: list[int] = json_field()
    consecutive_days_worked: int = 0
    last_shift_end_minute: int | None = None
    active: bool = True
    # soft wishes: {"days_off": [...], "day_off_weight": w, "preferred_start": [lo_min, hi_min]
    # or null, "start_weight": w}; null = none
    preferences: dict[str, Any] | None = json_field(nullable=True)
    created_at: datetime = created_field()


class ShiftRules(SQLModel, table=True):
    __tablename__ = "shift_rules"
    site_id: int = Field(
        sa_column=Column(Integer, ForeignKey("site.id", ondelete="CASCADE"), primary_key=True)
    )
    rules: dict[str, Any] = json_field()
    objective: dict[str, Any] = json_field()
    updated_at: datetime = created_field()


class TimeOff(SQLModel, table=True):
    __tablename__ = "time_off"
    __table_args__ = (UniqueConstraint("agent_id", "day", name="uq_time_off_agent_day"),)
    id: int | None = Field(default=None, primary_key=True)
    agent_id: int = fk_field("agent.id")
    day: date
    kind: str = Field(default="leave", max_length=20)
    note: str = Field(default="", max_length=300)
    # an absence of some hours of the day (local minutes; null: the whole day) and the
    # time-off request it was approved from (migration 0012)
    start_minute: int | None = None
    end_minute: int | None = None
    request_id: int | None = None  # no FK: the absence outlives its request
    created_at: datetime = created_field()


class Job(SQLModel, table=True):
    __tablename__ = "job"
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32, index=True)
    status: str = Field(max_length=16, index=True)
    progress: float = 0.0
    message: str = Field(default="", max_length=500)
    objective: float | None = None
    best_bound: float | None = None
    gap: float | None = None
    seconds: float | None = None
    cancel_requested: bool = False
    idempotency_key: str | None = Field(default=None, max_length=200, unique=True)
    request_sha256: str = Field(max_length=64)
    params: dict[str, Any] = json_field()
    problems: list[Any] | None = json_field(nullable=True)
    error: str | None = Field(default=None, max_length=2000)
    result_kind: str | None = Field(default=None, max_length=32)
    result_id: int | None = None
    created_at: datetime = created_field()
    started_at: datetime | None = ts_field(nullable=True)
    finished_at: datetime | None = ts_field(nullable=True)
    updated_at: datetime | None = ts_field(nullable=True)
    # lease (api.jobs): the service instance running the job, its attempt number, the last
    # heartbeat and when the lease lapses; only the holder (owner + attempt) writes the job.
    owner: str | None = Field(default=None, max_length=100)
    attempt: int = 0
    heartbeat_at: datetime | None = ts_field(nullable=True)
    lease_expires_at: datetime | None = ts_field(nullable=True, index=True)
    worker_pid: int | None = None
    stop_requested: bool = False
    checkpoint: dict[str, Any] | None = json_field(nullable=True)


class Forecast(SQLModel, table=True):
    __tablename__ = "forecast"
    id: int | None = Field(default=None, primary_key=True)
    queue_id: int = fk_field("queue.id")
    job_id: int | None = fk_field("job.id", nullable=True)
    method: str = Field(max_length=40)
    start: datetime = ts_field()
    weeks: int
    accuracy: dict[str, Any] | None = json_field(nullable=True)
    intervals: dict[str, list[Any]] = json_field()
    warnings: list[Any] | None = json_field(nullable=True)  # [{code, message}]; NULL = none
    created_at: datetime = created_field()


class Requirement(SQLModel, table=True):
    __tablename__ = "requirement"
    id: int | None = Field(default=None, primary_key=True)
    queue_id: int = fk_field("queue.id")
    forecast_id: int = fk_field("forecast.id")
    goal: dict[str, Any] = json_field()
    summary: dict[str, Any] = json_field()
    intervals: dict[str, list[Any]] = json_field()
    created_at: datetime = created_field()


class Roster(SQLModel, table=True):
    __tablename__ = "roster"
    id: int | None = Field(default=None, primary_key=True)
    job_id: int | None = fk_field("job.id", nullable=True)
    site_id: int = fk_field("site.id")
    requirement_id: int = fk_field("requirement.id")
    week_start: date
    report: dict[str, Any] = json_field()
    kpis: dict[str, Any] = json_field()
    coverage: dict[str, list[Any]] = json_field()
    shifts: list[Any] = json_field()
    explanations: list[Any] = json_field()
    simulated: dict[str, Any] | None = json_field(nullable=True)
    # "roster_job" (a plan) or "hiring_scenario" (base / what-if roster of a hiring scenario)
    source: str = Field(
        default="roster_job",
        sa_column=Column(String(32), nullable=False, server_default="roster_job", index=True),
    )
    created_at: datetime = created_field()


class SiteRosterRow(SQLModel, table=True):
    """A site roster (several queues, agents with skills; migration 0009): the queues and
    requirements it covers, the agents' skills, shifts with their allocation, the exact cost
    (coverage per queue, backlog curve, within-deadline share) and the solve report."""

    __tablename__ = "site_roster"
    id: int | None = Field(default=None, primary_key=True)
    job_id: int | None = fk_field("job.id", nullable=True)
    site_id: int = fk_field("site.id")
    week_start: date
    queues: list[Any] = json_field()
    requirement_ids: dict[str, Any] = json_field()
    skills: dict[str, Any] = json_field()
    report: dict[str, Any] = json_field()
    cost: dict[str, Any] = json_field()
    shifts: list[Any] = json_field()
    explanations: list[Any] = json_field()
    what_if: dict[str, Any] | None = json_field(nullable=True)
    created_at: datetime = created_field()


class Scenario(SQLModel, table=True):
    __tablename__ = "scenario"
    __table_args__ = (UniqueConstraint("queue_id", "name", "version", name="uq_scenario_version"),)
    id: int | None = Field(default=None, primary_key=True)
    queue_id: int = fk_field("queue.id")
    name: str = Field(max_length=200)
    version: int = 1
    changes: dict[str, Any] = json_field()
    created_at: datetime = created_field()


class Comparison(SQLModel, table=True):
    __tablename__ = "comparison"
    id: int | None = Field(default=None, primary_key=True)
    job_id: int | None = fk_field("job.id", nullable=True)
    forecast_id: int = fk_field("forecast.id")
    scenario_ids: list[int] = json_field()
    result: dict[str, Any] = json_field()
    created_at: datetime = created_field()


class CapacityPlan(SQLModel, table=True):
    __tablename__ = "capacity_plan"
    id: int | None = Field(default=None, primary_key=True)
    job_id: int | None = fk_field("job.id", nullable=True)
    name: str = Field(max_length=200)
    mode: str = Field(max_length=16)
    inputs: dict[str, Any] = json_field()
    report: dict[str, Any] | None = json_field(nullable=True)
    result: dict[str, Any] = json_field()
    created_at: datetime = created_field()


def _roster_ref() -> Any:
    column = Column(Integer, ForeignKey("roster.id", ondelete="SET NULL"), nullable=True)
    return Field(default=None, sa_column=column)


class HiringScenario(SQLModel, table=True):
    """A hiring / attrition what-if on a roster week: inputs, hiring report and per-day
    comparison (``result``); the base and scenario rosters are ``roster`` rows."""

    __tablename__ = "hiring_scenario"
    id: int | None = Field(default=None, primary_key=True)
    job_id: int | None = fk_field("job.id", nullable=True)
    site_id: int = fk_field("site.id")
    requirement_id: int = fk_field("requirement.id")
    week_start: date
    kind: str = Field(max_length=16)
    name: str = Field(default="", max_length=200)
    inputs: dict[str, Any] = json_field()
    report: dict[str, Any] | None = json_field(nullable=True)
    result: dict[str, Any] = json_field()
    base_roster_id: int | None = _roster_ref()
    roster_id: int | None = _roster_ref()
    created_at: datetime = created_field()


class AccessToken(SQLModel, table=True):
    """A bearer token (api.auth): only its SHA-256 is stored; ``sites`` NULL = every site."""

    __tablename__ = "access_token"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(default="", max_length=200)
    role: str = Field(max_length=16)
    sites: list[int] | None = json_field(nullable=True)
    token_sha256: str = Field(max_length=64, unique=True)
    hint: str = Field(default="", max_length=16)  # the first characters, to tell tokens apart
    created_at: datetime = created_field()
    expires_at: datetime | None = ts_field(nullable=True)
    revoked_at: datetime | None = ts_field(nullable=True)
    # when a request last authenticated with it (migration 0016; to within api.auth.USED_EVERY_S)
    last_used_at: datetime | None = ts_field(nullable=True)


class AuditEvent(SQLModel, table=True):
    """One unsafe request of an authenticated caller (api.audit): who, when, what, outcome."""

    __tablename__ = "audit_event"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, index=True)
    )
    token_id: int | None = Field(default=None, index=True)  # no FK: events outlive tokens
    token_name: str = Field(default="", max_length=200)
    role: str = Field(default="", max_length=16)
    method: str = Field(max_length=8)
    path: str = Field(max_length=500)
    route: str = Field(default="", max_length=200)
    status: int
    resource: str = Field(default="", max_length=40)
    site_id: int | None = Field(default=None, index=True)
    before_id: int | None = None
    after_id: int | None = None


# The newer tables live in api.tables_actuals and api.tables_schedule (each module under 500
# lines); importing them above registers them on the metadata, and this keeps
# ``from api.tables import X`` the one way to reach every table.
__all__ = [
    "ActualImport",
    "ActualInterval",
    "AgentScheduleLink",
    "AttendanceSpan",
    "Client",
    "ClientQueue",
    "RosterLock",
    "RosterVersion",
    "SchedulePublication",
    "TimeOffRequest",
    "UTCDateTime",
    "utcnow",
]
