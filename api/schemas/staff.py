"""Staff: contracts, agents (availability, preferences), shift rules and time off."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from api.schemas.common import (
    _GRID_START,
    Code,
    GridStart,
    Page,
    Patch,
    PlanDate,
    Strict,
    Week,
    hhmm_to_minute,
    minute_to_hhmm,
)


class ContractBase(Strict):
    code: Code
    label: str = Field(default="", max_length=200)
    shift_paid_minutes: list[
        Annotated[int, Field(ge=60, le=720, json_schema_extra={"multipleOf": 15})]
    ] = Field(min_length=1)
    min_weekly_paid_minutes: int = Field(ge=0, le=7 * 1440)
    max_weekly_paid_minutes: int = Field(ge=0, le=7 * 1440)
    max_days: int = Field(ge=1, le=7)
    hourly_cost: float = Field(default=0.0, ge=0.0)
    leave_paid_minutes: int = Field(
        default=0, ge=0, le=1440,
        description="paid minutes an approved day of leave counts toward the week (0: none)",
    )  # fmt: skip

    @field_validator("shift_paid_minutes")
    @classmethod
    def _grid(cls, value: list[int]) -> list[int]:
        if any(v % 15 for v in value):
            raise ValueError("shift lengths must be multiples of 15 minutes")
        return sorted(set(value))

    @model_validator(mode="after")
    def _weekly(self) -> ContractBase:
        if self.min_weekly_paid_minutes > self.max_weekly_paid_minutes:
            raise ValueError("min_weekly_paid_minutes is above max_weekly_paid_minutes")
        if max(self.shift_paid_minutes) * self.max_days < self.min_weekly_paid_minutes:
            raise ValueError("min_weekly_paid_minutes cannot be reached with these shifts/days")
        return self


class ContractCreate(ContractBase):
    pass


class ContractRead(ContractBase):
    id: int
    site_id: int
    created_at: datetime


class ContractList(Page):
    items: list[ContractRead]


class StartWindow(Strict):
    """Preferred local shift start times, both ends included (``earliest == latest``: one
    preferred start time), on the 15-minute grid."""

    earliest: GridStart = Field(examples=["08:00"], json_schema_extra={"pattern": _GRID_START})
    latest: GridStart = Field(examples=["09:00"], json_schema_extra={"pattern": _GRID_START})

    @model_validator(mode="after")
    def _ordered(self) -> StartWindow:
        if hhmm_to_minute(self.latest) < hhmm_to_minute(self.earliest):
            raise ValueError("latest must not be before earliest")
        return self

    def minutes(self) -> list[int]:
        return [hhmm_to_minute(self.earliest), hhmm_to_minute(self.latest)]


Weight = Annotated[float, Field(ge=0.0, le=1e6, allow_inf_nan=False)]
Weekday = Annotated[int, Field(ge=0, le=6, strict=True)]


class AgentPreferences(Strict):
    """Soft wishes priced in the roster objective (same units as the coverage weights: one
    agent-interval under the requirement costs ``under_per_agent_interval``, 1.0 by default).

    Each shift on a wished day off (``days_off``, 0 = Monday) costs ``day_off_weight``; a shift
    starting outside ``preferred_start`` costs ``start_weight`` per hour of distance to the
    window. A weight of 0 records the wish without pricing it.
    """

    days_off: list[Weekday] = Field(
        default_factory=list,
        max_length=7,
        examples=[[5, 6]],
        json_schema_extra={"uniqueItems": True},
    )
    day_off_weight: Weight = Field(default=0.0, examples=[2.0])
    preferred_start: StartWindow | None = None
    start_weight: Weight = Field(default=0.0, examples=[0.5])

    @field_validator("days_off")
    @classmethod
    def _unique(cls, value: list[int]) -> list[int]:
        if len(set(value)) != len(value):
            raise ValueError("days_off must not repeat a day")
        return sorted(value)

    def stored(self) -> dict[str, Any]:
        """The stored form: the roster instance's ``preferences`` with start times in minutes."""
        window = self.preferred_start
        return {
            "days_off": list(self.days_off),
            "day_off_weight": self.day_off_weight,
            "preferred_start": None if window is None else window.minutes(),
            "start_weight": self.start_weight,
        }

    @classmethod
    def from_stored(cls, raw: dict[str, Any] | None) -> AgentPreferences | None:
        if raw is None:
            return None  # stored preferences were validated on the way in: no re-validation
        pair = raw.get("preferred_start")
        window = None
        if pair is not None:
            earliest, latest = minute_to_hhmm(pair[0]), minute_to_hhmm(pair[1])
            window = StartWindow.model_construct(earliest=earliest, latest=latest)
        return cls.model_construct(
            days_off=list(raw.get("days_off", [])),
            day_off_weight=float(raw.get("day_off_weight", 0.0)),
            preferred_start=window,
            start_weight=float(raw.get("start_weight", 0.0)),
        )


class AgentBase(Strict):
    code: Code
    name: str = Field(default="", max_length=200)
    contract_id: int
    availability: Week = Field(description="7 entries Mon..Sun: local window or null (off)")
    queue_ids: list[int] = Field(default_factory=list, description="queues the agent serves")
    consecutive_days_worked: int = Field(default=0, ge=0, le=14)
    last_shift_end_minute: int | None = Field(
        default=None,
        le=0,
        description="end of last week's last shift, minutes before the week start (the "
        "site's week_start_day, 00:00)",
    )
    active: bool = True
    preferences: AgentPreferences | None = Field(
        default=None, description="soft wishes priced in the roster objective; null: none"
    )


