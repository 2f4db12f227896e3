"""Actuals imports: actual interval statistics and agent attendance of a queue.

One route per kind takes a CSV (``multipart/form-data``, field ``file``) or JSON
(``{"rows": [...]}``), validated by the actuals core with the history import's standard:
every bad row and field in a 422 problem+json, ``dry_run=true`` reports without storing, a
committed import is one transaction upserting by the natural key ((queue, interval_start) or
(queue, agent, start)), and the same file (SHA-256) again returns the earlier import (200).
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from sqlmodel import col, select

from actuals.io import parse_attendance, parse_interval_actuals
from api.convert.actuals import as_utc, is_deferred, load_actuals, store_actuals
from api.convert.adherence import adherence_view
from api.convert.goals import refuse_deferred
from api.convert.intraday import intraday_view
from api.deps import ReadSession, SettingsDep, WriteSession, get_or_404
from api.errors import ApiError
from api.schemas.actuals import (
    ActualImportReport,
    ActualIntervalsUpload,
    AdherenceRead,
    AttendanceUpload,
    IntradayRead,
)
from api.schemas.imports import ImportProblem
from api.tables import ActualImport, Queue, Site
from forecasting.errors import InvalidInput

router = APIRouter(tags=["actuals"])
Kind = Literal["intervals", "attendance"]


def _body_doc(schema: type[Any]) -> dict[str, Any]:
    csv = {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}},
           "required": ["file"]}  # fmt: skip
    return {
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {"schema": csv},
                "application/json": {"schema": schema.model_json_schema()},
            },
        }
    }


async def _payload(request: Request, limit: int) -> tuple[bytes | list[Any], str, str | None]:
    """(CSV bytes or JSON rows, SHA-256 of what was sent, filename) of the request body."""
    kind = request.headers.get("content-type", "")
    if kind.startswith("multipart/form-data"):
        form = await request.form()
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise ApiError(422, "validation-error", "multipart upload needs a 'file' field")
        data = await upload.read()
        if len(data) > limit:
            raise ApiError(413, "payload-too-large", f"upload exceeds {limit} bytes")
        return data, hashlib.sha256(data).hexdigest(), upload.filename
    raw = await request.body()
    try:
        body = json.loads(raw)
    except ValueError:
        raise ApiError(422, "validation-error", "the body is neither JSON nor multipart") from None
    if not isinstance(body, dict) or not isinstance(body.get("rows"), list):
        raise ApiError(422, "validation-error", 'the JSON body is {"rows": [...]}')
    if not all(isinstance(r, dict) for r in body["rows"]):
        raise ApiError(422, "validation-error", "every row is a JSON object")
    return body["rows"], hashlib.sha256(raw).hexdigest(), None


def _report(row: ActualImport, *, already: bool = False) -> ActualImportReport:
    return ActualImportReport(
        id=row.id, queue_id=row.queue_id, kind=row.kind,  # type: ignore[arg-type]
        dry_run=False, file_sha256=row.file_sha256, filename=row.filename, rows=row.rows,
        valid=True, inserted=row.inserted, updated=row.updated, unchanged=row.unchanged,
        first_instant=row.first_instant, last_instant=row.last_instant,
        already_imported=already, created_at=row.created_at,
    )  # fmt: skip


def _parse(kind: Kind, data: Any, zone: str, queue: Queue) -> Any:
    if kind == "intervals":  # answered_within from a wait distribution at the goal's threshold
        return parse_interval_actuals(data, zone=zone, interval_min=queue.interval_min,
                                      answer_within_s=queue.answer_within_s,
                                      deferred=is_deferred(queue))  # fmt: skip
    return parse_attendance(data, zone=zone)


async def _import(kind: Kind, queue_id: int, request: Request, session: Any, settings: Any,
                  response: Response, dry_run: bool) -> ActualImportReport:  # fmt: skip
    queue = get_or_404(session, Queue, queue_id, "queue")
    site = get_or_404(session, Site, queue.site_id, "site")
    data, sha, filename = await _payload(request, settings.max_upload_bytes)
    assert queue.id is not None
    base = {"queue_id": queue.id, "kind": kind, "file_sha256": sha, "filename": filename}
    if dry_run:
        response.status_code = status.HTTP_200_OK
        session.rollback()
        try:
            frame = await run_in_threadpool(_parse, kind, data, site.zone, queue)
        except InvalidInput as exc:
            problems = [ImportProblem(row=p.row, field=p.field, code=p.code, message=p.message)
                        for p in exc.problems]  # fmt: skip
            return ActualImportReport(**base, dry_run=True, rows=0, valid=False,
                                      problems=problems, truncated=exc.truncated)  # fmt: skip
        return ActualImportReport(**base, dry_run=True, rows=len(frame), valid=True)
    frame = await run_in_threadpool(_parse, kind, data, site.zone, queue)
    row, created = await run_in_threadpool(
        store_actuals, session, queue.id, kind, frame, sha, filename
    )
    session.commit()
    if not created:
        response.status_code = status.HTTP_200_OK
    return _report(row, already=not created)


DRY_RUN = Query(description="validate only, store nothing")


def _add_import_route(
    kind: Kind, path: str, operation_id: str, upload: type[Any], description: str
) -> None:
    """``POST path``: an import of ``kind`` (body: ``upload`` rows or a CSV file); 201, or 200
    when the same file was imported before. The route function is named after
    ``operation_id`` in snake case (the OpenAPI summary) and documented by ``description``."""

    async def create_import(
        queue_id: int, request: Request, session: WriteSession, settings: SettingsDep,
        response: Response, dry_run: Annotated[bool, DRY_RUN] = False,
    ) -> ActualImportReport:  # fmt: skip
        return await _import(kind, queue_id, request, session, settings, response, dry_run)

    create_import.__doc__ = description
    create_import.__name__ = re.sub(r"([A-Z])", r"_\1", operation_id).lower()
    create_import.__qualname__ = create_import.__name__
    router.post(path, operation_id=operation_id, status_code=status.HTTP_201_CREATED,
                openapi_extra=_body_doc(upload))(create_import)  # fmt: skip


_add_import_route(
    "intervals", "/v1/queues/{queue_id}/actual-imports", "createActualImport",
    ActualIntervalsUpload,
    """Import actual interval statistics (offered, answered, abandoned, answered within the
    goal's threshold; optional abandoned_short, aht_s, asa_s, agents_staffed; deferred queues:
    offered, resolved, resolved_within_deadline, optional backlog): 201, or 200 when the same
    file was imported before.""",
)  # fmt: skip
_add_import_route(
    "attendance", "/v1/queues/{queue_id}/attendance-imports", "createAttendanceImport",
    AttendanceUpload, "Import agent attendance spans (agent, start, end: logged in and available).",
)  # fmt: skip


@router.get("/v1/queues/{queue_id}/actual-imports", operation_id="listActualImports")
def list_actual_imports(queue_id: int, session: ReadSession) -> list[ActualImportReport]:
    get_or_404(session, Queue, queue_id, "queue")
    query = select(ActualImport).where(col(ActualImport.queue_id) == queue_id)
    return [_report(r) for r in session.exec(query.order_by(col(ActualImport.id))).all()]


@router.get("/v1/queues/{queue_id}/actuals", operation_id="getActuals")
def get_actuals(
    queue_id: int, session: ReadSession, start: datetime, end: datetime
) -> dict[str, list[Any]]:
    """Stored actual intervals of ``[start, end)`` (columns of docs/actuals.md; agents_staffed
    counted from attendance where the interval has none)."""
    queue = get_or_404(session, Queue, queue_id, "queue")
    frame = load_actuals(session, queue, as_utc(start), as_utc(end))
    out: dict[str, list[Any]] = {"interval_start": [t.isoformat() for t in frame["interval_start"]]}
    for name in frame.columns[1:]:
        out[str(name)] = [None if v != v else float(v) for v in frame[name]]
    return out


@router.get("/v1/queues/{queue_id}/intraday", operation_id="getIntraday")
def get_intraday(
    queue_id: int,
    session: ReadSession,
    day: Annotated[date, Query(description="the local day")],
    now: Annotated[
        datetime | None,
        Query(description="observe intervals ended by then (default: all with actuals)"),
    ] = None,
) -> IntradayRead:
    """The rest of ``day``: actuals so far, the reforecast (``actuals.intraday``), the
    requirement with it, the rostered agents and the SL they are predicted to give (an e-mail
    queue: 422 ``deferred_queue``, it has no Erlang requirement to update)."""
    queue = get_or_404(session, Queue, queue_id, "queue")
    refuse_deferred(queue, "queue_id")  # no interval requirement or SL to reforecast
    view = intraday_view(session, queue, day, as_utc(now) if now is not None else None)
    return IntradayRead.model_validate(view)


@router.get("/v1/queues/{queue_id}/adherence", operation_id="getAdherence")
def get_adherence(
    queue_id: int, session: ReadSession, day: Annotated[date, Query(description="the local day")]
) -> AdherenceRead:
    """Scheduled vs actual attendance per agent: minutes scheduled on the phone (the day's
    roster, breaks and lunches out), logged in and available (the attendance import), both;
    adherence = both / scheduled, conformance = available / scheduled (docs/actuals.md)."""
    queue = get_or_404(session, Queue, queue_id, "queue")
    return AdherenceRead.model_validate(adherence_view(session, queue, day))
