"""Client reports: ``GET /v1/reports/service`` (JSON, CSV, print-ready HTML or PDF)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response

from actuals.types import SlBasis
from api.convert.actuals import lead_queue, service_report_read
from api.convert.actuals_html import report_csv, report_html
from api.convert.clients import report_subject
from api.convert.report_pdf import report_pdf
from api.deps import ReadSession
from api.errors import invalid
from api.schemas.actuals import ServiceReportRead

router = APIRouter(tags=["reports"])
MAX_DAYS = 400


@router.get(
    "/v1/reports/service",
    operation_id="getServiceReport",
    response_model=ServiceReportRead,
    responses={200: {"content": {"text/csv": {}, "text/html": {}, "application/pdf": {}}}},
)
def get_service_report(
    session: ReadSession,
    start: Annotated[date, Query(description="first local day")],
    end: Annotated[date, Query(description="last local day (inclusive)")],
    queue_id: Annotated[
        list[int],
        Query(
            description="the queue reported on; repeat for several queues (one report, "
            "same zone and SL goal)",
            max_length=20,
        ),
    ] = [],  # noqa: B006 - FastAPI copies the default
    client_id: Annotated[
        int | None,
        Query(description="a client: its queues against its targets (instead of queue_id)"),
    ] = None,
    grain: Literal["day", "week", "month"] = "day",
    format: Literal["json", "csv", "html", "pdf"] = "json",
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
    queues, client = report_subject(session, queue_id, client_id)
    basis = SlBasis(lead_queue(queues).answer_within_s, abandoned_in_denominator, short_abandon_s)
    report = service_report_read(session, queues, (start, end), grain, basis, client)
    name = f"service-{'-'.join(map(str, report.queue_ids))}-{start}-{end}-{grain}.{format}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if format == "csv":
        return PlainTextResponse(report_csv(report), media_type="text/csv", headers=headers)
    if format == "pdf":
        return Response(report_pdf(report), media_type="application/pdf", headers=headers)
    if format == "html":
        return HTMLResponse(report_html(report))
    return JSONResponse(report.model_dump(mode="json"))
