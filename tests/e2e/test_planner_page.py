"""End to end: the planner page in headless Chromium against the real service with demo data.

Starts ``staffwise serve --demo`` on a free port with a throwaway SQLite file, then in the
browser: sign in with the planner token the demo prints (when the service prints one and asks
for it), upload a bad CSV (row errors shown), start a roster job (a forecast job runs first,
and the page says so), wait for it, and check that every chart and the Gantt show as many
intervals, agents and rows as the API returns for the same resources; upload the week's
actuals, run a what-if and show a capacity plan made through the API from the roster's
requirement. Screenshots: ``artifacts/planner.png``, ``planner-1280x800.png``,
``planner-print.png`` (print media) and ``planner-print.pdf``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from forecasting.synthetic import synthetic_history, to_acd_csv
from tests.e2e.browser_support import ARTIFACTS_DIR, VIEWPORT, console_errors

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO_ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT_S = 90
TOKEN_LINE = re.compile(r"^Planner token \(shown once\): (\S+)$", re.MULTILINE)
JOB_TIMEOUT_MS = 75_000
ROSTER_TIME_LIMIT_S = "45"  # an option of the page's time-limit select
BAD_CSV = (
    "Date,Interval,Queue,Offered,Handled,Abandoned,AHT\n"
    "2026-11-16,08:00,voice,12,11,1,290.0\n"
    "2026-11-16,08:15,voice,-3,0,0,\n"
    "2026-11-16,08:30,voice,10,10,0,300.0\n"
    "2026-11-16,08:45,voice,abc,10,0,300.0\n"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"staffwise serve exited ({process.returncode}):\n{log.read_text()}")
        try:
            if httpx.get(base + "/v1/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    pytest.fail(f"staffwise serve not ready after {STARTUP_TIMEOUT_S} s:\n{log.read_text()}")


class Service:
    """The started service: its URL, database and the demo's planner token (if it printed one)."""

    def __init__(self, base: str, database_url: str, token: str | None) -> None:
        self.base = base
        self.database_url = database_url
        self.token = token

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def new_token(self, role: str) -> str:
        """A token of ``role`` for site 1 from ``staffwise token create`` (last stdout line)."""
        command = [sys.executable, "-m", "api.cli", "token", "create", "--role", role,
                   "--site", "1", "--database-url", self.database_url]  # fmt: skip
        done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, check=True)
        return done.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """``staffwise serve --demo`` in its own process group; stopped (group-wide) afterwards."""
    tmp = tmp_path_factory.mktemp("planner-service")
    port = free_port()
    log = tmp / "serve.log"
    database_url = f"sqlite:///{tmp}/x.db"
    command = [
        sys.executable, "-m", "api.cli", "serve", "--demo", "--port", str(port),
        "--database-url", database_url, "--workers", "1", "--log-level", "warning",
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, process, log)
        printed = TOKEN_LINE.search(log.read_text(errors="replace"))
        yield Service(base, database_url, printed.group(1) if printed else None)
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the service's process group, SIGKILL after 20 s (nothing when it exited)."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def api_get(service: Service, path: str) -> Any:
    response = httpx.get(service.base + path, headers=service.headers, timeout=60)
    response.raise_for_status()
    return response.json()


def actuals_csv(path: Path) -> Path:
    """The demo queue's 'actual' calls for the rostered week (another seed than the demo)."""
    history = synthetic_history(
        start=dt.date(2026, 11, 9), weeks=1, interval_min=15, zone="America/New_York",
        seed=11, open_minute=480, close_minute=1200, mean_daily_calls=1500.0, queue="voice",
    )  # fmt: skip
    path.write_text(to_acd_csv(history, "America/New_York"))
    return path


def wait_for_job(page: Any, message: str) -> None:
    """Wait until the status line says ``message`` (or fail with what it says instead)."""
    page.wait_for_function(
        """(text) => {
             const m = document.getElementById("message");
             return m.textContent.includes(text) || m.classList.contains("error");
           }""",
        arg=message,
        timeout=JOB_TIMEOUT_MS,
    )
    assert message in page.text_content("#message"), page.text_content("#message")


def check_bad_csv_errors(page: Any, service: Service, tmp: Path) -> None:
    bad = tmp / "bad.csv"
    bad.write_text(BAD_CSV)
    page.set_input_files("#csv-input", str(bad))
    page.wait_for_selector("#errors-table tbody tr")
    expected = httpx.post(
        service.base + "/v1/queues/1/history-imports",
        files={"file": ("bad.csv", BAD_CSV)},
        headers=service.headers,
        timeout=30,
    )
    assert expected.status_code == 422
    errors = expected.json()["errors"]
    shown = page.eval_on_selector_all(
        "#errors-table tbody tr", "trs => trs.map(tr => [...tr.cells].map(c => c.textContent))"
    )
    assert shown == [[str(e["row"]), e["field"], e["code"], e["message"]] for e in errors]
    assert len(shown) >= 2  # the negative count and the non-number


