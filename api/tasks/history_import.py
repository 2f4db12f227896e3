"""Job ``history_import``: a large history upload, validated and stored off the request loop.

The route streams the upload to a file (``upload_dir``) and queues this job; the worker parses
and validates the whole file (``InvalidInput``: the job fails listing every problem, nothing is
stored), then stores it in transactions of ``api.history.BATCH_ROWS`` rows, reporting progress.
A retry (lease taken over, Idempotency re-post) continues after the rows already stored. The
file is removed once the import is stored or refused.
"""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session

from api.convert.history import parse_upload  # the one validation of an upload
from api.history import store_in_batches
from api.job_context import JobContext, JobOutcome
from api.tables import Queue, Site
from forecasting.errors import InvalidInput, Problem


def run(ctx: JobContext) -> JobOutcome:
    params = ctx.params
    path = Path(params["path"])
    with Session(ctx.engine) as session:
        queue = session.get(Queue, int(params["queue_id"]))
        site = None if queue is None else session.get(Site, queue.site_id)
    if queue is None or site is None or queue.id is None:
        raise InvalidInput([Problem(None, "queue_id", "unknown", "the queue no longer exists")])
    if not path.exists():
        raise InvalidInput([Problem(None, "file", "missing", f"upload {path.name} is gone")])
    ctx.report(0.02, f"validating {params.get('bytes', 0)} bytes", force=True)
    options = {k: params[k] for k in ("date_format",) if params.get(k) is not None}
    try:
        parsed = parse_upload(path.read_bytes(), queue, site.zone, params.get("source_queue"),
                              opening_hours=site.opening_hours, **options)  # fmt: skip
    except InvalidInput:
        path.unlink(missing_ok=True)
        raise
    ctx.report(0.1, f"storing {len(parsed.frame)} rows", force=True)

    def progress(done: int, total: int) -> None:
        ctx.report(0.1 + 0.9 * done / max(total, 1), f"stored {done} of {total} rows")

    row, created = store_in_batches(ctx.engine, queue.id, parsed, params.get("filename"),
                                    ctx.fence, progress)  # fmt: skip
    path.unlink(missing_ok=True)
    warnings = len(parsed.warnings)
    message = (f"{row.rows} rows: {row.inserted} inserted, {row.updated} updated, "
               f"{row.unchanged} unchanged" + ("" if created else " (already imported)")
               + (f"; {warnings} warning(s)" if warnings else ""))  # fmt: skip
    return JobOutcome(row=None, kind="history_import", message=message, result_id=row.id)
