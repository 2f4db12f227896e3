"""The aggregate site model: today's aggregate roster model once per skill set, joined by the
allocation and backlog families.

Agents are grouped by skill set; each group gets the single-queue aggregate model
(:func:`optimizer.roster.build.build_aggregate`: shift-type counts per agent class with exact
break and lunch offsets, every rule family) over a requirement of zero with zero coverage
weights, so its ``over[d, t]`` variables are the group's agents on the phone. The allocation
family (:mod:`optimizer.roster.constraints.allocation`) splits them among the group's live
queues, deferred work and idle time; the backlog family
(:mod:`optimizer.roster.constraints.backlog`) carries deferred work to its deadlines. The same
builder gives the LP bound (GLOP, fractional allocation) and the CP-SAT model (whole agents,
deferred work counted in 1/``unit`` agent-intervals: a simplification; the reported cost is
always the exact LP of :mod:`optimizer.roster.site.cost`).

With one queue every agent shares one skill set and the model is today's model plus an
allocation that is exactly its coverage family.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from optimizer.roster.backend import Terms
from optimizer.roster.build import build_aggregate
from optimizer.roster.constraints.allocation import AllocationVars
from optimizer.roster.constraints.backlog import BacklogVars
from optimizer.roster.model import SCALE, AggregateModel
from optimizer.roster.problem import Agent, ObjectiveWeights, RosterProblem
from optimizer.roster.shifts import ShiftType, agent_classes
from optimizer.roster.site.cost import add_site_families
from optimizer.roster.site.linear import LinTerms, Sink, scaled
from optimizer.roster.site.problem import SiteProblem

__all__ = ["SiteGroup", "SiteModel", "build_site_model", "skill_groups"]


@dataclass(frozen=True, slots=True)
class SiteGroup:
    """Agents of one skill set, their single-queue problem (no requirement, only paid time
    priced) and its aggregate model."""

    skills: frozenset[str]
    problem: RosterProblem
    model: AggregateModel


@dataclass
class SiteModel:
    """The joined model: groups, allocation and backlog variables, the objective's constant
    (cost units) and every variable created (for hints by name)."""

    groups: list[SiteGroup]
    allocation: AllocationVars
    backlogs: dict[str, BacklogVars]
    constant: float


class _Prefixed:
    """A back end seen by one group's builder: names prefixed, objective collected."""

    def __init__(self, inner: Any, prefix: str, objective: Terms) -> None:
        self._inner, self._prefix, self._objective = inner, prefix, objective

    def int_var(self, lb: int, ub: int, name: str) -> Any:
        return self._inner.int_var(lb, ub, self._prefix + name)

    def add_linear(self, terms: Terms, lb: int, ub: int, name: str) -> None:
        self._inner.add_linear(terms, lb, ub, self._prefix + name)

    def minimize(self, terms: Terms) -> None:
        self._objective.extend(terms)


def skill_groups(
    site: SiteProblem, agents: tuple[Agent, ...]
) -> list[tuple[frozenset[str], tuple[Agent, ...]]]:
    """Agents grouped by skill set, in a stable order (agents without skills left out)."""
    groups: dict[frozenset[str], list[Agent]] = {}
    for a in agents:
        skills = site.skill_set(a.id)
        if skills:
            groups.setdefault(skills, []).append(a)
    return [(k, tuple(groups[k])) for k in sorted(groups, key=lambda s: sorted(s))]


def _group_problem(core: RosterProblem, agents: tuple[Agent, ...]) -> RosterProblem:
    zero = tuple((0,) * core.intervals_per_day for _ in range(core.days))
    weights = ObjectiveWeights(0.0, 0.0, core.weights.paid_per_agent_interval)
    return dataclasses.replace(core, agents=agents, requirement=zero, weights=weights)


def build_site_model(
    site: SiteProblem,
    backend: Any,
    sink: Sink,
    types: list[ShiftType],
    agents: tuple[Agent, ...],
    unit: float = 1.0,
    types_of: Mapping[frozenset[str], list[ShiftType]] | None = None,
) -> SiteModel:
    """Build the joined model on ``backend`` (``CpBackend`` or ``LpBackend``) and ``sink``
    (the same solver seen by the site families); the objective is set (scaled by SCALE).
    ``types_of``: a skill set's own shift types (indexed from 0; default ``types``): a
    neighbourhood of a known roster, where the full model is too large."""
    objective: Terms = []
    groups: list[SiteGroup] = []
    staffing: dict[tuple[frozenset[str], int, int], tuple[LinTerms, float]] = {}
    for gi, (skills, members) in enumerate(skill_groups(site, agents)):
        problem = _group_problem(site.core, members)
        classes = agent_classes(problem, members)
        mine = types if types_of is None else types_of[skills]
        m = build_aggregate(problem, _Prefixed(backend, f"g{gi}:", objective), mine, classes)
        groups.append(SiteGroup(skills, problem, m))
        for (d, t), var in m.over.items():
            staffing[skills, d, t] = ([(var, 1.0)], 0.0)
    av, backlogs, terms, constant = add_site_families(sink, site, staffing, unit)
    backend.minimize(objective + scaled(terms, SCALE))
    return SiteModel(groups, av, backlogs, constant)
