"""Required agents per interval: :func:`required_agents` and :func:`requirements_from_forecast`."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from optimizer.erlang import QueueKpis
from optimizer.errors import InputError, Problem
from optimizer.requirements.results import Requirement, merge_kpis, no_kpis, scheduled
from optimizer.requirements.search_a import search_erlang_a
from optimizer.requirements.search_c import walk_erlang_c
from optimizer.requirements.spec import ServiceGoal, StaffingModel, validated_inputs
from optimizer.requirements.targets import targets_of
from optimizer.validation import FloatArray

__all__ = ["required_agents", "requirements_from_forecast"]

_GOAL = ServiceGoal()  # 80 % within 20 s
_MODEL = StaffingModel()  # Erlang C


def required_agents(
    calls: ArrayLike,
    aht_s: ArrayLike,
    *,
    interval_min: int = 15,
    goal: ServiceGoal = _GOAL,
    model: StaffingModel = _MODEL,
    shrinkage: float = 0.0,
) -> Requirement:
    """Agents needed per interval to meet every target of ``goal`` under ``model``.

    ``calls`` and ``aht_s`` hold one entry per interval of ``interval_min`` minutes (a scalar
    ``aht_s`` applies to all). Zero calls need zero agents. Raises :class:`InputError` listing
    every bad interval/field, :class:`UnreachableTargetError` if no staffing meets the goal.
    """
    c, h = validated_inputs(calls, aht_s, interval_min, goal, model, shrinkage)
    traffic = c * h / (float(interval_min) * 60.0)
    active = np.flatnonzero(traffic > 0)
    targets = targets_of(goal)
    t_s = goal.answer_within_s
    found: tuple[FloatArray, FloatArray, QueueKpis]
    if active.size == 0:
        found = (np.zeros(0), np.zeros(0), merge_kpis(0, active, no_kpis()))
    elif model.kind == "erlang_c":
        found = walk_erlang_c(targets, traffic[active], h[active], t_s)
    else:
        patience = float(model.patience_s or 0.0)
        floor = not model.allow_below_offered_load
        found = search_erlang_a(targets, traffic[active], h[active], t_s, patience, floor)
    whole, fractional = np.zeros(c.size), np.zeros(c.size)
    whole[active], fractional[active] = found[0], found[1]
    at = merge_kpis(c.size, active, found[2])
    return Requirement(
        agents_fractional=fractional,
        agents=whole.astype(np.int64),
        scheduled_fractional=fractional / (1.0 - shrinkage),
        scheduled=scheduled(whole, shrinkage).astype(np.int64),
        service_level=at.service_level,
        service_level_answered=at.service_level_answered,
        asa_s=at.asa_s,
        abandon_rate=at.abandon_rate,
        occupancy=at.occupancy,
        p_wait=at.p_wait,
        model=model.kind,
        calls=c,
        aht_s=h,
        traffic_erl=traffic,
    )


def requirements_from_forecast(
    forecast: pd.DataFrame,
    *,
    interval_min: int = 15,
    goal: ServiceGoal = _GOAL,
    model: StaffingModel = _MODEL,
    shrinkage: float = 0.0,
) -> pd.DataFrame:
    """:func:`required_agents` on a forecast frame (``interval_start``, ``calls``, ``aht_s``);
    returns :meth:`Requirement.to_frame` with ``interval_start``."""
    missing = [col for col in ("interval_start", "calls", "aht_s") if col not in forecast]
    if missing:
        problems = [
            Problem(None, col, "missing_column", f"column {col} is missing") for col in missing
        ]
        raise InputError(problems)
    requirement = required_agents(
        forecast["calls"].to_numpy(dtype=np.float64),
        forecast["aht_s"].to_numpy(dtype=np.float64),
        interval_min=interval_min,
        goal=goal,
        model=model,
        shrinkage=shrinkage,
    )
    return requirement.to_frame(forecast["interval_start"].to_numpy())
