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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ortools.linear_solver import pywraplp

from optimizer.roster.backend import LpBackend
from optimizer.roster.mip_days import MipModel, Plan
from optimizer.roster.problem import Agent, Roster, Shift
from optimizer.roster.shifts import ShiftType
from optimizer.roster.site.cost import allocation_values
from optimizer.roster.site.linear import LpSink
from optimizer.roster.site.model import SiteModel, build_site_model
from optimizer.roster.site.problem import SiteProblem, SiteRoster

__all__ = ["MipSolution", "SiteMip", "build_site_mip", "by_idle", "roster_hint", "site_tiers"]


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


def site_tiers(order: Sequence[int], days: list[int]) -> list[list[Plan]]:
    """The plans: each skill group's whole week (groups in ``order``) and each day of every
    group (one tier); then the whole model (every count: a small site's rounds are proved; on
    the API's tiny e-mail site the single-group rounds stopped at 2.308 against its bound
    0.159) and each pair of days (every group)."""
    groups = sorted(order)
    week: list[Plan] = [tuple((g, d) for d in days) for g in order]
    day: list[Plan] = [tuple((g, d) for g in groups) for d in days]
    pairs: list[Plan] = [
        tuple((g, d) for g in groups for d in (a, b))
        for i, a in enumerate(days)
        for b in days[i + 1 :]
    ]
    whole: Plan = tuple((g, d) for g in groups for d in days)
    return [week + day, [whole, *pairs]]


def by_idle(model: SiteModel, values: Mapping[str, float]) -> list[int]:
    """The skill groups, most idle agent-intervals first in ``values`` (an allocation by the
    site model's names; ties in group order).

    Why: a roster's idle time sits in a few sets without deferred work (MS-L-9 after 600 s:
    1,093 of 1,288 idle agent-intervals in 4 of 22 sets, 522 in one set of 18 agents), and on
    L a group's week needs 40-90 s of SCIP to find its gain (from one 341.258 roster, 45 s
    rounds over the 6 most idle groups' weeks: 329.106 after 200 s)."""
    idle = [0.0] * len(model.groups)
    prefix = {f"idle[{sorted(g.skills)},": gi for gi, g in enumerate(model.groups)}
    for name, value in values.items():
        if name.startswith("idle["):
            gi = prefix.get(name[: name.index("]") + 2])
            if gi is not None:
                idle[gi] += value
    return sorted(range(len(idle)), key=lambda gi: -idle[gi])


def _activity_names(st: ShiftType, shift: Shift) -> list[str]:
    """The activity count variables a shift of type ``st`` adds one to (aggregate names)."""
    offsets = {a.kind: a.start_min - shift.start_min for a in shift.activities}
    brk, lunch = offsets.get("break"), offsets.get("lunch")
    side = "a" if brk is not None and lunch is not None and brk > lunch else "b"
    names = [] if brk is None else [f"brk_{side}[{st.index},{brk}]"]
    return names + ([] if lunch is None else [f"lun_{side}[{st.index},{lunch}]"])


def roster_hint(site: SiteProblem, sm: SiteModel, roster: Roster) -> dict[str, float]:
    """Class, type and activity counts of ``roster`` and the exact cost LP's allocation, by
    the site model's variable names (every other count at zero)."""
    group_of = {a.id: gi for gi, g in enumerate(sm.groups) for a in g.problem.agents}
    out: dict[str, float] = {}
    for g in sm.groups:
        for var, _ in g.model.count_vars():
            out[var.name()] = 0.0
        for var in g.model.X.values():
            out[var.name()] = 0.0
    for s in roster.shifts:
        gi = group_of.get(s.agent)
        if gi is None:
            continue
        m = sm.groups[gi].model
        cls = next(c.index for c in m.classes if any(a.id == s.agent for a in c.agents))
        st = next(
            (
                t
                for t in m.types
                if (t.day, t.start_min, t.end_min) == (s.day, s.start_min, s.end_min)
            ),
            None,
        )
        if st is None:
            continue
        for name in [f"x[{cls},{st.index}]", f"X[{st.index}]", *_activity_names(st, s)]:
            key = f"g{gi}:{name}"
            if key in out:
                out[key] += 1
    return out | allocation_values(site, SiteRoster(roster))


@dataclass(frozen=True)
class MipSolution:
    """A round's values by name, read like a solver's (``value(var)``, counts rounded) by the
    named assignment (:mod:`optimizer.roster.named_roster`) of the ``pywraplp`` site model."""

    values: Mapping[str, float]

    def value(self, var: pywraplp.Variable) -> int:
        return round(self.values[var.name()])
