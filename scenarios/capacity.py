"""Capacity plans: project head count and productive hours under a hiring plan (projection
mode), or choose the hiring plan (optimisation mode, :mod:`scenarios.capacity_milp`).

Result frames (one row per week unless stated):

``weekly``: ``week``, ``label``, ``need_hours`` (productive hours required), ``productive_hours``
(expected productive hours supplied), ``gap_hours`` (supplied - need), ``shortfall_hours``,
``surplus_hours``, ``headcount``, ``headcount_training`` (0 % productive),
``headcount_nesting`` (on the ramp), ``headcount_productive`` (100 %), ``paid_hours``,
``paid_fte`` (paid hours / ``fte_hours``), ``need_fte`` and ``productive_fte`` (hours /
(``fte_hours`` x (1 - shrinkage))), ``fte_gap`` (productive - need FTE), ``expected_leavers``
(heads expected to leave at the end of the week), ``hires`` (class starts this week),
``recruiting_starts`` (hires whose recruiting must start this week).

``cohorts``: one row per cohort and week: ``week``, ``cohort``, ``contract``,
``tenure_weeks``, ``headcount``, ``leavers``, ``productivity``, ``productive_hours``,
``paid_hours`` (rows before a class starts are omitted).

``hires`` (the HR view): one row per class and contract: ``class_week``, ``class_label``,
``contract``, ``size``, ``recruiting_start_week``, ``recruiting_start_label``,
``first_productive_week`` (first nesting week), ``full_productivity_week``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scenarios.capacity_model import (
    CapacityPlanInput,
    HireClass,
    validate_hire_plan,
    validate_plan_input,
)
from scenarios.cohorts import CohortSeries, cohort_series, starting_series

__all__ = [
    "CapacityProjection",
    "CostBreakdown",
    "merge_classes",
    "project_plan",
    "weekly_need_hours",
]


@dataclass(frozen=True, slots=True)
class CostBreakdown:
    """Plan cost by component; ``total`` is what the optimiser minimises (plus constants)."""

    hires: float
    paid_hours: float
    shortfall: float
    surplus: float

    @property
    def total(self) -> float:
        return self.hires + self.paid_hours + self.shortfall + self.surplus


@dataclass(frozen=True, slots=True)
class CapacityProjection:
    """Weekly, per-cohort and HR views of one hiring plan (columns in the module docstring)."""

    weekly: pd.DataFrame
    cohorts: pd.DataFrame
    hires: pd.DataFrame
    cost: CostBreakdown


def merge_classes(classes: Sequence[HireClass]) -> tuple[HireClass, ...]:
    """One class per (week, contract) with summed sizes, zero-size classes dropped, sorted."""
    sizes: dict[tuple[int, str], int] = defaultdict(int)
    for cls in classes:
        sizes[(cls.week, cls.contract)] += cls.size
    return tuple(HireClass(w, c, s) for (w, c), s in sorted(sizes.items()) if s > 0)


def _label(inp: CapacityPlanInput, week: int) -> str:
    return (
        inp.week_labels[week]
        if inp.week_labels and 0 <= week < len(inp.week_labels)
        else f"W{week}"
    )


def _all_series(
    inp: CapacityPlanInput, classes: Sequence[HireClass]
) -> list[tuple[str, str, CohortSeries]]:
    out = []
    for cohort in inp.cohorts:
        series = starting_series(inp, cohort)
        out.append((f"{cohort.contract} tenure {cohort.tenure_weeks}w", cohort.contract, series))
    for cls in classes:
        series = cohort_series(
            inp, contract=cls.contract, tenure_at_start=-cls.week, headcount=float(cls.size)
        )
        out.append((f"class {_label(inp, cls.week)} {cls.contract}", cls.contract, series))
    return out


def _cohort_frame(series: list[tuple[str, str, CohortSeries]]) -> pd.DataFrame:
    parts = []
    for label, contract, s in series:
        keep = s.tenure_weeks >= 0
        parts.append(
            pd.DataFrame(
                {
                    "week": np.flatnonzero(keep),
                    "cohort": label,
                    "contract": contract,
                    "tenure_weeks": s.tenure_weeks[keep],
                    "headcount": s.heads[keep],
                    "leavers": s.leavers[keep],
                    "productivity": s.productivity[keep],
                    "productive_hours": s.productive_hours[keep],
                    "paid_hours": s.paid_hours[keep],
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=["week", "cohort", "contract", "tenure_weeks", "headcount"])
    return pd.concat(parts, ignore_index=True).sort_values(["week", "cohort"], ignore_index=True)


def _phase_heads(
    inp: CapacityPlanInput, series: list[tuple[str, str, CohortSeries]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = inp.horizon_weeks
    training, nesting, full = np.zeros(n), np.zeros(n), np.zeros(n)
    for _, _, s in series:
        nest = s.tenure_weeks - inp.hiring.training_weeks
        training += np.where((s.tenure_weeks >= 0) & (nest < 0), s.heads, 0.0)
        nesting += np.where((nest >= 0) & (nest < len(inp.hiring.ramp)), s.heads, 0.0)
        full += np.where(nest >= len(inp.hiring.ramp), s.heads, 0.0)
    return training, nesting, full


def _weekly_frame(
    inp: CapacityPlanInput,
    series: list[tuple[str, str, CohortSeries]],
    classes: Sequence[HireClass],
) -> pd.DataFrame:
    n = inp.horizon_weeks
    need = np.asarray(inp.need_hours, dtype=np.float64)
    productive = sum((s.productive_hours for _, _, s in series), np.zeros(n))
    paid = sum((s.paid_hours for _, _, s in series), np.zeros(n))
    fte_productive_hours = inp.fte_hours * (1.0 - np.asarray(inp.shrinkage_by_week()))
    hires, recruiting = np.zeros(n), np.zeros(n)
    for cls in classes:
        hires[cls.week] += cls.size
        recruiting[cls.week - inp.hiring.lead_time_weeks] += cls.size
    training, nesting, full = _phase_heads(inp, series)
    gap = productive - need
    return pd.DataFrame(
        {
            "week": np.arange(n),
            "label": [_label(inp, w) for w in range(n)],
            "need_hours": need,
            "productive_hours": productive,
            "gap_hours": gap,
            "shortfall_hours": np.maximum(-gap, 0.0),
            "surplus_hours": np.maximum(gap, 0.0),
            "headcount": training + nesting + full,
            "headcount_training": training,
            "headcount_nesting": nesting,
            "headcount_productive": full,
            "paid_hours": paid,
            "paid_fte": paid / inp.fte_hours,
            "need_fte": need / fte_productive_hours,
            "productive_fte": productive / fte_productive_hours,
            "fte_gap": gap / fte_productive_hours,
            "expected_leavers": sum((s.leavers for _, _, s in series), np.zeros(n)),
            "hires": hires,
            "recruiting_starts": recruiting,
        }
    )


def _hires_frame(inp: CapacityPlanInput, classes: Sequence[HireClass]) -> pd.DataFrame:
    hiring = inp.hiring
    rows = [
        {
            "class_week": c.week,
            "class_label": _label(inp, c.week),
            "contract": c.contract,
            "size": c.size,
            "recruiting_start_week": c.week - hiring.lead_time_weeks,
            "recruiting_start_label": _label(inp, c.week - hiring.lead_time_weeks),
            "first_productive_week": c.week + hiring.training_weeks,
            "full_productivity_week": c.week + hiring.training_weeks + len(hiring.ramp),
        }
        for c in classes
    ]
    columns = [
        "class_week",
        "class_label",
        "contract",
        "size",
        "recruiting_start_week",
        "recruiting_start_label",
        "first_productive_week",
        "full_productivity_week",
    ]
    return pd.DataFrame(rows, columns=columns)


def _cost(
    inp: CapacityPlanInput,
    series: list[tuple[str, str, CohortSeries]],
    classes: Sequence[HireClass],
    weekly: pd.DataFrame,
) -> CostBreakdown:
    hire = sum(c.size * inp.contract(c.contract).hire_cost for c in classes)
    paid = sum(
        float(s.paid_hours.sum()) * inp.contract(contract).cost_per_paid_hour
        for _, contract, s in series
    )
    return CostBreakdown(
        hires=float(hire),
        paid_hours=float(paid),
        shortfall=float(weekly["shortfall_hours"].sum()) * inp.costs.under_per_hour,
        surplus=float(weekly["surplus_hours"].sum()) * inp.costs.over_per_hour,
    )


def project_plan(inp: CapacityPlanInput, classes: Sequence[HireClass] = ()) -> CapacityProjection:
    """Projection mode: expected head count, productive hours and gap under ``classes``.

    Raises :class:`scenarios.errors.InputError` naming the field for nonsensical input.
    """
    validate_plan_input(inp)
    validate_hire_plan(inp, classes)
    merged = merge_classes(classes)
    series = _all_series(inp, merged)
    weekly = _weekly_frame(inp, series, merged)
    return CapacityProjection(
        weekly=weekly,
        cohorts=_cohort_frame(series),
        hires=_hires_frame(inp, merged),
        cost=_cost(inp, series, merged, weekly),
    )


def weekly_need_hours(
    requirement: pd.DataFrame,
    *,
    interval_min: int,
    agents_column: str = "agents",
    week_start: str = "W-SUN",
    zone: str = "UTC",
    week_start_day: int | None = None,
) -> pd.Series:
    """Productive hours required per week from a requirement frame (``interval_start`` UTC
    plus ``agents_column``: productive agents, i.e. before shrinkage), indexed by the week's
    first day (a local date in ``zone``). ``week_start_day`` (0 = Monday .. 6 = Sunday: the
    site's first day of the week) or else ``week_start``, a pandas weekly period alias
    (``W-SUN``: weeks Mon..Sun), sets the weeks."""
    if week_start_day is not None:  # weeks ending the day before week_start_day
        week_start = "W-" + ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")[week_start_day - 1]
    starts = pd.to_datetime(requirement["interval_start"], utc=True).dt.tz_convert(zone)
    hours = requirement[agents_column].to_numpy(dtype=np.float64) * interval_min / 60.0
    weeks = starts.dt.tz_localize(None).dt.to_period(week_start).dt.start_time
    return pd.Series(hours, index=weeks.to_numpy()).groupby(level=0).sum()
