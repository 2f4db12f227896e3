"""An uploaded ACD history CSV as the core's parsed history of a queue (one validation, shared by
the upload route, its dry run and the import job)."""

from __future__ import annotations

from typing import Any

from api.history import to_queue_interval
from api.tables import Queue
from forecasting.errors import InvalidInput, Problem
from forecasting.io import read_history_csv
from forecasting.types import HistoryImport as ParsedHistory


def parse_upload(
    data: bytes,
    queue: Queue,
    zone: str,
    source_queue: str | None,
    *,
    date_format: str | None = None,
    opening_hours: list[Any] | None = None,
) -> ParsedHistory:
    """Validate the CSV for ``queue``; raises ``InvalidInput`` listing every problem.

    ``date_format`` states the order of numeric dates; ``opening_hours`` (the site's, Mon..Sun)
    adds warnings for calls outside them."""
    hours = opening_hours if opening_hours and len(opening_hours) == 7 else None
    parsed = read_history_csv(
        data, zone=zone, queue=source_queue, date_format=date_format, opening_hours=hours
    )
    parsed = to_queue_interval(parsed, queue.interval_min)
    problems = []
    if len(parsed.queues) > 1:
        problems.append(
            Problem(
                None,
                "queue",
                "ambiguous_queue",
                f"the file holds queues {list(parsed.queues)}; pass source_queue=<name>",
            )
        )
    if parsed.interval_min and parsed.interval_min != queue.interval_min:
        problems.append(
            Problem(
                None,
                "interval_start",
                "granularity_mismatch",
                f"the file has {parsed.interval_min}-minute intervals, the queue plans "
                f"in {queue.interval_min}-minute intervals",
            )
        )
    if problems:
        raise InvalidInput(problems)
    return parsed
