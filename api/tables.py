"""Database tables (SQLModel). Every schema change goes with an Alembic revision.

Instants are stored as naive UTC and read back as tz-aware UTC (``UTCDateTime``); structured,
immutable results (forecast intervals, roster shifts, solver reports) are JSON columns in a
columnar shape (``{"interval_start": [...], "calls": [...]}``) so one row is one resource.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    TypeDecorator,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as naive UTC, always returned tz-aware (UTC)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; Staffwise stores tz-aware instants only")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _ts(nullable: bool = False, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


def _created() -> Any:
    return Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


def _json(nullable: bool = False) -> Any:
    return Field(default=None, sa_column=Column(JSON, nullable=nullable))


def _fk(target: str, *, nullable: bool = False, index: bool = True) -> Any:
    column = Column(Integer, ForeignKey(target, ondelete="CASCADE"), nullable=nullable, index=index)
    return Field(default=None, sa_column=column)


class Site(SQLModel, table=True):
    __tablename__ = "site"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    zone: str = Field(max_length=64)
    opening_hours: list[Any] = _json()  # 7 entries Mon..Sun: [open_min, close_min] or null
    week_start_day: int = Field(  # first day of the site's week: 0 = Monday .. 6 = Sunday
        default=0, sa_column=Column(Integer, nullable=False, server_default="0")
    )
    created_at: datetime = _created()


class Queue(SQLModel, table=True):
    __tablename__ = "queue"
    __table_args__ = (UniqueConstraint("site_id", "name", name="uq_queue_site_name"),)
    id: int | None = Field(default=None, primary_key=True)
    site_id: int = _fk("site.id")
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
    created_at: datetime = _created()


class HistoryImport(SQLModel, table=True):
    __tablename__ = "history_import"
    __table_args__ = (UniqueConstraint("queue_id", "file_sha256", name="uq_import_queue_hash"),)
    id: int | None = Field(default=None, primary_key=True)
    queue_id: int = _fk("queue.id")
    file_sha256: str = Field(max_length=64)
    filename: str | None = Field(default=None, max_length=300)
    rows: int
    inserted: int
    updated: int
    unchanged: int
    first_interval: datetime | None = _ts(nullable=True)
    last_interval: datetime | None = _ts(nullable=True)
    created_at: datetime = _created()


class HistoryInterval(SQLModel, table=True):
    __tablename__ = "history_interval"
    queue_id: int = Field(
        sa_column=Column(Integer, ForeignKey("queue.id", ondelete="CASCADE"), primary_key=True)
    )
    interval_start: datetime = Field(sa_column=Column(UTCDateTime(), primary_key=True))
    offered: float
    handled: float | None = None
    abandoned: float | None = None
    aht_s: float | None = None
    import_id: int | None = _fk("history_import.id", nullable=True, index=False)


class Contract(SQLModel, table=True):
    __tablename__ = "contract"
    __table_args__ = (UniqueConstraint("site_id", "code", name="uq_contract_site_code"),)
    id: int | None = Field(default=None, primary_key=True)
    site_id: int = _fk("site.id")
    code: str = Field(max_length=40)
    label: str = Field(default="", max_length=200)
    shift_paid_minutes: list[int] = _json()
    min_weekly_paid_minutes: int
    max_weekly_paid_minutes: int
    max_days: int
    hourly_cost: float = 0.0
    # paid minutes an approved day of leave counts toward the week (0: leave is not counted;
    # migration 0012)
    leave_paid_minutes: int = Field(
        default=0, sa_column=Column(Integer, nullable=False, server_default="0")
    )
    created_at: datetime = _created()


class Agent(SQLModel, table=True):
    __tablename__ = "agent"
    __table_args__ = (UniqueConstraint("site_id", "code", name="uq_agent_site_code"),)
    id: int | None = Field(default=None, primary_key=True)
    site_id: int = _fk("site.id")
    code: str = Field(max_length=40)
    name: str = Field(default="", max_length=200)
    contract_id: int = Field(
        sa_column=Column(Integer, ForeignKey("contract.id"), nullable=False, index=True)
    )
    availability: list[Any] = _json()  # 7 entries: [earliest_start_min, latest_end_min] or null
    queue_ids: list[int] = _json()
    consecutive_days_worked: int = 0
    last_shift_end_minute: int | None = None
    active: bool = True
    # soft wishes: {"days_off": [...], "day_off_weight": w, "preferred_start": [lo_min, hi_min]
    # or null, "start_weight": w}; null = none
    preferences: dict[str, Any] | None = _json(nullable=True)
    created_at: datetime = _created()


class ShiftRules(SQLModel, table=True):
    __tablename__ = "shift_rules"
    site_id: int = Field(
        sa_column=Column(Integer, ForeignKey("site.id", ondelete="CASCADE"), primary_key=True)
    )
    rules: dict[str, Any] = _json()
    objective: dict[str, Any] = _json()
    updated_at: datetime = _created()


class TimeOff(SQLModel, table=True):
    __tablename__ = "time_off"
    __table_args__ = (UniqueConstraint("agent_id", "day", name="uq_time_off_agent_day"),)
    id: int | None = Field(default=None, primary_key=True)
    agent_id: int = _fk("agent.id")
    day: date
    kind: str = Field(default="leave", max_length=20)
    note: str = Field(default="", max_length=300)
    # an absence of some hours of the day (local minutes; null: the whole day) and the
    # time-off request it was approved from (migration 0012)
    start_minute: int | None = None
    end_minute: int | None = None
    request_id: int | None = None  # no FK: the absence outlives its request
    created_at: datetime = _created()


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
    params: dict[str, Any] = _json()
    problems: list[Any] | None = _json(nullable=True)
    error: str | None = Field(default=None, max_length=2000)
    result_kind: str | None = Field(default=None, max_length=32)
    result_id: int | None = None
    created_at: datetime = _created()
    started_at: datetime | None = _ts(nullable=True)
    finished_at: datetime | None = _ts(nullable=True)
    updated_at: datetime | None = _ts(nullable=True)
    # lease (api.jobs): the service instance running the job, its attempt number, the last
    # heartbeat and when the lease lapses; only the holder (owner + attempt) writes the job.
    owner: str | None = Field(default=None, max_length=100)
    attempt: int = 0
    heartbeat_at: datetime | None = _ts(nullable=True)
    lease_expires_at: datetime | None = _ts(nullable=True, index=True)
    worker_pid: int | None = None
    stop_requested: bool = False
    checkpoint: dict[str, Any] | None = _json(nullable=True)


class Forecast(SQLModel, table=True):
    __tablename__ = "forecast"
    id: int | None = Field(default=None, primary_key=True)
    queue_id: int = _fk("queue.id")
    job_id: int | None = _fk("job.id", nullable=True)
    method: str = Field(max_length=40)
    start: datetime = _ts()
    weeks: int
    accuracy: dict[str, Any] | None = _json(nullable=True)
    intervals: dict[str, list[Any]] = _json()
    warnings: list[Any] | None = _json(nullable=True)  # [{code, message}]; NULL = none
    created_at: datetime = _created()


class Requirement(SQLModel, table=True):
    __tablename__ = "requirement"
    id: int | None = Field(default=None, primary_key=True)
    queue_id: int = _fk("queue.id")
    forecast_id: int = _fk("forecast.id")
    goal: dict[str, Any] = _json()
    summary: dict[str, Any] = _json()
    intervals: dict[str, list[Any]] = _json()
    created_at: datetime = _created()


class Roster(SQLModel, table=True):
    __tablename__ = "roster"
    id: int | None = Field(default=None, primary_key=True)
    job_id: int | None = _fk("job.id", nullable=True)
    site_id: int = _fk("site.id")
    requirement_id: int = _fk("requirement.id")
    week_start: date
    report: dict[str, Any] = _json()
    kpis: dict[str, Any] = _json()
    coverage: dict[str, list[Any]] = _json()
    shifts: list[Any] = _json()
    explanations: list[Any] = _json()
    simulated: dict[str, Any] | None = _json(nullable=True)
    # "roster_job" (a plan) or "hiring_scenario" (base / what-if roster of a hiring scenario)
    source: str = Field(
        default="roster_job",
        sa_column=Column(String(32), nullable=False, server_default="roster_job", index=True),
    )
    created_at: datetime = _created()


class SiteRosterRow(SQLModel, table=True):
    """A site roster (several queues, agents with skills; migration 0009): the queues and
    requirements it covers, the agents' skills, shifts with their allocation, the exact cost
    (coverage per queue, backlog curve, within-deadline share) and the solve report."""

    __tablename__ = "site_roster"
    id: int | None = Field(default=None, primary_key=True)
    job_id: int | None = _fk("job.id", nullable=True)
    site_id: int = _fk("site.id")
    week_start: date
    queues: list[Any] = _json()
    requirement_ids: dict[str, Any] = _json()
    skills: dict[str, Any] = _json()
    report: dict[str, Any] = _json()
    cost: dict[str, Any] = _json()
    shifts: list[Any] = _json()
    explanations: list[Any] = _json()
    what_if: dict[str, Any] | None = _json(nullable=True)
    created_at: datetime = _created()


class Scenario(SQLModel, table=True):
    __tablename__ = "scenario"
    __table_args__ = (UniqueConstraint("queue_id", "name", "version", name="uq_scenario_version"),)
    id: int | None = Field(default=None, primary_key=True)
    queue_id: int = _fk("queue.id")
    name: str = Field(max_length=200)
    version: int = 1
    changes: dict[str, Any] = _json()
    created_at: datetime = _created()


class Comparison(SQLModel, table=True):
    __tablename__ = "comparison"
    id: int | None = Field(default=None, primary_key=True)
    job_id: int | None = _fk("job.id", nullable=True)
    forecast_id: int = _fk("forecast.id")
    scenario_ids: list[int] = _json()
    result: dict[str, Any] = _json()
    created_at: datetime = _created()


class CapacityPlan(SQLModel, table=True):
    __tablename__ = "capacity_plan"
    id: int | None = Field(default=None, primary_key=True)
    job_id: int | None = _fk("job.id", nullable=True)
    name: str = Field(max_length=200)
    mode: str = Field(max_length=16)
    inputs: dict[str, Any] = _json()
    report: dict[str, Any] | None = _json(nullable=True)
    result: dict[str, Any] = _json()
    created_at: datetime = _created()


def _roster_ref() -> Any:
    column = Column(Integer, ForeignKey("roster.id", ondelete="SET NULL"), nullable=True)
    return Field(default=None, sa_column=column)


class HiringScenario(SQLModel, table=True):
    """A hiring / attrition what-if on a roster week: inputs, hiring report and per-day
    comparison (``result``); the base and scenario rosters are ``roster`` rows."""

    __tablename__ = "hiring_scenario"
    id: int | None = Field(default=None, primary_key=True)
    job_id: int | None = _fk("job.id", nullable=True)
    site_id: int = _fk("site.id")
    requirement_id: int = _fk("requirement.id")
    week_start: date
    kind: str = Field(max_length=16)
    name: str = Field(default="", max_length=200)
    inputs: dict[str, Any] = _json()
    report: dict[str, Any] | None = _json(nullable=True)
    result: dict[str, Any] = _json()
    base_roster_id: int | None = _roster_ref()
    roster_id: int | None = _roster_ref()
    created_at: datetime = _created()


class AccessToken(SQLModel, table=True):
    """A bearer token (api.auth): only its SHA-256 is stored; ``sites`` NULL = every site."""

    __tablename__ = "access_token"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(default="", max_length=200)
    role: str = Field(max_length=16)
    sites: list[int] | None = _json(nullable=True)
    token_sha256: str = Field(max_length=64, unique=True)
    hint: str = Field(default="", max_length=16)  # the first characters, to tell tokens apart
    created_at: datetime = _created()
    expires_at: datetime | None = _ts(nullable=True)
    revoked_at: datetime | None = _ts(nullable=True)


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


class ActualImport(SQLModel, table=True):
    """One import of actuals for a queue: ``kind`` "intervals" or "attendance" (migration 0007)."""

    __tablename__ = "actual_import"
    __table_args__ = (
        UniqueConstraint("queue_id", "kind", "file_sha256", name="uq_actual_import_hash"),
    )
    id: int | None = Field(default=None, primary_key=True)
    queue_id: int = _fk("queue.id")
    kind: str = Field(max_length=16)
    file_sha256: str = Field(max_length=64)
    filename: str | None = Field(default=None, max_length=300)
    rows: int
    inserted: int
    updated: int
    unchanged: int
    first_instant: datetime | None = _ts(nullable=True)
    last_instant: datetime | None = _ts(nullable=True)
    created_at: datetime = _created()


class ActualInterval(SQLModel, table=True):
    """Actual service of a queue's interval (actuals.types: the interval-actuals columns)."""

    __tablename__ = "actual_interval"
    queue_id: int = Field(
        sa_column=Column(Integer, ForeignKey("queue.id", ondelete="CASCADE"), primary_key=True)
    )
    interval_start: datetime = Field(sa_column=Column(UTCDateTime(), primary_key=True))
    offered: float
    answered: float
    abandoned: float
    abandoned_short: float
    answered_within: float
    aht_s: float | None = None
    asa_s: float | None = None
    agents_staffed: float | None = None
    import_id: int | None = _fk("actual_import.id", nullable=True, index=False)


