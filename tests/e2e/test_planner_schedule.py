"""The planner's schedule panel (schedule.js) against the real service in headless Chromium:
an edit that breaks a rule shows the violation, an agent is locked, the rest re-optimised (a
job), the valid version published and the agent's published week opened."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import Session, select

from api.main import create_app
from api.tables import Forecast
from tests.api.conftest import make_settings
from tests.api.support import ADMIN_TOKEN, AdminClient
from tests.api.test_edge import live_server
from tests.api.test_roster_edits import solved_roster
from tests.api.test_roster_overnight import _night_site, _roster
from tests.e2e.browser_support import VIEWPORT, console_errors

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _versions(api: httpx.Client, rid: int, number: int) -> dict[str, Any]:
    return dict(api.get(f"/v1/rosters/{rid}/versions/{number}").json())


def _open_roster(chromium: Any, base: str, rid: int) -> tuple[Any, list[str]]:
    """The planner page signed in with the admin token, roster ``rid`` loaded in the schedule
    panel; the page and its console errors."""
    page = chromium.new_page(viewport=VIEWPORT)
    errors = console_errors(page)
    page.goto(base + "/planner")
    page.wait_for_selector("#signin:not([hidden])")
    page.fill("#signin-token", ADMIN_TOKEN)
    page.click("#signin-submit")
    page.fill("#schedule-roster", str(rid))
    page.click("#schedule-load")
    page.wait_for_selector("#schedule-shifts")
    return page, errors


def test_edit_lock_reoptimise_publish_and_the_agents_view(chromium: Any, tmp_path: Path) -> None:
    settings = make_settings(f"sqlite:///{tmp_path / 'page.db'}", workers=1)
    with live_server(settings) as base:
        auth = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        with httpx.Client(base_url=base, headers=auth, timeout=60) as api:
            _, rid = solved_roster(api)  # type: ignore[arg-type]
            v1 = _versions(api, rid, 1)
            x = v1["shifts"][0]["agent"]
            y = next(s for s in v1["shifts"] if s["agent"] != x)
            page, errors = _open_roster(chromium, base, rid)
            assert "version 1 (solved)" in (page.text_content("#schedule-meta") or "")
            # y's shift cut to one hour: no contract length, saved as an invalid draft
            page.fill("#schedule-agent", y["agent"])
            page.fill("#schedule-day", str(y["day"]))
            page.select_option("#schedule-op", "resize")
            page.fill(
                "#schedule-end", f"{(y['start'] + 60) // 60:02d}:{(y['start'] + 60) % 60:02d}"
            )
            page.click("#schedule-form button[type=submit]")
            page.wait_for_selector("#schedule-violations")
            assert y["agent"] in (page.text_content("#schedule-violations") or "")
            page.fill("#schedule-agent", x)
            page.click("#schedule-lock")
            page.wait_for_selector("#schedule-message:has-text('locked')")
            page.fill("#schedule-limit", "2")
            page.click("#schedule-reoptimise")
            page.wait_for_selector("#schedule-meta:has-text('version 3')", timeout=120_000)
            page.wait_for_selector("#schedule-valid")
            v3 = _versions(api, rid, 3)
            assert v3["kind"] == "reoptimise" and v3["valid"]
            assert [s for s in v3["shifts"] if s["agent"] == x] == [
                s for s in v1["shifts"] if s["agent"] == x
            ]
            page.click("#schedule-publish")
            page.wait_for_selector("#schedule-meta:has-text('published')")
            page.click("#schedule-agent-button")
            page.wait_for_selector("#schedule-agent-view li")
            shown = page.text_content("#schedule-agent-view") or ""
            assert f"{x}: published week of" in shown and "version 3" in shown
            assert len(page.query_selector_all("#schedule-agent-view li")) == sum(
                s["agent"] == x for s in v3["shifts"]
            )
            page.close()
    # the first call, before signing in, is the service's 401 (that is what asks for a token)
    assert [e for e in errors if "status of 401" not in e] == []


def test_night_shifts_read_past_midnight_in_the_schedule_panel(
    chromium: Any, tmp_path: Path
) -> None:
    """A 24/7 site's night roster (Mon, Wed, Fri 20:00-04:00, issue 25) in the schedule panel:
    each shift in the column of the day it starts, its end read as the next day's 04:00."""
    settings = make_settings(f"sqlite:///{tmp_path / 'night.db'}", workers=1)
    with AdminClient(create_app(settings)) as client:  # the rows, then the page on them
        _, requirement_id = _night_site(client, overnight=True)
        job = _roster(client, requirement_id)
        assert job["status"] == "succeeded", (job["error"], job["errors"])
        rid = int(job["result_id"])
        with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
            for row in session.exec(select(Forecast)).all():  # the page reads the forecast
                calls = row.intervals["calls"]  # stored without a band by the API test
                row.intervals = {**row.intervals, "calls_lo": calls, "calls_hi": calls}
                session.add(row)
            session.commit()
    with live_server(settings) as base:
        page, errors = _open_roster(chromium, base, rid)
        for agent in ("N0", "N1"):
            cells = page.eval_on_selector_all(
                f'#schedule-shifts tr[data-agent="{agent}"] td', "ts => ts.map(t => t.textContent)"
            )
            night = "20:00-04:00+1"
            assert cells == [night, "–", night, "–", night, "–", "–"], (agent, cells)
        page.close()
    assert [e for e in errors if "status of 401" not in e] == []
