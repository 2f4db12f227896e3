"""The exact cost of a roster on a site: the cheapest use of its shifts, one LP over the week.

Agents on the phone (on shift, not on break or lunch) are counted per interval and per
*effective* skill set (their skills, narrowed by a stated allocation block); the allocation
family (:mod:`optimizer.roster.constraints.allocation`) splits them, fractionally, among live
queues, deferred work and idle time, and the backlog family
(:mod:`optimizer.roster.constraints.backlog`) carries deferred work by cohort to its deadline.
GLOP solves the LP. With one voice queue the cost equals the ``/1`` cost
(:func:`optimizer.roster.evaluate.evaluate_roster`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ortools.linear_solver import pywraplp

from optimizer.roster.constraints.allocation import AllocationVars, add_allocation, block_skills
from optimizer.roster.constraints.backlog import BacklogVars, add_backlog, cohorts, open_intervals
from optimizer.roster.evaluate import preference_cost
from optimizer.roster.site.linear import CostTerms, LinTerms, LpSink, Sink
from optimizer.roster.site.problem import SiteProblem, SiteRoster

__all__ = [
    "SiteCost",
    "add_site_families",
    "allocation_values",
    "on_phone",
    "site_cost",
    "solved_cost_lp",
]

Key = tuple[frozenset[str], int, int]


@dataclass(frozen=True, slots=True)
class SiteCost:
    """Cost of a site roster and its parts.

    ``under`` (per live queue) and ``over_idle`` in agent-intervals; work in work-minutes;
    ``within_deadline_share``: deferred work due this week finished by its deadline / that
    work (1.0 when none is due); ``coverage[q][d][t]``: agent-intervals given to queue ``q``
    (live: covering its requirement; deferred: processing); ``backlog[e]``: work-minutes waiting
    at the end of each open interval ``slots[i]``."""

    cost: float
    status: str
    under: dict[str, float]
    under_cost: float
    over_idle: float
    paid_agent_intervals: int
    late_work_min: float
    carry_over_work_min: float
    processed_late_work_min: float
    within_deadline_share: float
    preference_cost: float
    coverage: dict[str, tuple[tuple[float, ...], ...]]
    backlog: dict[str, tuple[float, ...]]
    slots: tuple[tuple[int, int], ...]


def on_phone(site: SiteProblem, roster: SiteRoster) -> Counter[Key]:
    """Agents on the phone per (effective skill set, day, interval). The part of an overnight
    shift after midnight counts on the next day's intervals; on the last day's night it is
    next week's and not counted (the single-queue cost's choice,
    :func:`optimizer.roster.evaluate.staffed_matrix`)."""
    grid = site.core.interval_min
    per_day, days = site.core.intervals_per_day, site.core.days
    out: Counter[Key] = Counter()
    for s in roster.roster.shifts:
        skills = site.skill_set(s.agent)
        blocks = roster.allocation.get((s.agent, s.day), ())
        off = {t for a in s.activities for t in range(a.start_min // grid, a.end_min // grid)}
        for t in range(s.start_min // grid, s.end_min // grid):
            if t in off:
                continue
            g = skills
            for b in blocks:
                if b.start_min <= t * grid < b.end_min:
                    g = block_skills(site, skills, b.queue)
            day, slot = s.day + t // per_day, t % per_day
            if day < days:
                out[g, day, slot] += 1
    return out


def add_site_families(
    sink: Sink,
    site: SiteProblem,
    staffing: dict[Key, tuple[LinTerms, float]],
    unit: float = 1.0,
) -> tuple[AllocationVars, dict[str, BacklogVars], CostTerms, float]:
    """Allocation and backlog families; returns their variables, cost terms and constant."""
    slots = open_intervals(site.core)
    av, terms = add_allocation(sink, site, staffing, slots)
    backlogs: dict[str, BacklogVars] = {}
    constant = 0.0
    grid = site.core.interval_min
    for e in site.deferred:
        initial = [(b.items, b.age_min) for b in e.initial_backlog]
        work = cohorts(site.core, e.arrivals, e.work_min, e.deadline_min, initial)
        per_ai = grid / 15.0
        costs = (
            e.weight * site.late_per_15_work_min * per_ai,
            site.carry_over_per_15_work_min * per_ai,
        )
        bv, more = add_backlog(sink, f"b[{e.id}]", work, av.deferred[e.id], costs, unit)
        backlogs[e.id] = bv
        terms += more
        constant += bv.constant
    return av, backlogs, terms, constant


def _solve(solver: pywraplp.Solver, terms: CostTerms) -> str:
    objective = solver.Objective()
    for var, coef in terms:
        objective.SetCoefficient(var, objective.GetCoefficient(var) + coef)
    objective.SetMinimization()
    status = solver.Solve()
    return {solver.OPTIMAL: "OPTIMAL", solver.FEASIBLE: "FEASIBLE"}.get(status, "NOT_SOLVED")


def solved_cost_lp(
    site: SiteProblem, roster: SiteRoster
) -> tuple[pywraplp.Solver, AllocationVars, dict[str, BacklogVars], float, str]:
    """The exact cost LP of ``roster`` solved: the solver (values, duals), the allocation and
    backlog variables, the backlog's constant and the status (a ``RuntimeError`` when GLOP
    does not solve it)."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:  # pragma: no cover - GLOP ships with OR-Tools
        raise RuntimeError("GLOP is not available")
    staffing: dict[Key, tuple[LinTerms, float]] = {
        k: ([], float(n)) for k, n in on_phone(site, roster).items()
    }
    av, backlogs, terms, constant = add_site_families(LpSink(solver), site, staffing)
    status = _solve(solver, terms)
    if status == "NOT_SOLVED":
        raise RuntimeError("the cost LP of the roster was not solved")
    return solver, av, backlogs, constant, status


