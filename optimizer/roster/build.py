"""The aggregate roster model: shift-type counts per agent class with explicit activities.

Variables (all integer counts, relaxed to continuous for the LP bound):

* ``x[c, k]``: agents of class ``c`` working shift type ``k``; ``X[k] = sum_c x[c, k]``;
* per shift type, break and lunch start counts per offset, split into shifts whose break
  comes *before* the lunch and those whose break comes *after* it (``activities``);
* ``under[d, t]``, ``over[d, t]``: deviation of staffed agents from the requirement
  (objective ``"deviation"``), or ``sl_z[d, t, j]``, ``sl_beyond[d, t]``: agents on the
  segments of the interval's service-level envelope and past its saturation (objective
  ``"service_level"``, :mod:`optimizer.roster.constraints.service_level`).

Each rule family lives in ``constraints/<family>.py``. Staffed agents in interval ``t`` are the
shifts covering ``t`` minus breaks and lunches in progress. The objective is the instance cost
(deviations or service level, plus paid time and preference costs) scaled by
:data:`SCALE` to integers.
"""

from __future__ import annotations

from collections.abc import Mapping

from optimizer.roster.backend import Backend, Terms
from optimizer.roster.constraints.activities import add_activities
from optimizer.roster.constraints.availability import class_shift_types
from optimizer.roster.constraints.consecutive_days import add_consecutive_days
from optimizer.roster.constraints.coverage import add_coverage
from optimizer.roster.constraints.preferences import add_preferences
from optimizer.roster.constraints.rest import add_rest
from optimizer.roster.constraints.service_level import add_service_level
from optimizer.roster.constraints.shift_mix import add_shift_mix
from optimizer.roster.constraints.weekly_minutes import add_weekly_minutes
from optimizer.roster.constraints.working_days import add_working_days
from optimizer.roster.model import SCALE, AggregateModel, Objective, scaled_weights
from optimizer.roster.problem import RosterProblem
from optimizer.roster.shifts import AgentClass, ShiftType

# The model's types live in :mod:`optimizer.roster.model`; re-exported for existing callers.
__all__ = ["SCALE", "AggregateModel", "Objective", "build_aggregate", "scaled_weights"]


def _add_type_counts(
    m: AggregateModel,
    fixed: Mapping[int, int] | None,
    domains: Mapping[int, tuple[int, int]] | None,
) -> None:
    if domains is not None:
        for k, (lo, hi) in domains.items():
            if hi > 0:
                m.X[k] = m.backend.int_var(lo, hi, f"X[{k}]")
        return
    if fixed is not None:
        for k, count in fixed.items():
            if count > 0:
                m.X[k] = m.backend.int_var(count, count, f"X[{k}]")
        return
    for cls in m.classes:
        for st in class_shift_types(m.types, cls):
            m.x[cls.index, st.index] = m.backend.int_var(0, cls.size, f"x[{cls.index},{st.index}]")
    by_type: dict[int, Terms] = {}
    for (_, k), var in m.x.items():
        by_type.setdefault(k, []).append((var, 1))
    for k, terms in by_type.items():
        m.X[k] = m.backend.int_var(0, sum(1 for _ in terms) * 10**6, f"X[{k}]")
        m.backend.add_linear([*terms, (m.X[k], -1)], 0, 0, f"type_total[{k}]")


def build_aggregate(
    problem: RosterProblem,
    backend: Backend,
    types: list[ShiftType],
    classes: list[AgentClass],
    *,
    fixed_type_counts: Mapping[int, int] | None = None,
    type_domains: Mapping[int, tuple[int, int]] | None = None,
    coverage_days: frozenset[int] | None = None,
    objective: Objective = "deviation",
    extra_objective: Terms | None = None,
) -> AggregateModel:
    """Build the aggregate model.

    With ``fixed_type_counts`` only activities are free; with ``type_domains`` the type totals
    ``X[k]`` get those bounds and the caller links them to its own variables (no class
    families). ``coverage_days`` restricts the coverage family (and so the objective) to
    those days. ``objective="service_level"`` replaces the coverage family's deviation
    penalties by the service-level family's terms (the problem needs ``demand``). Agents'
    preferences are priced on the class counts
    (:mod:`optimizer.roster.constraints.preferences`); ``extra_objective`` adds the caller's
    own terms (the polish prices its free agents' shift choices there).
    """
    m = AggregateModel(backend, problem, types, classes)
    _add_type_counts(m, fixed_type_counts, type_domains)
    if fixed_type_counts is None and type_domains is None:
        add_working_days(m)
        add_weekly_minutes(m)
        add_shift_mix(m)
        add_rest(m)
        add_consecutive_days(m)
    add_activities(m)
    if objective == "service_level":
        penalties = add_service_level(m, coverage_days)
    else:
        penalties = add_coverage(m, coverage_days)
    _, _, w_paid = scaled_weights(problem)
    paid_terms = [
        (var, w_paid * types[k].paid_min // problem.interval_min) for k, var in m.X.items()
    ]
    backend.minimize(penalties + paid_terms + add_preferences(m, SCALE) + (extra_objective or []))
    return m
