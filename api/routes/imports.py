"""History imports: CSV upload of ACD interval history for a queue.

``dry_run=true`` returns the validation report only. A committed import is one transaction and
upserts by the natural key (queue, interval_start); re-uploading the same file (same SHA-256)
returns the earlier import instead of importing twice.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Response, UploadFile, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlmodel import Session, col, func, select

from api.convert.history import parse_upload
from api.crud import from_row
from api.deps import (
    EngineDep,
    Limit,
    Offset,
    ReadSession,
    RunnerDep,
    SettingsDep,
    WriteSession,
    get_or_404,
)
from api.errors import ApiError
from api.history import (
    find_import,
    frame_records,
    load_history,
    upsert_history,
)
from api.schemas import HistoryRead, ImportList, ImportProblem, ImportReport, JobRead
from api.tables import HistoryImport, Queue, Site
from api.uploads import queue_import
from forecasting.errors import InvalidInput, Problem
from forecasting.types import HistoryImport as ParsedHistory

router = APIRouter(tags=["history"])
DATE_FORMAT_HELP = (
    "strftime order of numeric dates, e.g. %d/%m/%Y; needed when dates such as 01/11/1999 "
    "read both ways (ISO 8601 dates never need it)"
)
_CHUNK = 1 << 20


async def _read_limited(upload: UploadFile, limit_bytes: int) -> bytes:
    chunks, size = [], 0
    while chunk := await upload.read(_CHUNK):
        size += len(chunk)
        if size > limit_bytes:
            raise ApiError(
                413, "payload-too-large", f"upload exceeds the limit of {limit_bytes} bytes"
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _problems(items: list[Problem] | tuple[Problem, ...]) -> list[ImportProblem]:
    return [ImportProblem(row=p.row, field=p.field, code=p.code, message=p.message) for p in items]


def import_report(row: HistoryImport, *, already: bool = False) -> ImportReport:
    done = {"dry_run": False, "valid": True, "problems": [], "already_imported": already}
    return from_row(ImportReport, row, **done)


def store_import(
    session: Session, queue: Queue, parsed: ParsedHistory, filename: str | None
) -> tuple[HistoryImport, bool]:
    """Add ``parsed`` for ``queue`` to the session's transaction (idempotent by file hash).

    Returns the import row and whether it is new; the caller commits.
    """
    assert queue.id is not None
    earlier = find_import(session, queue.id, parsed.file_sha256)
    if earlier is not None:
        return earlier, False
    records = frame_records(parsed.frame)
    row = HistoryImport(
        queue_id=queue.id,
        file_sha256=parsed.file_sha256,
        filename=filename,
        rows=len(records),
        inserted=0,
        updated=0,
        unchanged=0,
        first_interval=min((r["interval_start"] for r in records), default=None),
        last_interval=max((r["interval_start"] for r in records), default=None),
    )
    session.add(row)
    session.flush()
    counts = upsert_history(session, queue.id, records, row.id)
    row.inserted, row.updated, row.unchanged = counts.inserted, counts.updated, counts.unchanged
    session.add(row)
    return row, True


@router.post(
    "/v1/queues/{queue_id}/history-imports",
    operation_id="createHistoryImport",
    status_code=status.HTTP_201_CREATED,
    responses={202: {"model": JobRead, "description": "a large upload: its import job"}},
)
async def create_import(
    queue_id: int,
    file: Annotated[UploadFile, File(description="ACD interval export (CSV)")],
    session: WriteSession,
    settings: SettingsDep,
    engine: EngineDep,
    runner: RunnerDep,
    response: Response,
    dry_run: Annotated[bool, Query(description="validate only, store nothing")] = False,
    source_queue: Annotated[str | None, Query(max_length=200)] = None,
    date_format: Annotated[str | None, Query(max_length=40, description=DATE_FORMAT_HELP)] = None,
) -> ImportReport:
    """Import a CSV. Up to ``sync_import_bytes`` (default 1 MiB): imported now, 201 (200 when
    the same file was imported before) with the report. Larger: 202 + ``Location`` of a
    ``history_import`` job (progress in the job; ``result_url`` names the import)."""
    queue = get_or_404(session, Queue, queue_id, "queue")
    site = get_or_404(session, Site, queue.site_id, "site")
    data = await _read_limited(file, settings.max_upload_bytes)
    options: dict[str, Any] = {"date_format": date_format, "opening_hours": site.opening_hours}
    if dry_run:
        response.status_code = status.HTTP_200_OK
        session.rollback()
        return await run_in_threadpool(
            _dry_run, queue, site.zone, data, file.filename, source_queue, options
        )
    if len(data) > settings.sync_import_bytes:  # parsed and stored by a job, off this loop
        assert queue.id is not None
        job_options = {"source_queue": source_queue, "date_format": date_format}
        job_args = (engine, runner, settings, queue.id, data, file.filename, job_options)
        session.rollback()  # releases the write lock; expires ``queue`` and ``site``
        job_answer: JSONResponse = await run_in_threadpool(queue_import, *job_args)
        return job_answer  # type: ignore[return-value]
    hours = site.opening_hours
    parse = functools.partial(parse_upload, data, queue, site.zone, source_queue,
                              date_format=date_format, opening_hours=hours)  # fmt: skip
    parsed = await run_in_threadpool(parse)
    row, created = await run_in_threadpool(store_import, session, queue, parsed, file.filename)
    session.commit()
    response.headers["Location"] = f"/v1/history-imports/{row.id}"
    if not created:
        response.status_code = status.HTTP_200_OK
    report = import_report(row, already=not created)
    report.warnings = _problems(parsed.warnings)
    return report


def _dry_run(
    queue: Queue,
    zone: str,
    data: bytes,
    filename: str | None,
    source_queue: str | None,
    options: dict[str, Any],
) -> ImportReport:
    import hashlib

    digest = hashlib.sha256(data).hexdigest()
    assert queue.id is not None
    try:
        parsed = parse_upload(data, queue, zone, source_queue, **options)
    except InvalidInput as exc:
        return ImportReport(
            queue_id=queue.id,
            dry_run=True,
            file_sha256=digest,
            filename=filename,
            rows=0,
            valid=False,
            problems=_problems(exc.problems),
            truncated=exc.truncated,
        )
    starts = parsed.frame["interval_start"]
    return ImportReport(
        queue_id=queue.id,
        dry_run=True,
        file_sha256=parsed.file_sha256,
        filename=filename,
        rows=len(parsed.frame),
        valid=True,
        problems=[],
        warnings=_problems(parsed.warnings),
        first_interval=starts.min().to_pydatetime() if len(starts) else None,
        last_interval=starts.max().to_pydatetime() if len(starts) else None,
    )


@router.get("/v1/queues/{queue_id}/history-imports", operation_id="listHistoryImports")
def list_imports(
    queue_id: int, session: ReadSession, limit: Limit = 100, offset: Offset = 0
) -> ImportList:
    get_or_404(session, Queue, queue_id, "queue")
    where = col(HistoryImport.queue_id) == queue_id
    total = session.exec(select(func.count()).select_from(HistoryImport).where(where)).one()
    query = select(HistoryImport).where(where).order_by(col(HistoryImport.id))
    rows = session.exec(query.offset(offset).limit(limit)).all()
    return ImportList(
        total=total, limit=limit, offset=offset, items=[import_report(r) for r in rows]
    )


@router.get("/v1/history-imports/{import_id}", operation_id="getHistoryImport")
def get_import(import_id: int, session: ReadSession) -> ImportReport:
    return import_report(get_or_404(session, HistoryImport, import_id, "history import"))


HISTORY_PAGE_MAX = 50_000


def _instant(value: datetime | None, field: str) -> datetime | None:
    """A query instant; one without an offset is UTC."""
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _cursor(cursor: str | None) -> datetime | None:
    if cursor is None:
        return None
    try:
        return _instant(datetime.fromisoformat(cursor), "cursor")
    except ValueError:
        problem = Problem(None, "cursor", "invalid", "cursor is not one this service gave out")
        raise ApiError(422, "validation-error", "invalid cursor", errors=[problem]) from None


@router.get("/v1/queues/{queue_id}/history", operation_id="getHistory")
def get_history(
    queue_id: int,
    session: ReadSession,
    from_: Annotated[
        datetime | None,
        Query(alias="from", description="first interval start (inclusive; no offset = UTC)"),
    ] = None,
    to: Annotated[datetime | None, Query(description="end (exclusive)")] = None,
    limit: Annotated[int, Query(ge=1, le=HISTORY_PAGE_MAX)] = HISTORY_PAGE_MAX,
    cursor: Annotated[
        str | None, Query(max_length=64, description="next_cursor of the previous page")
    ] = None,
) -> HistoryRead:
    """Intervals of ``[from, to)`` in time order, at most ``limit`` per page; ``next_cursor``
    (pass it as ``cursor``) when more follow."""
    get_or_404(session, Queue, queue_id, "queue")
    frame = load_history(session, queue_id, _instant(from_, "from"), _instant(to, "to"),
                         after=_cursor(cursor), limit=limit + 1)  # fmt: skip
    more = len(frame) > limit
    frame = frame.iloc[:limit]

    def column(name: str) -> list[float | None]:
        return [None if v != v else float(v) for v in frame[name]]

    starts = [t.to_pydatetime() for t in frame["interval_start"]]
    return HistoryRead(
        queue_id=queue_id,
        interval_start=starts,
        offered=[float(v) for v in frame["offered"]],
        handled=column("handled"),
        abandoned=column("abandoned"),
        aht_s=column("aht_s"),
        next_cursor=starts[-1].isoformat() if more else None,
    )
