"""Tables of the schedule a roster becomes: versions, publications, locks, time-off requests
and agents' links. Registered on ``SQLModel.metadata`` through :mod:`api.tables`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from api.table_columns import created_field, fk_field, json_field, ts_field

# a publication freezes a roster's version or a site roster, never both or neither
PUBLICATION_SOURCE = "(roster_id IS NULL) <> (site_roster_id IS NULL)"


class RosterVersion(SQLModel, table=True):
    """A saved hand edit (or undo) of a roster (migration 0010): version ``number`` (the solved
    roster itself is version 1, not stored here), who saved it, its shifts, the rule violations
    found by ``check_roster`` (empty: valid) and the recomputed KPIs and coverage."""

    __tablename__ = "roster_version"
    __table_args__ = (UniqueConstraint("roster_id", "number", name="uq_roster_version_number"),)
    id: int | None = Field(default=None, primary_key=True)
    roster_id: int = fk_field("roster.id")
    number: int
    kind: str = Field(max_length=16)  # "edit" or "undo"
    edit: dict[str, Any] | None = json_field(nullable=True)
    author_token_id: int | None = None  # no FK: versions outlive tokens
    author: str = Field(default="", max_length=200)
    shifts: list[Any] = json_field()
    violations: list[Any] = json_field()
    kpis: dict[str, Any] = json_field()
    coverage: dict[str, list[Any]] = json_field()
    created_at: datetime = created_field()


class SchedulePublication(SQLModel, table=True):
    """A roster version (``roster_id``) or a site roster (``site_roster_id``, migration 0015)
    published as its site's schedule for the week (migration 0010); exactly one of the two is
    set. The site's schedule of a week is its publications laid over each other, oldest
    first, each replacing the weeks of its ``agents`` (:func:`api.convert.last_week.
    week_schedule`). ``changes``: what moved since the previous publication of that week (null
    for the first)."""

    __tablename__ = "schedule_publication"
    __table_args__ = (CheckConstraint(PUBLICATION_SOURCE, name="ck_publication_source"),)
    id: int | None = Field(default=None, primary_key=True)
    roster_id: int | None = fk_field("roster.id", nullable=True)
    site_roster_id: int | None = fk_field("site_roster.id", nullable=True)
    site_id: int = fk_field("site.id")
    week_start: date = Field(index=True)
    version: int
    author_token_id: int | None = None
    author: str = Field(default="", max_length=200)
    changes: list[Any] | None = json_field(nullable=True)
    # the agents whose weeks it publishes (migration 0015): their shifts in earlier
    # publications of the week are replaced; null (older rows): every agent's
    agents: list[Any] | None = json_field(nullable=True)
    published_at: datetime = created_field()


class RosterLock(SQLModel, table=True):
    """What a re-optimisation of a roster keeps (migration 0012): an agent's whole week
    (``day`` null), a day of every agent (``agent`` null) or one agent-day."""

    __tablename__ = "roster_lock"
    id: int | None = Field(default=None, primary_key=True)
    roster_id: int = fk_field("roster.id")
    agent: str | None = Field(default=None, max_length=40)
    day: int | None = None
    author: str = Field(default="", max_length=200)
    created_at: datetime = created_field()


class TimeOffRequest(SQLModel, table=True):
    """An agent's request for time off (migration 0012): whole days ``first_day`` ..
    ``last_day`` or, on one day, the hours ``start_minute`` .. ``end_minute`` (local); status
    ``requested``, ``approved`` (its days are ``time_off`` rows) or ``refused``."""

    __tablename__ = "time_off_request"
    id: int | None = Field(default=None, primary_key=True)
    agent_id: int = fk_field("agent.id")
    first_day: date
    last_day: date
    start_minute: int | None = None
    end_minute: int | None = None
    reason: str = Field(default="", max_length=300)
    status: str = Field(default="requested", max_length=16, index=True)
    author: str = Field(default="", max_length=200)
    decided_by: str | None = Field(default=None, max_length=200)
    decided_at: datetime | None = ts_field(nullable=True)
    created_at: datetime = created_field()


class AgentScheduleLink(SQLModel, table=True):
    """A per-agent read-only link to the agent's published schedule (migration 0010): only the
    secret's SHA-256 is stored; a revoked link answers 404."""

    __tablename__ = "agent_schedule_link"
    id: int | None = Field(default=None, primary_key=True)
    agent_id: int = fk_field("agent.id")
    secret_sha256: str = Field(max_length=64, unique=True)
    hint: str = Field(default="", max_length=16)
    created_at: datetime = created_field()
    revoked_at: datetime | None = ts_field(nullable=True)
