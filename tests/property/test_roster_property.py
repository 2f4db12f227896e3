"""Property: every roster solved from a random small instance passes check_roster."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.roster.check import check_roster
from optimizer.roster.io import load_instance
from optimizer.roster.solve import SolveOptions, solve_roster
from tests.roster_support import drawn_agents, tiny_instance

DAYS = 3


@st.composite
def instances(draw: st.DrawFn) -> dict[str, Any]:
    agents = drawn_agents(draw, DAYS)
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
