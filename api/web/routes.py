"""Serve the planner page (``/planner``, ``/`` redirects there) and its static assets.

Assets are read from the installed package with :mod:`importlib.resources`, so the page works
from a wheel and needs no internet at runtime (no CDN). Only files with a known asset suffix
directly inside the package are served (no directory traversal, no Python sources).
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from importlib import resources

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import RedirectResponse, Response

PACKAGE = "api.web"
PAGE = "index.html"
STATIC_PREFIX = "/static/planner"
MEDIA_TYPES: dict[str, str] = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}
_ASSET_NAME = re.compile(r"^[a-z0-9][a-z0-9_\-]*\.[a-z]+$")
# Security headers of every planner response: the page loads nothing from other origins.
_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)

router = APIRouter(include_in_schema=False)


def _suffix(name: str) -> str:
    return name[name.rfind(".") :]


@lru_cache(maxsize=64)
def read_asset(name: str) -> bytes | None:
    """Bytes of the packaged asset ``name``, or ``None`` when it is not a servable asset."""
    if not _ASSET_NAME.match(name) or _suffix(name) not in MEDIA_TYPES:
        return None
    resource = resources.files(PACKAGE).joinpath(name)
    if not resource.is_file():
        return None
    return resource.read_bytes()


def _asset_response(name: str, request: Request) -> Response:
    body = read_asset(name)
    if body is None:
        return Response(status_code=404, content="not found", media_type="text/plain")
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {
        "ETag": etag,
        "Cache-Control": "no-cache",
        "Content-Security-Policy": _CSP,
        "X-Content-Type-Options": "nosniff",
    }
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(content=body, media_type=MEDIA_TYPES[_suffix(name)], headers=headers)


@router.get("/planner")
def planner_page(request: Request) -> Response:
    """The planner page (HTML shell; the data is fetched from ``/v1`` by the browser)."""
    return _asset_response(PAGE, request)


@router.get("/")
def root_redirect() -> RedirectResponse:
    return RedirectResponse("/planner", status_code=307)


@router.get(STATIC_PREFIX + "/{name}")
def planner_asset(name: str, request: Request) -> Response:
    return _asset_response(name, request)


def include_planner(app: FastAPI) -> None:
    """Mount the planner page on ``app`` (call once from ``api.main.create_app``)."""
    app.include_router(router)