class AttendanceSpan(SQLModel, table=True):
    """An agent logged in and available for a queue over ``[start, end)`` (natural key: queue,
    agent, start)."""

    __tablename__ = "attendance_span"
    queue_id: int = Field(
        sa_column=Column(Integer, ForeignKey("queue.id", ondelete="CASCADE"), primary_key=True)
    )
    agent: str = Field(sa_column=Column(String(200), primary_key=True))
    start: datetime = Field(sa_column=Column(UTCDateTime(), primary_key=True))
    end: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    import_id: int | None = _fk("actual_import.id", nullable=True, index=False)


class RosterVersion(SQLModel, table=True):
    """A saved hand edit (or undo) of a roster (migration 0010): version ``number`` (the solved
    roster itself is version 1, not stored here), who saved it, its shifts, the rule violations
    found by ``check_roster`` (empty: valid) and the recomputed KPIs and coverage."""

    __tablename__ = "roster_version"
    __table_args__ = (UniqueConstraint("roster_id", "number", name="uq_roster_version_number"),)
    id: int | None = Field(default=None, primary_key=True)
    roster_id: int = _fk("roster.id")
    number: int
    kind: str = Field(max_length=16)  # "edit" or "undo"
    edit: dict[str, Any] | None = _json(nullable=True)
    author_token_id: int | None = None  # no FK: versions outlive tokens
    author: str = Field(default="", max_length=200)
    shifts: list[Any] = _json()
    violations: list[Any] = _json()
    kpis: dict[str, Any] = _json()
    coverage: dict[str, list[Any]] = _json()
    created_at: datetime = _created()


