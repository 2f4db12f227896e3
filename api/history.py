"""Storing validated interval history: one transaction, idempotent by natural key + file hash."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import insert, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from api.db import write_session
from api.tables import HistoryImport, HistoryInterval
from forecasting.calendar import resample_history
from forecasting.errors import Problem
from forecasting.types import HistoryImport as ParsedHistory


@dataclass(frozen=True, slots=True)
class UpsertCounts:
    inserted: int
    updated: int
    unchanged: int


def _clean(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def to_queue_interval(parsed: ParsedHistory, interval_min: int) -> ParsedHistory:
    """``parsed`` summed into the queue's ``interval_min`` when its intervals are a finer
    divisor of it (6-minute rows into a 30-minute queue), with a warning saying so; unchanged
    otherwise (a coarser or non-dividing length stays for the caller to refuse)."""
    finer = parsed.interval_min
    if not finer or finer >= interval_min or interval_min % finer:
        return parsed
    resampled = resample_history(
        parsed.frame, from_min=finer, to_min=interval_min, zone=parsed.zone, partial="keep"
    )
    notes = [
        Problem(
            None,
            "interval_start",
            "resampled",
            f"{finer}-minute rows summed into the queue's {interval_min}-minute intervals "
            f"({len(parsed.frame)} rows -> {len(resampled.frame)} intervals)",
        )
    ]
    if resampled.partial_starts:
        first = f"{resampled.partial_starts[0]:%Y-%m-%d %H:%M}Z"
        notes.append(
            Problem(
                None,
                "interval_start",
                "partial_interval",
                f"{len(resampled.partial_starts)} {interval_min}-minute intervals had only some "
                f"of their {finer}-minute rows (first {first}); kept with the calls given",
            )
        )
    return dataclasses.replace(
        parsed,
        frame=resampled.frame,
        interval_min=interval_min,
        warnings=(*parsed.warnings, *notes),
    )


def frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """History rows as plain records (``interval_start`` tz-aware UTC, NaN -> None)."""
    starts = pd.DatetimeIndex(frame["interval_start"]).tz_convert("UTC")
    columns = {
        name: frame[name].to_numpy()
        for name in ("offered", "handled", "abandoned", "aht_s")
        if name in frame.columns
    }
    records = []
    for i, start in enumerate(starts):
        record: dict[str, Any] = {"interval_start": start.to_pydatetime()}
        for name in ("offered", "handled", "abandoned", "aht_s"):
            record[name] = _clean(columns[name][i]) if name in columns else None
        records.append(record)
    return records


def upsert_history(
    session: Session, queue_id: int, records: list[dict[str, Any]], import_id: int | None
) -> UpsertCounts:
    """Insert or update ``records`` by (queue, interval_start); the caller commits."""
    keys = ("interval_start",)
    return upsert_rows(session, HistoryInterval, queue_id, records, keys, "interval_start",
                       import_id)  # fmt: skip


def upsert_rows(session: Session, model: Any, queue_id: int, records: list[dict[str, Any]],
                keys: tuple[str, ...], span: str,
                import_id: int | None) -> UpsertCounts:  # fmt: skip
    """Insert or update ``records`` of table ``model`` by their natural key (queue + ``keys``):
    the queue's stored rows whose ``span`` column lies in the records' range are read once,
    changed ones updated, new ones inserted by one multi-row INSERT; the caller commits."""
    if not records:
        return UpsertCounts(0, 0, 0)
    column = col(getattr(model, span))
    low, high = min(r[span] for r in records), max(r[span] for r in records)
    query = select(model).where(col(model.queue_id) == queue_id, column >= low, column <= high)
    existing = {tuple(getattr(row, k) for k in keys): row for row in session.exec(query).all()}
    fields = [name for name in records[0] if name not in keys]
    new_rows, updated, unchanged = [], 0, 0
    for record in records:
        row = existing.get(tuple(record[k] for k in keys))
        if row is None:
            new_rows.append({"queue_id": queue_id, "import_id": import_id, **record})
        elif all(getattr(row, f) == record[f] for f in fields):
            unchanged += 1
        else:
            for name in fields:
                setattr(row, name, record[name])
            row.import_id = import_id
            session.add(row)
            updated += 1
    if new_rows:  # one multi-row INSERT (executemany), not an ORM object per row
        session.execute(insert(model), new_rows)
    return UpsertCounts(len(new_rows), updated, unchanged)


BATCH_ROWS = 5000


def store_in_batches(
    engine: Engine,
    queue_id: int,
    parsed: ParsedHistory,
    filename: str | None,
    fence: Callable[[Session], None],
    progress: Callable[[int, int], None],
) -> tuple[HistoryImport, bool]:
    """Store a large import in transactions of ``BATCH_ROWS`` rows (a long write lock would
    stall every other writer); resumable: the import row counts the rows stored so far, in
    the same transaction as each batch, and a later run continues after them. ``fence``
    raises inside each transaction when the caller may no longer write (lost job lease)."""
    records = frame_records(parsed.frame)
    with write_session(engine) as session:
        row = find_import(session, queue_id, parsed.file_sha256)
        created = row is None
        if row is None:
            row = HistoryImport(
                queue_id=queue_id, file_sha256=parsed.file_sha256, filename=filename,
                rows=len(records), inserted=0, updated=0, unchanged=0,
                first_interval=min((r["interval_start"] for r in records), default=None),
                last_interval=max((r["interval_start"] for r in records), default=None),
            )  # fmt: skip
            session.add(row)
            session.flush()
    assert row.id is not None
    done = row.inserted + row.updated + row.unchanged
    for start in range(done, len(records), BATCH_ROWS):
        with write_session(engine) as session:
            fence(session)
            counts = upsert_history(session, queue_id, records[start : start + BATCH_ROWS], row.id)
            table = HistoryImport
            session.execute(update(table).where(col(table.id) == row.id).values(
                inserted=col(table.inserted) + counts.inserted,
                updated=col(table.updated) + counts.updated,
                unchanged=col(table.unchanged) + counts.unchanged))  # fmt: skip
        progress(min(start + BATCH_ROWS, len(records)), len(records))
    with Session(engine) as session:
        stored = session.get(HistoryImport, row.id)
        assert stored is not None
        return stored, created or done < len(records)


def find_import(session: Session, queue_id: int, sha256: str) -> HistoryImport | None:
    query = select(HistoryImport).where(
        col(HistoryImport.queue_id) == queue_id, col(HistoryImport.file_sha256) == sha256
    )
    return session.exec(query).first()


def load_history(
    session: Session,
    queue_id: int,
    start: datetime | None = None,
    end: datetime | None = None,
    *,
    after: datetime | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """The stored history of a queue as a DESIGN history frame (sorted, UTC): intervals in
    ``[start, end)``, after ``after`` (a paging cursor), at most ``limit`` of them."""
    query = select(HistoryInterval).where(col(HistoryInterval.queue_id) == queue_id)
    if start is not None:
        query = query.where(col(HistoryInterval.interval_start) >= start)
    if end is not None:
        query = query.where(col(HistoryInterval.interval_start) < end)
    if after is not None:
        query = query.where(col(HistoryInterval.interval_start) > after)
    query = query.order_by(col(HistoryInterval.interval_start))
    rows = session.exec(query if limit is None else query.limit(limit)).all()
    frame = pd.DataFrame(
        {
            "interval_start": pd.to_datetime([r.interval_start for r in rows], utc=True),
            "offered": [r.offered for r in rows],
            "handled": [r.handled for r in rows],
            "abandoned": [r.abandoned for r in rows],
            "aht_s": [r.aht_s for r in rows],
        }
    )
    for name in ("offered", "handled", "abandoned", "aht_s"):
        frame[name] = frame[name].astype("float64")
    return frame
