"""The service report as PDF (parsed back) and the coverage of the forecast's prediction
interval in the report's accuracy figures."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.convert import report_pdf
from api.tables import Forecast
from tests.api import test_reports
from tests.api.test_reports import STARTS, _params
from tests.unit.test_actuals_pdf import parse_pdf

report_queue = test_reports.report_queue  # the fixture: a queue with a plan and actuals
report_cli = test_reports.report_cli  # the fixture: runs ``staffwise report service``


def _bounds(client: TestClient, queue_id: int) -> None:
    """The plan's forecast gets an 80 % interval [35, 45] on each of the four intervals."""
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        forecast = session.exec(select(Forecast).where(Forecast.queue_id == queue_id)).one()
        forecast.intervals = {"interval_start": STARTS, "calls": [40.0] * 4,
                              "calls_lo": [35.0] * 4, "calls_hi": [45.0] * 4,
                              "aht_s": [300.0] * 4}  # fmt: skip
        forecast.accuracy = {"coverage": 0.8}
        session.add(forecast)
        session.commit()


def test_the_report_tracks_prediction_interval_coverage(
    client: TestClient, report_queue: tuple[int, int]
) -> None:
    _site, queue_id = report_queue
    before = client.get("/v1/reports/service", params=_params(queue_id)).json()
    assert before["periods"][0]["forecast_coverage"] is None  # no interval stored
    _bounds(client, queue_id)
    first, second = client.get("/v1/reports/service", params=_params(queue_id)).json()["periods"]
    # offered 40, 40 inside [35, 45]; 70, 60 outside
    assert (first["forecast_coverage"], second["forecast_coverage"]) == (1.0, 0.0)
    assert first["forecast_pi_level"] == 0.8 and first["forecast_lead_days"] is not None
    csv = client.get("/v1/reports/service", params=_params(queue_id, format="csv")).text
    head, row = csv.splitlines()[:2]
    assert dict(zip(head.split(","), row.split(","), strict=True))["forecast_coverage"] == "1"


def test_the_report_as_a_pdf_parses_back(
    client: TestClient, report_queue: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    _site, queue_id = report_queue
    _bounds(client, queue_id)
    response = client.get("/v1/reports/service", params=_params(queue_id, format="pdf"))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].endswith('.pdf"')
    parsed = parse_pdf(response.content)
    assert parsed["pages"] == 1
    text = parsed["text"][0]
    assert text[0] == "Service report: voice" and "2026-10-06" in text
    assert "missed" in text and "met" in text  # day 1 met, day 2 missed
    assert "88.8 %" in text and "34.6 %" in text  # SL 71/80 and 45/130
    assert "100.0 %" in text and "0.0 %" in text  # in PI: day 1, day 2
    ops = parsed["ops"][0]
    assert ops.count(" re f") >= 2 + 5 and "[6 3] 0 d" in ops  # bars, why bars; goal line
    # a long report continues on more pages, the table's head repeated
    monkeypatch.setattr(report_pdf, "ROW", 120.0)  # two rows cannot share the first page
    paged = parse_pdf(
        client.get("/v1/reports/service", params=_params(queue_id, format="pdf")).content
    )
    assert paged["pages"] == 2 and "2026-10-06" in paged["text"][1]
    assert paged["text"][1][0] == "period"


def test_the_cli_writes_the_same_pdf_for_a_client(
    client: TestClient, report_queue: tuple[int, int], report_cli: Callable[[list[str], str], Path]
) -> None:
    _site, queue_id = report_queue
    body = {"name": "Acme", "targets": {"service_level": 0.9, "answer_within_s": 20},
            "queue_ids": [queue_id]}  # fmt: skip
    client_id = client.post("/v1/clients", json=body).json()["id"]
    out = report_cli(["--client-id", str(client_id)], "pdf")
    params = {"client_id": client_id, "start": "2026-10-05", "end": "2026-10-06", "format": "pdf"}
    api = client.get("/v1/reports/service", params=params)
    assert out.read_bytes() == api.content
    assert parse_pdf(api.content)["text"][0][0] == "Service report: Acme (voice)"
