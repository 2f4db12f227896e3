"""Properties of capacity plans: the optimum is never beaten by any allowed plan, and the
projection's bookkeeping holds (leavers explain the head-count drop, hours bounded by pay)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scenarios.capacity import project_plan
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
)


@st.composite
def plans(draw: st.DrawFn) -> CapacityPlanInput:
    weeks = draw(st.integers(4, 8))
    need = draw(st.lists(st.floats(0, 600), min_size=weeks, max_size=weeks))
    early = draw(st.floats(0, 0.3))
    late = draw(st.floats(0, 0.05))
    lo = draw(st.integers(0, 3))
    return CapacityPlanInput(
        need_hours=tuple(need),
        contracts=(
            ContractType("ft", 40.0, draw(st.floats(0, 3000))),
            ContractType("pt", 20.0, 900.0),
        ),
        cohorts=(Cohort("ft", draw(st.integers(0, 20)), draw(st.floats(0, 12))),),
        attrition=Attrition((AttritionBand(0, early), AttritionBand(3, late))),
        hiring=HiringPolicy(
            lead_time_weeks=draw(st.integers(0, 2)),
            training_weeks=draw(st.integers(0, 2)),
            ramp=tuple(draw(st.lists(st.floats(0.1, 1.0), max_size=2))),
            class_size_min=lo,
            class_size_max=lo + draw(st.integers(1, 4)),
        ),
        costs=CapacityCosts(draw(st.floats(0, 100)), draw(st.floats(0, 50))),
        shrinkage=draw(st.floats(0, 0.4)),
    )


@settings(max_examples=15, deadline=None)
@given(inp=plans(), data=st.data())
def test_no_allowed_plan_beats_the_optimum(inp: CapacityPlanInput, data: st.DataObject) -> None:
    plan = optimise_plan(inp, MilpSettings(time_limit_s=20))
    assert plan.report.status == "optimal"
    assert plan.projection.cost.total == pytest.approx(plan.report.objective, rel=1e-6, abs=1e-6)
    weeks = inp.hiring.allowed_weeks(inp.horizon_weeks)
    classes = []
    for week in data.draw(st.lists(st.sampled_from(weeks), unique=True)) if weeks else []:
        size = data.draw(st.integers(max(inp.hiring.class_size_min, 1), inp.hiring.class_size_max))
        ft = data.draw(st.integers(0, size))
        classes += [HireClass(week, "ft", ft), HireClass(week, "pt", size - ft)]
    other = project_plan(inp, classes).cost.total
    assert other >= plan.report.objective - 1e-6 * max(1.0, abs(other))


@settings(max_examples=40, deadline=None)
@given(inp=plans())
def test_projection_bookkeeping(inp: CapacityPlanInput) -> None:
    classes = [HireClass(inp.hiring.lead_time_weeks, "ft", inp.hiring.class_size_max)]
    classes = [c for c in classes if c.week < inp.horizon_weeks]
    weekly = project_plan(inp, classes).weekly
    heads = weekly["headcount"].to_numpy()
    drop = heads[:-1] + weekly["hires"].to_numpy()[1:] - heads[1:]
    assert np.allclose(drop, weekly["expected_leavers"].to_numpy()[:-1])
    share = 1 - np.asarray(inp.shrinkage_by_week())
    assert (weekly["productive_hours"] <= weekly["paid_hours"] * share + 1e-9).all()
    assert np.allclose(weekly["gap_hours"], weekly["surplus_hours"] - weekly["shortfall_hours"])
