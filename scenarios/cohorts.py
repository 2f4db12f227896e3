"""Expected head count, leavers and productive hours of tenure cohorts over a weekly horizon.

Everything is linear in the size of a cohort, which keeps the hiring model a MILP: a class of
``x`` hires contributes ``x`` times the series of a class of one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from scenarios.capacity_model import Attrition, CapacityPlanInput, Cohort, HiringPolicy

__all__ = ["CohortSeries", "attrition_rates", "cohort_series", "productivity"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class CohortSeries:
    """Per week: expected heads present, expected leavers at the end of the week, tenure
    (negative before the class starts), productivity, productive and paid hours."""

    heads: FloatArray
    leavers: FloatArray
    tenure_weeks: IntArray
    productivity: FloatArray
    productive_hours: FloatArray
    paid_hours: FloatArray


def attrition_rates(attrition: Attrition, tenure_weeks: IntArray) -> FloatArray:
    """Weekly attrition rate at each tenure (tenures below 0 get 0)."""
    starts = np.array([b.from_tenure_week for b in attrition.bands], dtype=np.int64)
    rates = np.array([b.weekly_rate for b in attrition.bands], dtype=np.float64)
    band = np.searchsorted(starts, np.maximum(tenure_weeks, 0), side="right") - 1
    return np.where(tenure_weeks >= 0, rates[np.clip(band, 0, None)], 0.0)


def productivity(hiring: HiringPolicy, tenure_weeks: IntArray) -> FloatArray:
    """0 before the class and during training, the nesting ramp, then 1."""
    nesting = tenure_weeks - hiring.training_weeks
    ramp = np.asarray((*hiring.ramp, 1.0), dtype=np.float64)
    step = np.clip(nesting, 0, len(hiring.ramp))
    return np.where(nesting >= 0, ramp[step], 0.0)


def cohort_series(
    inp: CapacityPlanInput, *, contract: str, tenure_at_start: int, headcount: float
) -> CohortSeries:
    """Series of a cohort with ``tenure_at_start`` at week 0 (``-w`` for a class in week w)."""
    horizon = inp.horizon_weeks
    tenure = tenure_at_start + np.arange(horizon, dtype=np.int64)
    rate = attrition_rates(inp.attrition, tenure)
    active = tenure >= 0
    # heads[t] = headcount * prod_{s < t, active} (1 - rate[s]); zero before the start.
    keep = np.where(active, 1.0 - rate, 1.0)
    survival = np.concatenate(([1.0], np.cumprod(keep)[:-1]))
    heads = np.where(active, headcount * survival, 0.0)
    leavers = heads * rate
    prod = productivity(inp.hiring, tenure)
    hours = inp.contract(contract).weekly_hours
    productive_share = 1.0 - np.asarray(inp.shrinkage_by_week(), dtype=np.float64)
    paid = heads * hours
    return CohortSeries(
        heads=heads,
        leavers=leavers,
        tenure_weeks=tenure,
        productivity=prod,
        productive_hours=paid * prod * productive_share,
        paid_hours=paid,
    )


def starting_series(inp: CapacityPlanInput, cohort: Cohort) -> CohortSeries:
    """Series of one of the plan's starting cohorts (its tenure and head count at week 0)."""
    return cohort_series(
        inp,
        contract=cohort.contract,
        tenure_at_start=cohort.tenure_weeks,
        headcount=cohort.headcount,
    )
