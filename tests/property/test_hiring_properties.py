"""Properties of hiring and attrition on random tiny instances (exact aggregate optima)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.roster.attrition import without_agents
from optimizer.roster.hiring import (
    HeadcountTarget,
    HiringOptions,
    Vacancy,
    best_under_agent_intervals,
    minimum_hires,
    optimal_hires,
)
from tests.hiring_support import (
    brute_min_hires,
    least_under,
    tiny_agent,
    tiny_problem,
    valid_weeks,
)

FAST = HiringOptions(time_limit_s=10, workers=1)
rows = st.lists(st.integers(0, 3), min_size=6, max_size=6)
contracts = st.lists(st.sampled_from(["S2", "L3"]), min_size=1, max_size=4)


@settings(max_examples=12, deadline=None)
@given(req=st.lists(rows, min_size=2, max_size=2), staff=contracts, data=st.data())
def test_removing_agents_never_improves_coverage(
    req: list[list[int]], staff: list[str], data: st.DataObject
) -> None:
    problem = tiny_problem(req, [tiny_agent(f"A{i}", c, 2) for i, c in enumerate(staff)])
    ids = [a.id for a in problem.agents]
    removed = data.draw(st.lists(st.sampled_from(ids), unique=True, max_size=len(ids)))
    base = best_under_agent_intervals(problem, FAST)
    fewer = best_under_agent_intervals(without_agents(problem, removed), FAST)
    assert base.report.status == fewer.report.status == "OPTIMAL"
    assert fewer.under_agent_intervals >= base.under_agent_intervals


@settings(max_examples=8, deadline=None)
@given(
    req=st.lists(rows, min_size=2, max_size=2),
    staff=st.sampled_from(["S2", "L3"]),
    slack=st.integers(0, 3),
)
def test_minimum_hires_equal_enumeration(req: list[list[int]], staff: str, slack: int) -> None:
    problem = tiny_problem(req, [tiny_agent("A0", staff, 2)])
    vacancies = [Vacancy("S2", 2), Vacancy("L3", 2)]
    need = np.asarray(problem.requirement)
    plan = minimum_hires(problem, vacancies, HeadcountTarget(float(slack)), FAST)
    full = [staff, "S2", "S2", "L3", "L3"]

    if least_under(problem, full, need) > slack:
        assert plan.report.status == "INFEASIBLE"
        return
    expected, _ = brute_min_hires(
        problem, [staff], {"S2": 2, "L3": 2}, slack, {"S2": 1.0, "L3": 1.0}
    )
    assert plan.report.status == "OPTIMAL"
    assert plan.total_hires == expected


@settings(max_examples=10, deadline=None)
@given(staff=contracts, data=st.data(), cost=st.sampled_from([0.01, 0.5, 5.0]))
def test_vacancies_unused_when_demand_is_met(
    staff: list[str], data: st.DataObject, cost: float
) -> None:
    # demand = the coverage of one valid week per agent: met exactly, so any hire at a positive
    # cost only adds cost (at zero cost a hire may tie with the staff and is not excluded)
    empty = tiny_problem([[0] * 6, [0] * 6], [])
    need = np.zeros((2, 24), dtype=np.int64)
    for c in staff:
        weeks = valid_weeks(empty, c)
        need += weeks[data.draw(st.integers(0, len(weeks) - 1))]
    problem = tiny_problem(
        need[:, 8:14].tolist(), [tiny_agent(f"A{i}", c, 2) for i, c in enumerate(staff)]
    )
    vacancies = [Vacancy("S2", 2, hiring_cost=cost), Vacancy("L3", 2, hiring_cost=cost)]
    plan = optimal_hires(problem, vacancies, FAST)
    assert plan.report.status == "OPTIMAL"
    assert plan.total_hires == 0
    assert plan.under_agent_intervals == 0
