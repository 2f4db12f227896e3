"""Capacity plans: hand-checked projection, optimiser vs brute force, validation."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from scenarios.capacity import project_plan, weekly_need_hours
from scenarios.capacity_milp import MilpSettings, optimise_plan
from scenarios.capacity_model import (
    Attrition,
    AttritionBand,
    CapacityCosts,
    CapacityPlanInput,
    Cohort,
    ContractType,
    HireClass,
    HiringPolicy,
    annual_to_weekly,
)
from scenarios.errors import InputError


def eight_weeks(**changes: object) -> CapacityPlanInput:
    base = CapacityPlanInput(
        need_hours=(300.0,) * 8,
        contracts=(ContractType("ft", 40.0, hire_cost=1000.0),),
        cohorts=(Cohort("ft", tenure_weeks=52, headcount=10.0),),
        attrition=Attrition.flat(0.10),
        hiring=HiringPolicy(lead_time_weeks=1, training_weeks=2, ramp=(0.5,), class_size_max=10),
        costs=CapacityCosts(under_per_hour=50.0, over_per_hour=20.0),
        shrinkage=0.25,
    )
    import dataclasses

    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_eight_week_projection_by_hand() -> None:
    # 10 tenured agents, 10 %/week attrition, 40 h, 25 % shrinkage: 30 productive h/head.
    # One class of 4 in week 2: training weeks 2-3 (0 %), nesting week 4 (50 %), then 100 %.
    result = project_plan(eight_weeks(), [HireClass(week=2, contract="ft", size=4)])
    weekly = result.weekly
    existing = [10, 9, 8.1, 7.29, 6.561, 5.9049, 5.31441, 4.782969]
    klass = [0, 0, 4, 3.6, 3.24, 2.916, 2.6244, 2.36196]
    assert weekly["headcount"].tolist() == pytest.approx(
        [a + b for a, b in zip(existing, klass, strict=True)]
    )
    # 30 h x (existing + productivity x class heads)
    productive = [
        300,
        270,
        243,
        218.7,
        30 * (6.561 + 0.5 * 3.24),
        30 * (5.9049 + 2.916),
        30 * (5.31441 + 2.6244),
        30 * (4.782969 + 2.36196),
    ]
    assert weekly["productive_hours"].tolist() == pytest.approx(productive)
    assert productive[4] == pytest.approx(245.43)
    assert weekly["headcount_training"].tolist() == pytest.approx([0, 0, 4, 3.6, 0, 0, 0, 0])
    assert weekly["headcount_nesting"].tolist() == pytest.approx([0, 0, 0, 0, 3.24, 0, 0, 0])
    # leavers = 10 % of the heads present in the week
    assert weekly["expected_leavers"].iloc[3] == pytest.approx(0.729 + 0.36)
    assert weekly["hires"].tolist() == [0, 0, 4, 0, 0, 0, 0, 0]
    assert weekly["recruiting_starts"].tolist() == [0, 4, 0, 0, 0, 0, 0, 0]
    assert weekly["need_fte"].tolist() == pytest.approx([10.0] * 8)  # 300 / (40 x 0.75)
    assert weekly["fte_gap"].iloc[1] == pytest.approx(-1.0)  # 270 - 300 = -30 h = -1 FTE
    shortfall = [0, 30, 57, 81.3, 54.57, 35.373, 61.8357, 85.65213]
    assert weekly["shortfall_hours"].tolist() == pytest.approx(shortfall)
    assert weekly["surplus_hours"].sum() == 0
    assert result.cost.hires == 4000.0
    assert result.cost.shortfall == pytest.approx(50 * 405.73083)
    assert result.cost.total == pytest.approx(4000 + 50 * 405.73083)
    hr = result.hires.iloc[0]
    assert (hr.class_week, hr.recruiting_start_week, hr.first_productive_week) == (2, 1, 4)
    assert hr.full_productivity_week == 5
    cohorts = result.cohorts[result.cohorts["week"] == 7].set_index("cohort")
    assert cohorts["headcount"].sum() == pytest.approx(4.782969 + 2.36196)


def test_early_tenure_attrition_and_annual_rates() -> None:
    attrition = Attrition((AttritionBand(0, 0.2), AttritionBand(2, 0.0)))
    inp = eight_weeks(cohorts=(), attrition=attrition, hiring=HiringPolicy())
    weekly = project_plan(inp, [HireClass(0, "ft", 10)]).weekly
    # 20 % in tenure weeks 0 and 1, none afterwards: 10, 8, 6.4, 6.4, ...
    assert weekly["headcount"].tolist() == pytest.approx([10, 8, 6.4, 6.4, 6.4, 6.4, 6.4, 6.4])
    assert (1 - annual_to_weekly(0.3)) ** 52 == pytest.approx(0.7)
    early = Attrition.from_annual(0.3, early_annual_rate=0.9, early_weeks=12)
    assert early.rate_at(0) > early.rate_at(12) == pytest.approx(annual_to_weekly(0.3))


def _brute_force(inp: CapacityPlanInput, weeks: list[int], sizes: list[tuple[int, ...]]) -> float:
    names = [c.name for c in inp.contracts]
    best = np.inf
    for combo in itertools.product(sizes, repeat=len(weeks)):
        classes = [
            HireClass(w, name, n)
            for w, split in zip(weeks, combo, strict=True)
            for name, n in zip(names, split, strict=True)
            if n
        ]
        best = min(best, project_plan(inp, classes).cost.total)
    return float(best)


def _splits(contracts: int, lo: int, hi: int) -> list[tuple[int, ...]]:
    out = [(0,) * contracts]
    for split in itertools.product(range(hi + 1), repeat=contracts):
        if lo <= sum(split) <= hi:
            out.append(split)
    return out


@pytest.mark.parametrize("contracts", [1, 2])
def test_optimiser_matches_brute_force(contracts: int) -> None:
    types = (ContractType("ft", 40.0, 900.0, 2.0), ContractType("pt", 20.0, 700.0, 2.5))
    inp = CapacityPlanInput(
        need_hours=(100.0, 150.0, 200.0, 260.0, 300.0, 320.0, 330.0),
        contracts=types[:contracts],
        cohorts=(Cohort("ft", 30, 4.0),),
        attrition=Attrition((AttritionBand(0, 0.08), AttritionBand(3, 0.02))),
        hiring=HiringPolicy(
            lead_time_weeks=1,
            training_weeks=1,
            ramp=(0.5,),
            class_size_min=2,
            class_size_max=4,
            class_start_weeks=(1, 2, 3),
            freeze_weeks=(2,) if contracts == 2 else (),
        ),
        costs=CapacityCosts(under_per_hour=40.0, over_per_hour=15.0),
        shrinkage=0.2,
    )
    weeks = [1, 3] if contracts == 2 else [1, 2, 3]
    best = _brute_force(inp, weeks, _splits(contracts, 2, 4))
    plan = optimise_plan(inp, MilpSettings(time_limit_s=20))
    assert plan.report.status == "optimal"
    assert plan.report.objective >= best - 1e-6  # never beats the enumeration
    assert plan.report.objective == pytest.approx(best, rel=1e-7)  # and matches it
    assert plan.projection.cost.total == pytest.approx(plan.report.objective)
    assert plan.report.bound <= plan.report.objective + 1e-6
    assert plan.report.gap == pytest.approx(0.0, abs=1e-6)
    for size in plan.projection.hires.groupby("class_week")["size"].sum():
        assert 2 <= size <= 4
    assert set(plan.projection.hires["class_week"]) <= set(weeks)


def test_no_attrition_no_need_means_no_hires() -> None:
    inp = eight_weeks(need_hours=(0.0,) * 8, attrition=Attrition.flat(0.0), cohorts=())
    plan = optimise_plan(inp, MilpSettings(time_limit_s=10))
    assert plan.classes == ()
    assert plan.report.status == "optimal"
    assert plan.report.objective == 0.0
    covered = eight_weeks(need_hours=(150.0,) * 8, attrition=Attrition.flat(0.0))
    assert optimise_plan(covered, MilpSettings(time_limit_s=10)).classes == ()


def test_optimiser_hires_ahead_of_need_respecting_lead_time_and_freeze() -> None:
    need = (300.0,) * 4 + (450.0,) * 16
    inp = eight_weeks(
        need_hours=need,
        attrition=Attrition.flat(0.0),
        hiring=HiringPolicy(
            lead_time_weeks=2, training_weeks=2, ramp=(0.5,), class_size_max=8, freeze_weeks=(2,)
        ),
        costs=CapacityCosts(under_per_hour=100.0, over_per_hour=10.0),
    )
    plan = optimise_plan(inp, MilpSettings(time_limit_s=10))
    assert plan.report.status == "optimal"
    hires = plan.projection.hires
    assert hires["size"].sum() == 5  # 150 extra hours / 30 productive hours per head
    assert (hires["class_week"] >= 2).all() and 2 not in set(hires["class_week"])
    assert (hires["recruiting_start_week"] == hires["class_week"] - 2).all()
    weekly = plan.projection.weekly
    assert weekly["shortfall_hours"].iloc[8:].sum() == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"attrition": Attrition.flat(-0.1)}, "attrition.weekly_rate"),
        ({"hiring": HiringPolicy(ramp=(0.5, 1.2))}, "hiring.ramp"),
        ({"hiring": HiringPolicy(class_size_min=5, class_size_max=3)}, "hiring.class_size_max"),
        ({"shrinkage": 1.0}, "shrinkage"),
        ({"need_hours": (100.0, -1.0)}, "need_hours"),
        ({"need_hours": (1.0,) * 105}, "need_hours"),
        ({"cohorts": (Cohort("nope", 1, 1.0),)}, "cohorts.contract"),
        ({"contracts": (ContractType("ft", 0.0),)}, "contracts.weekly_hours"),
        ({"costs": CapacityCosts(-1.0, 0.0)}, "costs.under_per_hour"),
    ],
)
def test_nonsensical_inputs_name_the_field(changes: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as info:
        project_plan(eight_weeks(**changes))
    assert field in {p.field for p in info.value.problems}


def test_bad_hire_plan_is_rejected() -> None:
    with pytest.raises(InputError) as info:
        project_plan(eight_weeks(), [HireClass(0, "ft", 3), HireClass(3, "ft", -1)])
    codes = {(p.field, p.code) for p in info.value.problems}
    assert ("hire_plan.week", "before_lead_time") in codes
    assert ("hire_plan.size", "out_of_range") in codes


def test_weekly_need_hours_from_requirement_frame() -> None:
    starts = pd.date_range("2026-01-05", periods=7 * 96 + 96, freq="15min", tz="UTC")
    frame = pd.DataFrame({"interval_start": starts, "agents": 4})
    need = weekly_need_hours(frame, interval_min=15)
    assert need.tolist() == [7 * 24 * 4.0, 24 * 4.0]
    assert need.index[0] == pd.Timestamp("2026-01-05")


def test_node_limited_solve_is_repeatable() -> None:
    t = np.arange(30)
    inp = eight_weeks(
        need_hours=tuple(float(v) for v in 300 + 60 * np.sin(t / 4)),
        contracts=(ContractType("ft", 40.0, 1000.0), ContractType("pt", 20.0, 800.0)),
        attrition=Attrition((AttritionBand(0, 0.05), AttritionBand(4, 0.01))),
        hiring=HiringPolicy(lead_time_weeks=1, training_weeks=1, ramp=(0.5,), class_size_min=2),
    )
    settings = MilpSettings(time_limit_s=60, max_nodes=50)
    one, two = optimise_plan(inp, settings), optimise_plan(inp, settings)
    assert one.classes == two.classes
    assert one.report.objective == two.report.objective
    assert one.report.bound <= one.report.objective
