"""Job ``site_roster``: roster the queues of a site together (optimizer.roster.site.solve_site).

The problem is built from stored rows by :mod:`api.convert.site_roster`; the result is one
``site_roster`` row: shifts with their allocation, the exact cost (coverage per queue, backlog
curve, share of deferred work within its deadline) and the solve report (status, objective,
LP bound, gap). A site roster that breaks a rule is ``INVALID`` (report and job message).

With ``cross_training`` the job is a what-if: the site is solved as it is (half the time) and
with the extra skills (the other half); the base roster is stored too and the what-if row
names it. Extra skills never make a roster invalid and never raise its exact cost, so the
base roster, costed under the new skills, is a candidate of the what-if: the cheaper is kept
and the reported gain is never negative.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from typing import Any

from sqlmodel import Session, SQLModel

from api.convert.site_roster import SiteInput, load_site_input, shift_allocation, trained_skills
from api.job_context import JobContext, JobOutcome
from api.schemas.site_rosters import SiteRosterJobCreate
from api.tables import SiteRosterRow
from forecasting.errors import InvalidInput, Problem
from optimizer.roster.io import roster_to_json
from optimizer.roster.site.check import check_site_roster
from optimizer.roster.site.cost import allocation_values, site_cost
from optimizer.roster.site.problem import SiteProblem, SiteRoster
from optimizer.roster.site.report import cost_json, report_json
from optimizer.roster.site.solve import SiteReport, SiteResult, SiteSolveOptions, solve_site
from optimizer.roster.solve import SolveOptions, solve_roster

KIND = "site_roster"


def roster_engine(site: SiteProblem, options: SiteSolveOptions) -> SiteResult:
    """A site of one live queue is today's single-queue problem (its core): solved by today's
    engine (``solve_roster``), scored by the exact site cost (equal to the ``/1`` cost there)
    and checked by ``check_site_roster``. ``bound``: the engine's LP bound."""
    opts = SolveOptions(time_limit_s=options.time_limit_s, workers=options.workers,
                        seed=options.seed)  # fmt: skip
    found = solve_roster(site.core, opts)
    roster = SiteRoster(found.roster)
    cost = site_cost(site, roster)
    violations = tuple(check_site_roster(site, roster))
    r = found.report
    bound = r.best_bound if math.isfinite(r.best_bound) else None
    gap = None if bound is None else max(0.0, (cost.cost - bound) / cost.cost) if cost.cost else 0.0
    status = (
        "INVALID" if violations else ("OPTIMAL" if gap is not None and gap <= 1e-9 else "FEASIBLE")
    )
    report = SiteReport(
        status=status, objective=cost.cost, bound=bound, gap=gap, seconds=r.seconds,
        lp_status="ROSTER_ENGINE", lp_seconds=0.0, aggregate_status=r.status,
        aggregate_objective=r.aggregate_objective, source="roster_engine", baseline_cost=None,
        skill_sets=len({site.skill_set(a.id) for a in site.core.agents}),
        assignment_deviation=r.assignment_deviation,
    )  # fmt: skip
    return SiteResult(roster, cost, report, violations, tuple(found.explanations))


def solve(site: SiteProblem, options: SiteSolveOptions) -> SiteResult:
    """``solve_site`` (one live queue and nothing else: :func:`roster_engine`); no roster at
    all within the time limit is an ``InvalidInput``."""
    try:
        if len(site.queues) == 1 and site.live:
            return roster_engine(site, options)
        return solve_site(site, options)
    except RuntimeError as exc:
        message = (
            f"no site roster found within time_limit_s={options.time_limit_s:g} ({exc}); "
            "allow more time"
        )
        raise InvalidInput([Problem(None, "time_limit_s", "no_solution", message)]) from exc


def _finite(value: Any) -> Any:
    return None if isinstance(value, float) and not math.isfinite(value) else value


def _report(site: SiteProblem, result: SiteResult) -> dict[str, Any]:
    report = {k: _finite(v) for k, v in report_json(result.report).items()}
    report["instance"] = site.core.name
    report["violations"] = [dataclasses.asdict(v) for v in result.violations]
    report["within_deadline_share"] = result.cost.within_deadline_share
    report["interval_min"] = site.core.interval_min
    report["opening_hours"] = [None if w is None else list(w) for w in site.core.opening_hours]
    return report


def shifts_json(site: SiteProblem, result: SiteResult) -> list[dict[str, Any]]:
    """The ``staffwise-roster/1`` shifts, each with its paid minutes and allocation blocks."""
    roster = result.roster
    doc = roster_to_json(site.core, roster.roster)
    paid = {(s.agent, s.day): s.paid_min(site.core.rules) for s in roster.roster.shifts}
    blocks = shift_allocation(site, roster, allocation_values(site, roster))
    for shift in doc["shifts"]:
        key = (shift["agent"], shift["day"])
        shift["paid_minutes"] = paid[key]
        shift["allocation"] = blocks.get(key, [])
    return list(doc["shifts"])


