"""The planner's site roster view (site.js) in headless Chromium: per-queue coverage, the
backlog chart of a deferred queue and the agents' skills on the Gantt, drawn from a body shaped
like ``GET /v1/site-rosters/{id}``, and the site panel's button that reads it."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from tests.e2e import planner_fixtures as fx
from tests.e2e.planner_fake import FakeApi, open_page, paged
from tests.e2e.test_planner_client import JobScript, fake_api

pytestmark = pytest.mark.browser
OPEN = [[540, 660], [540, 660]] + [None] * 5  # two days 09:00-11:00, 60-minute grid
WEEK = fx.WEEK_START.isoformat()  # the week of the fake API's forecast and requirement


def _grid(values: dict[tuple[int, int], float]) -> list[list[float]]:
    return [[values.get((d, t), 0.0) for t in range(24)] for d in range(7)]


def site_roster_body() -> dict[str, Any]:
    slots = [(d, t) for d in (0, 1) for t in (9, 10)]
    shift = {"agent": "AB", "day": 0, "start": 540, "end": 660, "activities": [],
             "paid_minutes": 120, "allocation": [
                 {"queue": "1", "start": 540, "end": 600, "share": 1.0},
                 {"queue": "3", "start": 600, "end": 660, "share": 0.5}]}  # fmt: skip
    other = {"agent": "A1", "day": 1, "start": 540, "end": 660, "activities": [],
             "paid_minutes": 120,
             "allocation": [{"queue": "1", "start": 540, "end": 660, "share": 1.0}]}  # fmt: skip
    return {
        "id": 12, "job_id": 4, "site_id": 1, "week_start": WEEK,
        "created_at": "2026-11-01T00:00:00Z", "requirement_ids": {"1": 8, "2": 9, "3": 10},
        "queues": [
            {"id": "1", "name": "Billing", "channel": "voice", "weight": 1.0},
            {"id": "2", "name": "Sales", "channel": "chat", "weight": 1.0},
            {"id": "3", "name": "Mail", "channel": "deferred", "weight": 1.0,
             "deadline_minutes": 240, "work_minutes": 10.0},
        ],
        "report": {"status": "FEASIBLE", "objective": 3.25, "bound": 3.0, "gap": 0.077,
                   "interval_min": 60, "opening_hours": OPEN, "violations": []},
        "what_if": {"cross_training": {"1": ["B1"]}, "base_cost": 5.0, "cost": 3.25,
                    "gain": 1.75, "gain_share": 0.35, "base_site_roster_id": 11},
        "skills": {"AB": ["1", "3"], "A1": ["1"]},
        "cost": {
            "cost": 3.25, "within_deadline_share": 0.9,
            "coverage": {"1": _grid({s: 1.0 for s in slots}), "2": _grid({(0, 9): 1.0}),
                         "3": _grid({(0, 10): 0.5})},
            "requirement": {"1": _grid({s: 2.0 for s in slots}), "2": _grid({(0, 9): 1.0})},
            "backlog": {"intervals": [list(s) for s in slots],
                        "work_minutes": {"3": [30.0, 0.0, 20.0, 40.0]}},
        },
        "schedule": [
            {"agent": "A1", "skills": ["1"], "paid_minutes": 120, "shifts": [other]},
            {"agent": "AB", "skills": ["1", "3"], "paid_minutes": 120, "shifts": [shift]},
        ],
        "explanations": [],
    }  # fmt: skip


def test_site_roster_view_draws_coverage_backlog_and_skills(chromium: Any) -> None:
    page, errors = open_page(chromium, FakeApi(), ready=False, path="/harness")
    page.evaluate(
        """async (roster) => {
             const m = await import("/static/planner/site.js");
             const node = document.createElement("div");
             document.body.replaceChildren(node);
             m.renderSiteRoster(node, roster);
           }""",
        site_roster_body(),
    )
    assert page.get_attribute("#site-coverage-1", "data-slots") == "4"
    assert page.locator("#site-coverage-1 rect.site-covered.under").count() == 4  # 1 of 2
    assert page.locator("#site-coverage-2 rect.site-covered.met").count() == 4
    assert page.locator("#site-backlog-3 polyline.backlog").count() == 1
    assert page.locator("#site-coverage-3").count() == 0  # deferred: a backlog, no coverage
    rows = page.locator("#site-gantt-svg g.site-gantt-row")
    assert rows.count() == 2
    assert page.get_attribute("g.site-gantt-row[data-agent=AB]", "data-skills") == "1 3"
    assert "AB (Billing, Mail)" in (page.text_content("g.site-gantt-row[data-agent=AB]") or "")
    blocks = page.eval_on_selector_all(
        "g.site-gantt-row[data-agent=AB] rect.site-block", "rs => rs.map(r => r.dataset.queue)"
    )
    assert blocks == ["1", "3"]
    summary = page.text_content("#site-summary") or ""
    assert "FEASIBLE" in summary and "gap 7.70%" in summary and "within deadline 90.0%" in summary
    assert "gain 1.75" in (page.text_content("#site-whatif") or "")
    page.close()
    assert errors == []


def test_the_site_panel_shows_the_newest_site_roster(chromium: Any) -> None:
    api = fake_api(JobScript())
    body = site_roster_body()
    fields = ("id", "job_id", "site_id", "week_start", "queues", "requirement_ids", "report",
              "what_if", "created_at")  # fmt: skip
    summary = {k: body[k] for k in fields}
    api.on("GET", "/v1/site-rosters", paged([summary]))
    api.on("GET", "/v1/site-rosters/12", body)
    page, errors = open_page(chromium, api)
    page.evaluate(f"document.getElementById('week-input').value = '{WEEK}'")
    page.click("#site-latest-button")
    page.wait_for_selector("#site-gantt-svg")
    assert page.get_attribute("#site-view", "data-site-roster") == "12"
    listed = next(s for s in api.sent if s.path == "/v1/site-rosters")
    assert listed.query["site_id"] == ["1"]
    # the cross-training what-if: a site roster job with cross_training, its gain shown
    done = fx.job("succeeded", progress=1.0) | {
        "id": 9, "kind": "site_roster", "result_kind": "site_roster", "result_id": 13,
        "result_url": "/v1/site-rosters/13",
    }  # fmt: skip
    api.on("POST", "/v1/site-roster-jobs", (202, done | {"_location": "/v1/jobs/9"}))
    what_if = body | {"id": 13, "what_if": body["what_if"] | {"gain": 2.5}}
    api.on("GET", "/v1/site-rosters/13", what_if)
    page.select_option("#site-whatif-queue", "1")
    page.fill("#site-whatif-agents", "2")
    page.click("#site-whatif-form button[type=submit]")
    page.wait_for_selector("#site-view[data-site-roster='13']")
    assert "gain 2.50" in (page.text_content("#site-whatif") or "")
    posted = next(s for s in api.sent if s.path == "/v1/site-roster-jobs")
    sent = json.loads(posted.body or b"{}")
    assert sent["cross_training"] == [{"queue_id": 1, "agents": 2}]
    assert (sent["site_id"], sent["week_start"]) == (1, WEEK)
    page.close()
    assert errors == []


def test_the_site_panel_publishes_the_shown_site_roster(chromium: Any) -> None:
    """A site roster without what-if nor violations offers "Publish"; the POST answer's
    change count is shown. A what-if roster offers no such button."""
    api = fake_api(JobScript())
    body = site_roster_body() | {"what_if": None}
    fields = ("id", "job_id", "site_id", "week_start", "queues", "requirement_ids", "report",
              "what_if", "created_at")  # fmt: skip
    api.on("GET", "/v1/site-rosters", paged([{k: body[k] for k in fields}]))
    api.on("GET", "/v1/site-rosters/12", body)
    made = {"id": 5, "roster_id": None, "site_roster_id": 12, "site_id": 1,
            "week_start": WEEK, "version": 1, "author": "admin",
            "published_at": "2026-11-01T10:00:00Z",
            "changes": [{"agent": "A1", "day": 1, "change": "added", "before": None,
                         "after": {}}]}  # fmt: skip
    api.on("POST", "/v1/site-rosters/12/publications", (201, made))
    page, errors = open_page(chromium, api)
    page.evaluate(f"document.getElementById('week-input').value = '{WEEK}'")
    page.click("#site-latest-button")
    page.wait_for_selector("#site-publish-button")
    page.click("#site-publish-button")
    page.wait_for_function("document.getElementById('site-meta').textContent.includes('published')")
    meta = page.text_content("#site-meta") or ""
    assert f"Site roster #12 published for the week of {WEEK}" in meta
    assert "1 shift changes since the previous publication" in meta
    assert any(s.method == "POST" and s.path == "/v1/site-rosters/12/publications"
               for s in api.sent)  # fmt: skip
    # a what-if roster: no publish button
    api.on("GET", "/v1/site-rosters/12", site_roster_body())
    page.click("#site-latest-button")
    page.wait_for_selector("#site-whatif")
    assert page.locator("#site-publish-button").count() == 0
    page.close()
    assert errors == []


def test_start_site_roster_forecasts_a_queue_without_a_forecast_first(chromium: Any) -> None:
    """The week after the fake forecast's: "Start site roster" runs the queue's forecast job
    for that week and computes its requirement before posting the site roster job, and says
    so (as "Start roster" does for one queue)."""
    api = fake_api(JobScript())
    later = fx.WEEK_START + dt.timedelta(days=7)
    made = fx.job("succeeded", progress=1.0) | {
        "id": 30, "kind": "forecast", "result_kind": "forecast", "result_id": 6,
        "result_url": "/v1/forecasts/6",
    }  # fmt: skip
    api.on("POST", "/v1/queues/3/forecasts", (202, made | {"_location": "/v1/jobs/30"}))
    api.on("GET", "/v1/forecasts/6", fx.forecast(id=6, week=later))
    requirement = fx.requirement(id=9, forecast_id=6, week=later)
    api.on("POST", "/v1/requirements", (201, requirement))
    done = fx.job("succeeded", progress=1.0) | {
        "id": 31, "kind": "site_roster", "result_kind": "site_roster", "result_id": 12,
        "result_url": "/v1/site-rosters/12",
    }  # fmt: skip
    api.on("POST", "/v1/site-roster-jobs", (202, done | {"_location": "/v1/jobs/31"}))
    api.on("GET", "/v1/site-rosters/12", site_roster_body() | {"what_if": None})
    page, errors = open_page(chromium, api)
    page.evaluate(f"document.getElementById('week-input').value = '{later.isoformat()}'")
    page.click("#site-roster-button")
    page.wait_for_selector("#site-view[data-site-roster='12']")
    page.wait_for_function(
        "document.getElementById('site-meta').textContent.includes('Forecast first')"
    )
    assert "Billing" in (page.text_content("#site-meta") or "")
    posted = [s for s in api.sent if s.method == "POST"]
    assert [s.path for s in posted] == [
        "/v1/queues/3/forecasts", "/v1/requirements", "/v1/site-roster-jobs"
    ]  # fmt: skip
    assert json.loads(posted[0].body or b"{}")["week_start"] == later.isoformat()
    assert json.loads(posted[1].body or b"{}") == {"forecast_id": 6}
    assert json.loads(posted[2].body or b"{}")["week_start"] == later.isoformat()
    page.close()
    assert errors == []
