"""The planner's HR view (hr.js) in headless Chromium, on a capacity plan body shaped like the
API's answer for a plan built from a queue (need band, reasons, risk), and the capacity panel's
form that asks the API for such a plan."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from tests.e2e import planner_fixtures as fx
from tests.e2e.planner_fake import harness_page, open_page, paged
from tests.e2e.test_planner_client import JobScript, fake_api

pytestmark = pytest.mark.browser
WEEKS = 8
REASON = "class size cap (2) binds in 2026-01-19"


def plan_body() -> dict[str, Any]:
    labels = [(date(2026, 1, 5) + timedelta(weeks=w)).isoformat() for w in range(WEEKS)]
    need_hours = [1000.0 + 50 * w for w in range(WEEKS)]
    productive = [1100.0 - 40 * w for w in range(WEEKS)]
    factor = 40 * 0.7  # productive hours of one paid FTE
    return {
        "id": 7,
        "weekly": {
            "week": list(range(WEEKS)), "label": labels, "need_hours": need_hours,
            "need_fte": [h / factor for h in need_hours],
            "productive_hours": productive, "productive_fte": [h / factor for h in productive],
            "expected_leavers": [0.5] * WEEKS, "hires": [0, 0, 2, 0, 0, 0, 0, 0],
        },
        "need": {
            "need_hours_lo": [0.9 * h for h in need_hours],
            "need_hours_hi": [1.1 * h for h in need_hours],
        },
        "hires": {
            "class_week": [2], "contract": ["FT"], "size": [2], "recruiting_start_week": [0],
            "first_productive_week": [8],
        },
        "forecast": {"basis": "p80", "method": "mean_4+ses"},
        "shortfall": {"weeks": [2, 3, 4, 5, 6, 7], "fte_weeks": 20.5},
        "reasons": [{"limit": "class_size_max", "message": REASON}],
        "risk": {
            "scenarios": {
                "scenario": ["expected", "attrition_p10", "attrition_p50", "attrition_p90"],
                "leavers": [4.0, 2.0, 4.0, 6.0], "weeks_short": [5, 4, 5, 6],
                "short_fte_weeks": [20.5, 18.0, 20.0, 25.0], "weeks_short_of_need_hi": [6, 5, 6, 7],
            }
        },
    }  # fmt: skip


@pytest.fixture(scope="module")
def page(chromium: Any) -> Iterator[Any]:
    yield from harness_page(chromium)


def test_hr_view_draws_the_band_classes_reasons_and_risk(page: Any) -> None:
    page.evaluate(
        """async (plan) => {
             const m = await import("/static/planner/hr.js");
             const node = document.createElement("div");
             document.body.replaceChildren(node);
             m.renderHr(node, m.hrModel(plan));
           }""",
        plan_body(),
    )
    body = plan_body()
    weekly = body["weekly"]
    short = sum(
        p < n for p, n in zip(weekly["productive_hours"], weekly["need_hours"], strict=True)
    )
    assert page.locator("#hr-band-svg rect.capacity[data-week]").count() == WEEKS
    assert (
        page.locator("#hr-band-svg rect.capacity.under").count() == short == 6
    )  # weeks 2-7: 1100 - 40 w < 1000 + 50 w
    assert page.locator("#hr-band-svg polygon.need-band").count() == 1
    cells = page.eval_on_selector_all("#hr-classes tbody td", "ts => ts.map(t => t.textContent)")
    assert cells == ["2026-01-19", "FT", "2", "2026-01-05", "after 2026-02-23"]
    assert page.locator("#hr-reasons li").text_content() == REASON
    assert page.locator("#hr-risk tbody tr").count() == 4
    assert "need P80 (mean_4+ses)" in (page.locator("h3").text_content() or "")
    page.evaluate(
        """async () => {
             const m = await import("/static/planner/hr.js");
             const node = document.createElement("div");
             document.body.replaceChildren(node);
             m.renderHr(node, m.hrModel({ weekly: {} }));
           }"""
    )
    assert page.locator("#hr-band-svg").count() == 0  # no long-range need: no HR view


def test_the_capacity_panel_plans_hiring_from_the_queue(chromium: Any) -> None:
    api = fake_api(JobScript())
    done = fx.job("succeeded", progress=1.0) | {
        "id": 9, "kind": "capacity_plan", "params": {"queue_id": 3},
        "result_kind": "capacity_plan", "result_id": 4, "result_url": "/v1/capacity-plans/4",
    }  # fmt: skip
    jobs: list[Any] = []

    def post(_path: str, _query: Any, _body: Any) -> tuple[int, Any]:
        jobs.append(done)
        return 202, done | {"_location": "/v1/jobs/9"}

    api.on("POST", "/v1/capacity-plans", post)
    api.on("GET", "/v1/jobs", paged(jobs))
    api.on("GET", "/v1/jobs/9", done)
    plan = plan_body() | {"id": 4, "name": "Hiring voice", "classes": [], "cost": {}, "cohorts": {}}
    api.on("GET", "/v1/capacity-plans/4", plan)
    page, errors = open_page(chromium, api)
    page.fill("#hr-attrition", "4")
    page.select_option("#hr-basis", "p80")
    page.click("#hr-form button[type=submit]")
    page.wait_for_selector("#hr-band-svg")
    sent = next(s for s in api.sent if s.method == "POST" and s.path == "/v1/capacity-plans")
    body = json.loads(sent.body or b"{}")
    assert body["queue_id"] == 3 and body["horizon_weeks"] == 26 and body["need_basis"] == "p80"
    assert body["attrition"] == {"monthly_rate": 0.04}
    assert body["hiring"] == {"lead_time_weeks": 2, "training_weeks": 6, "class_size_max": 12}
    assert "from this queue's history" in (page.text_content("#capacity-meta") or "")
    page.close()
    assert errors == []
