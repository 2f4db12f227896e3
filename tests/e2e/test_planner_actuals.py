"""The planner's service-report and intraday views (actuals.js) in headless Chromium, on bodies
built with the API's own schemas (``ServiceReportRead``, ``IntradayRead``) and the API's own
CSV / HTML renderers: chart, met/missed table, attribution bars, the CSV download and the
print-ready page (token in the Authorization header only, styles applied under the page's
Content-Security-Policy), and today's series and proposals."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from api.convert.actuals_html import report_csv, report_html
from api.schemas.actuals import IntradayRead, ServiceReportRead
from api.web.routes import _CSP, PAGE, read_asset
from tests.e2e import planner_fixtures as fx
from tests.e2e.browser_support import VIEWPORT, console_errors
from tests.e2e.planner_fake import ORIGIN, FakeApi, install
from tests.e2e.test_planner_client import JobScript, fake_api

pytestmark = pytest.mark.browser
TOKEN = "tok-actuals-123"
DAYS = [fx.WEEK_START + dt.timedelta(days=d) for d in range(5)]
SL = [0.85, 0.62, 0.81, 0.55, 0.9]  # days 2 and 4 miss the 80 % goal
PARTS = {"volume": -0.12, "handle_time": -0.03, "staffing": 0.0, "attendance": -0.06,
         "model_gap": 0.01}  # fmt: skip


def report_body() -> ServiceReportRead:
    periods = []
    for day, sl in zip(DAYS, SL, strict=True):
        missed = sl < 0.8
        shares = {"baseline_sl": 0.8, "modelled_sl": sl - 0.01, "measured_sl": sl}
        attribution = PARTS | shares | {"total": sl - 0.8} if missed else None
        periods.append({
            "period": day.isoformat(), "offered": 100.0, "answered": 95.0, "abandoned": 5.0,
            "service_level": sl, "asa_s": 12.0, "abandon_rate": 0.05, "aht_s": 240.0,
            "goal_sl": 0.8, "met": not missed, "sl_trend": None, "forecast_calls": 90.0,
            "planned_sl": 0.82, "forecast_wape": 0.1, "forecast_bias": -0.1,
            "attendance_known": 8, "attribution": attribution,
        })  # fmt: skip
    missed_intervals = [
        {"queue_id": 3, "interval_start": fx.instant(d, m), "measured_sl": 0.5,
         "attribution": PARTS | {"total": -0.3}}
        for d, m in ((1, 480), (1, 495), (3, 540))
    ]  # fmt: skip
    return ServiceReportRead.model_validate({
        "queue_id": 3, "queue_ids": [3], "queue": "Billing", "zone": fx.ZONE.key, "grain": "day",
        "start": fx.instant(0, 0), "end": fx.instant(5, 0),
        "sl_basis": "answered within 20 s / (answered + abandoned)", "model": "erlang_c",
        "goal": {"service_level": 0.8, "answer_within_s": 20.0, "max_abandon_rate": 0.05},
        "periods": periods, "missed_intervals": missed_intervals,
    })  # fmt: skip


def intraday_body() -> dict[str, Any]:
    starts = [fx.instant(0, m).isoformat() for m in fx.SLOTS]
    n = len(starts)  # 8 quarter-hours, 3 observed
    body = {
        "queue_id": 3, "day": fx.WEEK_START.isoformat(), "observed_intervals": 3,
        "ratio_so_far": 1.2, "rest_of_day_sl": 0.71, "goal_sl": 0.8, "shapes": 2,
        "intervals": {
            "interval_start": starts, "day_ahead_calls": [10.0] * n,
            "actual_calls": [12.0, 11.0, 13.0] + [None] * (n - 3),
            "calls": [12.0, 11.0, 13.0] + [11.5] * (n - 3), "required": [3] * n,
            "rostered": [3.0, 3.0, 3.0, 2.0, 2.0, 3.0, 3.0, 3.0],
            "predicted_sl": [0.8] * 3 + [0.55, 0.55, 0.82, 0.82, 0.82],
        },
        "proposals": [
            {"kind": "overtime", "agent": "A002", "description": "A002 works until 10:30",
             "paid_min": 30, "answered_within_gain": 4.5, "rest_sl": 0.76},
            {"kind": "move_activity", "agent": "A001", "description": "A001 break 09:00 -> 09:30",
             "paid_min": 0, "answered_within_gain": 1.5, "rest_sl": 0.73},
        ],
    }  # fmt: skip
    return IntradayRead.model_validate(body).model_dump(mode="json")


def route_report(page: Any, report: ServiceReportRead, seen: list[Any]) -> None:
    """``GET /v1/reports/service`` in its three formats, each request recorded."""

    def handle(route: Any, request: Any) -> None:
        seen.append((request.url, dict(request.headers)))
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            route.fulfill(status=401, content_type="application/problem+json", body="{}")
            return
        fmt = parse_qs(urlsplit(request.url).query).get("format", ["json"])[0]
        body, media = {
            "json": (report.model_dump_json(), "application/json"),
            "csv": (report_csv(report), "text/csv"),
            "html": (report_html(report), "text/html; charset=utf-8"),
        }[fmt]
        route.fulfill(status=200, content_type=media, body=body)

    page.route(re.compile(r".*/v1/reports/service\?.*"), handle)
    # the page as served, with its Content-Security-Policy (inherited by the report window)
    page.route(ORIGIN + "/planner", lambda route, _request: route.fulfill(
        status=200, content_type="text/html", body=read_asset(PAGE),
        headers={"Content-Security-Policy": _CSP}))  # fmt: skip


def signed_in_page(chromium: Any, api: FakeApi) -> tuple[Any, list[str]]:
    page = chromium.new_page(viewport=VIEWPORT, accept_downloads=True)
    errors = console_errors(page)
    page.add_init_script(f"sessionStorage.setItem('staffwise.token', '{TOKEN}')")
    install(page, api)
    return page, errors


def report_page(chromium: Any, api: FakeApi) -> tuple[Any, list[str], ServiceReportRead, list[Any]]:
    """The planner signed in with ``TOKEN``, the report routed (requests recorded in the
    returned list) and the page ready."""
    api.token = TOKEN
    report = report_body()
    seen: list[Any] = []
    page, errors = signed_in_page(chromium, api)
    route_report(page, report, seen)
    page.goto(ORIGIN + "/planner")
    page.wait_for_selector("body[data-ready=true]")
    return page, errors, report, seen


def test_report_and_intraday_views(chromium: Any) -> None:
    api = fake_api(JobScript())
    api.on("GET", "/v1/queues/3/intraday", intraday_body())
    page, errors, report, seen = report_page(chromium, api)
    assert page.eval_on_selector(
        "#report-queues", "s => [...s.selectedOptions].map(o => o.value)"
    ) == ["3"]
    page.fill("#report-start", DAYS[0].isoformat())
    page.fill("#report-end", DAYS[-1].isoformat())
    page.click("#report-form button[type=submit]")
    page.wait_for_selector("#service-report-svg")
    query = parse_qs(urlsplit(seen[-1][0]).query)
    assert query == {
        "queue_id": ["3"],
        "start": ["2026-10-19"],
        "end": ["2026-10-23"],
        "grain": ["day"],
    }
    assert page.get_attribute("#service-report-svg", "data-periods") == "5"
    assert page.locator("#service-report-svg rect.bar.under").count() == 2
    assert page.locator("#service-report-svg circle.planned-dot").count() == 5
    assert page.locator("#service-report-svg path.goal-line").count() == 1
    rows = page.locator("#service-report-table tbody tr")
    assert rows.count() == 5
    assert page.locator("#service-report-table tr[data-met=false]").count() == 2
    # one attribution chart per missed period, its bars the API's parts
    assert page.locator("svg.attribution").count() == 2
    volume = page.get_attribute(
        "svg.attribution[data-period='2026-10-20'] rect[data-factor=volume]", "data-value"
    )
    assert float(volume or "nan") == PARTS["volume"]
    assert "missed (2 int.)" in (
        page.text_content("#service-report-table tr[data-period='2026-10-20']") or ""
    )
    assert "2 of 5 days missed" in (page.text_content("#service-report-summary") or "")
    # CSV: downloaded with the Authorization header, never the token in a URL
    with page.expect_download() as download:
        page.click("#report-csv")
    path = download.value.path()
    assert path is not None and Path(path).read_text(encoding="utf-8") == report_csv(report)
    assert download.value.suggested_filename == "service-3-2026-10-19-2026-10-23-day.csv"
    # print-ready HTML in a new window, styled although the page's CSP forbids inline styles
    with page.expect_popup() as popup_info:
        page.click("#report-html")
    popup = popup_info.value
    # the popup's own CSP forbids eval, which a string predicate of wait_for_function needs
    # whenever it has to poll (seen once in a fresh-clone run): poll the title from here
    for _ in range(100):
        if popup.title().startswith("Service report"):
            break
        popup.wait_for_timeout(100)
    assert popup.title().startswith("Service report")
    legend = "getComputedStyle(document.querySelector('.legend i')).backgroundColor"
    assert popup.evaluate(legend) == "rgb(192, 57, 43)"  # the volume colour, a style attribute
    assert (
        popup.evaluate("getComputedStyle(document.querySelector('td.missed')).color")
        == "rgb(192, 57, 43)"
    )
    assert popup.locator("svg rect").count() >= 5
    popup.close()
    formats = [parse_qs(urlsplit(url).query).get("format", ["json"])[0] for url, _ in seen]
    assert formats == ["json", "csv", "html"]
    for url, headers in seen:
        assert headers.get("authorization") == f"Bearer {TOKEN}" and TOKEN not in url
    # intraday: observing by a time in the site's zone (09:00 Berlin = 07:00 UTC)
    page.fill("#intraday-day", "2026-10-19")
    page.fill("#intraday-now", "09:00")
    page.click("#intraday-form button[type=submit]")
    page.wait_for_selector("#intraday-calls-svg")
    sent = [s for s in api.sent if s.path == "/v1/queues/3/intraday"][-1]
    assert sent.query == {"day": ["2026-10-19"], "now": ["2026-10-19T07:00:00.000Z"]}
    assert page.get_attribute("#intraday-calls-svg", "data-intervals") == "8"
    for series in ("day_ahead", "actual", "reforecast"):
        d = page.get_attribute(f"#intraday-calls-svg path[data-series={series}]", "d") or ""
        assert d.startswith("M"), series
    assert page.locator("#intraday-calls-svg [data-observed=true]").count() == 3
    assert page.locator("#intraday-staff-svg rect.bar.under").count() == 2
    sl_path = page.get_attribute("#intraday-sl-svg path[data-series=predicted_sl]", "d") or ""
    assert sl_path.count("L") == 4  # the 5 unobserved intervals
    assert page.locator("#intraday-sl-svg rect.miss").count() == 2  # 0.55 < 0.8 at 08:45, 09:00
    assert page.text_content("#intraday-rest-sl") == "71.0%"
    cells = page.eval_on_selector_all(
        "#intraday-proposals tbody tr", "rs => rs.map(r => [...r.cells].map(c => c.textContent))"
    )
    assert cells[0] == [
        "overtime",
        "A002",
        "A002 works until 10:30",
        "+30",
        "+4.5",
        "76.0%",
        "+5.0 pt",
    ]
    assert cells[1][0] == "move break/lunch" and cells[1][-1] == "+2.0 pt"
    page.close()
    assert errors == []


def test_an_expired_token_on_the_csv_button_asks_to_sign_in_then_downloads(chromium: Any) -> None:
    """The report's file buttons fetched outside the page's client: a 401 (token revoked after
    the page loaded) left "HTTP 401" in the view instead of the sign-in the JSON calls get."""
    page, errors, report, seen = report_page(chromium, fake_api(JobScript()))
    page.fill("#report-start", DAYS[0].isoformat())
    page.fill("#report-end", DAYS[-1].isoformat())
    page.evaluate("sessionStorage.setItem('staffwise.token', 'revoked')")
    with page.expect_download() as download:
        page.click("#report-csv")
        page.wait_for_selector("#signin:not([hidden])")
        page.fill("#signin-token", TOKEN)
        page.click("#signin-submit")
    path = download.value.path()
    assert path is not None and Path(path).read_text(encoding="utf-8") == report_csv(report)
    tokens = [headers.get("authorization") for _url, headers in seen]
    assert tokens == ["Bearer revoked", f"Bearer {TOKEN}"]
    page.close()
    assert [e for e in errors if "401" not in e] == []
