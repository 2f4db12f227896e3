"""Job ``hiring_scenario``: hires, minimum head count or attrition on a roster week.

Stages: the base roster (``solve_roster``, progress and cancel as in a roster job); then
``hire``: :func:`scenarios.hiring_scenario.hiring_scenario` with the given counts;
``minimum_hires``: :func:`optimizer.roster.hiring.minimum_hires` (bound and gap), then the
roster of those hires; ``attrition``: :func:`optimizer.roster.attrition.attrition_scenario`;
finally (hiring kinds) :func:`optimizer.roster.hiring.marginal_hires`. A cancel request is
honoured during the base solve and between stages. The base and scenario rosters are stored as
``roster`` rows (``source="hiring_scenario"``) in the same transaction as the scenario row.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, SQLModel

from api.convert.hiring import HiringInput, load_hiring_input, vacancy_problem
from api.job_context import JobContext, JobOutcome
from api.schemas import HiringScenarioCreate
from api.tables import HiringScenario, Roster
from api.tasks.roster import RosterRowSpec, no_solution, roster_row, solve
from forecasting.errors import InvalidInput
from optimizer.roster.attrition import DayLoss, attrition_scenario, week_service_level
from optimizer.roster.hiring import (
    HiringOptions,
    HiringPlan,
    MarginalHire,
    marginal_hires,
    minimum_hires,
)
from optimizer.roster.problem import RosterProblem
from optimizer.roster.solve import RosterResult, SolveOptions, SolverProgress
from scenarios.hiring_scenario import hired_problem, hiring_scenario

SOLVED = ("OPTIMAL", "FEASIBLE", "GIVEN")


@dataclass(frozen=True)
class Outcome:
    """What a scenario produced, whatever its kind."""

    base: RosterResult
    plan: HiringPlan | None = None
    scenario: RosterResult | None = None
    scenario_problem: RosterProblem | None = None
    days: tuple[DayLoss, ...] = ()
    kept_days: tuple[DayLoss, ...] | None = None
    saved_per_hire: float | None = None
    sl_gain_per_hire: float | None = None
    marginal: tuple[MarginalHire, ...] = ()


@dataclass
class _Job:
    ctx: JobContext
    body: HiringScenarioCreate
    inp: HiringInput
    solve_options: SolveOptions
    hire_options: HiringOptions

    def stage(self, progress: float, message: str) -> None:
        self.ctx.report(progress, message, force=True)


def run(ctx: JobContext) -> JobOutcome:
    body = HiringScenarioCreate.model_validate(ctx.params["body"])
    limit_s, workers = float(ctx.params["time_limit_s"]), int(ctx.params["workers"])
    with Session(ctx.engine) as session:
        inp = load_hiring_input(session, body)
    job = _Job(
        ctx, body, inp,
        SolveOptions(time_limit_s=limit_s, workers=workers, seed=body.seed),
        HiringOptions(time_limit_s=limit_s, workers=workers, seed=body.seed,
                      minimize=body.minimize),
    )  # fmt: skip
    job.stage(0.0, f"base roster: {len(inp.problem.agents)} agents, limit {limit_s:g} s")
    base = _base_roster(job)
    if ctx.should_stop():
        return JobOutcome(row=None, kind=None, message="cancelled", stopped_early=True)
    try:
        outcome = _attrition(job, base) if body.kind == "attrition" else _hiring(job, base)
    except RuntimeError as exc:  # a roster model without solution (yet)
        raise InvalidInput([no_solution(str(exc), limit_s)]) from exc
    except InvalidInput as exc:  # e.g. a vacancy without any valid week (no_valid_week)
        if body.kind == "attrition":
            raise
        raise InvalidInput([vacancy_problem(p) for p in exc.problems]) from exc
    if ctx.should_stop():
        return JobOutcome(row=None, kind=None, message="cancelled", stopped_early=True)
    return _job_outcome(job, outcome)


def _base_roster(job: _Job) -> RosterResult:
    limit_s = job.solve_options.time_limit_s

    def progress(p: SolverProgress) -> None:
        job.ctx.report(0.3 * min(p.seconds / limit_s, 1.0), "base roster", seconds=p.seconds)

    return solve(job.inp.problem, job.solve_options, on_progress=progress,
                 should_stop=job.ctx.should_stop)  # fmt: skip


def _attrition(job: _Job, base: RosterResult) -> Outcome:
    job.stage(0.3, f"re-rostering without {len(job.inp.removed)} agent(s)")
    out = attrition_scenario(job.inp.problem, job.inp.removed, job.solve_options, base=base)
    reduced = dataclasses.replace(
        job.inp.problem,
        agents=tuple(a for a in job.inp.problem.agents if a.id not in set(out.removed)),
    )
    return Outcome(base, None, out.rerostered, reduced, out.rerostered_days, out.kept_days)


def _hiring(job: _Job, base: RosterResult) -> Outcome:
    inp, problem = job.inp, job.inp.problem
    plan = None
    counts = inp.counts
    if job.body.kind == "minimum_hires":
        assert inp.target is not None
        job.stage(0.3, "minimum hires")
        plan = minimum_hires(problem, inp.vacancies, inp.target, job.hire_options)
        if plan.report.status not in SOLVED:
            return Outcome(base, plan)
        counts = {h.vacancy: h.hires for h in plan.hires}
        if job.ctx.should_stop():
            return Outcome(base, plan)
    assert counts is not None
    job.stage(0.5, f"roster with {sum(counts.values())} hire(s)")
    out = hiring_scenario(problem, inp.vacancies, counts=counts, options=job.hire_options,
                          solve_options=job.solve_options, base=base,
                          with_marginal=False)  # fmt: skip
    plan = plan or out.plan
    marginal: tuple[MarginalHire, ...] = ()
    if job.body.marginal and not job.ctx.should_stop():
        job.stage(0.75, "marginal value of one more hire")
        marginal = marginal_hires(problem, inp.vacancies, plan, job.hire_options)
    return Outcome(
        base, plan, out.hired, hired_problem(problem, inp.vacancies, counts), out.days, None,
        out.under_agent_hours_saved_per_hire, out.service_level_gain_per_hire, marginal,
    )  # fmt: skip


# ---- storage -----------------------------------------------------------------------------


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def _day(d: DayLoss, week_start: dt.date) -> dict[str, Any]:
    out: dict[str, Any] = _finite(dataclasses.asdict(d))
    out["date"] = (week_start + dt.timedelta(days=d.day)).isoformat()
    return out


def _roster_summary(result: RosterResult | None, interval_min: int) -> dict[str, Any] | None:
    if result is None:
        return None
    r = result.report
    return _finite({
        "status": r.status, "objective": r.objective, "best_bound": r.best_bound, "gap": r.gap,
        "seconds": r.seconds, "stopped_early": r.stopped_early,
        "under_agent_hours": result.kpis.under_agent_intervals * interval_min / 60.0,
        "paid_hours": result.kpis.paid_hours,
        "preference_cost": result.kpis.preference_cost,
        "preference_misses": result.kpis.preference_misses,
    })  # fmt: skip


def _result(job: _Job, o: Outcome) -> dict[str, Any]:
    problem, week = job.inp.problem, job.body.week_start
    plan = o.plan
    contract_of = {a.id: a.contract for a in problem.agents}
    sl_base = week_service_level(problem, o.base.coverage)
    sl_scen = None if o.scenario is None else week_service_level(problem, o.scenario.coverage)
    return _finite({
        "hires": [] if plan is None else [dataclasses.asdict(h) for h in plan.hires],
        "hires_by_contract": {} if plan is None else plan.by_contract(),
        "total_hires": 0 if plan is None else plan.total_hires,
        "hiring_cost": 0.0 if plan is None else plan.hiring_cost,
        "removed": list(job.inp.removed),
        "removed_by_contract": dict(Counter(contract_of[a] for a in job.inp.removed)),
        "days": [_day(d, week) for d in o.days],
        "kept_days": None if o.kept_days is None else [_day(d, week) for d in o.kept_days],
        "base_service_level": sl_base,
        "scenario_service_level": sl_scen,
        "lost_covered_agent_hours": sum(d.lost_covered_agent_hours for d in o.days) if o.days
        else None,
        "under_agent_hours_saved_per_hire": o.saved_per_hire,
        "service_level_gain_per_hire": o.sl_gain_per_hire,
        "marginal": [dataclasses.asdict(m) for m in o.marginal],
        "rosters": {
            "base": _roster_summary(o.base, problem.interval_min),
            "scenario": _roster_summary(o.scenario, problem.interval_min),
        },
    })  # fmt: skip


def _rosters(job: _Job, o: Outcome) -> tuple[Roster, ...]:
    body, data = job.body, job.inp.data
    role = "rerostered" if body.kind == "attrition" else "hired"

    def spec(name: str, extra: dict[str, Any]) -> RosterRowSpec:
        scenario = {"kind": body.kind, "role": name, "job_id": job.ctx.job_id}
        return RosterRowSpec(job.ctx.job_id, body.requirement_id, body.week_start,
                             "hiring_scenario", {"scenario": scenario, **extra})  # fmt: skip

    rows = [roster_row(data, job.inp.problem, o.base, spec("base", {}))]
    if o.scenario is not None and o.scenario_problem is not None:
        hires = {a.id: a.contract for a in o.scenario_problem.agents if a.id.startswith("HIRE-")}
        extra = {"agent_contracts": hires}
        rows.append(roster_row(data, o.scenario_problem, o.scenario, spec(role, extra)))
    return tuple(rows)


def _link(row: SQLModel, related: Sequence[SQLModel]) -> None:
    assert isinstance(row, HiringScenario)
    ids = [getattr(r, "id", None) for r in related]
    row.base_roster_id = ids[0] if ids else None
    row.roster_id = ids[1] if len(ids) > 1 else None


def _job_outcome(job: _Job, o: Outcome) -> JobOutcome:
    body, data = job.body, job.inp.data
    assert data.site.id is not None
    report = None if o.plan is None else _finite(dataclasses.asdict(o.plan.report))
    row = HiringScenario(
        job_id=job.ctx.job_id, site_id=data.site.id, requirement_id=body.requirement_id,
        week_start=body.week_start, kind=body.kind, name=body.name, inputs=job.ctx.params,
        report=report, result=_result(job, o),
    )  # fmt: skip
    # the job's figures: the hiring model's for minimum_hires, else the scenario roster's
    scenario = _roster_summary(o.scenario, job.inp.problem.interval_min)
    figures = (report if body.kind == "minimum_hires" else scenario) or {}
    return JobOutcome(
        row=row, kind="hiring_scenario", message=_message(body.kind, o),
        objective=figures.get("objective"), best_bound=figures.get("best_bound"),
        gap=figures.get("gap"), related=_rosters(job, o), link=_link,
    )  # fmt: skip


def _message(kind: str, o: Outcome) -> str:
    if kind == "attrition":
        lost = sum(d.lost_covered_agent_hours for d in o.days)
        return f"re-rostered: {lost:+.2f} uncovered agent-hours vs base"
    assert o.plan is not None
    status = o.plan.report.status
    if status == "INFEASIBLE":
        return "INFEASIBLE: even every open position cannot meet the target"
    if status not in SOLVED:
        return f"{status}: no hires meeting the target found in time; allow more time_limit_s"
    return f"{status}: {o.plan.total_hires} hire(s) {o.plan.by_contract()}"