def check_roster_views(page: Any, base: Service) -> dict[str, Any]:
    """Charts and Gantt against the roster, forecast and agents the API returns."""
    rosters = api_get(base, "/v1/rosters?site_id=1")["items"]
    roster = api_get(base, f"/v1/rosters/{rosters[-1]['id']}")
    intervals = len(roster["coverage"]["interval_start"])
    assert intervals > 0
    for chart in ("#staffing-svg", "#service-svg"):
        assert page.get_attribute(chart, "data-intervals") == str(intervals)
    assert page.locator("#staffing-svg rect.bar[data-interval]").count() == intervals
    under = sum(
        s < r
        for s, r in zip(roster["coverage"]["staffed"], roster["coverage"]["required"], strict=True)
    )
    assert page.locator("#staffing-svg rect.bar[data-status=under]").count() == under
    assert page.locator("#service-svg rect.hit[data-interval]").count() == intervals
    agents = roster["schedule"]
    assert page.locator("#gantt-svg g.gantt-row[data-agent]").count() == len(agents)
    assert page.locator("#gantt-svg g.shift").count() == sum(len(a["shifts"]) for a in agents)
    lunches = sum(
        1 for a in agents for s in a["shifts"] for x in s["activities"] if x["kind"] == "lunch"
    )
    assert page.locator('#gantt-svg rect[data-activity="lunch"]').count() == lunches
    forecast_id = api_get(base, "/v1/queues/1/forecasts")["items"][-1]["id"]
    forecast = api_get(base, f"/v1/forecasts/{forecast_id}")
    calls = forecast["intervals"]["calls"]
    assert page.locator("#forecast-svg rect.hit[data-interval]").count() == len(calls)
    assert page.locator("#totals-table tbody tr[data-day]").count() == len(
        {(d) for d in roster["coverage"]["day"]}
    )
    assert page.locator("#job-status").get_attribute("data-status") == "succeeded"
    for field in ("#job-objective", "#job-bound", "#job-gap"):
        assert page.text_content(field) != "–", field
    return forecast


def check_day_view(page: Any, base: Service) -> None:
    """A day chip narrows the interval charts and the Gantt to that local day."""
    rosters = api_get(base, "/v1/rosters?site_id=1")["items"]
    roster = api_get(base, f"/v1/rosters/{rosters[-1]['id']}")
    monday = sum(1 for day in roster["coverage"]["day"] if day == 0)
    page.click(f'#day-chips button[data-day="{roster["week_start"]}"]')
    assert page.get_attribute("#staffing-svg", "data-intervals") == str(monday)
    assert page.get_attribute("#gantt-svg", "data-days") == "1"
    shifts = sum(1 for a in roster["schedule"] for s in a["shifts"] if s["day"] == 0)
    assert page.locator("#gantt-svg g.shift").count() == shifts
    assert page.locator("#gantt-svg g.gantt-row").count() == len(roster["schedule"])
    page.click('#day-chips button[data-day="week"]')
    assert page.get_attribute("#staffing-svg", "data-intervals") == str(
        len(roster["coverage"]["day"])
    )


def sign_in(page: Any, service: Service) -> None:
    """Open the page; when the service asks for a token, enter the demo's through the form."""
    page.goto(service.base + "/planner")
    page.wait_for_selector("body[data-ready=true], #signin:visible")
    if page.is_visible("#signin"):
        assert service.token, "the service asks for a token but serve --demo printed none"
        page.fill("#signin-token", service.token)
        page.click("#signin-submit")
        page.wait_for_selector("body[data-ready=true]")
        assert page.evaluate("sessionStorage.getItem('staffwise.token')") == service.token