class AgentCreate(AgentBase):
    pass


class AgentUpdate(Patch):
    NULLABLE = frozenset({"preferences"})

    name: str | None = Field(default=None, max_length=200)
    contract_id: int | None = None
    availability: Week | None = None
    queue_ids: list[int] | None = None
    active: bool | None = None
    preferences: AgentPreferences | None = Field(
        default=None, description="replaces the stored preferences; null removes them"
    )


class AgentRead(AgentBase):
    id: int
    site_id: int
    created_at: datetime


class AgentList(Page):
    items: list[AgentRead]


class BreakRule(Strict):
    duration_minutes: int = Field(ge=5, le=120)
    paid: bool
    required_if_paid_minutes_at_least: int = Field(ge=0, le=1440)
    earliest_start_after_shift_start_minutes: int = Field(ge=0, le=1440)
    latest_start_after_shift_start_minutes: int = Field(ge=0, le=1440)
    min_minutes_before_shift_end: int = Field(ge=0, le=1440)


ActivityMinutes = Annotated[int, Field(ge=1, le=480)]


class ActivityWindowBody(Strict):
    """When an activity may start (``from: start``: minutes after the shift start) or end
    (``from: end``: minutes before the shift end)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    from_: Literal["start", "end"] = Field(alias="from")
    earliest: int = Field(ge=0, le=1440)
    latest: int = Field(ge=0, le=1440)


class BreakActivityBody(Strict):
    """One activity of a rule set: a break or a lunch of one length or a choice of lengths."""

    kind: Literal["break", "lunch"]
    minutes: ActivityMinutes | list[ActivityMinutes] = Field(
        description="one length or a list of allowed lengths, multiples of the queues' interval"
    )
    paid: bool
    window: ActivityWindowBody
    min_minutes_to_other_end: int = Field(default=0, ge=0, le=1440)


class BreakRuleSetBody(Strict):
    """The activities, in order, of every shift whose paid length lies in
    ``[min_paid_minutes, max_paid_minutes)`` (``null``: no upper end)."""

    min_paid_minutes: int = Field(ge=0, le=1440)
    max_paid_minutes: int | None = Field(default=None, ge=1, le=1440)
    min_work_between_activities_minutes: int = Field(default=0, ge=0, le=480)
    any_order: bool = False
    activities: list[BreakActivityBody] = Field(max_length=4)


class ShiftRulesBody(Strict):
    """Shift rules of a site (the roster instance ``rules`` block) and objective weights."""

    shift_start_granularity_minutes: Literal[15, 30, 60] = 30
    min_rest_between_shifts_minutes: int = Field(default=660, ge=0, le=2880)
    max_consecutive_working_days: int = Field(default=5, ge=1, le=14)
    min_days_off_per_week: int = Field(default=2, ge=0, le=7)
    min_work_between_activities_minutes: int = Field(default=60, ge=0, le=480)
    break_rule: BreakRule | None = Field(
        default_factory=lambda: BreakRule(
            duration_minutes=15,
            paid=True,
            required_if_paid_minutes_at_least=240,
            earliest_start_after_shift_start_minutes=60,
            latest_start_after_shift_start_minutes=1440,
            min_minutes_before_shift_end=60,
        )
    )
    lunch_rule: BreakRule | None = Field(
        default_factory=lambda: BreakRule(
            duration_minutes=30,
            paid=False,
            required_if_paid_minutes_at_least=360,
            earliest_start_after_shift_start_minutes=180,
            latest_start_after_shift_start_minutes=300,
            min_minutes_before_shift_end=60,
        )
    )
    two_breaks_and_lunch_from_paid_minutes: int | None = Field(
        default=None,
        ge=60,
        le=1440,
        description="shifts of at least this paid length take a 15-min break (60-150 min after "
        "the start), an unpaid 30-60 min lunch (180-300 min after the start) and a second 15-min "
        "break (ending 60-150 min before the end); null: break_rule and lunch_rule only",
    )
    overnight_shifts: bool = Field(
        default=False,
        description="shifts may cross midnight (24/7 sites, night shifts): a shift belongs to "
        "the day it starts and may run into the next day when that day opens at 00:00; an "
        "agent available until 24:00 and from 00:00 the next day may work through the night. "
        "Rosters of one queue only: site rosters (several queues) refuse it",
    )
    break_rule_sets: list[BreakRuleSetBody] | None = Field(
        default=None,
        max_length=8,
        description="break rules as data, one set per band of paid shift lengths in ascending "
        "order (the roster instance's rules.break_rule_sets); when given, break_rule and "
        "lunch_rule are ignored and two_breaks_and_lunch_from_paid_minutes must be null",
    )
    under_per_agent_interval: float = Field(default=1.0, ge=0.0)
    over_per_agent_interval: float = Field(default=0.1, ge=0.0)
    paid_per_agent_interval: float = Field(default=0.002, ge=0.0)


class ShiftRulesRead(ShiftRulesBody):
    site_id: int
    updated_at: datetime


class TimeOffCreate(Strict):
    day: PlanDate
    kind: Literal["leave", "sick", "training", "other"] = "leave"
    note: str = Field(default="", max_length=300)


class TimeOffRead(TimeOffCreate):
    id: int
    agent_id: int
    created_at: datetime


class TimeOffList(Page):
    items: list[TimeOffRead]
