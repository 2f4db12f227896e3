"""Hiring on the roster model: minimum hires against an independent enumeration, targets,
vacancies left unused when demand is met, input errors."""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.erlang import erlang_c_kpis
from optimizer.errors import InputError
from optimizer.roster.check import check_roster
from optimizer.roster.hiring import (
    HeadcountTarget,
    HiringOptions,
    Vacancy,
    daily_window,
    minimum_hires,
    optimal_hires,
)
from optimizer.roster.problem import Agent, RosterProblem
from optimizer.roster.solve import SolveOptions
from scenarios.hiring_scenario import hired_problem, hiring_scenario
from tests.hiring_support import REQ, brute_min_hires, tiny_agent, tiny_problem

FAST = HiringOptions(time_limit_s=10, workers=1)


def base_problem() -> RosterProblem:
    return tiny_problem(REQ, [tiny_agent("A1", "S2", 2), tiny_agent("A2", "L3", 2)])


VACANCIES = [Vacancy("S2", 4, hiring_cost=1.0), Vacancy("L3", 3, hiring_cost=1.7)]


@pytest.mark.parametrize("max_under_hours", [0, 2, 5])
def test_minimum_hire_count_matches_enumeration(max_under_hours: int) -> None:
    problem = base_problem()
    plan = minimum_hires(problem, VACANCIES, HeadcountTarget(max_under_hours), FAST)
    expected, _ = brute_min_hires(
        problem, ["S2", "L3"], {"S2": 4, "L3": 3}, max_under_hours, {"S2": 1, "L3": 1}
    )
    assert plan.report.status == "OPTIMAL"
    assert plan.total_hires == expected
    assert plan.report.best_bound == expected and plan.report.gap == 0.0
    assert plan.under_agent_intervals <= max_under_hours


def test_minimum_hire_cost_matches_enumeration() -> None:
    problem = base_problem()
    options = HiringOptions(time_limit_s=10, workers=1, minimize="cost")
    plan = minimum_hires(problem, VACANCIES, HeadcountTarget(0), options)
    price, _ = brute_min_hires(problem, ["S2", "L3"], {"S2": 4, "L3": 3}, 0, {"S2": 1.0, "L3": 1.7})
    assert plan.report.status == "OPTIMAL"
    assert plan.hiring_cost == pytest.approx(price)
    assert plan.report.objective == pytest.approx(price)


def test_hired_roster_reaches_the_target_and_is_valid() -> None:
    problem = base_problem()
    outcome = hiring_scenario(
        problem,
        VACANCIES,
        target=HeadcountTarget(0),
        options=FAST,
        solve_options=SolveOptions(time_limit_s=5, workers=1),
    )
    hired = outcome.hired
    assert not hired.violations
    assert not check_roster(
        hired_problem(problem, VACANCIES, outcome.plan.by_contract()), hired.roster
    )
    assert hired.kpis.under_agent_intervals == 0
    gained = sum(-d.lost_covered_agent_hours for d in outcome.days)
    assert gained == outcome.base.kpis.under_agent_intervals - hired.kpis.under_agent_intervals
    assert outcome.under_agent_hours_saved_per_hire == pytest.approx(
        gained / outcome.plan.total_hires
    )
    # at the minimum nothing is left to gain in under-coverage
    assert all(m.under_agent_hours_saved == 0 for m in outcome.marginal)


def test_marginal_hire_gains_when_short() -> None:
    problem = base_problem()
    outcome = hiring_scenario(
        problem,
        VACANCIES,
        counts={"S2": 1},
        options=FAST,
        solve_options=SolveOptions(time_limit_s=5, workers=1),
    )
    assert outcome.plan.by_contract() == {"S2": 1, "L3": 0}
    assert {m.vacancy for m in outcome.marginal} == {"S2", "L3"}
    assert all(m.under_agent_hours_saved >= 2 and m.proven for m in outcome.marginal)


def test_vacancies_unused_when_demand_is_met() -> None:
    # two L3 agents can cover 2 agents 08-11 on both days exactly; nothing to gain by hiring
    problem = tiny_problem([[2, 2, 2, 0, 0, 0]] * 2, [tiny_agent(f"A{i}", "L3", 2) for i in (1, 2)])
    for cost in (0.0, 1.0):
        vac = [Vacancy("S2", 3, hiring_cost=cost), Vacancy("L3", 3, hiring_cost=cost)]
        plan = optimal_hires(problem, vac, FAST)
        assert plan.report.status == "OPTIMAL"
        assert plan.total_hires == 0
        assert plan.under_agent_intervals == 0


