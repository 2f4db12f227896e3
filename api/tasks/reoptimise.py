"""Job ``reoptimise``: re-solve a roster version around its locks and store the result as a
new draft version (docs/schedule.md, "Locks and re-optimise").

Parameters: ``roster_id``, ``version`` (the version re-optimised), ``locks`` (``{agent,
day}``), ``absences`` (``{agent, day, hours}`` not yet approved: a time-off request's cover
proposal), ``clear`` (``[agent, day]``: shifts an absence takes away), ``time_limit_s``,
``workers``, ``seed``, ``author``, ``author_token_id`` and an ``edit`` note stored with the
version. The locked agent-days of the version are kept exactly
(:func:`optimizer.roster.locks.solve_with_locks`); the job's objective, bound and gap are the
whole roster's under the locks. The new version is numbered after the roster's current one
when the job finishes (an edit saved meanwhile is not in it: compare the two)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from api.convert import reoptimise as cr
from api.convert import roster_edits as ce
from api.job_context import JobContext, JobOutcome
from api.tables import Roster
from api.tasks.roster import no_solution, outcome_message, progress_message
from forecasting.errors import InvalidInput, Problem
from optimizer.roster.locks import locked_changes, solve_with_locks
from optimizer.roster.solve import RosterResult, SolveOptions, SolverProgress


def _report(result: RosterResult) -> dict[str, Any]:
    r = result.report
    return {"status": r.status, "objective": r.objective, "best_bound": r.best_bound,
            "gap": r.gap, "seconds": r.seconds}  # fmt: skip


def run(ctx: JobContext) -> JobOutcome:
    p = ctx.params
    limit_s = float(p["time_limit_s"])
    with Session(ctx.engine) as session:
        row = session.get(Roster, int(p["roster_id"]))
        if row is None:
            raise InvalidInput([Problem(None, "roster_id", "unknown", "the roster is gone")])
        base = ce.version_of(session, row, int(p["version"]))
        data = cr.with_absences(session, ce.roster_input(session, row), p.get("absences", []))
    clear = [(str(agent), int(day)) for agent, day in p.get("clear", [])]
    start = cr.without_days(ce.core_roster(base.shifts), clear)
    locks = cr.core_locks(p.get("locks", []))
    options = SolveOptions(time_limit_s=limit_s, workers=int(p["workers"]), seed=int(p["seed"]))
    ctx.report(0.0, f"re-optimising version {p['version']} around {len(p['locks'])} locks",
               force=True)  # fmt: skip

    def progress(q: SolverProgress) -> None:
        ctx.report(min(q.seconds / limit_s, 0.99), progress_message(q), force=not q.estimate)

    try:
        result = solve_with_locks(data.problem, start, locks, options, on_progress=progress,
                                  should_stop=ctx.should_stop)  # fmt: skip
    except RuntimeError as exc:  # the unlocked part has no roster (yet)
        raise InvalidInput([no_solution(str(exc), limit_s)]) from exc
    moved = locked_changes(start, result.roster, locks)
    if moved:  # the construction forbids it: a second line of defence
        raise RuntimeError(f"re-optimisation changed locked agent-days {moved[:5]}")
    with Session(ctx.engine) as session:
        number = ce.current_number(session, row.id or 0) + 1
    edit = {**p.get("edit", {}), "from": p["version"], "job_id": ctx.job_id,
            "locks": p.get("locks", []), "report": _report(result)}  # fmt: skip
    who = (str(p.get("author", "")), p.get("author_token_id"))
    version = cr.version_row(data, row, number, result.roster, who, "reoptimise", edit)
    report = result.report
    message = f"version {number} of roster {row.id}: " + outcome_message(
        report, "deviation", result.violations
    )
    return JobOutcome(
        row=version, kind="roster_version", stopped_early=report.stopped_early, message=message,
        objective=report.objective, best_bound=report.best_bound, gap=report.gap,
        seconds=report.seconds,
    )  # fmt: skip
