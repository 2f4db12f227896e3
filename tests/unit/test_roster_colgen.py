"""Column generation bound (:mod:`optimizer.roster.colgen`), its exact pricing
(:mod:`optimizer.roster.pricing`) and the split classes of small sites (``search_classes``)."""

from __future__ import annotations

import random
import time

import pytest
from ortools.sat.python import cp_model

from optimizer.roster.aggregate_search import LOOSE_MAX
from optimizer.roster.assign import add_agent_rules
from optimizer.roster.bound import lp_lower_bound
from optimizer.roster.colgen import MasterLp, column_bound, generate, week_groups
from optimizer.roster.constraints.availability import agent_shift_types
from optimizer.roster.io import load_instance
from optimizer.roster.pricing import WeekPricer
from optimizer.roster.problem import RosterProblem
from optimizer.roster.shifts import agent_classes, enumerate_shift_types
from optimizer.roster.solve import (
    SPLIT_AGENTS,
    SPLIT_MIN_SIZE,
    SolveOptions,
    search_classes,
    solve_roster,
)
from tests.roster_support import agent, requirement, tiny_instance


def _week_instance() -> RosterProblem:
    """Five days, a late close (rest binds), agents with and without last week's tail."""
    days = 5
    agents = [
        agent("P1", days=days),
        agent(
            "P2", days=days, history={"consecutive_days_worked": 4, "last_shift_end_minute": -180}
        ),
        agent("F1", contract="FT", days=days),
    ]
    doc = tiny_instance(agents, days=days, opening_hours=[[360, 1380]] * days)
    doc["availability"] = None
    doc["requirement"] = requirement(days, 2, 360, 1380)
    doc["rules"]["max_consecutive_working_days"] = 4
    for contract in doc["contracts"]:
        contract["max_days"] = 4
    doc["contracts"][1]["max_weekly_paid_minutes"] = 1200
    for a in doc["agents"]:
        a["availability"] = [[360, 1380]] * days
    return load_instance(doc)


def _cp_cheapest(problem: RosterProblem, aid: str, prices: dict[int, int]) -> int | None:
    """The same pricing by CP-SAT on the assignment's exact per-agent rules."""
    person = next(a for a in problem.agents if a.id == aid)
    own = agent_shift_types(problem, enumerate_shift_types(problem), person)
    model = cp_model.CpModel()
    y: dict[int, dict] = {}
    for st in own:
        y.setdefault(st.day, {})[st] = model.new_bool_var(f"y{st.index}")
    add_agent_rules(model, problem, person, y)
    model.minimize(sum(prices[st.index] * v for day in y.values() for st, v in day.items()))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    status = solver.solve(model)
    return round(solver.objective_value) if status == cp_model.OPTIMAL else None


@pytest.mark.parametrize("aid", ["P1", "P2", "F1"])
def test_pricing_finds_the_cheapest_valid_week_like_cp_sat(aid: str) -> None:
    problem = _week_instance()
    person = next(a for a in problem.agents if a.id == aid)
    own = agent_shift_types(problem, enumerate_shift_types(problem), person)
    pricer = WeekPricer(problem, person, own)
    rng = random.Random(7)
    for _ in range(4):
        prices = {st.index: rng.randint(-60, 40) for st in own}
        value, week = pricer.cheapest({k: float(v) for k, v in prices.items()})
        assert round(value) == _cp_cheapest(problem, aid, prices)
        assert sum(prices[st.index] for st in week) == round(value)
        assert len({st.day for st in week}) == len(week) <= person.max_days


def test_column_bound_is_a_lower_bound_and_its_master_is_at_least_the_lp() -> None:
    """The restricted master is at least the full master, itself at least the aggregate LP
    (it holds every class family); the Lagrangian bound is below any roster's cost."""
    problem = _week_instance()
    found = column_bound(problem, time_limit_s=3)
    assert found.iterations >= 2 and found.columns > len(problem.agents)
    roster = solve_roster(problem, SolveOptions(time_limit_s=5, workers=1))
    assert found.bound <= roster.kpis.cost + 1e-6
    assert found.master >= lp_lower_bound(problem) - 1e-6


def test_small_sites_split_large_classes_whose_counts_may_not_decompose() -> None:
    days = 3
    team = [agent(f"P{i}", days=days) for i in range(SPLIT_MIN_SIZE)]
    team += [agent("Q1", days=days), agent("Q2", days=days, availability=[[420, 900]] * days)]
    team += [agent(f"F{i}", contract="FT", days=days) for i in range(SPLIT_MIN_SIZE)]
    problem = load_instance(tiny_instance(team, days=days))
    plain = agent_classes(problem, problem.agents)
    split = search_classes(problem, problem.agents)
    assert sorted(c.size for c in plain) == [1, SPLIT_MIN_SIZE, SPLIT_MIN_SIZE + 1]
    # the part-timers (lengths 240/360, a weekly range) one class each; full-timers stay whole
    assert sorted(c.size for c in split) == [1] * (SPLIT_MIN_SIZE + 2) + [SPLIT_MIN_SIZE]
    assert [c.index for c in split] == list(range(len(split)))


def test_large_sites_keep_their_classes() -> None:
    days = 3
    many = [agent(f"P{i}", days=days) for i in range(SPLIT_AGENTS + 1)]
    big = load_instance(tiny_instance(many, days=days))
    assert [c.size for c in search_classes(big, big.agents)] == [SPLIT_AGENTS + 1]


def test_large_sites_split_their_small_part_time_classes_from_the_start() -> None:
    """Above SPLIT_AGENTS agents only the loose classes (2-10 part-timers with several lengths
    or a weekly range) are split: at the checkpoint their counts did not decompose (M-3)."""
    days = 3
    team = [agent(f"F{i}", contract="FT", days=days) for i in range(SPLIT_AGENTS)]
    team += [agent(f"P{i}", days=days) for i in range(LOOSE_MAX)]
    big = load_instance(tiny_instance(team, days=days))
    assert sorted(c.size for c in agent_classes(big, big.agents)) == [LOOSE_MAX, SPLIT_AGENTS]
    split = search_classes(big, big.agents)
    assert sorted(c.size for c in split) == [1] * LOOSE_MAX + [SPLIT_AGENTS]
    assert [c.index for c in split] == list(range(len(split)))
    more = load_instance(tiny_instance([*team, agent("P99", days=days)], days=days))
    assert sorted(c.size for c in search_classes(more, more.agents)) == [
        LOOSE_MAX + 1,
        SPLIT_AGENTS,
    ]


def test_column_generation_stops_once_its_master_is_at_the_floor() -> None:
    """A master at or below ``floor`` ends the generation: the bound cannot rise above the
    master, so a caller that only wants a bound above the floor (the LP plus 0.1 %) learns
    all it needs; without a floor the same instance runs on."""
    problem = _week_instance()
    types = enumerate_shift_types(problem)
    groups = week_groups(problem, problem.agents, types)
    full = generate(MasterLp(problem, types, groups, "deviation"), groups, time.monotonic() + 3)
    assert full.iterations >= 2
    groups = week_groups(problem, problem.agents, types)
    floored = generate(MasterLp(problem, types, groups, "deviation"), groups,
                       time.monotonic() + 3, floor=full.master + 1e6)  # fmt: skip
    assert floored.iterations == 1 and not floored.converged
    assert floored.bound <= floored.master  # whatever was proved is still a bound
