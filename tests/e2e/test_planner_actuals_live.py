"""The planner's intraday view refreshes by itself (actuals.js installIntradayRefresh): every
60 s while its box is ticked, the view shown and "Now" empty; not when unticked or at a fixed
time (headless Chromium with Playwright's fake clock). The service report downloads as PDF."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from api.convert.report_pdf import report_pdf
from tests.e2e.planner_fake import ORIGIN
from tests.e2e.test_planner_actuals import DAYS, TOKEN, intraday_body, report_body, signed_in_page
from tests.e2e.test_planner_client import JobScript, fake_api

PATH = "/v1/queues/3/intraday"


def test_the_intraday_view_refreshes_by_itself(chromium: Any) -> None:
    api = fake_api(JobScript())
    api.token = TOKEN
    api.on("GET", PATH, intraday_body())
    page, errors = signed_in_page(chromium, api)
    page.clock.install()
    page.goto(ORIGIN + "/planner")
    page.wait_for_selector("body[data-ready=true]")

    def calls() -> int:
        return sum(1 for s in api.sent if s.path == PATH)

    page.clock.run_for(61_000)
    assert calls() == 0  # nothing shown yet: nothing refreshed
    page.fill("#intraday-day", "2026-10-19")
    page.click("#intraday-form button[type=submit]")
    page.wait_for_selector("#intraday-calls-svg")
    assert calls() == 1 and (page.text_content("#intraday-meta") or "").startswith("updated ")
    assert page.is_checked("#intraday-auto")
    page.clock.run_for(61_000)
    page.wait_for_selector("#intraday-view[data-loads='2']")
    assert calls() == 2
    page.uncheck("#intraday-auto")
    page.clock.run_for(61_000)
    page.check("#intraday-auto")
    page.fill("#intraday-now", "09:00")  # a fixed time: the view does not change by itself
    page.clock.run_for(61_000)
    page.fill("#intraday-now", "")
    page.clock.run_for(61_000)  # live again: this one refreshes, the two before did not
    page.wait_for_selector("#intraday-view[data-loads='3']")
    assert calls() == 3
    page.close()
    assert errors == []


def test_the_report_downloads_as_pdf(chromium: Any) -> None:
    api = fake_api(JobScript())
    api.token = TOKEN
    page, errors = signed_in_page(chromium, api)
    data = report_pdf(report_body())
    seen: list[tuple[str, str | None]] = []

    def handle(route: Any, request: Any) -> None:
        seen.append((request.url, request.headers.get("authorization")))
        route.fulfill(status=200, content_type="application/pdf", body=data)

    page.route(re.compile(r".*/v1/reports/service\?.*format=pdf.*"), handle)
    page.goto(ORIGIN + "/planner")
    page.wait_for_selector("body[data-ready=true]")
    page.fill("#report-start", DAYS[0].isoformat())
    page.fill("#report-end", DAYS[-1].isoformat())
    with page.expect_download() as download:
        page.click("#report-pdf")
    path = download.value.path()
    assert path is not None and Path(path).read_bytes() == data
    assert download.value.suggested_filename == "service-3-2026-10-19-2026-10-23-day.pdf"
    assert seen and seen[0][1] == f"Bearer {TOKEN}" and TOKEN not in seen[0][0]
    page.close()
    assert errors == []
