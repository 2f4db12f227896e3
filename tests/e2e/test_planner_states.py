"""Planner page states that a real solve rarely produces, against canned ``/v1`` bodies.

Two queues on two sites (the second site's weeks start on Sunday), each with its own forecast,
roster, comparison and capacity plan; an INVALID roster, a structurally short one, a service
that wants a token, an upload with warnings, and "Start roster" having to forecast first.
Requests are answered in-process (``planner_fake``); the bodies come from ``planner_fixtures``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e import planner_fixtures as fx
from tests.e2e.browser_support import ARTIFACTS_DIR
from tests.e2e.planner_fake import FakeApi, open_page, paged

pytestmark = pytest.mark.browser

SUNDAY_WEEK = dt.date(2026, 11, 1)  # site 2 (week_start_day 6): Sunday 1 - Saturday 7 Nov
RED = "rgb(214, 69, 65)"  # --under
SHORTFALL = {
    "code": "structural_shortfall",
    "day": 4,
    "date": "2026-10-23",
    "hours_short": 7.0,
    "cause": "no_shift_fits_opening_hours",
    "message": "no contract's shift fits the opening hours 07:00-14:00",
}
VIOLATIONS = [
    {"agent": "A001", "day": 0, "rule": "grid", "message": "times off the 30-min grid"},
    {"agent": "A001", "day": 6, "rule": "grid", "message": "times off the 30-min grid"},
    {"agent": "A002", "day": 0, "rule": "rest", "message": "rest 585 < 660 min"},
]


def by_query(key: str, answers: dict[str, Any]) -> Any:
    """A list endpoint answering by one query parameter (``site_id``, ``kind``)."""

    def handler(path: str, query: dict[str, list[str]], body: bytes | None) -> Any:
        return paged(answers.get(query.get(key, [""])[0], []))(path, query, body)

    return handler


def job_row(id: int, kind: str, result_url: str, **params: Any) -> dict[str, Any]:
    return fx.job("succeeded", id=id, kind=kind, params=params, result_url=result_url)


def summary(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != "intervals"}


def two_queue_api(roster_one: dict[str, Any] | None = None) -> FakeApi:
    """Queue 3 (site 1, Monday weeks) and queue 4 (site 2, Sunday weeks), each with its own
    forecast, requirement, roster, comparison; a capacity plan of queue 3's requirement and
    one made from need hours (no queue)."""
    api = FakeApi()
    req_three = fx.requirement()
    req_four = fx.requirement(id=9, queue_id=4, forecast_id=6, week=SUNDAY_WEEK)
    roster_four = fx.roster(id=22, site_id=2, requirement_id=9, week=SUNDAY_WEEK)
    routes: list[tuple[str, str, Any]] = [
        ("GET", "/v1/sites", paged([fx.site(), fx.site(2, "Sunday site", week_start_day=6)])),
        ("GET", "/v1/sites/1/queues", paged([fx.queue()])),
        ("GET", "/v1/sites/2/queues", paged([fx.queue(4, 2, "Support")])),
        ("GET", "/v1/sites/1/agents", paged(fx.agents())),
        ("GET", "/v1/sites/2/agents", paged(fx.agents())),
        ("GET", "/v1/clients", paged([])),  # the clients panel (clients.js)
        ("GET", "/v1/queues/3/forecasts", paged([fx.forecast_summary()])),
        ("GET", "/v1/queues/4/forecasts", paged([fx.forecast_summary(6, 4, SUNDAY_WEEK)])),
        ("GET", "/v1/forecasts/5", fx.forecast()),
        ("GET", "/v1/forecasts/6", fx.forecast(6, 4, SUNDAY_WEEK)),
        ("GET", "/v1/queues/3/history", fx.history()),
        ("GET", "/v1/queues/4/history", fx.history() | {"queue_id": 4}),
        ("GET", "/v1/queues/3/requirements", paged([summary(req_three)])),
        ("GET", "/v1/requirements/8", req_three),
        ("GET", "/v1/queues/4/requirements", paged([summary(req_four)])),
        (
            "GET",
            "/v1/rosters",
            by_query(
                "site_id",
                {
                    "1": [summary(roster_one or fx.roster())],
                    "2": [summary(roster_four)],
                },
            ),
        ),
        ("GET", "/v1/rosters/21", roster_one or fx.roster()),
        ("GET", "/v1/rosters/22", roster_four),
        ("GET", "/v1/rosters/21/simulated-kpis", fx.simulated()),
        ("GET", "/v1/rosters/22/simulated-kpis", fx.simulated(SUNDAY_WEEK)),
        (
            "GET",
            "/v1/jobs",
            by_query(
                "kind",
                {
                    "comparison": [
                        job_row(30, "comparison", "/v1/comparisons/40", forecast_id=5),
                        job_row(31, "comparison", "/v1/comparisons/41", forecast_id=6),
                    ],
                    "capacity_plan": [  # the newest plan is queue 3's: queue 4 must not show it
                        job_row(32, "capacity_plan", "/v1/capacity-plans/52", requirement_id=None),
                        job_row(33, "capacity_plan", "/v1/capacity-plans/50", requirement_id=8),
                    ],
                },
            ),
        ),
        ("GET", "/v1/comparisons/40", fx.comparison(40, 5, "Billing what-if")),
        ("GET", "/v1/comparisons/41", fx.comparison(41, 6, "Support what-if")),
        ("GET", "/v1/capacity-plans/50", fx.capacity_plan(50, "Billing plan", 4)),
        ("GET", "/v1/capacity-plans/52", fx.capacity_plan(52, "Company plan", 6)),
    ]
    for method, path, answer in routes:
        api.on(method, path, answer)
    return api


@pytest.fixture()
def two_queues(chromium: Any) -> Iterator[Any]:
    page, errors = open_page(chromium, two_queue_api())
    yield page
    page.close()
    assert errors == []


def scenario_names(page: Any) -> list[str]:
    return page.eval_on_selector_all(
        "#scenario-table tbody th", "ths => ths.map(th => th.textContent)"
    )


def wait_week(page: Any, week: str) -> None:
    """The page shows ``week`` and has drawn it (a reload sets data-ready false first)."""
    page.wait_for_function(f"document.getElementById('week-input').value === '{week}'")
    page.wait_for_selector("body[data-ready=true]")


def test_switching_queue_shows_its_newest_forecast_week_and_its_own_panels(two_queues: Any) -> None:
    page = two_queues
    assert page.input_value("#week-input") == fx.WEEK_START.isoformat()
    assert scenario_names(page) == ["base", "Billing what-if v1"]
    assert page.get_attribute("#capacity-meta", "data-scope") == "queue"
    assert "Billing plan" in page.text_content("#capacity-meta")
    assert page.text_content("#week-hint") == "Mon–Sun"  # no week_start_day: Monday first

    page.select_option("#queue-select", "1")  # Sunday site · Support
    wait_week(page, SUNDAY_WEEK.isoformat())
    assert "No forecast" not in page.text_content("#forecast-chart")
    assert page.get_attribute("#forecast-svg", "data-intervals") == str(len(fx.intervals()))
    assert page.text_content("#roster-meta").startswith("#22 ")
    assert scenario_names(page) == ["base", "Support what-if v1"]
    assert page.get_attribute("#capacity-meta", "data-scope") == "need_hours"
    assert "Company plan" in page.text_content("#capacity-meta")
    # the site's week: Sunday first in the hint, the day chips and the Gantt's day labels
    assert page.text_content("#week-hint") == "Sun–Sat"
    assert page.get_attribute("#week-hint", "title") == "this site's weeks start on Sunday"
    chips = page.eval_on_selector_all("#day-chips button", "bs => bs.map(b => b.textContent)")
    assert chips[:3] == ["Week", "Sun", "Mon"]
    labels = page.eval_on_selector_all(
        "#gantt-svg text.day-label", "ts => ts.map(t => t.textContent)"
    )
    assert labels == ["Sun 1", "Mon 2", "Tue 3", "Wed 4", "Thu 5", "Fri 6", "Sat 7"]
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS_DIR / "planner-sunday-week.png"), full_page=True)
    page.fill("#week-input", "2026-11-04")  # a Wednesday snaps to its Sunday
    wait_week(page, SUNDAY_WEEK.isoformat())

    page.select_option("#queue-select", "0")
    wait_week(page, fx.WEEK_START.isoformat())
    assert page.text_content("#roster-meta").startswith("#21 ")
    assert scenario_names(page) == ["base", "Billing what-if v1"]
    page.fill("#week-input", "2026-11-04")  # queue 3 has no forecast for that week
    wait_week(page, "2026-11-02")
    assert page.text_content("#forecast-chart") == (
        "No forecast for the week of Mon 2 Nov yet (this queue's newest forecast is for the"
        " week of Mon 19 Oct)."
    )


def test_an_invalid_roster_shows_in_red_with_its_violation_count(chromium: Any) -> None:
    roster = fx.roster(status="INVALID", solver_status="OPTIMAL", violations=VIOLATIONS)
    page, errors = open_page(chromium, two_queue_api(roster))
    badge = page.locator("#roster-report #roster-status")
    assert badge.text_content() == "INVALID: 3 rule violations"
    assert badge.evaluate("b => getComputedStyle(b).backgroundColor") == RED
    assert "OPTIMAL" in (badge.get_attribute("title") or "")  # the raw solver status
    assert page.text_content("#roster-status-words") == "breaks hard rules: do not publish it"
    assert "INVALID: 3 rule violations" in page.text_content("#roster-meta")
    page.click("#roster-violations summary")
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS_DIR / "planner-invalid.png"))
    rows = page.eval_on_selector_all(
        "#violations-table tbody tr", "trs => trs.map(tr => [...tr.cells].map(c => c.textContent))"
    )
    assert rows[2] == ["A002", "Mon 19 Oct", "rest", "rest 585 < 660 min"]
    assert len(rows) == 3
    # an older service said OPTIMAL while listing violations: the page still says INVALID
    older = fx.roster(status="OPTIMAL", violations=VIOLATIONS[:1])
    page2, errors2 = open_page(chromium, two_queue_api(older))
    assert page2.text_content("#roster-status") == "INVALID: 1 rule violation"
    page.close()
    page2.close()
    assert errors == errors2 == []


def test_a_structural_shortfall_warning_shows_next_to_the_status(chromium: Any) -> None:
    page, errors = open_page(chromium, two_queue_api(fx.roster(warnings=[SHORTFALL])))
    assert page.text_content("#roster-status") == "OPTIMAL"
    assert "warn" in (page.get_attribute("#roster-status", "class") or "")
    items = page.locator("#roster-report #roster-warnings li")
    assert items.count() == 1
    assert items.first.text_content() == f"Fri 23 Oct, 7.0 h short: {SHORTFALL['message']}"
    assert items.first.get_attribute("data-code") == "structural_shortfall"
    assert items.first.get_attribute("title") == "no_shift_fits_opening_hours"
    assert "optimal" not in page.text_content("[data-kpi='Gap to best possible'] .label").lower()
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS_DIR / "planner-shortfall.png"), full_page=True)
    page.close()
    assert errors == []


def test_a_401_asks_for_a_token_keeps_it_in_session_storage_and_retries(chromium: Any) -> None:
    api = two_queue_api()
    api.token = "tok-3f9a"
    page, errors = open_page(chromium, api, ready=False)
    page.wait_for_selector("#signin:visible")
    assert page.get_attribute("body", "data-ready") is None  # nothing loaded without a token
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS_DIR / "planner-signin.png"))
    page.fill("#signin-token", "wrong")
    page.click("#signin-submit")
    page.wait_for_function(
        "document.getElementById('signin-reason').textContent.includes('not accepted')"
    )
    assert page.is_visible("#signin")
    page.fill("#signin-token", "tok-3f9a")
    page.click("#signin-submit")
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_load_state("networkidle")
    assert page.is_hidden("#signin")
    assert page.locator("#queue-select option").count() == 2
    assert page.evaluate("sessionStorage.getItem('staffwise.token')") == "tok-3f9a"
    assert page.evaluate("document.cookie") == "" and "tok" not in page.url
    signed = [s for s in api.sent if s.headers.get("authorization") == "Bearer tok-3f9a"]
    assert {s.path for s in signed} >= {"/v1/sites", "/v1/forecasts/5", "/v1/rosters/21"}
    assert all("tok" not in json.dumps(s.query) for s in api.sent)
    # the tab remembers it: a reload signs in without asking
    count = len(api.sent)
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    assert page.is_hidden("#signin")
    assert all(s.headers.get("authorization") == "Bearer tok-3f9a" for s in api.sent[count:])
    page.close()
    assert [e for e in errors if "status of 401" not in e] == []


@pytest.mark.parametrize("large", [False, True], ids=["small-201", "large-202-job"])
def test_import_warnings_are_listed_after_an_upload(
    chromium: Any, tmp_path: Path, large: bool
) -> None:
    """A stored upload's warnings are listed; a large file is imported by a job (202) whose
    report the page reads when it ends; the chosen date order goes out as ``date_format``."""
    warnings: list[dict[str, Any]] = [
        {"row": None, "field": "interval_start", "code": "missing_days", "message": "3 missing"},
        {"row": 17, "field": "offered", "code": "outlier", "message": "offered 900 is an outlier"},
    ]
    api = two_queue_api()
    report = fx.import_report(warnings)
    if large:
        queued = fx.job("queued", id=15, kind="history_import") | {"_location": "/v1/jobs/15"}
        done = fx.job("succeeded", id=15, kind="history_import", progress=1.0,
                      result_url="/v1/history-imports/12")  # fmt: skip
        api.on("POST", "/v1/queues/3/history-imports", (202, queued))
        api.on("GET", "/v1/jobs/15", done)
        api.on("GET", "/v1/history-imports/12", report)
    else:
        api.on("POST", "/v1/queues/3/history-imports", (201, report))
    page, errors = open_page(chromium, api)
    page.select_option("#date-format", "%d/%m/%Y")
    csv = tmp_path / "history.csv"
    csv.write_text("Date,Interval,Queue,Offered\n19/10/2026,08:00,q,9\n")
    page.set_input_files("#csv-input", str(csv))
    page.wait_for_selector("#import-warnings-table tbody tr")
    rows = page.eval_on_selector_all(
        "#import-warnings-table tbody tr",
        "trs => trs.map(tr => [...tr.cells].map(c => c.textContent))",
    )
    assert rows == [["–", "interval_start", "missing_days", "3 missing"],
                    ["17", "offered", "outlier", "offered 900 is an outlier"]]  # fmt: skip
    assert "40 rows: 40 new" in page.text_content("#import-summary")
    assert "imported with 2 warning(s)" in page.text_content("#message")
    upload = next(s for s in api.sent if s.method == "POST")
    assert upload.query == {"date_format": ["%d/%m/%Y"]}
    page.close()
    assert errors == []


def test_an_ambiguous_date_order_says_how_to_upload_again(chromium: Any, tmp_path: Path) -> None:
    problem = {
        "type": "https://staffwise.dev/problems/validation-error", "title": "Unprocessable Entity",
        "status": 422, "detail": "ambiguous dates", "code": "validation-error",
        "errors": [{"row": 2, "field": "date", "code": "ambiguous_date_order",
                    "message": "01/11/1999 could be 1 Nov or 11 Jan: give date_format"}],
    }  # fmt: skip
    api = two_queue_api()
    api.on("POST", "/v1/queues/3/history-imports", (422, problem))
    page, errors = open_page(chromium, api)
    csv = tmp_path / "ddmm.csv"
    csv.write_text("Date,Interval,Queue,Offered\n01/11/1999,08:00,q,9\n")
    page.set_input_files("#csv-input", str(csv))
    page.wait_for_selector("#errors-table tbody tr")
    assert "choose the file's date order under “dates”" in page.text_content("#import-summary")
    assert next(s for s in api.sent if s.method == "POST").query == {}  # auto: no date_format
    page.close()
    assert [e for e in errors if "status of 422" not in e] == []


def test_start_roster_says_when_it_forecasts_first_and_shows_the_warnings(chromium: Any) -> None:
    message = "the week starts 27 years after the history"
    warnings = [{"code": "horizon_far_after_history", "message": message}]
    forecasts: list[Any] = []
    api = two_queue_api()

    def forecast_job(_path: str, _query: Any, _body: Any) -> tuple[int, Any]:
        forecasts.append(fx.forecast_summary())
        return 200, fx.job("succeeded", id=9, kind="forecast", result_url="/v1/forecasts/5",
                           message="forecast 5: 1 warning")  # fmt: skip

    queued = fx.job("queued", id=9, kind="forecast") | {"_location": "/v1/jobs/9"}
    for method, path, answer in (
        ("GET", "/v1/queues/3/forecasts", paged(forecasts)),
        ("GET", "/v1/forecasts/5", fx.forecast(warnings=warnings)),
        ("POST", "/v1/queues/3/forecasts", (202, queued)),
        ("GET", "/v1/jobs/9", forecast_job),
        ("POST", "/v1/roster-jobs", (202, fx.job("queued") | {"_location": "/v1/jobs/7"})),
        ("GET", "/v1/jobs/7", fx.job("succeeded", progress=1.0, result_url="/v1/rosters/21")),
    ):
        api.on(method, path, answer)
    page, errors = open_page(chromium, api)
    assert "No forecast for this queue yet" in page.text_content("#forecast-chart")
    page.click("#roster-button")
    page.wait_for_function(
        "(m => m.textContent.includes('ready') || m.classList.contains('error'))"
        "(document.getElementById('message'))"
    )
    assert "ready" in page.text_content("#message"), page.text_content("#message")
    notice = page.text_content("#notice")
    assert "“Start roster” made forecast #5 (profile_volume) first" in notice
    assert "1 warning(s)" in notice
    assert page.text_content("#notice-warnings li") == warnings[0]["message"]
    assert page.text_content("#forecast-warnings li") == warnings[0]["message"]
    post = next(s for s in api.sent if s.method == "POST" and s.path == "/v1/queues/3/forecasts")
    assert json.loads(post.body or b"")["week_start"] is None  # the week after the history
    page.close()
    assert errors == []


def test_a_429_waits_for_retry_after_and_sends_again(chromium: Any) -> None:
    api = two_queue_api()
    sites = api.routes[("GET", "/v1/sites")]
    limited = {"left": 1}

    def rate_limited(path: str, query: Any, body: Any) -> Any:
        if limited["left"]:
            limited["left"] -= 1
            return 429, {
                "status": 429,
                "title": "Too Many Requests",
                "_headers": {"Retry-After": "1"},
            }
        return sites(path, query, body)

    api.on("GET", "/v1/sites", rate_limited)
    page, errors = open_page(chromium, api)
    assert page.locator("#queue-select option").count() == 2
    assert [s.path for s in api.sent].count("/v1/sites") == 2
    assert not page.locator("#message.error").count()
    page.close()
    assert [e for e in errors if "status of 429" not in e] == []


def test_an_email_queues_what_if_shows_deadline_columns(chromium: Any) -> None:
    """Queue 4's comparison is an e-mail queue's: agents on the work, share within deadline
    (at its staffing and at the base plan's), backlog; no ASA or abandonment columns."""
    api = two_queue_api()
    api.on("GET", "/v1/sites/2/queues", paged([fx.queue(4, 2, "Support", email=True)]))
    api.on("GET", "/v1/comparisons/41", fx.comparison(41, 6, "More mail", deferred=True))
    scenario = {"id": 7, "queue_id": 4, "name": "More mail", "version": 1, "changes": {},
                "created_at": "2026-11-01T00:00:00Z"}  # fmt: skip
    api.on("POST", "/v1/queues/4/scenarios", (201, scenario))
    api.on("GET", "/v1/queues/4/scenarios", paged([scenario]))
    api.on("POST", "/v1/comparisons", (202, job_row(31, "comparison", "/v1/comparisons/41")))
    page, errors = open_page(chromium, api)
    assert page.is_hidden("#whatif-deadline-label")  # a voice queue: no deadline to change
    page.select_option("#queue-select", "1")  # Sunday site · Support (e-mail)
    page.wait_for_function(
        "document.querySelector('#scenario-table thead')?.textContent.includes('In deadline')"
    )
    page.click("#whatif-button")
    assert page.is_visible("#whatif-deadline-label")
    page.fill("#whatif-name", "More mail")
    page.fill("#whatif-deadline", "360")
    page.click("#whatif-form button[type=submit]")
    page.wait_for_function("document.getElementById('message').textContent.includes('done')")
    posted = [s for s in api.sent if (s.method, s.path) == ("POST", "/v1/queues/4/scenarios")]
    assert json.loads(posted[-1].body or b"{}")["changes"]["deadline_minutes"] == 360
    texts = "cells => cells.map(t => t.textContent)"
    heads = page.eval_on_selector_all("#scenario-table thead th", texts)
    assert "Agents on work" in heads and "In deadline, base staffing" in heads
    assert "ASA s" not in heads and "Abandon" not in heads
    row = " ".join(page.eval_on_selector_all("#scenario-table tbody tr:nth-child(2) td", texts))
    assert "12" in row and "3.1" in row  # share at base staffing 12 %, 3.14 agents
    page.close()
    assert errors == []
