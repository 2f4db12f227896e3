"""History imports through the API: date_format, returned warnings, plausibility, 6-minute rows."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pandas as pd
from fastapi.testclient import TestClient

from forecasting.synthetic import synthetic_history, to_acd_csv
from tests.api.support import assert_problem, create_queue, create_site

ZONE = "Europe/Berlin"


def _upload(client: TestClient, queue_id: int, text: str, **params: str) -> Any:
    files = {"file": ("history.csv", text.encode(), "text/csv")}
    return client.post(f"/v1/queues/{queue_id}/history-imports", files=files, params=params)


def _history(start: dt.date, days: int, interval_min: int = 15) -> pd.DataFrame:
    history = synthetic_history(
        start=start, weeks=(days + 6) // 7, zone=ZONE, interval_min=interval_min,
        open_minute=480, close_minute=600, mean_daily_calls=400.0,
    )  # fmt: skip
    local_day = history["interval_start"].dt.tz_convert(ZONE).dt.date
    return history[local_day < start + dt.timedelta(days=days)].reset_index(drop=True)


def _dd_mm(history: pd.DataFrame) -> str:
    export = pd.read_csv(io.StringIO(to_acd_csv(history, ZONE)), dtype=str)
    export["Date"] = pd.to_datetime(export["Date"]).dt.strftime("%d/%m/%Y")
    return export.to_csv(index=False, lineterminator="\n")


def test_ambiguous_dates_are_422_until_date_format_is_given(client: TestClient) -> None:
    queue_id = create_queue(client, create_site(client))
    text = _dd_mm(_history(dt.date(2026, 3, 2), 5))  # 02/03 .. 06/03: every date reads both ways
    problem = assert_problem(_upload(client, queue_id, text), 422)
    [error] = problem["errors"]
    assert (error["field"], error["code"]) == ("Date", "ambiguous_date_order")
    assert "02/03/2026" in error["message"] and "date_format" in error["message"]
    dry = _upload(client, queue_id, text, dry_run="true").json()
    assert not dry["valid"] and dry["problems"][0]["code"] == "ambiguous_date_order"
    stored = _upload(client, queue_id, text, date_format="%d/%m/%Y")
    assert stored.status_code == 201, stored.text
    first = client.get(f"/v1/queues/{queue_id}/history").json()["interval_start"][0]
    assert first.startswith("2026-03-02T07:00:00")  # 08:00 CET on 2 March, not 3 February
    bad = assert_problem(_upload(client, queue_id, text, date_format="%Y"), 422)
    assert bad["errors"][0]["field"] == "date_format"


def test_import_returns_its_warnings(client: TestClient) -> None:
    queue_id = create_queue(client, create_site(client))  # the site is closed on Sundays
    history = _history(dt.date(2026, 3, 9), 7)  # Mon 9 .. Sun 15 March: days above 12
    report = _upload(client, queue_id, _dd_mm(history)).json()
    codes = {w["code"] for w in report["warnings"]}
    assert {"inferred_date_order", "outside_opening_hours"} <= codes
    outside = [w for w in report["warnings"] if w["code"] == "outside_opening_hours"]
    assert outside[0]["row"] == 41  # Saturday opens at 09:00
    assert "Sat 2026-03-14 08:00" in outside[0]["message"]
    assert any("Sun 2026-03-15" in w["message"] for w in outside)  # closed on Sundays
    dry = _upload(client, queue_id, _dd_mm(history), dry_run="true").json()
    assert "inferred_date_order" in {w["code"] for w in dry["warnings"]}


def test_implausible_volume_is_refused_so_no_forecast_fails_later(client: TestClient) -> None:
    queue_id = create_queue(client, create_site(client))
    lines = to_acd_csv(_history(dt.date(2026, 3, 2), 5), ZONE).splitlines()
    cells = lines[4].split(",")
    cells[3] = "1e308"  # Offered
    lines[4] = ",".join(cells)
    problem = assert_problem(_upload(client, queue_id, "\n".join(lines) + "\n"), 422)
    assert {(e["row"], e["field"], e["code"]) for e in problem["errors"]} == {
        (4, "offered", "implausible_volume")
    }
    assert client.get(f"/v1/queues/{queue_id}/history").json()["offered"] == []


def test_six_minute_rows_are_summed_into_the_queues_intervals(client: TestClient) -> None:
    queue_id = create_queue(client, create_site(client), interval_min=30)
    history = _history(dt.date(2026, 3, 2), 5, interval_min=6)
    response = _upload(client, queue_id, to_acd_csv(history, ZONE))
    assert response.status_code == 201, response.text
    report = response.json()
    assert report["rows"] == 5 * 4 and "resampled" in {w["code"] for w in report["warnings"]}
    stored = client.get(f"/v1/queues/{queue_id}/history").json()
    assert sum(stored["offered"]) == history["offered"].sum()
    starts = pd.to_datetime(pd.Series(stored["interval_start"]), utc=True)
    assert starts.diff().dropna().min() == pd.Timedelta(minutes=30)
