"""The capacity plan calibrated on a roster week reproduces that week (with and without hires)."""

from __future__ import annotations

import pytest

from optimizer.roster.hiring import HeadcountTarget, HiringOptions, Vacancy
from optimizer.roster.problem import Roster, RosterProblem
from optimizer.roster.solve import SolveOptions, solve_roster
from scenarios.capacity import project_plan
from scenarios.capacity_model import HireClass
from scenarios.errors import InputError
from scenarios.hiring import calibrate_week, required_fte, week_plan_input
from scenarios.hiring_scenario import hired_problem, hiring_scenario
from tests.hiring_support import REQ, tiny_agent, tiny_problem

FAST = SolveOptions(time_limit_s=5, workers=1)


def staff() -> RosterProblem:
    agents = [tiny_agent("A1", "S2", 2), tiny_agent("A2", "L3", 2), tiny_agent("A3", "L3", 2)]
    return tiny_problem(REQ, agents)


def paid_hours_by_contract(problem: RosterProblem, roster: Roster) -> dict[str, float]:
    contract = {a.id: a.contract for a in problem.agents}
    out: dict[str, float] = {}
    for s in roster.shifts:
        out[contract[s.agent]] = out.get(contract[s.agent], 0.0) + (s.end_min - s.start_min) / 60
    return out


def test_plan_reproduces_the_rostered_week() -> None:
    problem = staff()
    result = solve_roster(problem, FAST)
    cal = calibrate_week(problem, result.roster)
    projection = project_plan(week_plan_input(cal, weeks=2))
    week = projection.weekly.iloc[0]
    under_hours = result.kpis.under_agent_intervals * problem.interval_min / 60
    assert week["need_hours"] == pytest.approx(sum(map(sum, REQ)))
    assert week["productive_hours"] == pytest.approx(week["need_hours"] - under_hours)
    assert week["shortfall_hours"] == pytest.approx(under_hours)
    assert week["paid_hours"] == pytest.approx(result.kpis.paid_hours)
    cohorts = projection.cohorts[projection.cohorts["week"] == 0]
    by_contract = cohorts.groupby("contract")["paid_hours"].sum().to_dict()
    assert by_contract == pytest.approx(paid_hours_by_contract(problem, result.roster))
    heads = {"S2": 1, "L3": 2}
    fte = required_fte(cal, heads, fte_hours=40.0)
    assert sum(fte.values()) == pytest.approx(week["paid_fte"])


def test_plan_with_the_hires_reproduces_the_hired_week() -> None:
    problem = tiny_problem(REQ, [tiny_agent("A1", "S2", 2)])
    vacancies = [Vacancy("S2", 4, hiring_cost=1.0), Vacancy("L3", 3, hiring_cost=1.7)]
    outcome = hiring_scenario(
        problem,
        vacancies,
        target=HeadcountTarget(0),
        options=HiringOptions(time_limit_s=5, workers=1),
        solve_options=FAST,
        with_marginal=False,
    )
    hires = {c: n for c, n in outcome.plan.by_contract().items() if n > 0}
    counts = {h.vacancy: h.hires for h in outcome.plan.hires}
    hired_problem_agents = hired_problem(problem, vacancies, counts)
    cal = calibrate_week(hired_problem_agents, outcome.hired.roster)
    classes = [HireClass(0, c, n) for c, n in hires.items()]
    projection = project_plan(week_plan_input(cal, exclude=hires), classes)
    week = projection.weekly.iloc[0]
    assert week["hires"] == outcome.plan.total_hires
    assert week["shortfall_hours"] == pytest.approx(0.0, abs=1e-9)
    assert week["productive_hours"] == pytest.approx(cal.covered_hours)
    assert week["paid_hours"] == pytest.approx(outcome.hired.kpis.paid_hours)
    assert cal.contract("L3").headcount >= hires.get("L3", 0)


def test_calibration_rejects_a_foreign_roster() -> None:
    problem = staff()
    other = solve_roster(tiny_problem(REQ, [tiny_agent("Z9", "S2", 2)]), FAST).roster
    with pytest.raises(InputError):
        calibrate_week(problem, other)