def create_capacity_plan(service: Service, requirement_id: int) -> dict[str, Any]:
    """A capacity plan of the roster's requirement (so it belongs to queue 1), made by a token
    allowed to (the planner role may only read plans: an hr token when the service says 403)."""
    body = {
        "name": "Winter hiring", "mode": "optimise", "requirement_id": requirement_id,
        "contracts": [{"name": "FT40", "weekly_hours": 40, "hire_cost": 3000}],
        "cohorts": [{"contract": "FT40", "tenure_weeks": 52, "headcount": 27}],
        "attrition": {"annual_rate": 0.3},
        "hiring": {"lead_time_weeks": 2, "training_weeks": 3, "ramp": [0.5, 0.75],
                   "class_size_min": 3, "class_size_max": 12},
        "costs": {"under_per_hour": 60, "over_per_hour": 20}, "time_limit_s": 3,
    }  # fmt: skip
    url = service.base + "/v1/capacity-plans"
    headers = service.headers
    created = httpx.post(url, json=body, headers=headers, timeout=30)
    if created.status_code == 403:
        headers = {"Authorization": f"Bearer {service.new_token('hr')}"}
        created = httpx.post(url, json=body, headers=headers, timeout=30)
    assert created.status_code == 202, created.text
    for _ in range(120):
        plan_job = httpx.get(service.base + created.headers["location"], headers=headers).json()
        if plan_job["status"] not in ("queued", "running"):
            break
        time.sleep(0.5)
    assert plan_job["status"] == "succeeded", plan_job
    return dict(httpx.get(service.base + plan_job["result_url"], headers=headers).json())


def test_planner_page_end_to_end(chromium: Any, service: Service, tmp_path: Path) -> None:
    page = chromium.new_page(viewport=VIEWPORT)
    errors = console_errors(page)
    sign_in(page, service)
    assert "Demo contact center" in page.text_content("#queue-select")

    check_bad_csv_errors(page, service, tmp_path)

    page.select_option("#time-limit", ROSTER_TIME_LIMIT_S)
    page.click("#roster-button")
    # the forecast job, then the roster job, show up as running while they are polled
    page.wait_for_selector(
        "#job-status[data-status=running], #job-status[data-status=succeeded]",
        timeout=JOB_TIMEOUT_MS,
    )
    wait_for_job(page, "ready")
    if api_get(service, "/v1/queues/1/forecasts")["total"] == 1:  # the demo has none stored
        assert "made forecast" in page.text_content("#notice")
    forecast = check_roster_views(page, service)
    status = api_get(service, "/v1/rosters?site_id=1")["items"][-1]["report"]["status"]
    assert page.text_content("#roster-status").startswith(status)
    check_day_view(page, service)

    page.set_input_files("#csv-input", str(actuals_csv(tmp_path / "actuals.csv")))
    wait_for_job(page, "imported")
    page.wait_for_function(
        "() => document.querySelector('#forecast-svg path.actual')?.getAttribute('d')"
    )
    history = api_get(service, "/v1/queues/1/history")
    starts = set(forecast["intervals"]["interval_start"])
    matched = sum(1 for t in history["interval_start"] if t in starts)
    actual_path = page.get_attribute("#forecast-svg path.actual", "d")
    assert actual_path.count("M") + actual_path.count("L") == matched > 0

    page.click("#whatif-button")
    page.fill("#whatif-name", "Volume +10%")
    page.click("#whatif-form button[type=submit]")
    wait_for_job(page, "done")
    job = api_get(service, "/v1/jobs?kind=comparison&status=succeeded")["items"][-1]
    table = api_get(service, job["result_url"])["table"]
    assert page.locator("#scenario-table tbody tr[data-scenario]").count() == len(table["scenario"])

    roster = api_get(service, "/v1/rosters?site_id=1")["items"][-1]
    plan = create_capacity_plan(service, roster["requirement_id"])
    page.reload()
    page.wait_for_selector("#capacity-svg")
    assert page.get_attribute("#capacity-meta", "data-scope") == "queue"
    assert page.locator("#capacity-svg rect.capacity[data-week]").count() == len(
        plan["weekly"]["week"]
    )
    assert page.locator("#capacity-svg g[data-hiring-class]").count() == len(
        set(plan["hires"]["class_week"])
    )

    ARTIFACTS_DIR.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS_DIR / "planner.png"), full_page=True)
    page.screenshot(path=str(ARTIFACTS_DIR / "planner-1280x800.png"))
    page.emulate_media(media="print")
    gantt = page.eval_on_selector("#gantt", "b => [b.clientHeight, b.scrollHeight]")
    assert gantt[1] <= gantt[0] + 1  # printed whole: no clipped scroll box
    page.screenshot(path=str(ARTIFACTS_DIR / "planner-print.png"), full_page=True)
    page.pdf(path=str(ARTIFACTS_DIR / "planner-print.pdf"), landscape=True, print_background=True)
    page.close()
    # the browser logs the bad upload's 422 (and a 401 before signing in) as failed loads, and
    # the 403s of the clients list: the demo's planner token is bound to its site, clients to none
    expected = [e for e in errors if "status of 422" in e]
    assert len(expected) == 1
    allowed = ("status of 401", "status of 403")
    assert [e for e in errors if e not in expected and not any(s in e for s in allowed)] == []
