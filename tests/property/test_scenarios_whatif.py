"""Property: more volume never needs fewer agent-hours (what-if monotonicity)."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.requirements import ServiceGoal
from scenarios.whatif import Base, run_scenario, with_change
from scenarios.whatif_model import PlanSettings, Scenario

volumes = st.lists(st.floats(0.0, 400.0), min_size=4, max_size=24)


@settings(max_examples=40, deadline=None)
@given(
    calls=volumes,
    aht_s=st.floats(60.0, 900.0),
    target=st.sampled_from([(0.8, 20.0), (0.9, 30.0), (0.7, 60.0)]),
    shrinkage=st.floats(0.0, 0.5),
)
def test_volume_plus_ten_percent_raises_required_hours(
    calls: list[float], aht_s: float, target: tuple[float, float], shrinkage: float
) -> None:
    starts = pd.date_range("2026-05-04 06:00", periods=len(calls), freq="15min", tz="UTC")
    forecast = pd.DataFrame({"interval_start": starts, "calls": calls, "aht_s": aht_s})
    plan = PlanSettings(goal=ServiceGoal(*target), shrinkage=shrinkage)
    base = Base(forecast, zone="UTC", interval_min=15, settings=plan)
    before = run_scenario(base, Scenario("base")).kpis
    after = run_scenario(base, with_change("+10", volume_pct=10)).kpis
    assert after.required_agent_hours >= before.required_agent_hours
    assert after.required_agent_hours_fractional >= before.required_agent_hours_fractional - 1e-9
    assert after.scheduled_agent_hours >= before.scheduled_agent_hours
    assert after.calls >= before.calls
