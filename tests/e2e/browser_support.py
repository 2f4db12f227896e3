"""Headless Chromium for the planner tests: Debian's ``chromium`` driven by Playwright.

No browser download: Playwright launches the system binary named by ``STAFFWISE_TEST_CHROMIUM``
(set by ``.ci/run``) or found as ``/usr/bin/chromium`` / ``chromium`` on ``PATH``. Tests using
these fixtures skip with the reason when the binary or the ``playwright`` package is missing.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
VIEWPORT = {"width": 1280, "height": 800}
ARTIFACTS_DIR = Path(__file__).resolve().parents[2] / "artifacts"


def chromium_path() -> str | None:
    """The system Chromium to drive, or ``None`` when there is none."""
    configured = os.environ.get("STAFFWISE_TEST_CHROMIUM", "").strip()
    for candidate in (configured, "/usr/bin/chromium", shutil.which("chromium") or ""):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """A launched headless Chromium (Playwright ``Browser``) shared by the whole session (one
    launch instead of one per module; each test opens its own page). Registered for
    tests/e2e by ``conftest.py``."""
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="the playwright Python package is not installed"
    )
    path = chromium_path()
    if path is None:
        pytest.skip("no chromium binary (install Debian's chromium or set STAFFWISE_TEST_CHROMIUM)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path, args=list(CHROMIUM_ARGS), headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


def console_errors(page: Any) -> list[str]:
    """Collect console errors and uncaught page errors of ``page`` into a live list."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors
