"""Sites: a location with an IANA time zone, weekly opening hours and its own week."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    Field,
    field_validator,
)

from api.schemas.common import Name, Page, Patch, Strict, Week


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
