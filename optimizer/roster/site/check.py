"""Independent validation of a site roster: every single-queue rule
(:func:`optimizer.roster.check.check_roster` on the site's core problem), one shift per agent
and day with no two shifts of an agent overlapping, and the allocation family's check
(blocks inside their shift, on the grid, not overlapping, on the agent's skills)."""

from __future__ import annotations

import itertools

from optimizer.roster.check import check_roster
from optimizer.roster.constraints.allocation import allocation_violations
from optimizer.roster.site.problem import SiteProblem, SiteRoster
from optimizer.roster.violation import Violation

__all__ = ["check_site_roster"]


def _double_booked(roster: SiteRoster) -> list[Violation]:
    out = []
    for agent, shifts in roster.roster.by_agent().items():
        for a, b in itertools.pairwise(shifts):
            if a.day == b.day:
                times = f"{a.start_min}-{a.end_min} and {b.start_min}-{b.end_min}"
                message = f"two shifts on day {a.day}: {times}"
                out.append(Violation(agent, a.day, "double_booked", message))
    return out


def check_site_roster(site: SiteProblem, roster: SiteRoster) -> list[Violation]:
    """Every hard-rule violation of ``roster`` on ``site`` (empty: valid)."""
    out = check_roster(site.core, roster.roster)
    out += _double_booked(roster)
    out += allocation_violations(site, roster)
    return out