class SchedulePublication(SQLModel, table=True):
    """A roster version published as its site's schedule for the week (migration 0010); the
    newest publication of a site and week is the schedule agents see. ``changes``: what moved
    since the previous publication of that week (null for the first)."""

    __tablename__ = "schedule_publication"
    id: int | None = Field(default=None, primary_key=True)
    roster_id: int = _fk("roster.id")
    site_id: int = _fk("site.id")
    week_start: date = Field(index=True)
    version: int
    author_token_id: int | None = None
    author: str = Field(default="", max_length=200)
    changes: list[Any] | None = _json(nullable=True)
    published_at: datetime = _created()


class RosterLock(SQLModel, table=True):
    """What a re-optimisation of a roster keeps (migration 0012): an agent's whole week
    (``day`` null), a day of every agent (``agent`` null) or one agent-day."""

    __tablename__ = "roster_lock"
    id: int | None = Field(default=None, primary_key=True)
    roster_id: int = _fk("roster.id")
    agent: str | None = Field(default=None, max_length=40)
    day: int | None = None
    author: str = Field(default="", max_length=200)
    created_at: datetime = _created()


class TimeOffRequest(SQLModel, table=True):
    """An agent's request for time off (migration 0012): whole days ``first_day`` ..
    ``last_day`` or, on one day, the hours ``start_minute`` .. ``end_minute`` (local); status
    ``requested``, ``approved`` (its days are ``time_off`` rows) or ``refused``."""

    __tablename__ = "time_off_request"
    id: int | None = Field(default=None, primary_key=True)
    agent_id: int = _fk("agent.id")
    first_day: date
    last_day: date
    start_minute: int | None = None
    end_minute: int | None = None
    reason: str = Field(default="", max_length=300)
    status: str = Field(default="requested", max_length=16, index=True)
    author: str = Field(default="", max_length=200)
    decided_by: str | None = Field(default=None, max_length=200)
    decided_at: datetime | None = _ts(nullable=True)
    created_at: datetime = _created()


