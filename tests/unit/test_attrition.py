"""Attrition: choosing leavers (named, seeded share by contract, rule, tenure) and the loss."""

from __future__ import annotations

from collections import Counter

import pytest

from optimizer.errors import InputError
from optimizer.roster.attrition import (
    attrition_scenario,
    compare_coverage,
    select_by_rule,
    select_by_tenure,
    select_named,
    select_random_share,
    without_agents,
)
from optimizer.roster.problem import RosterProblem
from optimizer.roster.solve import SolveOptions
from tests.hiring_support import REQ, tiny_agent, tiny_problem

FAST = SolveOptions(time_limit_s=5, workers=1)
CALLS = [[1, 4, 8, 8, 4, 1], [4, 4, 2, 2, 4, 4]]


def staff(n_short: int = 4, n_long: int = 6) -> RosterProblem:
    agents = [tiny_agent(f"S{i}", "S2", 2) for i in range(n_short)]
    agents += [tiny_agent(f"L{i}", "L3", 2) for i in range(n_long)]
    return tiny_problem(REQ, agents, calls=CALLS)


def test_random_share_is_per_contract_and_seeded() -> None:
    problem = staff()
    chosen = select_random_share(problem, 0.5, seed=3)
    assert chosen == select_random_share(problem, 0.5, seed=3)
    assert Counter(a[0] for a in chosen) == {"S": 2, "L": 3}
    other = {select_random_share(problem, 0.5, seed=s) for s in range(10)}
    assert len(other) > 1
    assert select_random_share(problem, {"L3": 1.0}, seed=0) == tuple(f"L{i}" for i in range(6))


def test_selection_errors_name_the_field() -> None:
    problem = staff()
    with pytest.raises(InputError) as err:
        select_random_share(problem, {"S2": 1.5, "XX": 0.1}, seed=0)
    assert {p.field for p in err.value.problems} == {"share[S2]", "share[XX]"}
    with pytest.raises(InputError) as err:
        select_named(problem, ["S0", "nobody"])
    assert err.value.problems[0].row == 1
    with pytest.raises(InputError) as err:
        select_by_tenure(problem, {"S0": 3}, below_weeks=10)
    assert all(p.code == "missing" for p in err.value.problems)


def test_rule_and_tenure_selection() -> None:
    problem = staff(2, 2)
    assert select_by_rule(problem, lambda a: a.contract == "S2") == ("S0", "S1")
    tenure = {"S0": 2, "S1": 40, "L0": 10, "L1": 12}
    assert select_by_tenure(problem, tenure, below_weeks=12) == ("L0", "S0")
    assert [a.id for a in without_agents(problem, ["S1"]).agents] == ["S0", "L0", "L1"]


def test_attrition_loss_per_day() -> None:
    problem = staff()
    removed = select_random_share(problem, 0.5, seed=1)
    out = attrition_scenario(problem, removed, FAST)
    assert out.removed == removed
    assert not out.rerostered.violations
    assert all(d.lost_covered_agent_hours >= 0 for d in out.kept_days)
    lost = sum(d.lost_covered_agent_hours for d in out.rerostered_days)
    diff = out.rerostered.kpis.under_agent_intervals - out.base.kpis.under_agent_intervals
    assert lost == pytest.approx(diff * problem.interval_min / 60)
    for d in out.rerostered_days:
        assert d.base_service_level is not None and d.scenario_service_level is not None
        assert d.service_level_loss == pytest.approx(
            d.base_service_level - d.scenario_service_level
        )
    assert out.base_week_service_level is not None
    assert out.rerostered_week_service_level is not None


def test_compare_coverage_counts_under_hours() -> None:
    problem = staff()
    base = [[0] * 8 + [1, 2, 3, 3, 2, 1] + [0] * 10, [0] * 8 + [2, 2, 1, 1, 2, 2] + [0] * 10]
    worse = [row[:] for row in base]
    worse[0][10] = 0
    days = compare_coverage(problem, base, worse)
    assert days[0].lost_covered_agent_hours == 3.0 and days[1].lost_covered_agent_hours == 0.0
    assert days[0].base_under_agent_hours == 0.0 and days[0].scenario_under_agent_hours == 3.0
    assert days[0].service_level_loss is not None and days[0].service_level_loss > 0
