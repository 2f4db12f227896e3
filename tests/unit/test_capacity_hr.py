"""HR terms of the capacity plan: monthly attrition, hiring budget, reasons, risk.

The tiny case, worked by hand: one 40-hour contract (hire 100), no staff, no attrition, lead
time 1, training 1, class cap 1, shortage 10 and surplus 1 per hour, need 0, 0, 80, 80 hours.
A class of week w is productive from w + 2, so classes may start in weeks 1..3 and only weeks
1 and 2 help: one hire in week 1 (40 h in weeks 2, 3) and one in week 2 (40 h in week 3) cost
200 and leave week 2 short by 40 h (400): total 600, better than one class (100 + 800 = 900)
or none (1,600). One FTE-week short, in week 2; a cap of 2 or a lead time of 0 removes it.
"""

from __future__ import annotations

import dataclasses

import pytest

from scenarios.capacity_milp import MilpSettings, optimise_plan
from scenarios.capacity_model import (
    Attrition,
    CapacityCosts,
    CapacityPlanInput,
    Cohort,
    ContractType,
    HireClass,
    HiringPolicy,
    monthly_to_weekly,
)
from scenarios.capacity_reasons import explain_shortfall, shortfall_of
from scenarios.capacity_risk import plan_risk

SETTINGS = MilpSettings(time_limit_s=5.0)


def tiny(**hiring: object) -> CapacityPlanInput:
    policy = HiringPolicy(lead_time_weeks=1, training_weeks=1, class_size_max=1)
    return CapacityPlanInput(
        need_hours=(0.0, 0.0, 80.0, 80.0),
        contracts=(ContractType("ft", 40.0, hire_cost=100.0),),
        cohorts=(),
        attrition=Attrition.flat(0.0),
        hiring=dataclasses.replace(policy, **hiring),  # type: ignore[arg-type]
        costs=CapacityCosts(under_per_hour=10.0, over_per_hour=1.0),
    )


def test_monthly_attrition_is_converted_exactly() -> None:
    weekly = monthly_to_weekly(0.03)
    assert weekly == pytest.approx(0.0070044, abs=1e-7)
    assert (1 - weekly) ** 52 == pytest.approx(0.97**12)
    bands = Attrition.from_monthly([(0, 0.06), (13, 0.02)])
    assert bands.rate_at(12) == pytest.approx(monthly_to_weekly(0.06))
    assert bands.rate_at(13) == pytest.approx(monthly_to_weekly(0.02))


def test_tiny_plan_matches_the_hand_worked_case() -> None:
    plan = optimise_plan(tiny(), SETTINGS)
    assert plan.classes == (HireClass(1, "ft", 1), HireClass(2, "ft", 1))
    assert plan.report.objective == pytest.approx(600.0)
    short = shortfall_of(tiny(), plan.classes)
    assert short.weeks == (2,)
    assert short.fte_weeks == pytest.approx(1.0)


def test_reasons_name_the_class_cap_and_the_lead_time() -> None:
    inp = tiny()
    base, reasons = explain_shortfall(inp, optimise_plan(inp, SETTINGS), SETTINGS)
    limits = {r.limit: r for r in reasons}
    assert base.fte_weeks == pytest.approx(1.0)
    assert limits["class_size_max"].weeks == (1, 2)
    assert limits["class_size_max"].removes_fte_weeks == pytest.approx(1.0)
    assert "class size cap (1) binds in week 1, week 2" in limits["class_size_max"].message
    assert limits["lead_time"].removes_fte_weeks == pytest.approx(1.0)
    assert "cost" not in limits  # a dearer shortage changes nothing: the limits bind


def test_hiring_budget_binds_and_is_named() -> None:
    inp = tiny(class_size_max=2, max_hires=1)
    plan = optimise_plan(inp, SETTINGS)
    assert sum(c.size for c in plan.classes) == 1
    _, reasons = explain_shortfall(inp, plan, SETTINGS)
    assert reasons[0].limit == "budget"  # one hire in week 1: 40 h short in weeks 2 and 3
    assert reasons[0].removes_fte_weeks == pytest.approx(2.0)


def test_a_plan_that_covers_has_no_reasons() -> None:
    inp = tiny(class_size_max=2)
    shortfall, reasons = explain_shortfall(inp, optimise_plan(inp, SETTINGS), SETTINGS)
    assert shortfall.weeks == () and reasons == ()


def test_attrition_scenarios_order_the_risk() -> None:
    inp = dataclasses.replace(
        tiny(class_size_max=5),
        need_hours=(400.0,) * 12,
        cohorts=(Cohort("ft", 52, 10.0),),
        attrition=Attrition.flat(monthly_to_weekly(0.05)),
    )
    risk = plan_risk(inp, (), paths=300, seed=1).risk.set_index("scenario")
    assert risk.loc["attrition_p90", "leavers"] > risk.loc["attrition_p10", "leavers"]
    assert risk.loc["attrition_p90", "weeks_short"] >= risk.loc["attrition_p50", "weeks_short"]
    assert risk.loc["attrition_p10", "weeks_short"] <= risk.loc["expected", "weeks_short"]
    assert risk.loc["expected", "leavers"] == pytest.approx(
        10 * (1 - (1 - monthly_to_weekly(0.05)) ** 12)
    )