class AgentScheduleLink(SQLModel, table=True):
    """A per-agent read-only link to the agent's published schedule (migration 0010): only the
    secret's SHA-256 is stored; a revoked link answers 404."""

    __tablename__ = "agent_schedule_link"
    id: int | None = Field(default=None, primary_key=True)
    agent_id: int = _fk("agent.id")
    secret_sha256: str = Field(max_length=64, unique=True)
    hint: str = Field(default="", max_length=16)
    created_at: datetime = _created()
    revoked_at: datetime | None = _ts(nullable=True)


class Client(SQLModel, table=True):
    """A client the centre reports to, with its service targets (migration 0013); its queues
    are linked by ``client_queue`` (a queue belongs to at most one client)."""

    __tablename__ = "client"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    service_level: float
    answer_within_s: float
    max_asa_s: float | None = None
    max_abandon_rate: float | None = None
    created_at: datetime = _created()


class ClientQueue(SQLModel, table=True):
    """A queue owned by a client (migration 0013)."""

    __tablename__ = "client_queue"
    client_id: int = Field(
        sa_column=Column(Integer, ForeignKey("client.id", ondelete="CASCADE"), primary_key=True)
    )
    queue_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("queue.id", ondelete="CASCADE"), primary_key=True, unique=True
        )
    )
