"""A test double job handler: exercises the job machinery (progress, cancel, failure) only."""

from __future__ import annotations

import time

from api.job_context import JobContext, JobOutcome
from forecasting.errors import InvalidInput, Problem


def run(ctx: JobContext) -> JobOutcome:
    steps = int(ctx.params["steps"])
    for step in range(steps):
        if ctx.should_stop():
            return JobOutcome(row=None, kind=None, message=f"stopped at {step}", stopped_early=True)
        objective = 100.0 - step
        ctx.report((step + 1) / steps, "probing", objective=objective, best_bound=50.0,
                   gap=(objective - 50.0) / objective, seconds=step * 0.02, force=True)  # fmt: skip
        time.sleep(float(ctx.params.get("sleep_s", 0.02)))
    if ctx.params.get("fail") == "input":
        raise InvalidInput([Problem(3, "calls", "negative", "calls must be >= 0")])
    if ctx.params.get("fail") == "crash":
        raise RuntimeError("probe crashed")
    return JobOutcome(row=None, kind=None, message="done", objective=100.0 - steps)
