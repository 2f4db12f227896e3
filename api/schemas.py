"""Request and response bodies of the ``/v1`` API (pydantic).

Times of day are ``"HH:MM"`` local wall-clock strings (``"24:00"`` allowed as a closing time);
instants are ISO 8601 with an offset; rates and shares are fractions in [0, 1].
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, ClassVar, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

Name = Annotated[str, Field(min_length=1, max_length=200)]
Code = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.\-]+$")]
Fraction = Annotated[float, Field(ge=0.0, le=1.0)]
_HHMM = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$")
# What the OpenAPI document states of times on the 15-minute grid (the validators below say
# which rule a value breaks).
_GRID_START = r"^(?:[01]\d|2[0-3]):(?:00|15|30|45)$"
_GRID_TIME = r"^(?:(?:[01]\d|2[0-3]):(?:00|15|30|45)|24:00)$"
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def hhmm_to_minute(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def minute_to_hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def _beyond_int64(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return not INT64_MIN <= value <= INT64_MAX
    if isinstance(value, list | tuple):
        return any(_beyond_int64(v) for v in value)
    if isinstance(value, dict):
        return any(_beyond_int64(v) for v in value.values())
    return False


def _leaf_types(annotation: Any) -> set[Any]:
    """The types an annotation is built of (``list[int] | None`` -> list, int, NoneType)."""
    leaves, todo = set(), [annotation]
    while todo:
        kind = todo.pop()
        args = get_args(kind)
        origin = getattr(kind, "__origin__", None)
        if args and origin is not None and origin is not Literal:
            todo.extend(a for a in args if not isinstance(a, FieldInfo))
            if isinstance(origin, type):
                leaves.add(origin)
        elif args and origin is None:  # a union
            todo.extend(args)
        else:
            leaves.add(kind)
    return leaves


class Strict(BaseModel):
    """A request body: unknown members are refused, and so is any integer (ids, counts, seeds,
    nested in lists too) beyond the signed 64-bit range the database stores (422, not a failed
    query); the OpenAPI document states that range (api.errors)."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*")
    @classmethod
    def _int64(cls, value: Any) -> Any:
        if _beyond_int64(value):
            raise PydanticCustomError("int64_range", "integers must fit in 64 bits (signed)")
        return value

    @field_validator("*", mode="before")
    @classmethod
    def _json_booleans(cls, value: Any, info: ValidationInfo) -> Any:
        """JSON ``true``/``false`` only where the document says boolean, and only there, and
        dates only as strings (pydantic's lax mode would take ``false`` as 0, ``0`` as false
        and ``0`` as 1970-01-01)."""
        kinds = _leaf_types(cls.model_fields[info.field_name or ""].annotation)
        if kinds <= {date, type(None)} and isinstance(value, int | float):
            raise PydanticCustomError("date_type", "expected a date YYYY-MM-DD, not a number")
        if kinds <= {bool, type(None)}:
            if not isinstance(value, bool) and value is not None:
                raise PydanticCustomError("bool_type", "expected true or false")
        elif bool not in kinds and Any not in kinds:
            items = value if isinstance(value, list) else [value]
            if any(isinstance(item, bool) for item in items):
                raise PydanticCustomError("bool_type_mismatch", "expected a number, not a boolean")
        return value


