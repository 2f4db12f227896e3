"""Job handlers: one module per job kind, each ``run(ctx: JobContext) -> JobOutcome``.

A handler reads its inputs from the database, calls the core (forecasting, optimizer,
scenarios), reports progress through ``ctx`` and returns the result row; ``api.jobs`` stores
the row and closes the job in one transaction.
"""

from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING

from forecasting.errors import InvalidInput, Problem

if TYPE_CHECKING:
    from api.job_context import Handler

#: job kind -> module providing ``run``.
KINDS: dict[str, str] = {
    "capacity_plan": "api.tasks.capacity",
    "comparison": "api.tasks.comparison",
    "forecast": "api.tasks.forecast",
    "hiring_scenario": "api.tasks.hiring",
    "history_import": "api.tasks.history_import",
    "reoptimise": "api.tasks.reoptimise",
    "roster": "api.tasks.roster",
    "site_roster": "api.tasks.site_roster",
}


#: extra job kinds, ``kind=module`` pairs separated by commas (read by every worker process:
#: how tests and extensions add kinds that spawned workers also know).
EXTRA_KINDS_ENV = "STAFFWISE_JOB_KINDS"


def kinds() -> dict[str, str]:
    extra = os.environ.get(EXTRA_KINDS_ENV, "")
    pairs = (item.split("=", 1) for item in extra.split(",") if "=" in item)
    return {**KINDS, **{k.strip(): m.strip() for k, m in pairs}}


def handler(kind: str) -> Handler:
    """The handler of job ``kind`` (imported lazily, inside the worker)."""
    known = kinds()
    if kind not in known:
        raise InvalidInput([Problem(None, "kind", "unknown_job_kind", f"no job kind {kind!r}")])
    module = importlib.import_module(known[kind])
    run: Handler = module.run
    return run
