"""Job handlers: one module per job kind, each ``run(ctx: JobContext) -> JobOutcome``.

A handler reads its inputs from the database, calls the core (forecasting, optimizer,
scenarios), reports progress through ``ctx`` and returns the result row; ``api.jobs`` stores
the row and closes the job in one transaction.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from forecasting.errors import InvalidInput, Problem

if TYPE_CHECKING:
    from api.jobs import Handler

#: job kind -> module providing ``run``.
KINDS: dict[str, str] = {
    "capacity_plan": "api.tasks.capacity",
    "comparison": "api.tasks.comparison",
    "forecast": "api.tasks.forecast",
    "hiring_scenario": "api.tasks.hiring",
    "roster": "api.tasks.roster",
}


def handler(kind: str) -> Handler:
    """The handler of job ``kind`` (imported lazily, inside the worker)."""
    if kind not in KINDS:
        raise InvalidInput([Problem(None, "kind", "unknown_job_kind", f"no job kind {kind!r}")])
    module = importlib.import_module(KINDS[kind])
    run: Handler = module.run
    return run
