"""What a requirement asks for: service targets, the queue model, and their validation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from optimizer.errors import OptimizerError, Problem
from optimizer.validation import (
    MAX_PROBLEMS,
    FloatArray,
    as_array,
    broadcast,
    check_values,
    raise_if,
)

__all__ = ["ServiceGoal", "StaffingModel", "UnreachableTargetError", "validated_inputs"]


class UnreachableTargetError(OptimizerError):
    """No number of agents within a very wide search range meets the targets."""


@dataclass(frozen=True, slots=True)
class ServiceGoal:
    """Service targets; every target that is not ``None`` must be met in every interval.

    ``service_level``: share of calls answered within ``answer_within_s`` seconds, in (0, 1).
    ``service_level_basis``: ``"all_arrivals"`` (answered within T / all arrivals) or
    ``"not_abandoned"`` (over arrivals that did not abandon before T); the same for Erlang C.
    ``max_asa_s``: ceiling on the mean wait of answered calls, seconds (> 0).
    ``max_abandon_rate``: ceiling on the abandoned share, in (0, 1); needs ``erlang_a``.
    ``max_occupancy``: ceiling on the predicted occupancy, in (0, 1].
    """

    service_level: float | None = 0.8
    answer_within_s: float = 20.0
    max_asa_s: float | None = None
    max_abandon_rate: float | None = None
    max_occupancy: float | None = None
    service_level_basis: Literal["all_arrivals", "not_abandoned"] = "all_arrivals"


@dataclass(frozen=True, slots=True)
class StaffingModel:
    """Queue model: ``erlang_c`` (no abandonment) or ``erlang_a`` (exponential patience with
    mean ``patience_s`` seconds, required for ``erlang_a``).

    ``allow_below_offered_load`` (Erlang A only): by default the requirement is at least the
    offered load (``agents >= ceil(A)``, ``agents_fractional >= A``), as planners expect and as
    pyworkforce does. With impatient callers Erlang A can meet a target with fewer agents than
    Erlangs, planning for the abandonment that follows; set ``True`` to take that optimum.
    Erlang C always needs more agents than the offered load."""

    kind: Literal["erlang_c", "erlang_a"] = "erlang_c"
    patience_s: float | None = None
    allow_below_offered_load: bool = False


def _validate_goal(goal: ServiceGoal, problems: list[Problem]) -> None:
    def bad(name: str, message: str) -> None:
        problems.append(Problem(None, name, "out_of_range", message))

    def in_open_unit(value: float | None) -> bool:
        return value is None or (np.isfinite(value) and 0.0 < value < 1.0)

    if not in_open_unit(goal.service_level):
        bad("service_level", "service_level must be a share in (0, 1)")
    if not np.isfinite(goal.answer_within_s) or goal.answer_within_s < 0:
        bad("answer_within_s", "answer_within_s must be >= 0 seconds")
    if goal.max_asa_s is not None and not (np.isfinite(goal.max_asa_s) and goal.max_asa_s > 0):
        bad("max_asa_s", "max_asa_s must be > 0 seconds")
    if not in_open_unit(goal.max_abandon_rate):
        bad("max_abandon_rate", "max_abandon_rate must be a share in (0, 1)")
    occ = goal.max_occupancy
    if occ is not None and not (np.isfinite(occ) and 0.0 < occ <= 1.0):
        bad("max_occupancy", "max_occupancy must be in (0, 1]")
    if goal.service_level_basis not in ("all_arrivals", "not_abandoned"):
        bad("service_level_basis", "service_level_basis must be all_arrivals or not_abandoned")
    targets = (goal.service_level, goal.max_asa_s, goal.max_abandon_rate, goal.max_occupancy)
    if all(target is None for target in targets):
        problems.append(Problem(None, "goal", "required", "the goal sets no target"))


def _validate_model(
    model: StaffingModel, goal: ServiceGoal, shrinkage: float, problems: list[Problem]
) -> None:
    if model.kind not in ("erlang_c", "erlang_a"):
        msg = f"unknown model {model.kind!r}: use erlang_c or erlang_a"
        problems.append(Problem(None, "model", "unknown", msg))
    if model.kind == "erlang_a":
        patience = model.patience_s
        if patience is None:
            msg = "erlang_a needs patience_s (mean patience, seconds)"
            problems.append(Problem(None, "patience_s", "required", msg))
        elif not (np.isfinite(patience) and patience > 0):
            problems.append(Problem(None, "patience_s", "out_of_range", "patience_s must be > 0"))
    if model.kind == "erlang_c" and goal.max_abandon_rate is not None:
        msg = "erlang_c predicts no abandonment: use model erlang_a for max_abandon_rate"
        problems.append(Problem(None, "max_abandon_rate", "needs_erlang_a", msg))
    if not (np.isfinite(shrinkage) and 0.0 <= shrinkage < 1.0):
        problems.append(Problem(None, "shrinkage", "out_of_range", "shrinkage must be in [0, 1)"))


def validated_inputs(
    calls: ArrayLike,
    aht_s: ArrayLike,
    interval_min: int,
    goal: ServiceGoal,
    model: StaffingModel,
    shrinkage: float,
) -> tuple[FloatArray, FloatArray]:
    """Calls and AHT as arrays of one length; raises one :class:`InputError` listing every
    bad interval, field and parameter."""
    c, h = broadcast({"calls": as_array(calls), "aht_s": as_array(aht_s)})
    problems: list[Problem] = []
    check_values(problems, c, "calls", allow_zero=True)
    check_values(problems, h, "aht_s", allow_zero=False)
    if not (isinstance(interval_min, int | np.integer) and interval_min > 0):
        msg = "interval_min must be a positive whole number of minutes"
        problems.append(Problem(None, "interval_min", "out_of_range", msg))
    _validate_goal(goal, problems)
    _validate_model(model, goal, shrinkage, problems)
    raise_if(problems[: MAX_PROBLEMS + 1])
    return c, h
