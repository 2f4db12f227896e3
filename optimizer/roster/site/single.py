"""One live queue and nothing else: the site is today's single-queue problem (its ``core``).

:func:`.solve.solve_site` hands such a site to today's engine (:func:`solve_roster`, the same
roster and LP bound as a ``/1`` solve), scores it by the exact site cost (equal to the ``/1``
cost there) and checks it with :func:`check_site_roster`.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from optimizer.roster.site.check import check_site_roster
from optimizer.roster.site.cost import site_cost
from optimizer.roster.site.problem import SiteProblem, SiteRoster
from optimizer.roster.site.result import (
    SiteReport,
    SiteResult,
    SiteSolveOptions,
    site_gap,
    site_status,
)
from optimizer.roster.solve import solve_roster
from optimizer.roster.solve_options import SolveOptions

__all__ = ["is_single_queue", "solve_single_queue"]


def is_single_queue(site: SiteProblem) -> bool:
    """One queue, and it is live (voice or chat)."""
    return len(site.queues) == 1 and len(site.live) == 1


def solve_single_queue(
    site: SiteProblem,
    options: SiteSolveOptions,
    should_stop: Callable[[], bool] | None = None,
) -> SiteResult:
    """Today's engine on ``site.core`` (``bound``: its LP bound; ``source``: ``roster_engine``)."""
    opts = SolveOptions(time_limit_s=options.time_limit_s, workers=options.workers,
                        seed=options.seed)  # fmt: skip
    found = solve_roster(site.core, opts, should_stop=should_stop)
    roster = SiteRoster(found.roster)
    cost = site_cost(site, roster)
    violations = tuple(check_site_roster(site, roster))
    r = found.report
    bound = r.best_bound if math.isfinite(r.best_bound) else None
    gap = site_gap(cost.cost, bound)
    report = SiteReport(
        status=site_status(violations, gap), objective=cost.cost, bound=bound, gap=gap,
        seconds=r.seconds, lp_status="ROSTER_ENGINE", lp_seconds=0.0,
        aggregate_status=r.status, aggregate_objective=r.aggregate_objective,
        source="roster_engine", baseline_cost=None,
        skill_sets=len({site.skill_set(a.id) for a in site.core.agents}),
        assignment_deviation=r.assignment_deviation, stopped_early=r.stopped_early,
    )  # fmt: skip
    return SiteResult(roster, cost, report, violations, tuple(found.explanations))
