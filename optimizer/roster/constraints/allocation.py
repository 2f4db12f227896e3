"""Allocation family: agents on the phone split their time among the queues of their skills.

Agents with the same skill set are interchangeable within an interval, so the family works per
skill set ``g`` and interval: ``staffed[g]`` agent-intervals go to live queues in ``g``
(``a[g, q]``), to deferred queues in ``g`` (``p[g, e]``, handed to the backlog family) or stay
idle. A live queue's requirement is met by the sum over skill sets plus its under-coverage.
Allocation is *fractional* in the exact cost (an agent may split an interval) and whole agents
in the CP-SAT model. Cost: ``weight_q x under`` per live queue, ``over`` per idle
agent-interval.

:func:`allocation_violations` is the family's check of a roster's stated allocation blocks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from optimizer.roster.site.linear import CostTerms, LinTerms, Sink
from optimizer.roster.site.problem import LIVE, SiteProblem, SiteRoster
from optimizer.roster.violation import Violation

__all__ = [
    "AllocationVars",
    "Staffing",
    "add_allocation",
    "allocation_violations",
    "block_skills",
]

Slot = tuple[int, int]  # (day, interval)
Staffing = Mapping[tuple[frozenset[str], int, int], tuple[LinTerms, float]]
"""(skill set, day, interval) -> agents on the phone: linear terms plus a constant."""


@dataclass
class AllocationVars:
    """``live[g, q, d, t]``, ``deferred[e][tau]`` (terms per open interval), ``idle[g, d, t]``
    and ``under[q, d, t]``."""

    live: dict[tuple[frozenset[str], str, int, int], Any] = field(default_factory=dict)
    deferred: dict[str, list[LinTerms]] = field(default_factory=dict)
    idle: dict[tuple[frozenset[str], int, int], Any] = field(default_factory=dict)
    under: dict[tuple[str, int, int], Any] = field(default_factory=dict)


def _split(
    sink: Sink,
    site: SiteProblem,
    key: tuple[frozenset[str], int, int],
    staffed: tuple[LinTerms, float],
    av: AllocationVars,
    open_index: Mapping[Slot, int],
) -> LinTerms:
    g, d, t = key
    terms, constant = staffed
    tau = open_index.get((d, t))
    parts: LinTerms = []
    for q in site.live:
        req = q.requirement[d][t]
        if q.id in g and req > 0:
            av.live[g, q.id, d, t] = sink.var(0, req, f"a[{sorted(g)},{q.id},{d},{t}]")
            parts.append((av.live[g, q.id, d, t], 1))
    for e in site.deferred:
        if e.id in g and tau is not None:
            p = sink.var(0, float("inf"), f"p[{sorted(g)},{e.id},{d},{t}]")
            av.deferred[e.id][tau].append((p, 1))
            parts.append((p, 1))
    idle = sink.var(0, float("inf"), f"idle[{sorted(g)},{d},{t}]")
    av.idle[key] = idle
    staffed_terms = [(v, -c) for v, c in terms]
    sink.add([*parts, (idle, 1), *staffed_terms], constant, constant, f"split[{sorted(g)},{d},{t}]")
    return parts


def add_allocation(
    sink: Sink,
    site: SiteProblem,
    staffing: Staffing,
    slots: list[Slot],
) -> tuple[AllocationVars, CostTerms]:
    """Allocation of ``staffing`` in every interval; ``slots``: the open intervals in order
    (the backlog family's time axis). Returns the variables and the cost terms."""
    open_index = {s: i for i, s in enumerate(slots)}
    av = AllocationVars(deferred={e.id: [[] for _ in slots] for e in site.deferred})
    for key, staffed in staffing.items():
        _split(sink, site, key, staffed, av, open_index)
    w = site.core.weights
    cost: CostTerms = [(v, w.over_per_agent_interval) for v in av.idle.values()]
    by_queue: dict[tuple[str, int, int], LinTerms] = {}
    for (_, qid, d, t), var in av.live.items():
        by_queue.setdefault((qid, d, t), []).append((var, 1))
    for q in site.live:
        for d, row in enumerate(q.requirement):
            for t, req in enumerate(row):
                if req <= 0:
                    continue
                under = sink.var(0, req, f"under[{q.id},{d},{t}]")
                av.under[q.id, d, t] = under
                covered = by_queue.get((q.id, d, t), [])
                sink.add([*covered, (under, 1)], req, req, f"cover[{q.id},{d},{t}]")
                cost.append((under, q.weight * w.under_per_agent_interval))
    return av, cost


def block_skills(site: SiteProblem, skills: frozenset[str], queue: str) -> frozenset[str]:
    """The skills an agent may use inside a block given to ``queue``."""
    if queue == LIVE:
        return frozenset(q.id for q in site.live if q.id in skills)
    if queue == "deferred":
        return frozenset(q.id for q in site.deferred if q.id in skills)
    return skills & {queue}


def allocation_violations(site: SiteProblem, roster: SiteRoster) -> list[Violation]:
    """Blocks of shifts that do not exist, outside their shift, off the grid, overlapping
    each other, or on a queue outside the agent's skills."""
    out: list[Violation] = []
    shifts = {(s.agent, s.day): s for s in roster.roster.shifts}
    grid = site.core.interval_min
    for (agent, day), blocks in roster.allocation.items():
        shift = shifts.get((agent, day))
        if shift is None:
            out.append(Violation(agent, day, "allocation", "blocks without a shift that day"))
            continue
        skills = site.skill_set(agent)
        ordered = sorted(blocks, key=lambda b: b.start_min)
        for i, b in enumerate(ordered):
            if b.start_min % grid or b.end_min % grid or b.end_min <= b.start_min:
                out.append(Violation(agent, day, "allocation", f"block {b} off the grid"))
            if b.start_min < shift.start_min or b.end_min > shift.end_min:
                out.append(Violation(agent, day, "allocation", f"block {b} outside the shift"))
            if i and ordered[i - 1].end_min > b.start_min:
                out.append(Violation(agent, day, "allocation", "blocks overlap (two places)"))
            if not block_skills(site, skills, b.queue):
                message = f"block on {b.queue!r} outside the agent's skills {sorted(skills)}"
                out.append(Violation(agent, day, "skills", message))
    return out
