"""The planner's report view (actuals.js) of a deferred (e-mail) queue in headless Chromium:
the share resolved within deadline against the target per period, met/missed, trend and
backlog, and no service level in seconds, on a body validated by the API's own schema."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from api.schemas.actuals import ServiceReportRead
from tests.e2e.planner_fake import harness_page

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def page(chromium: Any) -> Iterator[Any]:
    yield from harness_page(chromium)


def deferred_body() -> dict[str, Any]:
    """Two days of an e-mail queue: 17 of 20 within deadline (met), then 10 of 15 (missed)."""
    periods = []
    for day, (items, resolved, within, backlog) in (
        ("2026-10-05", (20, 20, 17, 3)),
        ("2026-10-06", (20, 15, 10, 7)),
    ):
        share = within / resolved
        periods.append({
            "period": day, "offered": 0.0, "answered": 0.0, "abandoned": 0.0,
            "service_level": None, "asa_s": None, "abandon_rate": None, "aht_s": None,
            "goal_sl": None, "met": share >= 0.8, "sl_trend": None, "items": items,
            "resolved": resolved, "resolved_within_deadline": within, "resolution_share": share,
            "resolution_target": 0.8, "resolution_met": share >= 0.8, "backlog": backlog,
            "resolution_trend": None if day.endswith("05") else 10 / 15 - 0.85,
        })  # fmt: skip
    body = ServiceReportRead.model_validate({
        "queue_id": 4, "queue_ids": [4], "queue": "E-mail", "zone": "Europe/Berlin",
        "client_id": 1, "client": "Acme",
        "grain": "day", "start": "2026-10-04T22:00:00Z", "end": "2026-10-06T22:00:00Z",
        "sl_basis": "answered within 20 s / answered + abandoned calls", "model": "erlang_c",
        "resolution_basis": "deferred queues: items resolved within their queue's deadline",
        "goal": {"service_level": 0.8, "answer_within_s": 20.0, "resolution_target": 0.8,
                 "deadline_minutes": 2880.0},
        "periods": periods, "missed_intervals": [],
    })  # fmt: skip
    return body.model_dump(mode="json")


def test_a_deferred_queue_shows_its_share_against_the_target_not_an_sl(page: Any) -> None:
    render = "async (b) => (await import('/static/planner/actuals.js')).renderServiceReport("
    render += "document.body, (await import('/static/planner/actuals.js')).serviceReportModel(b))"
    page.evaluate(render, deferred_body())
    assert page.locator("#service-report-svg").count() == 0  # no SL chart for e-mail
    assert page.locator("#service-report-table").count() == 0
    summary = page.text_content("#service-report-summary") or ""
    assert "1 of 2 days missed the resolution target" in summary and "no service level" in summary
    assert summary.startswith("Client Acme: E-mail")
    assert page.text_content("#resolution-head") == (
        "Resolution within deadline · 1 of 2 judged days below target"
    )
    assert page.locator("#service-report-client").count() == 0  # its counts are of calls only
    assert "target 80% within 2,880 open minutes" in (page.text_content("#resolution-basis") or "")
    rows = page.eval_on_selector_all(
        "#resolution-table tbody tr", "rs => rs.map(r => [...r.cells].map(c => c.textContent))"
    )
    assert [r[:9] for r in rows] == [
        ["2026-10-05", "20", "20", "17", "85.0%", "80%", "met", "–", "3"],
        ["2026-10-06", "20", "15", "10", "66.7%", "80%", "missed", "-18.3 pt", "7"],
    ]
    assert page.locator("#resolution-table tr[data-met=false]").count() == 1
    assert page.locator("svg.share rect.bar.under").count() == 1  # the missed day's bar
    assert page.locator("svg.share line.target[data-target='0.8']").count() == 2
    width = page.get_attribute("svg.share[data-period='2026-10-06'] rect.bar", "width")
    assert float(width or "nan") == pytest.approx(160 * 10 / 15, abs=0.01)
