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
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, SQLModel

from api import checkpoints
from api.convert.site_roster import SiteInput, load_site_input, shift_allocation, trained_skills
from api.job_context import JobContext, JobOutcome
from api.schemas.site_rosters import SiteRosterJobCreate
from api.tables import SiteRosterRow
from forecasting.errors import InvalidInput, Problem
from optimizer.roster.io import roster_to_json
from optimizer.roster.site.check import check_site_roster
from optimizer.roster.site.cost import allocation_values, site_cost
from optimizer.roster.site.problem import SiteProblem
from optimizer.roster.site.report import cost_json, report_json
from optimizer.roster.site.result import site_gap
from optimizer.roster.site.solve import SiteResult, SiteSolveOptions, solve_site

KIND = "site_roster"


def solve(
    site: SiteProblem, options: SiteSolveOptions, should_stop: Callable[[], bool] | None = None
) -> SiteResult:
    """``solve_site`` (one live queue: today's engine, inside it); no roster at all within the
    time limit is an ``InvalidInput``."""
    try:
        return solve_site(site, options, should_stop)
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
    extra = {"stopped_early": r.stopped_early, "message": outcome_message(result), **extra}
    return JobOutcome(
        row=row, kind=KIND, objective=r.objective, best_bound=r.bound, gap=r.gap,
        seconds=r.seconds, **extra,
    )  # fmt: skip


def _with_base(trained: SiteProblem, base: SiteResult, solved: SiteResult) -> SiteResult:
    """The cheaper of the what-if's own roster and the base roster costed under the new
    skills (valid there: skills were only added)."""
    cost = site_cost(trained, base.roster)
    violations = check_site_roster(trained, base.roster)
    if violations or cost.cost >= solved.cost.cost - 1e-9:
        return solved
    gap = site_gap(cost.cost, solved.report.bound)
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


ROW_FIELDS = ("site_id", "week_start", "queues", "requirement_ids", "skills", "report", "cost",
              "shifts", "explanations", "what_if")  # fmt: skip


@dataclass(frozen=True)
class SiteCheckpoint:
    """The best site roster of earlier attempts (``head``: row, outcome, spent seconds; its
    ``row`` is the result row) and, for a what-if, the base roster's row (``related``)."""

    head: checkpoints.RosterCheckpoint
    related: tuple[dict[str, Any], ...]

    def to_outcome(self, job_id: int) -> JobOutcome:
        rows = [_row(job_id, values) for values in (self.head.row, *self.related)]
        note = f"kept from attempt {self.head.attempt}'s checkpoint: "
        outcome = {**self.head.outcome, "message": (note + self.head.outcome["message"])[:500]}
        link = _link if rows[0].what_if is not None else None
        return JobOutcome(row=rows[0], kind=KIND, related=tuple(rows[1:]), link=link, **outcome)


def _row(job_id: int, values: dict[str, Any]) -> SiteRosterRow:
    return SiteRosterRow(job_id=job_id, **{**values,
                         "week_start": dt.date.fromisoformat(values["week_start"])})  # fmt: skip


def _stored(row: SQLModel | None) -> dict[str, Any]:
    assert isinstance(row, SiteRosterRow)
    values = {name: getattr(row, name) for name in ROW_FIELDS}
    return {**values, "week_start": row.week_start.isoformat()}


def earlier(ctx: JobContext) -> SiteCheckpoint | None:
    """The checkpoint an earlier attempt of this job stored, if any."""
    data = ctx.resume
    if not data or data.get("kind") != KIND:
        return None
    head = checkpoints.RosterCheckpoint(
        row=data["row"], outcome=data["outcome"], complete=bool(data["complete"]),
        spent_s=float(data["spent_s"]), attempt=int(data["attempt"]),
    )  # fmt: skip
    return SiteCheckpoint(head, tuple(data.get("related", ())))


