"""The whole planner page against canned ``/v1`` bodies shaped by the API's own schemas.

No server: Playwright answers the page's requests in-process (``planner_fake``), so these
tests pin down what the page sends and how it maps each response, including the states of a
running job that a real solve passes through too quickly to observe.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e import planner_fixtures as fx
from tests.e2e.planner_fake import FakeApi, open_page, paged

pytestmark = pytest.mark.browser

PROBLEM: dict[str, Any] = {
    "type": "https://staffwise.dev/problems/validation-error",
    "title": "Unprocessable Entity",
    "status": 422,
    "detail": "offered (row 2): offered must not be negative",
    "code": "validation-error",
    "errors": [
        {"row": 2, "field": "offered", "code": "negative_count", "message": "must be >= 0"},
        {"row": 5, "field": "interval_start", "code": "bad_time", "message": "not HH:MM"},
    ],
}


Planner = tuple[Any, FakeApi, "JobScript"]
UUID4 = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"


class JobScript:
    """``GET /v1/jobs/7``: running with a solution so far until ``finish()``, then succeeded."""

    def __init__(self) -> None:
        self.done = False
        self.cancelled = False

    def finish(self) -> None:
        self.done = True

    def cancel(self, _path: str, _query: Any, _body: Any) -> tuple[int, Any]:
        """``DELETE /v1/jobs/7``: the solve stops and keeps its best roster."""
        self.cancelled = True
        return 202, fx.job("running", cancel_requested=True, progress=0.5)

    def __call__(self, _path: str, _query: Any, _body: Any) -> tuple[int, Any]:
        if self.cancelled:
            return 200, fx.job("cancelled", progress=1.0, objective=14.0, best_bound=12.5,
                               gap=0.107, seconds=3.0, cancel_requested=True,
                               result_kind="roster", result_id=21,
                               result_url="/v1/rosters/21")  # fmt: skip
        if not self.done:
            return 200, fx.job("running", progress=0.4, objective=120.0, best_bound=100.0,
                               gap=1 / 6, seconds=2.0, message="solving")  # fmt: skip
        return 200, fx.job("succeeded", progress=1.0, objective=12.5, best_bound=12.5, gap=0.0,
                           seconds=4.0, result_kind="roster", result_id=21,
                           result_url="/v1/rosters/21")  # fmt: skip


def fake_api(job: JobScript) -> FakeApi:
    api = FakeApi()
    requirement_summary = {k: v for k, v in fx.requirement().items() if k != "intervals"}
    rosters: list[Any] = []
    for method, path, answer in (
        ("GET", "/v1/sites", paged([fx.site()])),
        ("GET", "/v1/sites/1/queues", paged([fx.queue()])),
        ("GET", "/v1/sites/1/agents", paged(fx.agents())),
        ("GET", "/v1/queues/3/forecasts", paged([fx.forecast_summary()])),
        ("GET", "/v1/forecasts/5", fx.forecast()),
        ("GET", "/v1/queues/3/history", fx.history()),
        ("GET", "/v1/queues/3/requirements", paged([requirement_summary])),
        ("GET", "/v1/requirements/8", fx.requirement()),
        ("GET", "/v1/rosters", paged(rosters)),
        ("GET", "/v1/rosters/21", fx.roster()),
        ("GET", "/v1/rosters/21/simulated-kpis", fx.simulated()),
        ("GET", "/v1/jobs", paged([])),
        ("GET", "/v1/capacity-plans", paged([])),
        ("GET", "/v1/clients", paged([])),  # the clients panel (clients.js)
        ("POST", "/v1/queues/3/history-imports", (422, PROBLEM)),
        ("POST", "/v1/roster-jobs", (202, fx.job("queued") | {"_location": "/v1/jobs/7"})),
        ("GET", "/v1/jobs/7", job),
        ("DELETE", "/v1/jobs/7", job.cancel),
    ):
        api.on(method, path, answer)
    return api


@pytest.fixture()
def planner(chromium: Any) -> Iterator[tuple[Any, FakeApi, JobScript]]:
    job = JobScript()
    api = fake_api(job)
    page, errors = open_page(chromium, api)
    yield page, api, job
    page.close()
    assert [e for e in errors if "status of 422" not in e] == []


def test_without_a_roster_the_page_shows_the_forecast_and_says_what_is_missing(
    planner: Planner,
) -> None:
    page, api, _job = planner
    forecast = fx.forecast()["intervals"]
    assert page.get_attribute("#forecast-svg", "data-intervals") == str(len(forecast["calls"]))
    actual = page.get_attribute("#forecast-svg path.actual", "d")
    assert actual.count("M") + actual.count("L") == len(fx.history()["offered"])  # Monday only
    assert "WAPE 12.3%" in page.text_content("#forecast-meta")
    # actuals are read over the forecast's span only (history reads page by time range)
    starts = [dt.datetime.fromisoformat(t) for t in forecast["interval_start"]]
    history = next(s for s in api.sent if s.path == "/v1/queues/3/history")
    sent_from, sent_to = (dt.datetime.fromisoformat(history.query[k][0]) for k in ("from", "to"))
    assert sent_from == starts[0] and starts[-1] < sent_to <= starts[-1] + dt.timedelta(minutes=15)
    assert "No roster" in page.text_content("#staffing-chart")
    assert page.input_value("#week-input") == fx.WEEK_START.isoformat()


def test_bad_upload_lists_the_problem_rows(planner: Planner, tmp_path: Path) -> None:
    page, api, _job = planner
    csv = tmp_path / "bad.csv"
    csv.write_text("Date,Interval,Queue,Offered\n2026-10-19,08:00,q,-1\n")
    page.set_input_files("#csv-input", str(csv))
    page.wait_for_selector("#errors-table tbody tr")
    rows = page.eval_on_selector_all(
        "#errors-table tbody tr", "trs => trs.map(tr => [...tr.cells].map(c => c.textContent))"
    )
    assert rows == [[str(e["row"]), e["field"], e["code"], e["message"]] for e in PROBLEM["errors"]]
    upload = next(s for s in api.sent if s.method == "POST")
    assert upload.body is not None and b'filename="bad.csv"' in upload.body
    assert upload.query == {}
    assert "rejected: 2 problem(s)" in page.text_content("#message")


def test_roster_job_shows_progress_then_draws_the_roster(planner: Planner) -> None:
    page, api, job = planner
    page.click("#roster-button")
    page.wait_for_selector("#job-status[data-status=running]")
    page.wait_for_function("document.getElementById('job-objective').textContent !== '–'")
    assert page.text_content("#job-objective") == "120.0"
    assert page.text_content("#job-bound") == "100.0"
    assert page.text_content("#job-gap") == "16.67%"
    assert page.get_attribute("#job-progress", "value") == "0.4"
    assert page.is_disabled("#roster-button") and page.is_visible("#cancel-button")
    post = next(s for s in api.sent if s.path == "/v1/roster-jobs")
    assert json.loads(post.body or b"") == {
        "requirement_id": 8, "week_start": fx.WEEK_START.isoformat(), "time_limit_s": 30,
    }  # fmt: skip
    # a UUID v4 even on plain http (no secure context, so no crypto.randomUUID)
    assert re.fullmatch(UUID4, post.headers["idempotency-key"])

    job.finish()
    page.wait_for_selector("#gantt-svg")
    coverage = fx.roster()["coverage"]
    assert page.get_attribute("#staffing-svg", "data-intervals") == str(len(coverage["day"]))
    under = sum(s < r for s, r in zip(coverage["staffed"], coverage["required"], strict=True))
    assert page.locator("rect.bar[data-status=under]").count() == under
    misses = sum(sl < 0.8 for sl in fx.simulated()["intervals"]["service_level"])
    assert page.locator("#service-svg g[data-metric=sl] rect.miss").count() == misses
    # one row per scheduled agent (A003 has no shift and is not in the schedule)
    assert page.eval_on_selector_all("g.gantt-row", "gs => gs.map(g => g.dataset.agent)") == [
        "A001", "A002",
    ]  # fmt: skip
    assert page.text_content("g.gantt-row[data-agent=A001] text.agent-name") == "Agent 1 (A001)"
    # local minutes of the schedule become instants in the site zone, DST day included:
    # Sunday 25 October (UTC+1) shows the same 08:00-10:00 wall-clock as Monday (UTC+2)
    tips = page.eval_on_selector_all(
        "g.gantt-row[data-agent=A001] rect.shift-bar", "rs => rs.map(r => r.textContent)"
    )
    assert tips == ["08:00–10:00 2026-10-19", "08:00–10:00 2026-10-25"]
    breaks = page.eval_on_selector_all(
        "g.gantt-row[data-agent=A001] rect[data-activity=break]", "rs => rs.map(r => r.textContent)"
    )
    assert breaks == ["break 09:00–09:15", "break 09:00–09:15"]
    assert "ready (OPTIMAL)" in page.text_content("#message")
    assert page.text_content("[data-kpi='Simulated SL (week)'] .value") == "70.0%"


def test_stop_keeps_the_best_roster_of_the_job(planner: Planner) -> None:
    page, api, _job = planner
    page.click("#roster-button")
    page.wait_for_selector("#cancel-button:visible")
    page.click("#cancel-button")
    page.wait_for_selector("#gantt-svg")
    assert any(s.method == "DELETE" and s.path == "/v1/jobs/7" for s in api.sent)
    assert page.get_attribute("#job-status", "data-status") == "cancelled"
    assert "stopped early, best roster kept" in page.text_content("#message")
    assert page.locator("g.gantt-row").count() == len(fx.schedule())


def test_a_rejected_roster_request_lists_its_problems(planner: Planner) -> None:
    page, api, _job = planner
    problem = PROBLEM | {
        "detail": "no active agent serves queue 3",
        "errors": [{"row": None, "field": "agents", "code": "no_agents", "message": "none"}],
    }
    api.on("POST", "/v1/roster-jobs", (422, problem))
    page.click("#roster-button")
    page.wait_for_selector("#errors-table tbody tr")
    cells = page.eval_on_selector_all(
        "#errors-table tbody td", "tds => tds.map(t => t.textContent)"
    )
    assert cells == ["–", "agents", "no_agents", "none"]
    assert page.text_content("#message") == "no active agent serves queue 3"


def test_a_chosen_date_snaps_to_its_monday(planner: Planner) -> None:
    page, api, _job = planner
    page.fill("#week-input", "2026-10-22")  # a Thursday
    page.wait_for_function("document.getElementById('week-input').value === '2026-10-19'")
    page.fill("#week-input", "2026-10-25")  # the Sunday ending that week
    page.wait_for_function("document.getElementById('week-input').value === '2026-10-19'")

    def lookups() -> int:
        return sum(1 for s in api.sent if s.path == "/v1/forecasts/5")

    # the page reloads after the value snapped: wait for the request itself (a load state
    # such as "networkidle" is reached once per page load and does not wait for it)
    for _ in range(100):
        if lookups() >= 3:
            break
        page.wait_for_timeout(50)
    page.wait_for_timeout(300)  # and no further reload follows
    assert lookups() == 3  # page load + one reload per change (fill fires change)
    page.wait_for_selector(f"#forecast-svg[data-intervals='{len(fx.intervals())}']")
