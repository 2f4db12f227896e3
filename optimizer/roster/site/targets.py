"""Per skill set and interval, where its agents' time on the phone should be: the exact cost LP
with each set's on-phone counts free around the roster's.

The exact cost LP (:mod:`optimizer.roster.site.cost`) takes the roster's agents on the phone
per (skill set, day, interval) as given. Here they are variables ``n[g, d, t]`` within
``band`` of the roster's count (and at most the set's agents working that day), each set's
time on the phone per day kept equal to the roster's, so paid time does not move. The LP then
trades between skill sets: a set without e-mail takes live cover over from an e-mail-skilled
set at the same time (which moves to e-mail waiting for it) and leaves the intervals where its
agents sit idle. Its ``n`` are the targets the polish (:mod:`optimizer.roster.site.polish`)
steers each set's agent-level search to; the exact cost of the result decides.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from ortools.linear_solver import pywraplp

from optimizer.roster.site.cost import Key, add_site_families, on_phone
from optimizer.roster.site.linear import LinTerms, LpSink
from optimizer.roster.site.problem import SiteProblem, SiteRoster

__all__ = ["redistributed_values"]


def _sizes(site: SiteProblem) -> Counter[frozenset[str]]:
    """Agents per skill set."""
    return Counter(site.skill_set(a.id) for a in site.core.agents)


def _counts(
    solver: pywraplp.Solver,
    site: SiteProblem,
    roster: SiteRoster,
    width: Callable[[frozenset[str]], int],
) -> tuple[dict[Key, tuple[LinTerms, float]], dict[frozenset[str], LinTerms]]:
    """``n[g, d, t]`` for every set with a shift this week and every open interval, within
    ``width(g)`` of the roster's count (at most the set's agents); their terms per set."""
    grid = site.core.interval_min
    now = on_phone(site, roster)
    sizes = _sizes(site)
    staffing: dict[Key, tuple[LinTerms, float]] = {}
    per_set: dict[frozenset[str], LinTerms] = {}
    for g in {site.skill_set(s.agent) for s in roster.roster.shifts}:
        for d, window in enumerate(site.core.opening_hours):
            for t in range(window[0] // grid, window[1] // grid) if window else ():
                c = now.get((g, d, t), 0)
                lo, hi = max(0, c - width(g)), min(sizes[g], c + width(g))
                n = solver.NumVar(lo, hi, f"n[{sorted(g)},{d},{t}]")
                staffing[g, d, t] = ([(n, 1.0)], 0.0)
                per_set.setdefault(g, []).append((n, 1.0))
    return staffing, per_set


def redistributed_values(
    site: SiteProblem, roster: SiteRoster, band: int, fixed: frozenset[str] = frozenset()
) -> dict[str, float]:
    """The redistributing LP's solution by variable name (the cost LP's names, plus
    ``n[set,d,t]``: the set's agents on the phone); see the module docstring. Sets with a
    skill in ``fixed`` keep the roster's counts."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:  # pragma: no cover - GLOP ships with OR-Tools
        raise RuntimeError("GLOP is not available")
    now = on_phone(site, roster)
    staffing, per_set = _counts(solver, site, roster, lambda g: 0 if g & fixed else band)
    for g, terms in per_set.items():
        total = sum(n for (h, _, _), n in now.items() if h == g)
        ct = solver.Constraint(total, total, f"week[{sorted(g)}]")
        for var, coef in terms:
            ct.SetCoefficient(var, coef)
    _, _, terms, _ = add_site_families(LpSink(solver), site, staffing)
    objective = solver.Objective()
    for var, coef in terms:
        objective.SetCoefficient(var, objective.GetCoefficient(var) + coef)
    objective.SetMinimization()
    if solver.Solve() not in (solver.OPTIMAL, solver.FEASIBLE):
        raise RuntimeError("the redistributing LP of the roster was not solved")
    return {v.name(): v.solution_value() for v in solver.variables()}
