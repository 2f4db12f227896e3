"""JSON views of a site roster's cost and solve report (for the CLI and the API)."""

from __future__ import annotations

import dataclasses
from typing import Any

from optimizer.roster.site.cost import SiteCost
from optimizer.roster.site.problem import SiteProblem
from optimizer.roster.site.solve import SiteReport

__all__ = ["cost_json", "report_json"]


def cost_json(site: SiteProblem, cost: SiteCost) -> dict[str, Any]:
    """Cost, components, within-deadline share, coverage per queue (``[day][interval]``
    agent-intervals: live queues covered, deferred queues processed), requirement per live
    queue, and the backlog curve (work-minutes waiting at the end of each open interval)."""
    return {
        "cost": cost.cost,
        "lp_status": cost.status,
        "components": {
            "under_agent_intervals": cost.under,
            "under_cost": cost.under_cost,
            "over_idle_agent_intervals": cost.over_idle,
            "paid_agent_intervals": cost.paid_agent_intervals,
            "late_work_minutes": cost.late_work_min,
            "carry_over_work_minutes": cost.carry_over_work_min,
            "processed_late_work_minutes": cost.processed_late_work_min,
            "preference_cost": cost.preference_cost,
        },
        "within_deadline_share": cost.within_deadline_share,
        "coverage": {q: [list(row) for row in rows] for q, rows in cost.coverage.items()},
        "requirement": {q.id: [list(row) for row in q.requirement] for q in site.live},
        "backlog": {
            "intervals": [list(s) for s in cost.slots],
            "work_minutes": {q: list(curve) for q, curve in cost.backlog.items()},
        },
    }


def report_json(report: SiteReport) -> dict[str, Any]:
    """The solve report as a JSON object."""
    return dataclasses.asdict(report)