def _cheaper(before: SiteCheckpoint, outcome: JobOutcome) -> bool:
    """The checkpoint is cheaper than ``outcome`` and of the same kind (a what-if or not: a
    what-if stopped before its second solve is its base roster alone)."""
    old, new = before.head.objective, outcome.objective
    what_if = isinstance(outcome.row, SiteRosterRow) and outcome.row.what_if is not None
    same = (before.head.row.get("what_if") is not None) == what_if
    return same and old is not None and new is not None and old < new


def keep_best(
    ctx: JobContext, outcome: JobOutcome, before: SiteCheckpoint | None, seconds: float
) -> JobOutcome:
    """The cheaper of ``outcome`` and the checkpoint, stored as the job's new checkpoint
    (``complete`` unless a stop request ended the solve early)."""
    chosen = outcome
    if before is not None and _cheaper(before, outcome):
        chosen = dataclasses.replace(before.to_outcome(ctx.job_id),
                                     stopped_early=outcome.stopped_early)  # fmt: skip
    ctx.checkpoint({
        "kind": KIND, "row": _stored(chosen.row), "related": [_stored(r) for r in chosen.related],
        "outcome": {name: getattr(chosen, name) for name in checkpoints.OUTCOME_FIELDS},
        "complete": not outcome.stopped_early, "attempt": ctx.attempt,
        "spent_s": (before.head.spent_s if before else 0.0) + seconds,
    })  # fmt: skip
    return chosen


def _solved(
    ctx: JobContext, data: SiteInput, body: SiteRosterJobCreate, options: SiteSolveOptions
) -> JobOutcome:
    """The site roster (or the cross-training what-if and its base) solved within
    ``options`` (half of it each for a what-if)."""
    site = data.problem
    share = 0.5 if body.cross_training else 1.0
    options = dataclasses.replace(options, time_limit_s=share * options.time_limit_s)
    base = solve(site, options, ctx.should_stop)
    base_row = site_roster_row(data, site, base, ctx.job_id, body.week_start)
    if not body.cross_training:
        return _outcome(base_row, base)
    if base.report.stopped_early:  # no time for the what-if: the base roster alone
        note = "stopped before the what-if: "
        return _outcome(base_row, base, message=(note + outcome_message(base))[:500])
    trained, given = trained_skills(site, body.cross_training)
    ctx.report(0.5, f"what-if: solving with {sum(map(len, given.values()))} agents cross-trained",
               objective=base.report.objective, force=True)  # fmt: skip
    solved = _with_base(trained, base, solve(trained, options, ctx.should_stop))
    row = site_roster_row(data, trained, solved, ctx.job_id, body.week_start)
    row.what_if = _what_if(given, base, solved)
    stopped = base.report.stopped_early or solved.report.stopped_early
    return _outcome(row, solved, related=(base_row,), link=_link, stopped_early=stopped)


def run(ctx: JobContext) -> JobOutcome:
    """Solve for the time left by earlier attempts (a complete checkpoint is the result);
    the cheaper of the new roster and the checkpoint's is kept and stored as the checkpoint
    (as :mod:`api.checkpoints` does for roster jobs)."""
    body = SiteRosterJobCreate.model_validate(ctx.params["body"])
    limit_s = float(ctx.params["time_limit_s"])
    with Session(ctx.engine) as session:
        data = load_site_input(session, body)
    before = earlier(ctx)
    budget_s = checkpoints.time_left(limit_s, None if before is None else before.head)
    if budget_s <= 0 and before is not None:
        ctx.report(1.0, f"resuming from attempt {before.head.attempt}'s checkpoint", force=True)
        return before.to_outcome(ctx.job_id)
    options = SiteSolveOptions(time_limit_s=budget_s, workers=int(ctx.params["workers"]),
                               seed=body.seed)  # fmt: skip
    what = f"{len(data.problem.core.agents)} agents, {len(data.problem.queues)} queues"
    ctx.report(0.0, f"solving the site: {what}, limit {budget_s:g} s", force=True)
    start = time.monotonic()
    outcome = _solved(ctx, data, body, options)
    return keep_best(ctx, outcome, before, time.monotonic() - start)