def _not_null_in_schema(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """Take ``null`` out of the document for the PATCH fields that refuse it."""
    nullable: frozenset[str] = getattr(model, "NULLABLE", frozenset())
    for name, prop in schema.get("properties", {}).items():
        if name in nullable or "anyOf" not in prop:
            continue
        options = [o for o in prop.pop("anyOf") if o != {"type": "null"}]
        if len(options) == 1:
            prop.update(options[0])
        else:
            prop["anyOf"] = options
        if prop.get("default", "") is None:
            del prop["default"]


class Patch(Strict):
    """A partial update (PATCH body): a field left out keeps its stored value; an explicit
    ``null`` is refused (422 ``null_not_allowed``) unless the field is in ``NULLABLE`` (e.g.
    an agent's ``preferences``: null removes them). The OpenAPI document offers null only for
    those fields."""

    NULLABLE: ClassVar[frozenset[str]] = frozenset()
    model_config = ConfigDict(extra="forbid", json_schema_extra=_not_null_in_schema)

    @field_validator("*", mode="before")
    @classmethod
    def _no_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.NULLABLE:
            raise PydanticCustomError("null_not_allowed", "may be left out but not null")
        return value


# Calendar dates of a request: pandas' nanosecond timestamps end in 2262 and the site zones
# (IANA) start around 1900, so a year 0001 or 9999 is a 422 naming the field, not a 500.
DATE_MIN, DATE_MAX = date(1900, 1, 1), date(2200, 12, 31)
PlanDate = Annotated[
    date,
    Field(
        ge=DATE_MIN,
        le=DATE_MAX,
        json_schema_extra={"pattern": r"^(19\d\d|2[01]\d\d|2200)-\d\d-\d\d$"},
    ),
]


class TimeWindow(Strict):
    """A local time window ``[start, end)`` of one day, on the 15-minute grid."""

    start: str = Field(examples=["08:00"], json_schema_extra={"pattern": _GRID_TIME})
    end: str = Field(examples=["20:00"], json_schema_extra={"pattern": _GRID_TIME})

    @field_validator("start", "end")
    @classmethod
    def _hhmm(cls, value: str) -> str:
        if not _HHMM.match(value):
            raise ValueError("expected a local time HH:MM between 00:00 and 24:00")
        if hhmm_to_minute(value) % 15:
            raise ValueError("times must be on the 15-minute grid")
        return value

    @model_validator(mode="after")
    def _ordered(self) -> TimeWindow:
        if hhmm_to_minute(self.end) <= hhmm_to_minute(self.start):
            raise ValueError("end must be after start (no window crosses midnight)")
        return self

    def minutes(self) -> list[int]:
        return [hhmm_to_minute(self.start), hhmm_to_minute(self.end)]

    @classmethod
    def from_minutes(cls, pair: list[int] | None) -> TimeWindow | None:
        if pair is None:
            return None  # stored windows were validated on the way in: no re-validation
        return cls.model_construct(start=minute_to_hhmm(pair[0]), end=minute_to_hhmm(pair[1]))


Week = Annotated[list[TimeWindow | None], Field(min_length=7, max_length=7)]


def week_to_minutes(week: list[TimeWindow | None]) -> list[list[int] | None]:
    return [None if w is None else w.minutes() for w in week]


def week_from_minutes(week: list[Any]) -> list[TimeWindow | None]:
    return [TimeWindow.from_minutes(pair) for pair in week]


class Page(BaseModel):
    total: int
    limit: int
    offset: int


# ---- sites -------------------------------------------------------------------------------


class SiteBase(Strict):
    name: Name
    zone: str = Field(examples=["Europe/Berlin"], description="IANA time zone of the site")
    opening_hours: Week = Field(description="7 entries Mon..Sun: local open window or null")

    @field_validator("zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA time zone {value!r}") from exc
        return value


WeekStartDay = Annotated[
    int,
    Field(
        ge=0,
        le=6,
        description="first day of the site's week: 0 = Monday .. 6 = Sunday; roster, forecast "
        "and hiring weeks start on it",
    ),
]


class SiteCreate(SiteBase):
    week_start_day: WeekStartDay | None = Field(
        default=None,
        description="first day of the site's week (0 = Monday .. 6 = Sunday); default: Sunday "
        "where the working week runs Sunday-Thursday (e.g. Asia/Jerusalem), else Monday",
    )


class SiteUpdate(Patch):
    name: Name | None = None
    opening_hours: Week | None = None
    week_start_day: WeekStartDay | None = None


class SiteRead(SiteBase):
    week_start_day: WeekStartDay = 0
    id: int
    created_at: datetime


class SiteList(Page):
    items: list[SiteRead]


# ---- queues ------------------------------------------------------------------------------


class ServiceGoal(Strict):
    """Service target: ``service_level`` of calls answered within ``answer_within_s``."""

    service_level: float = Field(gt=0.0, le=1.0, examples=[0.8])
    answer_within_s: float = Field(ge=0.0, le=3600.0, examples=[20])
    max_asa_s: float | None = Field(default=None, gt=0.0, le=3600.0)
    max_abandon_rate: float | None = Field(default=None, gt=0.0, lt=1.0)
    max_occupancy: float | None = Field(default=None, gt=0.0, le=1.0, examples=[0.88])


Channel = Literal["voice", "chat", "email", "callback"]
StaffingKind = Literal["erlang_c", "erlang_a"]


class QueueBase(Strict):
    name: Name
    channel: Channel = "voice"
    interval_min: Literal[15, 30, 60] = 15
    aht_s: float = Field(gt=0.0, le=86_400.0, description="planned average handle time")
    patience_s: float | None = Field(default=None, gt=0.0, le=86_400.0)
    model: StaffingKind = "erlang_c"
    goal: ServiceGoal
    shrinkage: float = Field(default=0.0, ge=0.0, lt=1.0)


class QueueCreate(QueueBase):
    pass


class QueueUpdate(Patch):
    NULLABLE = frozenset({"patience_s"})

    name: Name | None = None
    aht_s: float | None = Field(default=None, gt=0.0, le=86_400.0)
    patience_s: float | None = Field(
        default=None, gt=0.0, le=86_400.0, description="null removes it (Erlang C queues)"
    )
    model: StaffingKind | None = None
    goal: ServiceGoal | None = None
    shrinkage: float | None = Field(default=None, ge=0.0, lt=1.0)


class QueueRead(QueueBase):
    id: int
    site_id: int
    created_at: datetime


class QueueList(Page):
    items: list[QueueRead]


# ---- history imports ---------------------------------------------------------------------


class ImportProblem(BaseModel):
    row: int | None
    field: str | None
    code: str
    message: str


class ImportReport(BaseModel):
    """Result of a history upload; with ``dry_run`` nothing was stored."""

    id: int | None = None
    queue_id: int
    dry_run: bool
    file_sha256: str
    filename: str | None
    rows: int
    valid: bool
    problems: list[ImportProblem]
    warnings: list[ImportProblem] = Field(default_factory=list)
    truncated: bool = False
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    first_interval: datetime | None = None
    last_interval: datetime | None = None
    already_imported: bool = False
    created_at: datetime | None = None


class ImportList(Page):
    items: list[ImportReport]


class HistoryRead(BaseModel):
    queue_id: int
    interval_start: list[datetime]
    offered: list[float]
    handled: list[float | None]
    abandoned: list[float | None]
    aht_s: list[float | None]
    next_cursor: str | None = Field(
        default=None, description="more intervals follow: pass this as ``cursor``"
    )


# ---- contracts, agents, shift rules, time off --------------------------------------------


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

    earliest: str = Field(examples=["08:00"], json_schema_extra={"pattern": _GRID_START})
    latest: str = Field(examples=["09:00"], json_schema_extra={"pattern": _GRID_START})

    @field_validator("earliest", "latest")
    @classmethod
    def _hhmm(cls, value: str) -> str:
        if not _HHMM.match(value) or value == "24:00":
            raise ValueError("expected a local start time HH:MM between 00:00 and 23:45")
        if hhmm_to_minute(value) % 15:
            raise ValueError("times must be on the 15-minute grid")
        return value

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


# ---- jobs --------------------------------------------------------------------------------

JobStatus = Literal["queued", "running", "succeeded", "failed", "cancelled", "interrupted"]


class JobRead(BaseModel):
    id: int
    kind: str
    status: JobStatus
    progress: float
    message: str
    objective: float | None
    best_bound: float | None
    gap: float | None
    seconds: float | None
    cancel_requested: bool
    params: dict[str, Any]
    errors: list[ImportProblem] | None
    error: str | None
    result_kind: str | None
    result_id: int | None
    result_url: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    updated_at: datetime | None
    attempt: int = Field(
        default=0,
        description="1 for the first run; a job taken over after "
        "its service stopped, or run again by its Idempotency-Key, counts up",
    )
    has_checkpoint: bool = Field(
        default=False,
        description="an earlier attempt stored a "
        "checkpoint (e.g. a roster) that the next attempt resumes from",
    )


class JobList(Page):
    items: list[JobRead]


# ---- forecasts and requirements ----------------------------------------------------------


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


class ForecastRead(BaseModel):
    id: int
    queue_id: int
    job_id: int | None
    method: str
    start: datetime
    weeks: int
    accuracy: dict[str, Any] | None
    warnings: list[ForecastWarningRead] = Field(default_factory=list)
    intervals: ForecastIntervals
    created_at: datetime


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


# ---- capacity plans ----------------------------------------------------------------------


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
    from_tenure_week: int = Field(ge=0)
    weekly_rate: float


class AttritionBody(Strict):
    """Either ``bands`` of weekly rates by tenure, or an ``annual_rate`` (optionally higher in
    the first ``early_weeks`` of tenure)."""

    bands: list[AttritionBandBody] | None = None
    annual_rate: float | None = None
    early_annual_rate: float | None = None
    early_weeks: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _one_form(self) -> AttritionBody:
        if (self.bands is None) == (self.annual_rate is None):
            raise ValueError("give either bands or annual_rate")
        return self


class HiringPolicyBody(Strict):
    lead_time_weeks: int = Field(default=0, ge=0)
    training_weeks: int = Field(default=0, ge=0)
    ramp: list[float] = Field(default_factory=list)
    class_size_min: int = 1
    class_size_max: int = 20
    class_start_weeks: list[int] | None = None
    freeze_weeks: list[int] = Field(default_factory=list)


class CapacityCostsBody(Strict):
    under_per_hour: float = Field(ge=0.0)
    over_per_hour: float = Field(ge=0.0)


class HireClassBody(Strict):
    week: int = Field(ge=0)
    contract: Code
    size: int = Field(ge=0)


class CapacityPlanCreate(Strict):
    """A capacity plan: ``projection`` of given ``classes`` or ``optimise`` (choose classes).

    The weekly need comes from ``need_hours`` (productive hours per week) or from a stored
    requirement (``requirement_id``: its productive agent-hours per local week of the site,
    starting on its ``week_start_day``).
    """

    name: Name
    mode: Literal["projection", "optimise"] = "optimise"
    need_hours: list[float] | None = Field(default=None, min_length=1, max_length=156)
    requirement_id: int | None = None
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
        if (self.need_hours is None) == (self.requirement_id is None):
            raise ValueError("give either need_hours or requirement_id")
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


# ---- rosters -----------------------------------------------------------------------------


class RosterJobCreate(Strict):
    """Solve the weekly roster of a requirement's queue for the local week ``week_start``."""

    requirement_id: int
    week_start: PlanDate = Field(
        description="local first day of the week to roster (on the site's week_start_day)"
    )
    time_limit_s: float | None = Field(default=None, gt=0.0, le=3600.0)
    seed: int = Field(default=0, ge=0)
    workers: int | None = Field(default=None, ge=1, le=16)
    objective: Literal["deviation", "service_level"] = "deviation"


class AgentSchedule(BaseModel):
    agent: str
    contract: str | None
    paid_minutes: int
    days_worked: int
    shifts: list[dict[str, Any]]


class RosterSummary(BaseModel):
    id: int
    job_id: int | None
    site_id: int
    requirement_id: int
    week_start: date
    source: str = Field(
        default="roster_job", description="roster_job, or hiring_scenario (base / scenario roster)"
    )
    report: dict[str, Any]
    kpis: dict[str, Any]
    created_at: datetime


class RosterRead(RosterSummary):
    """Coverage per interval (``interval_start`` UTC, local ``day``/``minute``, ``required``,
    ``staffed``, ``unmet``, ``calls``, ``aht_s``), per-agent schedule, KPIs, solver report."""

    coverage: dict[str, list[Any]]
    schedule: list[AgentSchedule]
    explanations: list[dict[str, Any]]


class RosterList(Page):
    items: list[RosterSummary]


# ---- scenarios and comparisons -----------------------------------------------------------


class WindowBody(Strict):
    start_date: PlanDate | None = None
    end_date: PlanDate | None = None
    weekdays: list[Annotated[int, Field(ge=0, le=6)]] | None = None
    from_time: str | None = Field(default=None, pattern=r"^\d\d:\d\d$")
    to_time: str | None = Field(default=None, pattern=r"^\d\d:\d\d$")


class VolumeChangeBody(Strict):
    multiplier: float = Field(ge=0.0, le=100.0, examples=[1.15])
    window: WindowBody = Field(default_factory=WindowBody)


class AhtChangeBody(Strict):
    delta_s: float = 0.0
    change_pct: float = Field(default=0.0, ge=-99.0, le=1000.0)
    window: WindowBody = Field(default_factory=WindowBody)


class WorkforceContractBody(Strict):
    name: Code
    headcount: float = Field(ge=0.0)
    weekly_hours: float = Field(gt=0.0, le=80.0)
    cost_per_hour: float = Field(default=0.0, ge=0.0)


class StaffingModelBody(Strict):
    kind: StaffingKind = "erlang_c"
    patience_s: float | None = Field(default=None, gt=0.0)


class ScenarioChanges(Strict):
    """Changes to the base plan; anything left out keeps the base value."""

    volume: list[VolumeChangeBody] = Field(default_factory=list)
    aht: list[AhtChangeBody] = Field(default_factory=list)
    goal: ServiceGoal | None = None
    model: StaffingModelBody | None = None
    shrinkage: float | None = Field(default=None, ge=0.0, lt=1.0)
    absenteeism: float | None = Field(default=None, ge=0.0, lt=1.0)
    max_occupancy: float | None = Field(default=None, gt=0.0, le=1.0)
    workforce: list[WorkforceContractBody] | None = None
    cost_per_paid_hour: float | None = Field(default=None, ge=0.0)


class ScenarioCreate(Strict):
    name: Name
    changes: ScenarioChanges = Field(default_factory=ScenarioChanges)


class ScenarioRead(BaseModel):
    id: int
    queue_id: int
    name: str
    version: int
    changes: dict[str, Any]
    created_at: datetime


class ScenarioList(Page):
    items: list[ScenarioRead]


class PlanSettingsBody(Strict):
    """Base-plan settings of a comparison (goal and model default to the queue's)."""

    absenteeism: float = Field(default=0.0, ge=0.0, lt=1.0)
    workforce: list[WorkforceContractBody] = Field(default_factory=list)
    cost_per_paid_hour: float = Field(default=0.0, ge=0.0)
    fte_hours: float = Field(default=40.0, gt=0.0)


class ComparisonCreate(Strict):
    """Run scenarios against the base plan built from a stored forecast; one table out."""

    forecast_id: int
    scenario_ids: list[int] = Field(min_length=1, max_length=100)
    settings: PlanSettingsBody = Field(default_factory=PlanSettingsBody)


class ComparisonRead(BaseModel):
    """``table``: one row per scenario (base first) with KPIs and ``<kpi>_vs_base``;
    ``results``: per scenario daily and weekly frames and provenance."""

    id: int
    job_id: int | None
    forecast_id: int
    scenario_ids: list[int]
    table: dict[str, list[Any]]
    results: list[dict[str, Any]]
    created_at: datetime


# ---- hiring and attrition scenarios ------------------------------------------------------


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


# ---- access tokens and audit log (api.auth, api.audit) -----------------------------------

Role = Literal["admin", "planner", "hr", "viewer"]


class TokenCreate(Strict):
    role: Role
    sites: list[Annotated[int, Field(ge=1)]] | None = Field(
        default=None,
        min_length=1,
        max_length=1000,
        description="site ids the token may see (existing sites; none for admin); null = all",
    )
    name: str = Field(default="", max_length=200)
    expires_days: int | None = Field(default=None, ge=1, le=3650)


class TokenRead(BaseModel):
    id: int
    name: str
    role: Role
    sites: list[int] | None
    hint: str = Field(description="the token's first characters")
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    active: bool


class TokenCreated(TokenRead):
    token: str = Field(description="the bearer token: shown once, only its hash is stored")


class TokenList(Page):
    items: list[TokenRead]


class AuditEventRead(BaseModel):
    id: int
    at: datetime
    token_id: int | None
    token_name: str
    role: str
    method: str
    path: str
    route: str
    status: int
    resource: str
    site_id: int | None
    before_id: int | None
    after_id: int | None


class AuditEventList(Page):
    items: list[AuditEventRead]
