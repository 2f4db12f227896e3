"""Hand edits of a stored roster, its versions and publications (docs/schedule.md).

Times are minutes after the site's local midnight of the shift's day (as a roster's shifts);
a shift is named by its agent and day (one shift per agent and day)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import Strict

Minute = Annotated[int, Field(ge=0, le=2880)]
Day = Annotated[int, Field(ge=0, le=6)]
Kind = Literal["break", "lunch"]


class EditPart(BaseModel):
    """Part of an edit: unknown members refused; its integers are bounded minutes and days
    (Strict's before-validators would keep ``op`` from being the union's discriminator)."""

    model_config = ConfigDict(extra="forbid")


class ActivityIn(EditPart):
    kind: Kind
    start: Minute
    end: Minute


class MoveShift(EditPart):
    """Move the shift of ``agent`` on ``day`` to ``to_day`` (default: the same day) starting at
    ``start``; its break and lunch move with it."""

    op: Literal["move"]
    agent: str
    day: Day
    to_day: Day | None = None
    start: Minute


class ResizeShift(EditPart):
    """Lengthen or shorten the shift: new ``start`` and/or ``end``; breaks stay where they are."""

    op: Literal["resize"]
    agent: str
    day: Day
    start: Minute | None = None
    end: Minute | None = None


class AddShift(EditPart):
    op: Literal["add"]
    agent: str
    day: Day
    start: Minute
    end: Minute
    activities: list[ActivityIn] = Field(default_factory=list, max_length=10)


class DeleteShift(EditPart):
    op: Literal["delete"]
    agent: str
    day: Day


class MoveActivity(EditPart):
    """Move the shift's break or lunch to start at ``start`` (same duration)."""

    op: Literal["move_activity"]
    agent: str
    day: Day
    kind: Kind
    start: Minute


Edit = Annotated[
    MoveShift | ResizeShift | AddShift | DeleteShift | MoveActivity, Field(discriminator="op")
]


class EditCreate(Strict):
    """One edit of version ``version`` (or the ``If-Match`` header, ``"v<version>"``)."""

    version: int | None = Field(default=None, ge=1, le=2**31 - 1)
    edit: Edit


class UndoCreate(Strict):
    """A new version with the shifts of version ``to``; ``version``: the version it replaces."""

    version: int | None = Field(default=None, ge=1, le=2**31 - 1)
    to: int = Field(ge=1, le=2**31 - 1)


class PublishCreate(Strict):
    version: int | None = Field(
        default=None, ge=1, le=2**31 - 1, description="default: the current version"
    )


class VersionSummary(BaseModel):
    roster_id: int
    number: int
    kind: str
    edit: dict[str, Any] | None
    author: str
    author_token_id: int | None
    created_at: datetime
    valid: bool
    violations: list[dict[str, Any]]
    kpis: dict[str, Any]
    published: bool


class VersionRead(VersionSummary):
    shifts: list[dict[str, Any]]
    coverage: dict[str, list[Any]]


class VersionList(BaseModel):
    roster_id: int
    current: int
    items: list[VersionSummary]


class ShiftChange(BaseModel):
    agent: str
    day: int
    change: Literal["added", "removed", "changed"]
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class VersionComparison(BaseModel):
    roster_id: int
    base: int
    other: int
    changes: list[ShiftChange]
    cost_difference: float | None
    under_difference: int | None
    over_difference: int | None
    paid_hours_difference: float | None
    staffed_difference_by_day: list[int]


class PublicationRead(BaseModel):
    id: int
    roster_id: int | None = Field(description="the roster whose version is published")
    site_roster_id: int | None = Field(description="or the site roster published")
    site_id: int
    week_start: date
    version: int
    author: str
    published_at: datetime
    changes: list[dict[str, Any]] | None
    agents: list[str] | None = Field(
        default=None,
        description="the agents whose weeks it publishes (their shifts in the week's earlier "
        "publications are replaced); null: every agent's",
    )


class AgentShift(BaseModel):
    date: date
    start: datetime
    end: datetime
    activities: list[dict[str, Any]]


class AgentScheduleView(BaseModel):
    site_id: int
    agent: str
    zone: str
    week_start: date
    publication_id: int
    version: int
    published_at: datetime
    shifts: list[AgentShift]


class ScheduleLinkRead(BaseModel):
    id: int
    agent_id: int
    hint: str
    created_at: datetime
    revoked_at: datetime | None


class ScheduleLinkCreated(ScheduleLinkRead):
    """The link's secret is shown once: ``url`` (JSON view) and ``calendar_url`` (iCalendar,
    to subscribe to) work without a token."""

    secret: str
    url: str
    calendar_url: str
