"""Sites: a location with an IANA time zone and weekly opening hours."""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from sqlmodel import col, select

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


def site_read(site: Site) -> SiteRead:
    assert site.id is not None
    return SiteRead(
        id=site.id,
        name=site.name,
        zone=site.zone,
        opening_hours=week_from_minutes(site.opening_hours),
        created_at=site.created_at,
    )


@router.post("", status_code=status.HTTP_201_CREATED, operation_id="createSite")
def create_site(body: SiteCreate, session: WriteSession, response: Response) -> SiteRead:
    site = Site(name=body.name, zone=body.zone, opening_hours=week_to_minutes(body.opening_hours))
    session.add(site)
    commit(session, f"a site named {body.name!r} already exists")
    response.headers["Location"] = f"/v1/sites/{site.id}"
    return site_read(site)


@router.get("", operation_id="listSites")
def list_sites(session: ReadSession, limit: Limit = 100, offset: Offset = 0) -> SiteList:
    total, rows = page(session, select(Site), col(Site.id), limit, offset)
    return SiteList(total=total, limit=limit, offset=offset, items=[site_read(s) for s in rows])


@router.get("/{site_id}", operation_id="getSite")
def get_site(site_id: int, session: ReadSession) -> SiteRead:
    return site_read(get_or_404(session, Site, site_id, "site"))


@router.patch("/{site_id}", operation_id="updateSite")
def update_site(site_id: int, body: SiteUpdate, session: WriteSession) -> SiteRead:
    site = get_or_404(session, Site, site_id, "site")
    if body.name is not None:
        site.name = body.name
    if body.opening_hours is not None:
        site.opening_hours = week_to_minutes(body.opening_hours)
    session.add(site)
    commit(session, f"a site named {body.name!r} already exists")
    return site_read(site)


@router.delete("/{site_id}", status_code=status.HTTP_204_NO_CONTENT, operation_id="deleteSite")
def delete_site(site_id: int, session: WriteSession) -> Response:
    session.delete(get_or_404(session, Site, site_id, "site"))
    commit(session, "the site is still referenced")
    return Response(status_code=status.HTTP_204_NO_CONTENT)