def test_service_level_target_every_interval() -> None:
    calls = [[1, 4, 8, 8, 4, 1], [4, 4, 2, 2, 4, 4]]
    problem = tiny_problem(REQ, [tiny_agent("A1", "S2", 2)], calls=calls)
    plan = minimum_hires(problem, VACANCIES, HeadcountTarget(service_level=0.8), FAST)
    assert plan.report.status == "OPTIMAL"
    flat_calls = np.asarray(calls, dtype=np.float64).ravel()
    staffed = np.asarray(plan.coverage, dtype=np.float64)[:, 8:14].ravel()
    sl = erlang_c_kpis(flat_calls, 300.0, staffed, interval_s=3600.0, answer_within_s=20.0)
    assert (sl.service_level >= 0.8).all()
    # independent minimum: agents needed per interval by scanning Erlang C, then enumeration
    need = np.zeros(flat_calls.shape, dtype=np.int64)
    for i, c in enumerate(flat_calls):
        while (
            erlang_c_kpis(c, 300.0, need[i], interval_s=3600.0, answer_within_s=20.0).service_level[
                0
            ]
            < 0.8
        ):
            need[i] += 1
    as_req = tiny_problem(need.reshape(2, 6).tolist(), problem.agents)
    expected, _ = brute_min_hires(as_req, ["S2"], {"S2": 4, "L3": 3}, 0, {"S2": 1, "L3": 1})
    assert plan.total_hires == expected


def test_unreachable_target_is_infeasible_not_a_crash() -> None:
    problem = base_problem()
    plan = minimum_hires(problem, [Vacancy("S2", 1)], HeadcountTarget(0), FAST)
    assert plan.report.status == "INFEASIBLE"
    assert plan.total_hires == 0


def test_daily_window_clips_to_opening_hours() -> None:
    problem = base_problem()
    assert daily_window(problem, 7 * 60, 12 * 60, days=[1]) == (None, (480, 720))


def test_bad_vacancies_name_the_field() -> None:
    problem = base_problem()
    with pytest.raises(InputError) as err:
        minimum_hires(
            problem, [Vacancy("XX", 1), Vacancy("S2", -1, hiring_cost=-2)], HeadcountTarget(0), FAST
        )
    fields = {(p.row, p.field, p.code) for p in err.value.problems}
    assert {
        (0, "contract", "unknown"),
        (1, "max_hires", "out_of_range"),
        (1, "hiring_cost", "out_of_range"),
    } <= fields
    with pytest.raises(InputError):
        minimum_hires(problem, [Vacancy("S2", 1)], HeadcountTarget(), FAST)


def test_vacancy_without_valid_week_is_explained() -> None:
    problem = base_problem()
    narrow = ((8 * 60, 9 * 60),) * 2  # one hour a day cannot hold a 2-hour shift
    with pytest.raises(InputError) as err:
        minimum_hires(problem, [Vacancy("S2", 1, availability=narrow)], HeadcountTarget(0), FAST)
    assert err.value.problems[0].code == "no_valid_week"


def test_hires_become_regular_agents() -> None:
    problem = base_problem()
    hired = hired_problem(problem, VACANCIES, {"L3": 2})
    new = [a for a in hired.agents if a.id.startswith("HIRE-")]
    assert [a.id for a in new] == ["HIRE-L3-001", "HIRE-L3-002"]
    assert all(isinstance(a, Agent) and not a.optional and a.contract == "L3" for a in new)
    with pytest.raises(InputError):
        hired_problem(problem, VACANCIES, {"L3": 9})


def test_guided_search_agrees_with_enumeration() -> None:
    problem = base_problem()
    options = HiringOptions(time_limit_s=20, workers=1, strategy="guided")
    plan = minimum_hires(problem, VACANCIES, HeadcountTarget(0), options)
    expected, _ = brute_min_hires(problem, ["S2", "L3"], {"S2": 4, "L3": 3}, 0, {"S2": 1, "L3": 1})
    assert plan.report.status in ("OPTIMAL", "FEASIBLE")
    assert plan.report.best_bound <= expected <= plan.total_hires
    assert plan.under_agent_intervals == 0
    if plan.report.status == "OPTIMAL":
        assert plan.total_hires == expected


def test_large_model_path_reports_lp_certified_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    import optimizer.roster.hiring.solve as hiring

    monkeypatch.setattr(hiring, "EXACT_MAX_AGENTS", 0)
    problem = base_problem()
    plan = optimal_hires(problem, VACANCIES, FAST)
    exact = optimal_hires(problem, VACANCIES, HiringOptions(time_limit_s=10, workers=1))
    assert plan.report.status in ("OPTIMAL", "FEASIBLE")
    assert plan.report.best_bound <= plan.report.objective
    assert plan.report.best_bound <= exact.report.objective + 1e-9
    assert plan.report.objective >= exact.report.objective - 1e-9