def site_roster_row(
    data: SiteInput, site: SiteProblem, result: SiteResult, job_id: int, week_start: dt.date
) -> SiteRosterRow:
    """The ``site_roster`` row of ``result`` (a roster of ``site``: ``data``'s problem, or it
    with extra skills)."""
    assert data.site.id is not None
    queues = [
        {"id": q.id, "name": q.name, "channel": q.channel, "weight": q.weight,
         "interval_min": site.core.interval_min,
         "deadline_minutes": getattr(q, "deadline_min", None),
         "work_minutes": getattr(q, "work_min", None)}
        for q in site.queues
    ]  # fmt: skip
    return SiteRosterRow(
        job_id=job_id, site_id=data.site.id, week_start=week_start, queues=queues,
        requirement_ids=dict(data.sources),
        skills={a: sorted(s) for a, s in sorted(site.skills.items())},
        report=_report(site, result), cost=cost_json(site, result.cost),
        shifts=shifts_json(site, result),
        explanations=[dataclasses.asdict(e) for e in result.explanations],
    )  # fmt: skip


def outcome_message(result: SiteResult) -> str:
    """The job's one-line outcome: status, cost, bound and gap, deadline share, violations."""
    r = result.report
    bound = "no LP bound" if r.bound is None else f"LP bound {r.bound:.2f}"
    gap = "" if r.gap is None else f", gap {r.gap:.2%}"
    line = f"{r.status}: cost {r.objective:.2f}, {bound}{gap}"
    if result.cost.backlog:  # a deferred queue
        line += f"; deferred work within deadline {result.cost.within_deadline_share:.1%}"
    if result.violations:
        first = "; ".join(f"{v.agent} {v.rule}: {v.message}" for v in result.violations[:3])
        line += f"; {len(result.violations)} rule violations (report.violations): {first}"
    if result.explanations:
        line += f"; {len(result.explanations)} agents cannot be rostered (explanations)"
    return line[:500]


def _outcome(row: SiteRosterRow, result: SiteResult, **extra: Any) -> JobOutcome:
    r = result.report
    return JobOutcome(
        row=row, kind=KIND, message=outcome_message(result), objective=r.objective,
        best_bound=r.bound, gap=r.gap, seconds=r.seconds, **extra,
    )  # fmt: skip


def _with_base(trained: SiteProblem, base: SiteResult, solved: SiteResult) -> SiteResult:
    """The cheaper of the what-if's own roster and the base roster costed under the new
    skills (valid there: skills were only added)."""
    cost = site_cost(trained, base.roster)
    violations = check_site_roster(trained, base.roster)
    if violations or cost.cost >= solved.cost.cost - 1e-9:
        return solved
    bound = solved.report.bound
    gap = None if bound is None else max(0.0, (cost.cost - bound) / cost.cost) if cost.cost else 0.0
    report = dataclasses.replace(solved.report, objective=cost.cost, gap=gap, source="base_roster")
    return SiteResult(base.roster, cost, report, (), solved.explanations)


def _what_if(given: dict[str, list[str]], base: SiteResult, solved: SiteResult) -> dict[str, Any]:
    before, after = base.cost.cost, solved.cost.cost
    return {
        "cross_training": given,
        "agents_trained": sum(len(v) for v in given.values()),
        "base_cost": before, "cost": after, "gain": before - after,
        "gain_share": (before - after) / before if before > 0 else 0.0,
        "base_under_agent_intervals": sum(base.cost.under.values()),
        "under_agent_intervals": sum(solved.cost.under.values()),
        "base_within_deadline_share": base.cost.within_deadline_share,
        "within_deadline_share": solved.cost.within_deadline_share,
        "roster_source": solved.report.source,
    }  # fmt: skip


def _link(row: SQLModel, related: tuple[SQLModel, ...]) -> None:
    assert isinstance(row, SiteRosterRow) and row.what_if is not None
    row.what_if = {**row.what_if, "base_site_roster_id": getattr(related[0], "id", None)}


def run(ctx: JobContext) -> JobOutcome:
    body = SiteRosterJobCreate.model_validate(ctx.params["body"])
    limit_s = float(ctx.params["time_limit_s"])
    with Session(ctx.engine) as session:
        data = load_site_input(session, body)
    site = data.problem
    share = 0.5 if body.cross_training else 1.0
    options = SiteSolveOptions(time_limit_s=share * limit_s, workers=int(ctx.params["workers"]),
                               seed=body.seed)  # fmt: skip
    what = f"{len(site.core.agents)} agents, {len(site.queues)} queues"
    ctx.report(0.0, f"solving the site: {what}, limit {limit_s:g} s", force=True)
    base = solve(site, options)
    base_row = site_roster_row(data, site, base, ctx.job_id, body.week_start)
    if not body.cross_training:
        return _outcome(base_row, base)
    trained, given = trained_skills(site, body.cross_training)
    ctx.report(0.5, f"what-if: solving with {sum(map(len, given.values()))} agents cross-trained",
               objective=base.report.objective, force=True)  # fmt: skip
    solved = _with_base(trained, base, solve(trained, options))
    row = site_roster_row(data, trained, solved, ctx.job_id, body.week_start)
    row.what_if = _what_if(given, base, solved)
    return _outcome(row, solved, related=(base_row,), link=_link)