def site_cost(site: SiteProblem, roster: SiteRoster) -> SiteCost:
    """The exact cost of ``roster`` (see the module docstring)."""
    solver, av, backlogs, constant, status = solved_cost_lp(site, roster)
    w = site.core.weights
    paid = sum(s.paid_min(site.core.rules) for s in roster.roster.shifts) // site.core.interval_min
    prefs = preference_cost(site.core, roster.roster)[0]
    cost = solver.Objective().Value() + constant + w.paid_per_agent_interval * paid + prefs
    return _figures(site, av, backlogs, (round(cost, 6), status, paid, prefs))


def allocation_values(site: SiteProblem, roster: SiteRoster) -> dict[str, float]:
    """The cost LP's optimal allocation and backlog values by variable name (the same names
    as in the site model: a hint for it; backlog work in agent-intervals)."""
    solver = solved_cost_lp(site, roster)[0]
    return {v.name(): v.solution_value() for v in solver.variables()}


def _figures(
    site: SiteProblem,
    av: AllocationVars,
    backlogs: dict[str, BacklogVars],
    head: tuple[float, str, int, float],
) -> SiteCost:
    cost, status, paid, prefs = head
    core = site.core
    under = {q.id: 0.0 for q in site.live}
    under_cost = 0.0
    for (qid, _, _), var in av.under.items():
        under[qid] += var.solution_value()
        under_cost += (
            var.solution_value() * core.weights.under_per_agent_interval * site.queue(qid).weight
        )
    shape = (core.days, core.intervals_per_day)
    coverage = {q.id: [[0.0] * shape[1] for _ in range(shape[0])] for q in site.queues}
    for (_, qid, d, t), var in av.live.items():
        coverage[qid][d][t] += var.solution_value()
    slots = open_intervals(core)
    for eid, per_slot in av.deferred.items():
        for tau, terms in enumerate(per_slot):
            d, t = slots[tau]
            coverage[eid][d][t] += sum(v.solution_value() for v, _ in terms)
    late, carry, share, processed_late, curves = _deferred(site, backlogs)
    return SiteCost(
        cost=cost,
        status=status,
        under={k: round(v, 6) for k, v in under.items()},
        under_cost=round(under_cost, 6),
        over_idle=round(sum(v.solution_value() for v in av.idle.values()), 6),
        paid_agent_intervals=paid,
        late_work_min=late,
        carry_over_work_min=carry,
        processed_late_work_min=processed_late,
        within_deadline_share=share,
        preference_cost=prefs,
        coverage={
            k: tuple(tuple(round(x, 6) for x in row) for row in v) for k, v in coverage.items()
        },
        backlog=curves,
        slots=tuple(slots),
    )


def _deferred(
    site: SiteProblem, backlogs: dict[str, BacklogVars]
) -> tuple[float, float, float, float, dict[str, tuple[float, ...]]]:
    """Late and carried-over work-minutes, within-deadline share, late work processed, and the
    backlog curve (work-minutes waiting at the end of each open interval) per deferred queue."""
    grid = site.core.interval_min
    late = carry = due_work = on_time = processed_late = 0.0
    curves: dict[str, tuple[float, ...]] = {}
    for eid, bv in backlogs.items():
        n = len(bv.on)
        for c, x in zip(bv.cohorts, bv.x, strict=True):
            done = x.solution_value()
            if c.due < n:
                late += c.work - done
                due_work += c.work
                on_time += done
            else:
                carry += c.work - done
        processed_late += bv.late_done[-1].solution_value() if n else 0.0
        curve = []
        for t in range(n):
            arrived = sum(c.work for c in bv.cohorts if c.release <= t + 1)
            worked = bv.done[t].solution_value() + bv.late_done[t].solution_value()
            curve.append(round(max(0.0, arrived - worked) * grid, 3))
        curves[eid] = tuple(curve)
    share = on_time / due_work if due_work > 0 else 1.0
    return (
        round(late * grid, 3),
        round(carry * grid, 3),
        round(share, 6),
        round(processed_late * grid, 3),
        curves,
    )
