"""Forecasts: calls (with a prediction band) and AHT per interval, computed as a job."""

from __future__ import annotations

from fastapi import APIRouter
from sqlmodel import col, func, select

from api.convert.weeks import week_start_problem
from api.crud import add_children_list, from_row
from api.deps import ReadSession, get_or_404
from api.errors import invalid
from api.routes.jobs import StartJob
from api.schemas import (
    ForecastCreate,
    ForecastIntervals,
    ForecastList,
    ForecastRead,
    ForecastSummary,
    ForecastWarningRead,
    JobRead,
)
from api.tables import Forecast, HistoryInterval, Queue, Site

router = APIRouter(tags=["forecasts"])


@router.post("/v1/queues/{queue_id}/forecasts", status_code=202, operation_id="createForecast")
def create_forecast(
    queue_id: int, body: ForecastCreate, session: ReadSession, start: StartJob
) -> JobRead:
    """Start a forecast job for the queue (202 + ``Location`` of the job); ``week_start``
    must fall on the site's ``week_start_day`` (422 naming the expected weekday)."""
    queue = get_or_404(session, Queue, queue_id, "queue")
    site = get_or_404(session, Site, queue.site_id, "site")
    wrong = None if body.week_start is None else week_start_problem(site, body.week_start)
    if wrong is not None:
        raise invalid(wrong.field, wrong.code, wrong.message)
    where = col(HistoryInterval.queue_id) == queue_id
    if session.exec(select(func.count()).select_from(HistoryInterval).where(where)).one() == 0:
        raise invalid("history", "no_history", f"queue {queue_id} has no history: import a CSV")
    params = {"queue_id": queue_id, "body": body.model_dump(mode="json")}
    return start.submit(session, "forecast", params)


def _summary(row: Forecast) -> ForecastSummary:
    assert row.id is not None
    warnings = [ForecastWarningRead.model_validate(w) for w in row.warnings or []]
    return from_row(ForecastSummary, row, warnings=warnings)


@router.get("/v1/forecasts/{forecast_id}", operation_id="getForecast")
def get_forecast(forecast_id: int, session: ReadSession) -> ForecastRead:
    row = get_or_404(session, Forecast, forecast_id, "forecast")
    intervals = ForecastIntervals.model_validate(row.intervals)
    return ForecastRead(**_summary(row).model_dump(), intervals=intervals)


add_children_list(router, "/v1/queues/{queue_id}/forecasts", "listForecasts",
                  (Queue, Forecast), _summary, ForecastList)  # fmt: skip
