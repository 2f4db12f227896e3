"""Coverage and cost of a roster, computed from its shifts exactly as the instance defines.

``staffed[d][t]`` counts agents whose shift covers interval ``t`` and who are not on a break
or lunch; the cost is ``under * sum max(0, req - staffed) + over * sum max(0, staffed - req)
+ paid * paid agent-intervals``. :func:`evaluate_service_level` computes the service-level
objective (:mod:`optimizer.roster.constraints.service_level`) and the predicted service level
(Erlang C on the agents on the phone, call-weighted per day and week).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from optimizer.erlang import erlang_c_kpis
from optimizer.roster.constraints.service_level import (
    late_call_weight,
    require_demand,
    scaled_service_objective,
    service_curves,
)
from optimizer.roster.model import SCALE, Objective, scaled_weights
from optimizer.roster.problem import Roster, RosterProblem

__all__ = [
    "RosterKpis",
    "ServiceLevelKpis",
    "evaluate_roster",
    "evaluate_service_level",
    "objective_cost",
    "preference_cost",
    "staffed_matrix",
]


@dataclass(frozen=True, slots=True)
class RosterKpis:
    """Cost and its parts. ``under``/``over`` in agent-intervals; paid time in hours;
    ``preference_cost``: agents' wishes not granted, priced by their weights (part of
    ``cost``); ``preference_misses``: shifts that cost a preference penalty."""

    cost: float
    under_agent_intervals: int
    over_agent_intervals: int
    paid_agent_intervals: int
    paid_hours: float
    preference_cost: float = 0.0
    preference_misses: int = 0


@dataclass(frozen=True, slots=True)
class ServiceLevelKpis:
    """Service-level objective and predicted service level of a roster (Erlang C).

    ``objective``: the service-level objective as optimised (cost units: paid cost +
    over-saturation penalty + ``late_call_weight`` x ``late_calls``, ``late_calls`` measured on
    the concave envelope); ``objective_erlang``: the same with the exact Erlang C curve
    (``late_calls_erlang``), never below ``objective`` by more than 0.001 (rounding of the
    constant). ``service_level_by_day``/``service_level_week``: calls answered within the
    threshold / calls (1.0 where there are no calls).
    """

    objective: float
    objective_erlang: float
    calls: float
    late_calls: float
    late_calls_erlang: float
    late_call_weight: float
    over_saturation_agent_intervals: int
    service_level_by_day: tuple[float, ...]
    service_level_week: float


def staffed_matrix(problem: RosterProblem, roster: Roster) -> NDArray[np.int64]:
    """Agents on the phone per day and interval (days x intervals per day); the part of an
    overnight shift past midnight counts on the next day (past the last day: not counted)."""
    return staffed_grid(roster, problem.days, problem.interval_min)


def staffed_grid(roster: Roster, days: int, interval_min: int) -> NDArray[np.int64]:
    """:func:`staffed_matrix` on a grid of ``days`` days of ``interval_min``-minute intervals
    (no problem needed: e.g. a published week whose shifts come from several rosters)."""
    per_day = 1440 // interval_min  # as RosterProblem.intervals_per_day
    flat = np.zeros((days + 1) * per_day, dtype=np.int64)
    for s in roster.shifts:
        at = s.day * per_day
        flat[at + s.start_min // interval_min : at + s.end_min // interval_min] += 1
        for a in s.activities:
            flat[at + a.start_min // interval_min : at + a.end_min // interval_min] -= 1
    staffed: NDArray[np.int64] = flat[: days * per_day].reshape(days, per_day)
    return staffed


def evaluate_roster(problem: RosterProblem, roster: Roster) -> RosterKpis:
    """Cost of ``roster`` under the problem's objective weights."""
    req = np.asarray(problem.requirement, dtype=np.int64)
    staffed = staffed_matrix(problem, roster)
    under = int(np.maximum(req - staffed, 0).sum())
    over = int(np.maximum(staffed - req, 0).sum())
    paid_min = sum(s.paid_min(problem.rules) for s in roster.shifts)
    paid_intervals = paid_min // problem.interval_min
    w = problem.weights
    cost = (
        w.under_per_agent_interval * under
        + w.over_per_agent_interval * over
        + w.paid_per_agent_interval * paid_intervals
    )
    pref_cost, misses = preference_cost(problem, roster)
    cost += pref_cost
    return RosterKpis(
        round(cost, 9), under, over, paid_intervals, paid_min / 60, round(pref_cost, 9), misses
    )


def preference_cost(problem: RosterProblem, roster: Roster) -> tuple[float, int]:
    """Total preference penalty of ``roster`` and the number of shifts that carry one."""
    prefs = {a.id: a.preferences for a in problem.agents if a.preferences.active}
    total, misses = 0.0, 0
    for s in roster.shifts:
        p = prefs.get(s.agent)
        penalty = p.shift_cost(s.day, s.start_min) if p is not None else 0.0
        if penalty > 0:
            total += penalty
            misses += 1
    return total, misses


def evaluate_service_level(problem: RosterProblem, roster: Roster) -> ServiceLevelKpis:
    """Service-level objective and predicted SL of ``roster`` (``InputError`` naming ``demand``
    when the problem has no usable demand data)."""
    demand = require_demand(problem)
    weight = late_call_weight(problem)
    curves = service_curves(problem)
    staffed = staffed_matrix(problem, roster)
    calls = np.asarray(demand.calls, dtype=np.float64)
    sl = erlang_c_kpis(
        calls.ravel(), demand.aht_s, staffed.ravel().astype(np.float64),
        interval_s=problem.interval_min * 60.0, answer_within_s=demand.answer_within_s,
    ).service_level  # fmt: skip
    answered = calls * np.asarray(sl, dtype=np.float64).reshape(calls.shape)
    paid = sum(s.paid_min(problem.rules) for s in roster.shifts) // problem.interval_min
    _, _, w_paid = scaled_weights(problem)
    scaled = scaled_service_objective(problem, staffed, curves=curves) + w_paid * paid
    scaled += round(preference_cost(problem, roster)[0] * SCALE)
    envelope = sum(curve.value(int(staffed[d, t])) for (d, t), curve in curves.items())
    over = sum(
        max(0, int(staffed[d, t]) - (c.saturation if (c := curves.get((d, t))) else 0))
        for d in range(problem.days)
        for t in range(problem.intervals_per_day)
    )
    late_erlang = float((calls - answered).sum())
    fixed = problem.weights.paid_per_agent_interval * paid + preference_cost(problem, roster)[0]
    fixed += problem.weights.over_per_agent_interval * over
    by_day = tuple(
        float(answered[d].sum() / calls[d].sum()) if calls[d].sum() > 0 else 1.0
        for d in range(problem.days)
    )
    total = float(calls.sum())
    return ServiceLevelKpis(
        objective=scaled / SCALE,
        objective_erlang=fixed + weight * late_erlang,
        calls=total,
        late_calls=total - envelope / (SCALE * weight),
        late_calls_erlang=late_erlang,
        late_call_weight=weight,
        over_saturation_agent_intervals=over,
        service_level_by_day=by_day,
        service_level_week=float(answered.sum() / total) if total > 0 else 1.0,
    )


def objective_cost(problem: RosterProblem, roster: Roster, objective: Objective) -> float:
    """The figure a solve with ``objective`` minimises, for ``roster``: the instance cost, or
    the service-level objective."""
    if objective == "service_level":
        return evaluate_service_level(problem, roster).objective
    return evaluate_roster(problem, roster).cost
