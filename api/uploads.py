"""Large history uploads become jobs (``api.tasks.history_import``), off the request loop.

An upload larger than ``Settings.sync_import_bytes`` is written to
``<upload_dir or the temp dir>/staffwise-uploads/queue<id>-<sha256>.csv`` and a
``history_import`` job is queued (202 + ``Location: /v1/jobs/{id}``; the job's ``result_url``
names the import once stored). Its Idempotency-Key is derived from the request (queue, file
hash, options), so posting the same file again answers the same job, and a failed or
interrupted one runs again. Smaller uploads are imported within the request (201/200 with the
import report), their parsing on a worker thread, never on the event loop.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import Any

from fastapi import Response
from fastapi.responses import JSONResponse
from sqlalchemy.engine import Engine

from api.jobs import JobRunner, request_hash
from api.settings import Settings

KIND = "history_import"


def upload_dir(settings: Settings) -> Path:
    base = Path(settings.upload_dir) if settings.upload_dir else Path(tempfile.gettempdir())
    directory = base / "staffwise-uploads"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def queue_import(
    engine: Engine,
    runner: JobRunner,
    settings: Settings,
    queue_id: int,
    data: bytes,
    filename: str | None,
    options: dict[str, Any],
) -> JSONResponse:
    """Store the upload as a file and queue its import job; the 202 answer."""
    from api.routes.jobs import submit_job

    digest = hashlib.sha256(data).hexdigest()
    path = upload_dir(settings) / f"queue{queue_id}-{digest}.csv"
    if not path.exists() or path.stat().st_size != len(data):
        partial = path.with_suffix(".part")
        partial.write_bytes(data)
        partial.replace(path)
    params = {"queue_id": queue_id, "path": str(path), "filename": filename,
              "bytes": len(data), "file_sha256": digest, **options}  # fmt: skip
    key = f"{KIND}:{request_hash(KIND, {**params, 'path': None})[:48]}"
    answer = Response()
    job = submit_job(engine, runner, KIND, params, key, answer)
    headers = {"Location": f"/v1/jobs/{job.id}"}
    return JSONResponse(job.model_dump(mode="json"), status_code=202, headers=headers)
