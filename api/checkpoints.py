"""Roster checkpoints: a roster job keeps its best roster so far in its job row.

Every attempt of a roster job stores the roster it returns as the job's checkpoint (before the
result is written, lease-fenced like every worker write), with the solver seconds spent so far
and whether the solve ran its whole time limit (``complete``) or was stopped early (cancel,
shutdown, its service gone). The next attempt of the same job (taken over after a crash, or
run again by its Idempotency-Key) resumes from it:

* a ``complete`` checkpoint is the result: stored as is, no second solve;
* otherwise the solve runs again for the time left of the limit, and the cheaper of the two
  rosters (the checkpoint's and the new one) is kept.

The core solver takes no roster as a starting point, so a resumed solve starts afresh; what
survives a fault is the best roster found, never lost once found.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from api.job_context import JobContext, JobOutcome
from api.tables import Roster

KIND = "roster"
ROW_FIELDS = ("site_id", "requirement_id", "week_start", "report", "kpis", "coverage", "shifts",
              "explanations", "source")  # fmt: skip
OUTCOME_FIELDS = ("message", "stopped_early", "objective", "best_bound", "gap", "seconds")
MIN_RESUME_S = 1.0


@dataclass(frozen=True)
class RosterCheckpoint:
    """The best roster of earlier attempts and the solver time they spent."""

    row: dict[str, Any]
    outcome: dict[str, Any]
    complete: bool
    spent_s: float
    attempt: int

    @property
    def objective(self) -> float | None:
        value = self.outcome.get("objective")
        return None if value is None else float(value)

    def to_outcome(self, job_id: int) -> JobOutcome:
        values = {**self.row, "week_start": dt.date.fromisoformat(self.row["week_start"])}
        row = Roster(job_id=job_id, **values)
        note = f"kept from attempt {self.attempt}'s checkpoint: "
        outcome = {**self.outcome, "message": (note + self.outcome["message"])[:500]}
        return JobOutcome(row=row, kind="roster", **outcome)


def earlier_roster(ctx: JobContext) -> RosterCheckpoint | None:
    """The checkpoint an earlier attempt of this job stored, if any."""
    data = ctx.resume
    if not data or data.get("kind") != KIND:
        return None
    return RosterCheckpoint(row=data["row"], outcome=data["outcome"],
                            complete=bool(data["complete"]), spent_s=float(data["spent_s"]),
                            attempt=int(data["attempt"]))  # fmt: skip


def time_left(limit_s: float, earlier: RosterCheckpoint | None) -> float:
    """Solver seconds this attempt may use: the limit minus what earlier attempts spent (0: no
    solve, the checkpoint is the result)."""
    if earlier is None:
        return limit_s
    if earlier.complete:
        return 0.0
    left = limit_s - earlier.spent_s
    return left if left >= MIN_RESUME_S else 0.0


def _stored(outcome: JobOutcome) -> dict[str, Any]:
    row = outcome.row
    assert isinstance(row, Roster)
    values = {name: getattr(row, name) for name in ROW_FIELDS}
    values["week_start"] = row.week_start.isoformat()
    return values


def _cheaper(earlier: RosterCheckpoint | None, outcome: JobOutcome) -> bool:
    if earlier is None or earlier.objective is None or outcome.objective is None:
        return False
    return earlier.objective < outcome.objective


def keep_best(ctx: JobContext, outcome: JobOutcome, earlier: RosterCheckpoint | None) -> JobOutcome:
    """The cheaper of ``outcome`` and the checkpoint, stored as the job's new checkpoint."""
    spent = (earlier.spent_s if earlier else 0.0) + float(outcome.seconds or 0.0)
    chosen = outcome
    if _cheaper(earlier, outcome):
        assert earlier is not None
        chosen = replace(earlier.to_outcome(ctx.job_id), stopped_early=outcome.stopped_early)
    ctx.checkpoint({
        "kind": KIND, "row": _stored(chosen),
        "outcome": {name: getattr(chosen, name) for name in OUTCOME_FIELDS},
        "complete": not outcome.stopped_early, "spent_s": spent, "attempt": ctx.attempt,
    })  # fmt: skip
    return chosen


def resumed(ctx: JobContext, earlier: RosterCheckpoint) -> JobOutcome:
    """The checkpoint as this attempt's result (no time left to solve again)."""
    ctx.report(1.0, f"resuming from attempt {earlier.attempt}'s checkpoint", force=True)
    return earlier.to_outcome(ctx.job_id)
