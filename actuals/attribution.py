"""Variance attribution: why the actual service level differed from the plan.

Four factors move an interval from its plan to what happened:

* ``volume``: calls, forecast -> actual offered;
* ``handle_time``: mean handle time, planned -> actual;
* ``staffing``: agents on the roster, requirement -> rostered (net of shrinkage);
* ``attendance``: agents present, rostered (net of shrinkage) -> actually staffed.

Agents in a coalition ``S`` of factors are
``required + [staffing in S] (rostered - required) + [attendance in S] (staffed - rostered)``,
calls and handle time are actual when their factor is in ``S`` and planned otherwise.
``v(S)`` is the queueing model's service level (``optimizer.erlang.queue_kpis``) with those
inputs; over several intervals ``v(S) = sum calls_S * SL_S / sum calls_S``. The part of
factor ``i`` is its Shapley value ``sum_{S not i} |S|! (3 - |S|)! / 4! (v(S + i) - v(S))``,
so the four parts sum exactly to ``v(all) - v(none)``: the model's SL at the actual inputs
minus its SL at the plan met as required. ``model_gap`` is the measured SL minus ``v(all)``
(what the model does not explain: arrivals within the interval, patience, routing), so
``sum(parts) + model_gap = measured SL - v(none)``, exactly.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from actuals.types import FloatArray
from optimizer.erlang import queue_kpis

FACTORS = ("volume", "handle_time", "staffing", "attendance")
COALITIONS: tuple[frozenset[str], ...] = tuple(
    frozenset(c) for r in range(5) for c in itertools.combinations(FACTORS, r)
)


@dataclass(frozen=True, slots=True)
class QueueModel:
    """The queueing model the plan used: ``erlang_c`` or ``erlang_a`` (with ``patience_s``)."""

    kind: Literal["erlang_c", "erlang_a"]
    interval_min: int
    answer_within_s: float
    patience_s: float | None = None
    measure: str = "service_level"  # or "service_level_answered" (see SlBasis.model_measure)


@dataclass(frozen=True, slots=True)
class IntervalInputs:
    """Planned and actual inputs per interval (agents net of shrinkage, i.e. on the phones)."""

    forecast_calls: FloatArray
    planned_aht_s: FloatArray
    required_agents: FloatArray
    rostered_agents: FloatArray
    actual_calls: FloatArray
    actual_aht_s: FloatArray
    staffed_agents: FloatArray


@dataclass(frozen=True, slots=True)
class Attribution:
    """One group's decomposition (service levels as fractions)."""

    baseline_sl: float  # v(none): the plan met as required
    modelled_sl: float  # v(all): the model at the actual inputs
    measured_sl: float
    parts: dict[str, float]  # factor -> Shapley part
    model_gap: float

    @property
    def total(self) -> float:
        return self.measured_sl - self.baseline_sl


def coalition_inputs(
    inputs: IntervalInputs, members: frozenset[str]
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Calls, handle time and agents of the coalition ``members``."""
    calls = inputs.actual_calls if "volume" in members else inputs.forecast_calls
    aht = inputs.actual_aht_s if "handle_time" in members else inputs.planned_aht_s
    agents = inputs.required_agents.copy()
    if "staffing" in members:
        agents = agents + inputs.rostered_agents - inputs.required_agents
    if "attendance" in members:
        agents = agents + inputs.staffed_agents - inputs.rostered_agents
    return calls, aht, np.clip(agents, 0.0, None)


def coalition_values(inputs: IntervalInputs, model: QueueModel) -> dict[frozenset[str], tuple]:
    """Per coalition: (calls, expected calls answered within the threshold), per interval."""
    out = {}
    for members in COALITIONS:
        calls, aht, agents = coalition_inputs(inputs, members)
        kpis = queue_kpis(
            model.kind, calls, aht, agents, interval_s=model.interval_min * 60.0,
            answer_within_s=model.answer_within_s, patience_s=model.patience_s,
        )  # fmt: skip
        out[members] = (calls, calls * getattr(kpis, model.measure))
    return out


def shapley(values: dict[frozenset[str], float]) -> dict[str, float]:
    """Shapley value of each factor of ``FACTORS`` for the game ``values`` (all 16 subsets)."""
    n = len(FACTORS)
    parts = {}
    for factor in FACTORS:
        total = 0.0
        for members in values:
            if factor in members:
                continue
            weight = math.factorial(len(members)) * math.factorial(n - len(members) - 1)
            total += weight / math.factorial(n) * (values[members | {factor}] - values[members])
        parts[factor] = total
    return parts


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator > 0 else 1.0


def attribute(
    values: dict[frozenset[str], tuple], mask: np.ndarray, measured_sl: float
) -> Attribution:
    """The decomposition of the intervals selected by ``mask`` (one day, one interval...)."""
    game = {
        members: _ratio(float(np.sum(within[mask])), float(np.sum(calls[mask])))
        for members, (calls, within) in values.items()
    }
    everything = frozenset(FACTORS)
    return Attribution(
        baseline_sl=game[frozenset()],
        modelled_sl=game[everything],
        measured_sl=measured_sl,
        parts=shapley(game),
        model_gap=measured_sl - game[everything],
    )


def attribution_frame(
    values: dict[frozenset[str], tuple], groups: pd.Series, measured: pd.Series
) -> pd.DataFrame:
    """One row per group label (``groups`` per interval, ``measured`` SL per label): baseline,
    modelled and measured SL, one column per factor, ``model_gap`` and ``total``."""
    rows = []
    labels = np.asarray(groups)
    for label in pd.unique(labels):
        result = attribute(values, labels == label, float(measured[label]))
        sls = {"baseline_sl": result.baseline_sl, "modelled_sl": result.modelled_sl}
        tail = {"model_gap": result.model_gap, "total": result.total}
        rows.append({"group": label, **sls, "measured_sl": result.measured_sl,
                     **result.parts, **tail})  # fmt: skip
    return pd.DataFrame(rows)
