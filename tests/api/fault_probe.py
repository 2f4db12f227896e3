"""A test double job handler for fault tests: runs ``steps`` steps of ``sleep_s``, stores a
checkpoint ``{"step": n}`` after every step and resumes from it; may ignore stop requests
(``ignore_stop``) or fail before a given attempt (``fail_before_attempt``)."""

from __future__ import annotations

import time

from api.job_context import JobContext, JobOutcome


def run(ctx: JobContext) -> JobOutcome:
    params = ctx.params
    first = int((ctx.resume or {}).get("step", 0))
    steps, sleep_s = int(params["steps"]), float(params.get("sleep_s", 0.02))
    for step in range(first, steps):
        if not params.get("ignore_stop") and ctx.should_stop():
            return JobOutcome(row=None, kind=None, message=f"stopped at {step}", stopped_early=True)
        ctx.report(step / steps, f"step {step}", objective=float(steps - step), force=True)
        time.sleep(sleep_s)
        ctx.checkpoint({"step": step + 1})
    if ctx.attempt < int(params.get("fail_before_attempt", 0)):
        raise RuntimeError(f"failing on purpose in attempt {ctx.attempt}")
    message = f"done from step {first} (attempt {ctx.attempt})"
    return JobOutcome(row=None, kind=None, message=message, objective=0.0)
