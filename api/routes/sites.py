"""Sites: a location with an IANA time zone, weekly opening hours and its own working week.

``week_start_day`` (0 = Monday .. 6 = Sunday) is the first day of every week the site plans:
forecast, roster and hiring weeks start on it (a ``week_start`` on another weekday is a 422
naming the expected one). Left out on creation, it is Sunday in the zones of countries whose
working week runs Sunday to Thursday (Israel and much of the Middle East), else Monday. Open
days are the weekdays with opening hours.
"""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from sqlmodel import col, select

from api.auth import Visible
from api.crud import add_get, created, deleted, from_row
from api.deps import Limit, Offset, ReadSession, WriteSession, commit, get_or_404, page
from api.schemas import (
    SiteCreate,
    SiteList,
    SiteRead,
    SiteUpdate,
    week_from_minutes,
    week_to_minutes,
)
from api.tables import Site

router = APIRouter(prefix="/v1/sites", tags=["sites"])
SUNDAY_WEEK_ZONES = frozenset(
    {
        "Asia/Jerusalem", "Asia/Tel_Aviv", "Israel", "Asia/Riyadh", "Asia/Kuwait",
        "Asia/Qatar", "Asia/Bahrain", "Asia/Muscat", "Asia/Amman", "Asia/Baghdad",
        "Africa/Cairo", "Egypt", "Africa/Algiers",
    }
)  # fmt: skip


def default_week_start_day(zone: str) -> int:
    """Sunday (6) where the working week runs Sunday-Thursday, else Monday (0)."""
    return 6 if zone in SUNDAY_WEEK_ZONES else 0


def site_read(site: Site) -> SiteRead:
    assert site.id is not None
    return from_row(SiteRead, site, opening_hours=week_from_minutes(site.opening_hours))


@router.post("", status_code=status.HTTP_201_CREATED, operation_id="createSite")
def create_site(body: SiteCreate, session: WriteSession, response: Response) -> SiteRead:
    start = body.week_start_day
    site = Site(
        name=body.name,
        zone=body.zone,
        opening_hours=week_to_minutes(body.opening_hours),
        week_start_day=default_week_start_day(body.zone) if start is None else start,
    )
    conflict = f"a site named {body.name!r} already exists"
    return site_read(created(session, site, response, "/v1/sites", conflict))


@router.get("", operation_id="listSites")
def list_sites(
    session: ReadSession, visible: Visible, limit: Limit = 100, offset: Offset = 0
) -> SiteList:
    query = visible.restrict(session, select(Site), Site)  # a site-bound token: its sites
    total, rows = page(session, query, col(Site.id), limit, offset)
    return SiteList(total=total, limit=limit, offset=offset, items=[site_read(s) for s in rows])


add_get(router, "/{site_id}", "getSite", Site, site_read)


@router.patch("/{site_id}", operation_id="updateSite")
def update_site(site_id: int, body: SiteUpdate, session: WriteSession) -> SiteRead:
    site = get_or_404(session, Site, site_id, "site")
    if body.name is not None:
        site.name = body.name
    if body.opening_hours is not None:
        site.opening_hours = week_to_minutes(body.opening_hours)
    if body.week_start_day is not None:
        site.week_start_day = body.week_start_day
    session.add(site)
    commit(session, f"a site named {body.name!r} already exists")
    return site_read(site)


@router.delete("/{site_id}", status_code=status.HTTP_204_NO_CONTENT, operation_id="deleteSite")
def delete_site(site_id: int, session: WriteSession) -> Response:
    return deleted(session, Site, site_id, "site", "the site is still referenced")
