"""Property: every roster solved from a random small instance passes check_roster."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.roster.check import check_roster
from optimizer.roster.io import load_instance
from optimizer.roster.solve import SolveOptions, solve_roster
from tests.roster_support import agent, tiny_instance

DAYS = 3


@st.composite
def instances(draw: st.DrawFn) -> dict[str, Any]:
    agents = []
    for i in range(draw(st.integers(1, 4))):
        windows = []
        for _ in range(DAYS):
            if draw(st.booleans()) and draw(st.booleans()):
                windows.append(None)
                continue
            lo = draw(st.sampled_from([420, 480, 600, 720]))
            hi = draw(st.sampled_from([900, 1080, 1260]))
            windows.append([lo, max(hi, lo + 240)])
        last_end = draw(st.sampled_from([None, -60, -240, -600]))
        history = {
            "consecutive_days_worked": draw(st.integers(0, 6)) if last_end else 0,
            "last_shift_end_minute": last_end,
        }
        contract = draw(st.sampled_from(["PT", "FT"]))
        agents.append(agent(f"A{i}", contract, availability=windows, history=history))
    req = [
        [draw(st.integers(0, 3)) if 32 <= t < 80 and t % 8 == 0 else 0 for t in range(96)]
        for _ in range(DAYS)
    ]
    req = [[row[t - t % 8] for t in range(96)] for row in req]
    return tiny_instance(agents, requirement=req)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_every_solved_roster_is_valid(doc: dict[str, Any]) -> None:
    problem = load_instance(doc)
    result = solve_roster(problem, SolveOptions(time_limit_s=3, workers=1))
    explained = {e.agent for e in result.explanations}
    violations = [v for v in check_roster(problem, result.roster) if v.agent not in explained]
    assert violations == []
    assert all(s.agent not in explained for s in result.roster.shifts)
    assert result.report.lp_bound <= result.kpis.cost + 1e-6 or explained
