"""Risk of a hiring plan: the need's band and random attrition.

Attrition scenarios: ``paths`` Monte Carlo paths in which every head of every cohort (starting
staff and planned classes) leaves at the end of a week with the tenure's weekly rate
(binomial leavers; the expected-value plan uses the mean). Per week the P10/P50/P90 of the
paths' productive hours are the *low*, *median* and *high attrition* supplies (P90 attrition is
the P10 supply). For each scenario: leavers over the horizon, weeks short of the need (P50)
and of the need's upper bound, and the FTE-weeks short of the need.

Frame ``risk`` (one row per scenario: ``expected``, ``attrition_p10``, ``attrition_p50``,
``attrition_p90``): ``scenario``, ``leavers``, ``weeks_short``, ``short_fte_weeks``,
``weeks_short_of_need_hi``; ``supply`` per week: ``week``, ``productive_hours`` (expected),
``productive_hours_p10``/``_p50``/``_p90`` (supply quantiles), ``need_hours``,
``need_hours_hi``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from scenarios.capacity import merge_classes, project_plan
from scenarios.capacity_model import CapacityPlanInput, HireClass
from scenarios.cohorts import attrition_rates, productivity

__all__ = ["PlanRisk", "plan_risk"]

FloatArray = NDArray[np.float64]
SHORT_TOLERANCE = 0.005


@dataclass(frozen=True, slots=True)
class PlanRisk:
    """Scenario table and weekly supply quantiles (columns in the module docstring)."""

    risk: pd.DataFrame
    supply: pd.DataFrame
    paths: int


def _simulate(
    inp: CapacityPlanInput,
    tenure0: int,
    heads0: int,
    hours: float,
    rng: np.random.Generator,
    paths: int,
) -> tuple[FloatArray, FloatArray]:
    """Productive hours (paths x weeks) and leavers (paths) of one cohort."""
    n = inp.horizon_weeks
    tenure = tenure0 + np.arange(n, dtype=np.int64)
    rate = attrition_rates(inp.attrition, tenure)
    share = productivity(inp.hiring, tenure) * (1.0 - np.asarray(inp.shrinkage_by_week()))
    heads = np.zeros((paths, n))
    current = np.full(paths, heads0, dtype=np.int64)
    leavers = np.zeros(paths)
    for t in range(n):
        if tenure[t] < 0:
            continue
        heads[:, t] = current
        gone = rng.binomial(current, rate[t])
        leavers += gone
        current = current - gone
    return heads * hours * share, leavers


def _paths(
    inp: CapacityPlanInput, classes: Sequence[HireClass], paths: int, seed: int
) -> tuple[FloatArray, FloatArray]:
    rng = np.random.default_rng(seed)
    supply = np.zeros((paths, inp.horizon_weeks))
    leavers = np.zeros(paths)
    cohorts = [(c.tenure_weeks, round(c.headcount), c.contract) for c in inp.cohorts]
    cohorts += [(-c.week, c.size, c.contract) for c in classes]
    for tenure0, heads0, contract in cohorts:
        hours = inp.contract(contract).weekly_hours
        s, gone = _simulate(inp, tenure0, int(heads0), hours, rng, paths)
        supply += s
        leavers += gone
    return supply, leavers


def _row(
    name: str,
    supply: FloatArray,
    leavers: float,
    need: FloatArray,
    need_hi: FloatArray,
    fte: FloatArray,
) -> dict[str, object]:
    short = np.maximum(need - supply, 0.0)
    return {
        "scenario": name,
        "leavers": float(leavers),
        "weeks_short": int(np.sum(short > np.maximum(SHORT_TOLERANCE * need, 1e-6))),
        "short_fte_weeks": float((short / fte).sum()),
        "weeks_short_of_need_hi": int(np.sum(supply < need_hi * (1.0 - SHORT_TOLERANCE))),
    }


def plan_risk(
    inp: CapacityPlanInput, classes: Sequence[HireClass], *,
    need_hours_hi: Sequence[float] | None = None, paths: int = 400, seed: int = 0,
) -> PlanRisk:  # fmt: skip
    """The plan ``classes`` on ``inp`` against attrition scenarios and the need's upper bound
    (``need_hours_hi``; the need itself when not given)."""
    merged = merge_classes(classes)
    weekly = project_plan(inp, merged).weekly
    need = weekly["need_hours"].to_numpy(dtype=np.float64)
    need_hi = need if need_hours_hi is None else np.asarray(need_hours_hi, dtype=np.float64)
    fte = inp.fte_hours * (1.0 - np.asarray(inp.shrinkage_by_week()))
    supply, leavers = _paths(inp, merged, paths, seed)
    expected = weekly["productive_hours"].to_numpy(dtype=np.float64)
    quantiles = {q: np.quantile(supply, q / 100.0, axis=0) for q in (10, 50, 90)}
    rows = [_row("expected", expected, float(weekly["expected_leavers"].sum()), need, need_hi, fte)]
    for name, q, lq in (
        ("attrition_p10", 90, 10),
        ("attrition_p50", 50, 50),
        ("attrition_p90", 10, 90),
    ):
        rows.append(_row(name, quantiles[q], float(np.percentile(leavers, lq)), need, need_hi, fte))
    frame = pd.DataFrame(
        {
            "week": np.arange(inp.horizon_weeks),
            "productive_hours": expected,
            **{f"productive_hours_p{q}": v for q, v in quantiles.items()},
            "need_hours": need,
            "need_hours_hi": need_hi,
        }
    )
    return PlanRisk(pd.DataFrame(rows), frame, paths)
