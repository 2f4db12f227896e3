"""Client reports: ``GET /v1/reports/service`` (JSON, CSV or print-ready HTML)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response

from actuals.types import SlBasis
from api.convert.actuals import service_report_read
from api.convert.actuals_html import report_csv, report_html
from api.deps import ReadSession, get_or_404
from api.errors import invalid
from api.schemas.actuals import ServiceReportRead
from api.tables import Queue

router = APIRouter(tags=["reports"])
MAX_DAYS = 400


@router.get(
    "/v1/reports/service",
    operation_id="getServiceReport",
    response_model=ServiceReportRead,
    responses={200: {"content": {"text/csv": {}, "text/html": {}}}},
)
def get_service_report(
    session: ReadSession,
    queue_id: Annotated[
        list[int],
        Query(
            description="the queue reported on; repeat for a client's queues (one report, "
            "same zone and SL goal)",
            min_length=1,
            max_length=20,
        ),
    ],
    start: Annotated[date, Query(description="first local day")],
    end: Annotated[date, Query(description="last local day (inclusive)")],
    grain: Literal["day", "week", "month"] = "day",
    format: Literal["json", "csv", "html"] = "json",
    abandoned_in_denominator: Annotated[
        bool, Query(description="abandoned calls count in the SL denominator")
    ] = True,
    short_abandon_s: Annotated[
        float,
        Query(
            ge=0,
            le=3600,
            description="abandons counted as short (abandoned_short) are left "
            "out of the denominator when > 0: the threshold the imported counts used",
        ),
    ] = 0.0,
) -> Response:
    """Per day, week (the site's week) or month: goal, actual SL / ASA / abandonment / AHT,
    planned SL (predicted for the roster), met or missed, and the attribution of the gap."""
    if end < start:
        raise invalid("end", "before_start", "end must not be before start")
    if (end - start).days >= MAX_DAYS:
        raise invalid("end", "too_long", f"a report covers at most {MAX_DAYS} days")
    queues = [get_or_404(session, Queue, ident, "queue") for ident in dict.fromkeys(queue_id)]
    basis = SlBasis(queues[0].answer_within_s, abandoned_in_denominator, short_abandon_s)
    report = service_report_read(session, queues, (start, end), grain, basis)
    if format == "csv":
        name = f"service-{'-'.join(map(str, report.queue_ids))}-{start}-{end}-{grain}.csv"
        headers = {"Content-Disposition": f'attachment; filename="{name}"'}
        return PlainTextResponse(report_csv(report), media_type="text/csv", headers=headers)
    if format == "html":
        return HTMLResponse(report_html(report))
    return JSONResponse(report.model_dump(mode="json"))
