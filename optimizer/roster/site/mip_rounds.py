"""The site model's search: SCIP rounds over skill groups and days (:mod:`..mip_days`).

The site model (:mod:`optimizer.roster.site.model`, on the shift types near a known roster,
:mod:`neighbourhood`) is built once on a ``pywraplp`` back end with integer counts and a
continuous allocation (so a solution's objective is the exact cost of its counts: no 1/50
rounding of deferred work as in CP-SAT) and exported to an ``MPModelProto``. Each round frees
the counts of one *cell set* within the plan's radius of the incumbent and fixes every other
count; the allocation and the backlog stay free all week, so a round also re-decides who
covers which queue and when the deferred work is done. Plans:

- a **skill group's whole week** (the shifts of one skill set may move between days, while
  every other group keeps its shifts and only re-allocates): the move a per-set local search
  cannot value, since whether a set's hours help depends on what the other sets then do;
- a **day** of every group (the single-queue engine's day round).

Measured from one MS-L-9 baseline (summed ``/1`` engine, 200 s: 660.392), one pass of 20 s
rounds, on the shared machine beside one other solve: the two weekend days 656.546, then the
first 15 skill groups 435.382 after 222 s; CP-SAT's day LNS on the same neighbourhood found
nothing in 240 s once (``aggregate_status: UNKNOWN``) and the whole pipeline (CP-SAT, then
the LP-guided polish) ended at 427-442 in 600 s. MS-M-9 from its 40 s baseline (99.167):
74.055 after the weekend days, 51.505 after one pass over its 11 groups (128 s).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ortools.linear_solver import pywraplp

from optimizer.roster.backend import LpBackend
from optimizer.roster.mip_days import MipModel, Plan
from optimizer.roster.problem import Agent
from optimizer.roster.shifts import ShiftType
from optimizer.roster.site.linear import LpSink
from optimizer.roster.site.model import SiteModel, build_site_model
from optimizer.roster.site.problem import SiteProblem

__all__ = ["MipSolution", "SiteMip", "build_site_mip", "site_tiers"]


@dataclass(frozen=True)
class SiteMip:
    """The site model as a :class:`MipModel` (a count's cell: its skill group and day) and the
    ``pywraplp`` site model it was exported from (its groups name the variables)."""

    mip: MipModel
    model: SiteModel


def build_site_mip(
    site: SiteProblem,
    types: list[ShiftType],
    agents: tuple[Agent, ...],
    types_of: Mapping[frozenset[str], list[ShiftType]] | None = None,
) -> SiteMip:
    """The site model for SCIP rounds (``types_of``: each skill set's own shift types)."""
    backend = LpBackend("SCIP", integer=True)
    sm = build_site_model(site, backend, LpSink(backend.solver), types, agents, 1.0, types_of)
    proto = backend.proto()
    counts = tuple(
        (var.index(), (gi, g.model.types[k].day))
        for gi, g in enumerate(sm.groups)
        for var, k in g.model.count_vars()
    )
    classes = frozenset(var.index() for g in sm.groups for var in g.model.x.values())
    upper = {i: proto.variable[i].upper_bound for i, _ in counts}
    names = tuple(v.name for v in proto.variable)
    return SiteMip(MipModel(proto, names, counts, classes, upper), sm)


def site_tiers(groups: int, days: list[int]) -> list[list[Plan]]:
    """The plans: each skill group's whole week and each day of every group (one tier); then
    the whole model (every count: a small site's rounds are proved; on the API's tiny e-mail
    site the single-group rounds stopped at 2.308 against its bound 0.159) and each pair of
    days (every group)."""
    week: list[Plan] = [tuple((g, d) for d in days) for g in range(groups)]
    day: list[Plan] = [tuple((g, d) for g in range(groups)) for d in days]
    pairs: list[Plan] = [
        tuple((g, d) for g in range(groups) for d in (a, b))
        for i, a in enumerate(days)
        for b in days[i + 1 :]
    ]
    whole: Plan = tuple((g, d) for g in range(groups) for d in days)
    return [week + day, [whole, *pairs]]


@dataclass(frozen=True)
class MipSolution:
    """A round's values by name, read like a solver's (``value(var)``, counts rounded) by the
    named assignment (:mod:`optimizer.roster.named_roster`) of the ``pywraplp`` site model."""

    values: Mapping[str, float]

    def value(self, var: pywraplp.Variable) -> int:
        return round(self.values[var.name()])
