"""What a site solve is asked for and what it returns (:func:`.solve.solve_site`).

Apart from :mod:`.solve` so that :mod:`.single` (one live queue: today's engine) can build the
same result without importing the driver.
"""

from __future__ import annotations

from dataclasses import dataclass

from optimizer.roster.explain import Explanation
from optimizer.roster.site.cost import SiteCost
from optimizer.roster.site.problem import SiteRoster
from optimizer.roster.violation import Violation

__all__ = ["SiteReport", "SiteResult", "SiteSolveOptions", "site_gap"]


@dataclass(frozen=True, slots=True)
class SiteSolveOptions:
    time_limit_s: float = 60.0
    workers: int = 2
    seed: int = 0


@dataclass(frozen=True, slots=True)
class SiteReport:
    """``objective``: the exact cost of the returned roster; ``bound``: the LP relaxation of
    the site model (``None`` when GLOP did not finish in its share of the time);
    ``gap = (objective - bound) / objective``; ``status``: OPTIMAL (cost at the bound),
    FEASIBLE, or INVALID when the check finds violations; ``source``: ``site_model``,
    ``baseline`` (which candidate was cheaper) or ``roster_engine`` (one live queue: today's
    single-queue engine); ``baseline_cost``: the summed-``/1`` roster's exact cost;
    ``stopped_early``: a stop request (cancel, shutdown) ended the solve before its time
    limit (the roster is the best found until then); ``polish_gain``: the exact cost the
    LP-guided agent-level polish (:mod:`.polish`) took off the cheaper candidate."""

    status: str
    objective: float
    bound: float | None
    gap: float | None
    seconds: float
    lp_status: str
    lp_seconds: float
    aggregate_status: str
    aggregate_objective: float | None
    source: str
    baseline_cost: float | None
    skill_sets: int
    assignment_deviation: int
    stopped_early: bool = False
    polish_gain: float = 0.0


@dataclass(frozen=True, slots=True)
class SiteResult:
    roster: SiteRoster
    cost: SiteCost
    report: SiteReport
    violations: tuple[Violation, ...]
    explanations: tuple[Explanation, ...]


def site_gap(cost: float, bound: float | None) -> float | None:
    """``(cost - bound) / cost`` (0 at a zero cost, ``None`` without a bound)."""
    if bound is None:
        return None
    return max(0.0, (cost - bound) / cost) if cost > 0 else 0.0


def site_status(violations: object, gap: float | None) -> str:
    """INVALID with violations, OPTIMAL at the bound, else FEASIBLE."""
    if violations:
        return "INVALID"
    return "OPTIMAL" if gap is not None and gap <= 1e-9 else "FEASIBLE"
