"""GET /v1/reports/service: goal, actual, planned, met/missed and attribution, as JSON, CSV
and print-ready HTML; who may read it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.settings import Settings
from api.tables import Forecast, Requirement, Roster
from tests.api.support import assert_problem, client_with, create_queue, create_site, token_for

# Two days, two 15-minute intervals each (Europe/Berlin, UTC+2 in early October).
STARTS = ["2026-10-05T07:00:00+00:00", "2026-10-05T07:15:00+00:00",
          "2026-10-06T07:00:00+00:00", "2026-10-06T07:15:00+00:00"]  # fmt: skip
ACTUALS = b"""interval_start,offered,answered,abandoned,answered_within,aht_s,asa_s,agents_staffed
2026-10-05 09:00,40,40,0,36,300,6,18
2026-10-05 09:15,40,40,0,35,300,7,18
2026-10-06 09:00,70,62,8,20,330,60,15
2026-10-06 09:15,60,55,5,25,320,45,16
"""


def _plan(client: TestClient, queue_id: int, site_id: int) -> None:
    """A stored forecast, requirement and roster covering the four intervals."""
    engine = client.app.state.engine  # type: ignore[attr-defined]
    coverage = {"interval_start": STARTS, "day": [0, 0, 1, 1], "minute": [540, 555, 540, 555],
                "required": [18] * 4, "staffed": [18, 18, 17, 18], "unmet": [0, 0, 1, 0],
                "calls": [40.0] * 4, "aht_s": [300.0] * 4}  # fmt: skip
    with Session(engine) as session:
        start = dt.datetime(2026, 10, 5, tzinfo=dt.UTC)
        forecast = Forecast(queue_id=queue_id, method="test", start=start, weeks=1,
                            intervals={"interval_start": STARTS})  # fmt: skip
        session.add(forecast)
        session.flush()
        requirement = Requirement(queue_id=queue_id, forecast_id=forecast.id, goal={},
                                  summary={"shrinkage": 0.0}, intervals={})  # fmt: skip
        session.add(requirement)
        session.flush()
        session.add(Roster(site_id=site_id, requirement_id=requirement.id,
                           week_start=dt.date(2026, 10, 5), report={}, kpis={},
                           coverage=coverage, shifts=[], explanations=[]))  # fmt: skip
        session.commit()


@pytest.fixture
def report_queue(client: TestClient) -> tuple[int, int]:
    site_id = create_site(client, name="Reports", zone="Europe/Berlin")
    queue_id = create_queue(client, site_id)
    _plan(client, queue_id, site_id)
    files = {"file": ("a.csv", ACTUALS, "text/csv")}
    assert client.post(f"/v1/queues/{queue_id}/actual-imports", files=files).status_code == 201
    return site_id, queue_id


@pytest.fixture
def report_cli(settings: Settings, tmp_path: Path) -> Callable[[list[str], str], Path]:
    """``staffwise report service`` over 2026-10-05..06 on the test database: ``run(subject,
    format)`` (subject: ``["--queue-id", "7"]``...) asserts exit 0 and gives the file."""
    from api.cli import main

    def run(subject: list[str], fmt: str) -> Path:
        out = tmp_path / f"report.{fmt}"
        dates = ["--start", "2026-10-05", "--end", "2026-10-06"]
        argv = ["report", "service", *subject, *dates, "--format", fmt, "--output", str(out),
                "--database-url", settings.database_url]  # fmt: skip
        assert main(argv) == 0
        return out

    return run


def _params(queue_id: int, **more: str) -> dict[str, str | int]:
    return {"queue_id": queue_id, "start": "2026-10-05", "end": "2026-10-06", **more}


def test_the_service_report_compares_goal_actual_and_plan(
    client: TestClient, report_queue: tuple[int, int]
) -> None:
    _site, queue_id = report_queue
    response = client.get("/v1/reports/service", params=_params(queue_id))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["goal"]["service_level"] == 0.8 and "answered + abandoned" in body["sl_basis"]
    first, second = body["periods"]
    assert (first["period"], first["met"], first["offered"]) == ("2026-10-05", True, 80)
    assert first["service_level"] == pytest.approx(71 / 80)
    assert (second["met"], second["service_level"]) == (False, pytest.approx(45 / 130))
    assert second["abandon_rate"] == pytest.approx(13 / 130)
    assert first["planned_sl"] > 0.8 and first["forecast_calls"] == 80
    assert (first["forecast_wape"], second["forecast_bias"]) == (0.0, pytest.approx(-50 / 130))
    parts = second["attribution"]
    assert all(parts[k] < 0 for k in ("volume", "handle_time", "staffing", "attendance"))
    explained = sum(parts[k] for k in ("volume", "handle_time", "staffing", "attendance"))
    assert explained + parts["model_gap"] == pytest.approx(parts["total"], abs=1e-9)
    assert parts["total"] == pytest.approx(second["service_level"] - parts["baseline_sl"])
    assert len(body["missed_intervals"]) == 2
    week = client.get("/v1/reports/service", params=_params(queue_id, grain="week")).json()
    assert [p["period"] for p in week["periods"]] == ["2026-10-05"]


def test_the_service_report_as_csv_and_print_ready_html(
    client: TestClient, report_queue: tuple[int, int]
) -> None:
    _site, queue_id = report_queue
    csv = client.get("/v1/reports/service", params=_params(queue_id, format="csv"))
    assert csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.splitlines()
    assert lines[0].startswith("period,offered,answered") and "attr_volume" in lines[0]
    assert lines[2].split(",")[0] == "2026-10-06" and len(lines) == 3
    html = client.get("/v1/reports/service", params=_params(queue_id, format="html"))
    assert html.headers["content-type"].startswith("text/html")
    assert html.text.count("<svg") == 3  # the SL chart and one attribution per period
    assert "missed" in html.text and "<script" not in html.text
    assert "http" not in html.text.replace("http://www.w3.org/2000/svg", "")  # no CDN
    bad = assert_problem(
        client.get("/v1/reports/service", params=_params(queue_id, end="2026-10-01")), 422
    )
    assert bad["errors"][0]["field"] == "end"


def test_who_may_import_actuals_and_read_reports(
    client: TestClient, report_queue: tuple[int, int]
) -> None:
    site_id, queue_id = report_queue
    other_site = create_site(client, name="Elsewhere", zone="Europe/Berlin")
    body = {"rows": []}
    for role, may_import in (("planner", True), ("hr", False), ("viewer", False)):
        caller = client_with(client, token_for(client, role, [site_id]))
        report = caller.get("/v1/reports/service", params=_params(queue_id))
        assert report.status_code == 200, (role, report.text)
        posted = caller.post(f"/v1/queues/{queue_id}/actual-imports", json=body)
        assert (posted.status_code != 403) is may_import, (role, posted.text)
    stranger = client_with(client, token_for(client, "viewer", [other_site]))
    assert_problem(stranger.get("/v1/reports/service", params=_params(queue_id)), 404)


def test_the_report_cli_prints_the_same_report(
    client: TestClient, report_queue: tuple[int, int], report_cli: Callable[[list[str], str], Path]
) -> None:
    _site, queue_id = report_queue
    out = report_cli(["--queue-id", str(queue_id)], "csv")
    api = client.get("/v1/reports/service", params=_params(queue_id, format="csv"))
    assert out.read_text() == api.text


def test_a_clients_queues_in_one_report(client: TestClient, report_queue: tuple[int, int]) -> None:
    site_id, queue_id = report_queue
    second = create_queue(client, site_id, name="second line")
    _plan(client, second, site_id)
    files = {"file": ("a.csv", ACTUALS, "text/csv")}
    assert client.post(f"/v1/queues/{second}/actual-imports", files=files).status_code == 201
    params = {**_params(queue_id), "queue_id": [queue_id, second]}
    body = client.get("/v1/reports/service", params=params).json()
    assert body["queue_ids"] == [queue_id, second] and body["queue"] == "voice, second line"
    one = client.get("/v1/reports/service", params=_params(queue_id)).json()
    for both, alone in zip(body["periods"], one["periods"], strict=True):
        assert both["offered"] == 2 * alone["offered"]
        assert both["service_level"] == pytest.approx(alone["service_level"])
        assert both["forecast_calls"] == 2 * alone["forecast_calls"]
    assert {m["queue_id"] for m in body["missed_intervals"]} == {queue_id, second}
    other_goal = create_queue(client, site_id, name="vip", goal={"service_level": 0.9,
                              "answer_within_s": 10})  # fmt: skip
    mixing = {**_params(queue_id), "queue_id": [queue_id, other_goal]}
    mixed = client.get("/v1/reports/service", params=mixing)
    assert assert_problem(mixed, 422)["errors"][0]["code"] == "mixed_goals"
    elsewhere = create_queue(client, create_site(client, name="Far", zone="Europe/Berlin"))
    token = token_for(client, "viewer", [site_id])
    reach = client_with(client, token).get(
        "/v1/reports/service", params={**_params(queue_id), "queue_id": [elsewhere, queue_id]}
    )
    assert_problem(reach, 404)  # every queue_id is checked, not only the last


def test_a_window_without_actuals_is_an_empty_report_not_a_500(
    client: TestClient, report_queue: tuple[int, int]
) -> None:
    site_id, queue_id = report_queue
    bare = create_queue(client, site_id, name="bare")  # no roster, no actuals: was a 500
    for queue in (queue_id, bare):
        params = {"queue_id": queue, "start": "2000-01-01", "end": "2000-01-01"}
        response = client.get("/v1/reports/service", params=params)
        assert response.status_code == 200, response.text
        assert response.json()["periods"] == [] and response.json()["missed_intervals"] == []


def test_actuals_without_any_roster_report_no_plan_not_a_500(client: TestClient) -> None:
    queue_id = create_queue(client, create_site(client, name="No plan", zone="Europe/Berlin"))
    files = {"file": ("a.csv", ACTUALS, "text/csv")}
    assert client.post(f"/v1/queues/{queue_id}/actual-imports", files=files).status_code == 201
    response = client.get("/v1/reports/service", params=_params(queue_id))
    assert response.status_code == 200, response.text
    assert [p["offered"] for p in response.json()["periods"]] == [80, 130]
