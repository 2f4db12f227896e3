"""The planner's clients panel (clients.js) against the real service in headless Chromium: a
client created on the page with its targets, the API's refusals shown beside the field they
concern (a target out of range, a queue counting at another threshold, a queue another client
owns), a queue assigned and unassigned, and the client's report (its queues against its
targets) opened from the page, its CSV fetched with the client choice; a sign-in bound to a
site is told why it sees no client (clients belong to no site: 403)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.conftest import make_settings
from tests.api.support import ADMIN_TOKEN, OPENING_HOURS, queue_body
from tests.api.test_edge import live_server
from tests.api.test_reports import ACTUALS
from tests.e2e.browser_support import VIEWPORT, console_errors

pytestmark = [pytest.mark.browser]
DAYS = {"start": "2026-10-05", "end": "2026-10-06"}


def _seed(api: httpx.Client) -> dict[str, int]:
    """A Berlin site with queues voice (20 s, actuals for 2026-10-05/06), lax (60 s) and
    billing (owned by the client Other)."""
    site = {"name": "Berlin", "zone": "Europe/Berlin", "opening_hours": OPENING_HOURS}
    site_id = api.post("/v1/sites", json=site).json()["id"]
    ids = {}
    for name, within in (("voice", 20), ("lax", 60), ("billing", 20)):
        goal = {"service_level": 0.8, "answer_within_s": within, "max_occupancy": 0.9}
        made = api.post(f"/v1/sites/{site_id}/queues", json=queue_body(name=name, goal=goal))
        assert made.status_code == 201, made.text
        ids[name] = made.json()["id"]
    files = {"file": ("a.csv", ACTUALS, "text/csv")}
    assert api.post(f"/v1/queues/{ids['voice']}/actual-imports", files=files).status_code == 201
    other = {"name": "Other", "targets": {"service_level": 0.8, "answer_within_s": 20},
             "queue_ids": [ids["billing"]]}  # fmt: skip
    assert api.post("/v1/clients", json=other).status_code == 201
    return ids


def _assign(page: Any, queue_id: int) -> None:
    page.select_option("#client-queue", str(queue_id))
    page.click("#client-assign")


def _fill_targets(page: Any, name: str, sl: str, abandon: str) -> None:
    """Through the labels (each input has one)."""
    form = page.locator("#client-form")
    form.get_by_label("Name", exact=True).fill(name)
    form.get_by_label("SL %", exact=True).fill(sl)
    form.get_by_label("in s", exact=True).fill("20")
    form.get_by_label("max abandonment %", exact=True).fill(abandon)


def _create_and_assign(page: Any, ids: dict[str, int]) -> str:
    """Create Acme, meet three refusals beside their fields, assign voice; Acme's id."""
    _fill_targets(page, "Acme", "90", "5")
    page.keyboard.press("Enter")  # submits the form from the keyboard
    page.wait_for_selector("#clients-table tr:has(th:text-is('Acme'))")
    acme = page.get_attribute("#clients-table tr:has(th:text-is('Acme'))", "data-client")
    assert page.input_value("#client-choice") == acme  # the new client is the one edited
    page.fill("#client-sl", "150")
    page.click("#client-save")
    page.wait_for_selector("#client-sl[aria-invalid=true]")
    assert "less than or equal to 1" in (page.text_content("#client-sl-error") or "")
    page.fill("#client-sl", "90")
    _assign(page, ids["lax"])  # counts within 60 s, the client within 20 s: 422
    page.wait_for_selector("#client-queue-error:has-text('answered in 60 s')")
    assert page.text_content("#client-sl-error") == ""  # the earlier problem is gone
    _assign(page, ids["billing"])  # Other's queue: 409
    page.wait_for_selector("#client-queue-error:has-text('belongs to client')")
    assert page.get_attribute("#client-queue", "aria-invalid") == "true"
    _assign(page, ids["voice"])
    owned = f"#clients-table tr[data-client='{acme}'] li[data-queue='{ids['voice']}']"
    page.wait_for_selector(owned)
    assert page.text_content("#client-queue-error") == ""
    return str(acme)


