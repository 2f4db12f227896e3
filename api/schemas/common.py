"""Shared types of the API bodies: names, codes, fractions, ``HH:MM`` times, weeks,
strict bodies and PATCH bodies, dates, pages."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, ClassVar, Literal, get_args

from pydantic import (
    AfterValidator,
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


def _grid_time(value: str, *, start: bool = False) -> str:
    """``value`` when it is a local ``HH:MM`` on the 15-minute grid (``start``: a start time,
    before ``24:00``); else a ``ValueError`` naming the rule it breaks."""
    kind, last = ("start time", "23:45") if start else ("time", "24:00")
    if not _HHMM.match(value) or (start and value == "24:00"):
        raise ValueError(f"expected a local {kind} HH:MM between 00:00 and {last}")
    if hhmm_to_minute(value) % 15:
        raise ValueError("times must be on the 15-minute grid")
    return value


def _grid_start(value: str) -> str:
    return _grid_time(value, start=True)


GridTime = Annotated[str, AfterValidator(_grid_time)]  # 00:00 ... 24:00
GridStart = Annotated[str, AfterValidator(_grid_start)]  # 00:00 ... 23:45


def minute_to_hhmm(minute: int) -> str:
    """``HH:MM`` of a minute of the day; 1440 is ``24:00`` (a closing time); a time past
    midnight of an overnight shift (up to 2880) is the next day's, ``HH:MM+1``."""
    if minute > 1440:
        return f"{minute_to_hhmm(minute - 1440)}+1"
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

    start: GridTime = Field(examples=["08:00"], json_schema_extra={"pattern": _GRID_TIME})
    end: GridTime = Field(examples=["20:00"], json_schema_extra={"pattern": _GRID_TIME})

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
