"""Job ``roster``: solve a weekly roster (optimizer.roster.solve_roster) and store it.

Progress (objective, bound, gap so far) is written to the job row on every improving solution
(throttled); a cancel request makes ``should_stop`` true, the solver stops and the best roster
found so far is stored (job status ``cancelled`` with a result). The job's ``objective`` and
``gap`` are those of named rosters only (the final roster costs at most that much); aggregate
estimates appear in the message, marked ``estimate``. A roster that breaks rules is ``INVALID``
in its report and in the job message; days no roster can cover are ``report.warnings``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlmodel import Session

from api import checkpoints
from api.convert.coverage import coverage_slots
from api.convert.roster import RosterInput, check_objective, load_input
from api.job_context import JobContext, JobOutcome
from api.schemas import RosterJobCreate
from api.tables import Roster
from forecasting.errors import InvalidInput, Problem
from optimizer.roster.check import Violation
from optimizer.roster.diagnose import ShortfallWarning
from optimizer.roster.io import roster_to_json
from optimizer.roster.problem import RosterProblem
from optimizer.roster.solve import (
    RosterResult,
    SolveOptions,
    SolverProgress,
    SolverReport,
    solve_roster,
)

COVERAGE_COLUMNS = (
    "interval_start", "day", "minute", "required", "staffed", "unmet", "calls", "aht_s",
)  # fmt: skip


def coverage_columns(
    data: RosterInput, result: RosterResult, week_start: dt.date
) -> dict[str, list[Any]]:
    """One row per interval that is open, required or staffed (local day order)."""
    required = np.asarray(data.problem.requirement)
    staffed = np.asarray(result.coverage)
    unmet = np.asarray(result.unmet)
    columns: dict[str, list[Any]] = {name: [] for name in COVERAGE_COLUMNS}
    for start, day, slot, minute in coverage_slots(data, staffed, week_start):
        row = (start, day, minute, int(required[day, slot]), int(staffed[day, slot]),
               int(unmet[day, slot]), float(data.calls[day, slot]),
               float(data.aht_s[day, slot]))  # fmt: skip
        for name, value in zip(columns, row, strict=True):
            columns[name].append(value)
    return columns


def warning_dicts(
    warnings: Sequence[ShortfallWarning], week_start: dt.date
) -> list[dict[str, Any]]:
    """``report.warnings``: ``{code, day, date, hours_short, structural_hours, cause,
    message}`` per structurally short day; the message says why (the planner page prefixes
    the date and ``hours_short``)."""
    out = []
    for w in warnings:
        date = week_start + dt.timedelta(days=w.day)
        message = (
            f"at least {w.structural_hours:.1f} agent-hours no roster can cover ({date:%A}): "
            f"{w.detail}"
        )
        out.append({"code": w.code, "day": w.day, "date": date.isoformat(),
                    "hours_short": w.hours_short, "structural_hours": w.structural_hours,
                    "cause": w.cause, "message": message})  # fmt: skip
    return out


def _report(result: RosterResult, problem_name: str, week_start: dt.date) -> dict[str, Any]:
    report = dataclasses.asdict(result.report)
    report["instance"] = problem_name
    report["violations"] = [dataclasses.asdict(v) for v in result.violations]
    report["warnings"] = warning_dicts(result.warnings, week_start)
    return {
        k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in report.items()
    }


def _kpis(result: RosterResult) -> dict[str, Any]:
    """Deviation KPIs plus ``service_level`` (predicted SL, SL objective; ``None`` without
    demand data)."""
    sl = result.service_level
    return {**dataclasses.asdict(result.kpis),
            "service_level": None if sl is None else dataclasses.asdict(sl)}  # fmt: skip


def no_solution(message: str, limit_s: float) -> Problem:
    if "UNKNOWN" in message:
        hint = f"no roster found within time_limit_s={limit_s:g}; allow more time"
        return Problem(None, "time_limit_s", "time_limit_too_short", hint)
    return Problem(None, "roster", "no_solution", message)


def solve(
    problem: RosterProblem,
    options: SolveOptions,
    *,
    on_progress: Callable[[SolverProgress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> RosterResult:
    """``solve_roster``; a problem without any roster (yet) is an ``InvalidInput``."""
    try:
        return solve_roster(problem, options, on_progress=on_progress, should_stop=should_stop)
    except RuntimeError as exc:  # the aggregate model has no solution (yet)
        raise InvalidInput([no_solution(str(exc), options.time_limit_s)]) from exc


def _violation_text(v: Violation) -> str:
    day = "" if v.day is None else f" day {v.day}"
    return f"{v.agent}{day} {v.rule}: {v.message}"


def outcome_message(
    report: SolverReport,
    objective: str,
    violations: int | Sequence[Violation],
    warnings: Sequence[dict[str, Any]] = (),
) -> str:
    """The job's one-line outcome: status, objective, gap and, if any, the broken rules (an
    ``INVALID`` roster: "INVALID: N rule violations: <first three>; ...") and the days that
    are structurally short."""
    what = "cost" if objective == "deviation" else "service-level objective"
    figures = f"{what} {report.objective:.2f}, gap {report.gap:.2%}"
    count = violations if isinstance(violations, int) else len(violations)
    plural = "s" if count > 1 else ""
    if report.status == "INVALID":
        first = [] if isinstance(violations, int) else violations[:3]
        listed = "; ".join(_violation_text(v) for v in first)
        more = ", ..." if count > len(first) and first else ""
        line = f"INVALID: {count} rule violation{plural}" + (f": {listed}{more}" if listed else "")
        line += f" (report.violations); {figures}"
    else:
        line = f"{report.status}: {figures}"
        if count:
            line += f"; {count} rule violation{plural} (report.violations)"
    if warnings:
        days = ", ".join(f"{w['date']} {w['hours_short']:.1f} h ({w['cause']})" for w in warnings)
        line += f"; structurally short: {days} (report.warnings)"
    return line[:500]


def progress_message(p: SolverProgress) -> str:
    """What a progress event's figure is: a named roster's cost or an aggregate estimate."""
    if p.estimate:
        return f"solving: estimate {p.objective:.2f} (aggregate model, not yet a named roster)"
    return f"solving: named roster {p.objective:.2f}, gap {p.gap:.2%}"


@dataclass(frozen=True)
class RosterRowSpec:
    """Where a solved roster belongs: its job, requirement and week, and its origin."""

    job_id: int
    requirement_id: int
    week_start: dt.date
    source: str = "roster_job"
    report_extra: dict[str, Any] = field(default_factory=dict)


def roster_row(
    data: RosterInput, problem: RosterProblem, result: RosterResult, spec: RosterRowSpec
) -> Roster:
    """The ``roster`` row of ``result`` (a roster of ``problem``, a variant of ``data``'s week:
    same grid, possibly other agents)."""
    assert data.site.id is not None
    doc = roster_to_json(problem, result.roster, solver={"name": "staffwise-cp-sat"})
    # the core's paid minutes of each shift (under the rules solved with), in doc["shifts"] order
    order = sorted(result.roster.shifts, key=lambda s: (s.agent, s.day, s.start_min))
    paid = {"shift_paid_minutes": [s.paid_min(problem.rules) for s in order]}
    return Roster(
        job_id=spec.job_id, site_id=data.site.id, requirement_id=spec.requirement_id,
        week_start=spec.week_start,
        report={**_report(result, problem.name, spec.week_start), **paid, **spec.report_extra},
        kpis=_kpis(result),
        coverage=coverage_columns(data, result, spec.week_start), shifts=doc["shifts"],
        explanations=[dataclasses.asdict(e) for e in result.explanations], source=spec.source,
    )  # fmt: skip


def run(ctx: JobContext) -> JobOutcome:
    body = RosterJobCreate.model_validate(ctx.params["body"])
    limit_s = float(ctx.params["time_limit_s"])
    with Session(ctx.engine) as session:
        data = load_input(session, body)
    problem = data.problem
    check_objective(problem, body.objective)
    earlier = checkpoints.earlier_roster(ctx)  # the best roster of an earlier attempt
    if (budget_s := checkpoints.time_left(limit_s, earlier)) <= 0 and earlier is not None:
        return checkpoints.resumed(ctx, earlier)
    options = SolveOptions(time_limit_s=budget_s, workers=int(ctx.params["workers"]),
                           seed=body.seed, objective=body.objective)  # fmt: skip
    ctx.report(0.0, f"solving {len(problem.agents)} agents, limit {limit_s:g} s", force=True)

    def progress(p: SolverProgress) -> None:  # objective / gap: named rosters only
        named = {} if p.estimate else {"objective": p.objective, "gap": p.gap}
        ctx.report(min(p.seconds / limit_s, 0.99), progress_message(p), best_bound=p.bound,
                   seconds=p.seconds, force=not p.estimate, **named)  # fmt: skip

    result = solve(problem, options, on_progress=progress, should_stop=ctx.should_stop)
    spec = RosterRowSpec(ctx.job_id, body.requirement_id, body.week_start,
                         report_extra={"objective_kind": body.objective})  # fmt: skip
    row = roster_row(data, problem, result, spec)
    report = result.report
    message = outcome_message(report, body.objective, result.violations, row.report["warnings"])
    outcome = JobOutcome(
        row=row, kind="roster", stopped_early=report.stopped_early, message=message,
        objective=report.objective, best_bound=report.best_bound, gap=report.gap,
        seconds=report.seconds,
    )  # fmt: skip
    return checkpoints.keep_best(ctx, outcome, earlier)  # stored before the result is written