def _report(page: Any, api: httpx.Client, acme: str) -> list[str]:
    """Open Acme's report from its row; check the client line, the periods and the CSV.
    The report URLs the page asked for."""
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url) if "/v1/reports/" in r.url else None)
    page.fill("#report-start", DAYS["start"])
    page.fill("#report-end", DAYS["end"])
    page.click(f"#clients-table tr[data-client='{acme}'] button[data-report]")
    page.wait_for_selector(f"#service-report-client[data-client='{acme}']")
    assert page.input_value("#report-client") == acme and page.is_disabled("#report-queues")
    line = page.text_content("#service-report-client") or ""
    assert "Client Acme" in line and "Berlin · voice" in line
    assert page.text_content("#service-report-targets") == "SL 90% in 20 s · abandonment ≤ 5.0%"
    # day 1: 71/80 = 88.75 % (under 90 %), no abandons; day 2: 45/130, 10 % abandoned
    assert "SL 0 of 2, abandonment 1 of 2" in line
    met = page.eval_on_selector_all(
        "#service-report-table tr[data-period]", "rows => rows.map(r => r.dataset.met)"
    )
    assert met == ["false", "false"]
    with page.expect_download() as download:
        page.click("#report-csv")
    path = download.value.path()
    params = {"client_id": acme, **DAYS, "grain": "day", "format": "csv"}
    expected = api.get("/v1/reports/service", params=params)
    assert path is not None and Path(path).read_bytes() == expected.content
    name = f"service-client-{acme}-{DAYS['start']}-{DAYS['end']}-day.csv"
    assert download.value.suggested_filename == name
    # the PDF's request only (its rendering is api/convert/report_pdf.py's, tested there)
    page.route(
        "**/v1/reports/service?*format=pdf*",
        lambda route: route.fulfill(status=200, content_type="application/pdf", body=b"%PDF-1.4"),
    )
    with page.expect_download() as pdf:
        page.click("#report-pdf")
    assert pdf.value.suggested_filename == name.replace(".csv", ".pdf")
    return urls


def _sign_in(page: Any, base: str, token: str) -> None:
    page.goto(base + "/planner")
    page.wait_for_selector("#signin:not([hidden])")
    page.fill("#signin-token", token)
    page.click("#signin-submit")


def _bound_token(api: httpx.Client, ids: dict[str, int]) -> str:
    """A planner token bound to the site of the queues (clients belong to no site)."""
    site = api.get(f"/v1/queues/{ids['voice']}").json()["site_id"]
    made = api.post("/v1/tokens", json={"role": "planner", "sites": [site], "name": "bound"})
    assert made.status_code == 201, made.text
    return str(made.json()["token"])


def test_a_client_made_on_the_page_gets_its_report(chromium: Any, tmp_path: Path) -> None:
    settings = make_settings(f"sqlite:///{tmp_path / 'clients.db'}", workers=1)
    with live_server(settings) as base:
        auth = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        with httpx.Client(base_url=base, headers=auth, timeout=60) as api:
            ids = _seed(api)
            page = chromium.new_page(viewport=VIEWPORT)
            errors = console_errors(page)
            _sign_in(page, base, ADMIN_TOKEN)
            page.wait_for_selector("#clients-table tr:has(th:text-is('Other'))")
            acme = _create_and_assign(page, ids)
            stored = api.get(f"/v1/clients/{acme}").json()
            assert stored["queue_ids"] == [ids["voice"]]
            assert stored["targets"] == {"service_level": 0.9, "answer_within_s": 20.0,
                                         "max_asa_s": None, "max_abandon_rate": 0.05}  # fmt: skip
            row = f"#clients-table tr[data-client='{acme}']"
            assert "SL 90% in 20 s · abandonment ≤ 5.0%" in (page.text_content(row) or "")
            urls = _report(page, api, acme)
            # the JSON, CSV and PDF named the client, never its queues
            assert len(urls) == 3 and all(f"client_id={acme}" in u for u in urls)
            assert not any("queue_id" in u for u in urls)
            page.click(f"{row} button[data-unassign='{ids['voice']}']")
            page.wait_for_selector(f"{row} button[data-report][disabled]")
            assert api.get(f"/v1/clients/{acme}").json()["queue_ids"] == []
            page.close()
            bound = _bound_token(api, ids)
            denied = chromium.new_page(viewport=VIEWPORT)
            errors_bound = console_errors(denied)
            _sign_in(denied, base, bound)
            denied.wait_for_selector("#clients-denied")
            assert denied.is_hidden("#client-form") and denied.is_hidden("#report-client")
            denied.close()
    # the browser logs each refused call: the 401 asking for a token and the three refusals
    refused = [e for e in errors if "Failed to load resource" in e]
    assert [e for e in errors if e not in refused] == []
    assert sorted(e.split("status of ")[1][:3] for e in refused) == ["401", "409", "422", "422"]
    assert [e for e in errors_bound if "status of 401" not in e and "status of 403" not in e] == []
