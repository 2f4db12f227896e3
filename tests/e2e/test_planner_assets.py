"""The planner router: page, packaged assets, caching, no third-party URLs (no browser needed)."""

from __future__ import annotations

import re
from importlib import resources

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.web.routes import STATIC_PREFIX, include_planner, read_asset

ASSETS = ("app.js", "charts.js", "client.js", "gantt.js", "svg.js", "tables.js", "planner.css")


@pytest.fixture(scope="module")
def client() -> TestClient:
    app = FastAPI()
    include_planner(app)
    return TestClient(app)


def test_page_is_served_with_its_assets(client: TestClient) -> None:
    page = client.get("/planner")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    linked = set(re.findall(r'(?:src|href)="([^"]+)"', page.text))
    # the empty data: icon keeps the browser from asking for /favicon.ico
    assert linked == {f"{STATIC_PREFIX}/app.js", f"{STATIC_PREFIX}/planner.css", "data:,"}


def test_root_redirects_to_the_page(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"] == "/planner"


@pytest.mark.parametrize("name", ASSETS)
def test_every_asset_is_served_with_its_media_type(client: TestClient, name: str) -> None:
    response = client.get(f"{STATIC_PREFIX}/{name}")
    assert response.status_code == 200
    expected = "text/javascript" if name.endswith(".js") else "text/css"
    assert response.headers["content-type"].startswith(expected)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.content == resources.files("api.web").joinpath(name).read_bytes()


def test_es_module_imports_resolve_to_packaged_assets(client: TestClient) -> None:
    for name in ASSETS:
        if not name.endswith(".js"):
            continue
        text = client.get(f"{STATIC_PREFIX}/{name}").text
        for target in re.findall(r'from "\./([^"]+)"', text):
            assert client.get(f"{STATIC_PREFIX}/{target}").status_code == 200, (name, target)


def test_etag_revalidation_answers_304(client: TestClient) -> None:
    first = client.get(f"{STATIC_PREFIX}/app.js")
    again = client.get(f"{STATIC_PREFIX}/app.js", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""


@pytest.mark.parametrize(
    "name", ["routes.py", "__init__.py", "..%2Froutes.py", "missing.js", "index.html.bak", ".js"]
)
def test_non_assets_are_not_served(client: TestClient, name: str) -> None:
    assert client.get(f"{STATIC_PREFIX}/{name}").status_code == 404


def test_read_asset_rejects_traversal_and_unknown_suffixes() -> None:
    assert read_asset("../main.py") is None
    assert read_asset("routes.py") is None
    assert read_asset("app.js") is not None


def test_assets_reference_no_other_origin() -> None:
    """No CDN and no internet at runtime: no absolute http(s) URL in any shipped asset."""
    for name in (*ASSETS, "index.html"):
        text = resources.files("api.web").joinpath(name).read_text(encoding="utf-8")
        urls = re.findall(r"https?://[^\s\"')]+", text)
        assert urls in ([], ["http://www.w3.org/2000/svg"]), (name, urls)
