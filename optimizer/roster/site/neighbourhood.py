"""Shift types of a neighbourhood of a known roster, per skill set, for sites whose full model
is too large to build and search in the time (MS-M-9: 12,664 shift-type copies, 280k variables,
GLOP unfinished after 6 minutes on the shared machine).

Each skill set keeps the shift types its agents work in the roster, plus the same day and paid
length starting up to ``steps`` start-granularity steps earlier or later; the CP-SAT model then
re-decides shifts, breaks, lunches and allocation inside that neighbourhood.
"""

from __future__ import annotations

import dataclasses

from optimizer.roster.constraints.availability import class_shift_types
from optimizer.roster.problem import Agent, Roster
from optimizer.roster.shifts import ShiftType, agent_classes
from optimizer.roster.site.model import skill_groups
from optimizer.roster.site.problem import SiteProblem

__all__ = ["neighbour_types", "type_copies"]


def type_copies(site: SiteProblem, types: list[ShiftType], agents: tuple[Agent, ...]) -> int:
    """Shift types the full site model copies once per skill set (a measure of its size)."""
    total = 0
    for _, members in skill_groups(site, agents):
        used: set[int] = set()
        for cls in agent_classes(site.core, members):
            used |= {st.index for st in class_shift_types(types, cls)}
        total += len(used)
    return total


def neighbour_types(
    site: SiteProblem,
    types: list[ShiftType],
    agents: tuple[Agent, ...],
    roster: Roster,
    steps: int = 1,
) -> dict[frozenset[str], list[ShiftType]]:
    """Per skill set, the roster's shift types and their neighbours, indexed from 0."""
    step = max(site.core.rules.start_granularity_min, site.core.interval_min)
    by_key = {(st.day, st.start_min, st.paid_min): st for st in types}
    span = {(st.day, st.start_min, st.span_min): st for st in types}
    out: dict[frozenset[str], list[ShiftType]] = {}
    for skills, members in skill_groups(site, agents):
        ids = {a.id for a in members}
        chosen: set[int] = set()
        for s in roster.shifts:
            st = span.get((s.day, s.start_min, s.end_min - s.start_min))
            if s.agent not in ids or st is None:
                continue
            for k in range(-steps, steps + 1):
                near = by_key.get((st.day, st.start_min + k * step, st.paid_min))
                if near is not None:
                    chosen.add(near.index)
        ordered = sorted(chosen)
        out[skills] = [dataclasses.replace(types[k], index=i) for i, k in enumerate(ordered)]
    return out
