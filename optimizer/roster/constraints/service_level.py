"""Service-level family: reward agents on the phone by the calls they get answered in time.

Used instead of the coverage family when the objective is ``"service_level"``. In an interval
with ``calls`` expected calls, ``G(k) = calls * SL(k)`` is the expected number of calls answered
within ``answer_within_s`` with ``k`` agents on the phone (Erlang C, :mod:`optimizer.erlang`).
The gain of the k-th agent, ``G(k) - G(k-1)``, is not concave in ``k``: SL is 0 up to the
offered load, then jumps. The model therefore uses the **upper concave envelope** (concave
majorant) ``Ĝ`` of the points ``(k, G(k))`` for ``k < K`` and ``(K, calls)``, where ``K`` (the
saturation) is the first ``k >= 1`` at which the calls still missing the threshold are worth less
than half a scaled unit. ``Ĝ >= G`` for every ``k >= 0`` (``Ĝ = calls`` from ``K`` on), and
``Ĝ = G`` at the envelope's breakpoints. Its slopes, in scaled cost units per agent, are rounded
**up** to integers (rounding up keeps them non-increasing, so the scaled value ``V(k)`` stays
concave and still majorises ``SCALE * w * G``) and equal slopes are merged into one segment.

Per interval: ``staffed = sum_j z[j] + beyond`` with integer ``z[j]`` in ``[0, L_j]`` (segment
``j``: ``L_j`` agents at slope ``S_j``) and ``beyond >= 0`` (agents past the saturation,
charged the instance's over-staffing weight). The terms minimised are ``-S_j z[j]`` and
``W_over beyond``; a fixed variable carries the constant ``floor(SCALE * w * calls)`` so that the
objective is, in cost units::

    paid cost + w_over * sum max(0, staffed - K) + w * sum (calls - V(staffed) / (SCALE w))

i.e. paid cost + over-saturation penalty + ``w`` x envelope *late calls* (calls not answered
within the threshold). As slopes decrease and the objective maximises value, any optimum (LP
or integer) fills the segments in order, so the model's value of ``k`` agents is exactly
``V(k)``: the LP relaxation is a lower bound on this objective for every valid roster, and,
since ``V >= SCALE w G``, also on the same objective with the exact Erlang C curve.

``w`` (cost per late call) is ``ObjectiveWeights.per_late_call`` or, by default, the instance's
under-coverage weight per agent-interval divided by the calls one agent handles in an interval
(``interval_s / aht_s``).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from optimizer.erlang import erlang_c_kpis
from optimizer.errors import InputError, Problem
from optimizer.roster.backend import Terms
from optimizer.roster.constraints.coverage import coverage_terms
from optimizer.roster.model import SCALE, AggregateModel, scaled_weights
from optimizer.roster.problem import DemandData, RosterProblem

__all__ = [
    "ServiceCurve",
    "add_service_level",
    "answered_within",
    "concave_majorant",
    "late_call_weight",
    "require_demand",
    "scaled_service_objective",
    "service_curve",
    "service_curves",
    "service_level_hints",
]

Cell = tuple[int, int]


@dataclass(frozen=True, slots=True)
class ServiceCurve:
    """Scaled concave value of ``k`` agents in one interval: segments of ``lengths[j]`` agents
    worth ``slopes[j]`` each (non-increasing, positive)."""

    calls: float
    slopes: tuple[int, ...]
    lengths: tuple[int, ...]

    @property
    def saturation(self) -> int:
        """Agents from which more agents add no value (``K``)."""
        return sum(self.lengths)

    def fill(self, agents: int) -> list[int]:
        """Agents per segment for ``agents`` on the phone (segments in order)."""
        out, left = [], max(0, agents)
        for length in self.lengths:
            out.append(min(length, left))
            left -= out[-1]
        return out

    def value(self, agents: int) -> int:
        """``V(agents)``, scaled cost units."""
        return sum(s * z for s, z in zip(self.slopes, self.fill(agents), strict=True))


def late_call_weight(problem: RosterProblem) -> float:
    """Cost units per call not answered within the threshold (see the module docstring)."""
    demand = require_demand(problem)
    weight = problem.weights.per_late_call
    if weight is None:
        weight = (
            problem.weights.under_per_agent_interval * demand.aht_s / (problem.interval_min * 60)
        )
    if not (math.isfinite(weight) and weight > 0):
        raise InputError(
            [
                Problem(
                    None, "objective.per_late_call", "range", "the cost per late call must be > 0"
                )
            ]
        )
    return weight


def require_demand(problem: RosterProblem) -> DemandData:
    """``problem.demand`` checked for the service-level objective (``InputError`` naming
    ``demand`` when it is missing or does not match the requirement's grid)."""
    demand = problem.demand
    if demand is None:
        raise InputError(
            [Problem(None, "demand", "missing", "the service-level objective needs demand data "
                     "(calls per interval, AHT, answer-within threshold)")]
        )  # fmt: skip
    shape = (problem.days, problem.intervals_per_day)
    calls = np.asarray(demand.calls, dtype=np.float64)
    problems = []
    if calls.shape != shape:
        problems.append(Problem(None, "demand.calls", "shape", f"{calls.shape} != {shape}"))
    elif not np.all(np.isfinite(calls)) or np.any(calls < 0):
        problems.append(Problem(None, "demand.calls", "range", "calls must be finite and >= 0"))
    elif calls.sum() <= 0:
        problems.append(Problem(None, "demand.calls", "no_calls", "no calls in the horizon"))
    if not (math.isfinite(demand.aht_s) and demand.aht_s > 0):
        problems.append(Problem(None, "demand.aht_s", "range", "AHT must be positive"))
    if not (math.isfinite(demand.answer_within_s) and demand.answer_within_s >= 0):
        problems.append(Problem(None, "demand.answer_within_s", "range", "must be >= 0"))
    if problems:
        raise InputError(problems)
    return demand


def answered_within(
    calls: float, aht_s: float, agents: NDArray[np.float64], interval_s: float, within_s: float
) -> NDArray[np.float64]:
    """``G(k) = calls * SL(k)``: calls answered within ``within_s`` for each ``agents`` value."""
    kpis = erlang_c_kpis(
        np.full(agents.shape, calls), aht_s, agents, interval_s=interval_s, answer_within_s=within_s
    )
    return calls * np.asarray(kpis.service_level, dtype=np.float64)


def concave_majorant(values: Sequence[float]) -> list[int]:
    """Indices of the vertices of the upper concave envelope of ``(k, values[k])``."""
    hull: list[int] = []
    for k, v in enumerate(values):
        while len(hull) >= 2:
            i, j = hull[-2], hull[-1]
            # drop j when it lies on or below the chord from i to k
            if (values[j] - values[i]) * (k - i) <= (v - values[i]) * (j - i):
                hull.pop()
            else:
                break
        hull.append(k)
    return hull


def _saturation_points(
    calls: float, aht_s: float, interval_s: float, within_s: float, tolerance: float
) -> NDArray[np.float64]:
    """``G(k)`` for ``k = 0..K-1`` followed by ``calls`` at ``K`` (the saturation)."""
    load = calls * aht_s / interval_s
    top = math.ceil(load + 6 * math.sqrt(load) + 10)
    while True:
        g = answered_within(calls, aht_s, np.arange(top + 1, dtype=np.float64), interval_s,
                            within_s)  # fmt: skip
        done = np.flatnonzero(calls - g < tolerance)
        done = done[done >= 1]
        if done.size:
            k_sat = int(done[0])
            return np.append(g[:k_sat], calls)
        top *= 2


def service_curve(
    calls: float, aht_s: float, interval_s: float, within_s: float, weight_scaled: float
) -> ServiceCurve:
    """The scaled envelope of one interval; ``weight_scaled`` = ``SCALE`` x cost per late call."""
    points = _saturation_points(calls, aht_s, interval_s, within_s, 0.5 / weight_scaled)
    hull = concave_majorant(points.tolist())
    slopes: list[int] = []
    lengths: list[int] = []
    for i, j in itertools.pairwise(hull):
        slope = max(1, math.ceil(weight_scaled * (points[j] - points[i]) / (j - i)))
        if slopes and slopes[-1] == slope:
            lengths[-1] += j - i
        else:
            slopes.append(slope)
            lengths.append(j - i)
    return ServiceCurve(calls, tuple(slopes), tuple(lengths))


def service_curves(problem: RosterProblem) -> dict[Cell, ServiceCurve]:
    """The curve of every interval with calls."""
    demand = require_demand(problem)
    weight = late_call_weight(problem) * SCALE
    interval_s = problem.interval_min * 60.0
    out = {}
    for d, row in enumerate(demand.calls):
        for t, calls in enumerate(row):
            if calls > 0:
                out[d, t] = service_curve(
                    calls, demand.aht_s, interval_s, demand.answer_within_s, weight
                )
    return out


def _offset(problem: RosterProblem, days: frozenset[int] | None) -> int:
    """``floor(SCALE * w * calls)`` over ``days`` (all by default)."""
    demand = require_demand(problem)
    total = sum(sum(row) for d, row in enumerate(demand.calls) if days is None or d in days)
    return math.floor(SCALE * late_call_weight(problem) * total)


def add_service_level(m: AggregateModel, days: frozenset[int] | None = None) -> Terms:
    """Segment variables per interval (on ``days``, default all); returns the objective terms
    (negative values of the segments, over-saturation penalties and the constant)."""
    curves = service_curves(m.problem)
    _, w_over, _ = scaled_weights(m.problem)
    terms: Terms = []
    for (d, t), staffed in sorted(coverage_terms(m).items()):
        if days is not None and d not in days:
            continue
        curve = curves.get((d, t))
        zs = []
        if curve is not None:
            for j, (slope, length) in enumerate(zip(curve.slopes, curve.lengths, strict=True)):
                zs.append(m.backend.int_var(0, length, f"sl_z[{d},{t},{j}]"))
                terms.append((zs[-1], -slope))
        beyond = m.backend.int_var(0, 10**6, f"sl_beyond[{d},{t}]")
        m.sl_z[d, t], m.sl_beyond[d, t] = zs, beyond
        terms.append((beyond, w_over))
        link = [*staffed, *((z, -1) for z in zs), (beyond, -1)]
        m.backend.add_linear(link, 0, 0, f"service[{d},{t}]")
    constant = m.backend.int_var(1, 1, "sl_constant")
    terms.append((constant, _offset(m.problem, days)))
    return terms


def service_level_hints(m: AggregateModel, staffed: NDArray[np.int64]) -> list[tuple[Any, int]]:
    """Values of the family's variables for ``staffed`` agents (empty without the family)."""
    if not m.sl_beyond:
        return []
    curves = service_curves(m.problem)
    out: list[tuple[Any, int]] = []
    for (d, t), beyond in m.sl_beyond.items():
        k = int(staffed[d, t])
        curve = curves.get((d, t))
        fill = curve.fill(k) if curve is not None else []
        out += list(zip(m.sl_z[d, t], fill, strict=True))
        out.append((beyond, k - sum(fill)))
    return out


def scaled_service_objective(
    problem: RosterProblem,
    staffed: NDArray[np.int64],
    days: frozenset[int] | None = None,
    curves: Mapping[Cell, ServiceCurve] | None = None,
) -> int:
    """The family's part of the objective (everything but paid time) for ``staffed`` on
    ``days``, in scaled units: what the model's optimum charges for this coverage."""
    curves = service_curves(problem) if curves is None else curves
    _, w_over, _ = scaled_weights(problem)
    total = _offset(problem, days)
    for d in range(problem.days):
        if days is not None and d not in days:
            continue
        for t in range(problem.intervals_per_day):
            k = int(staffed[d, t])
            curve = curves.get((d, t))
            if curve is None:
                total += w_over * k
            else:
                total += w_over * max(0, k - curve.saturation) - curve.value(k)
    return total
