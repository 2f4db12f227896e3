"""Agent-level local search: exact move values, rules kept, never worse, known optima."""

from __future__ import annotations

import itertools
import time
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.roster.check import check_roster
from optimizer.roster.evaluate import evaluate_roster, evaluate_service_level
from optimizer.roster.io import load_instance
from optimizer.roster.local_search import LocalSearchOptions, gain_table, local_search
from optimizer.roster.problem import Activity, Roster, RosterProblem, Shift
from optimizer.roster.shifts import enumerate_shift_types
from tests.roster_support import agent, drawn_agents, requirement, tiny_instance


def _search(
    problem: RosterProblem, roster: Roster, seconds: float = 0.5, **options: Any
) -> tuple[Roster, float]:
    types = enumerate_shift_types(problem)
    deadline = time.monotonic() + seconds
    out, stats = local_search(
        problem, types, problem.agents, roster, deadline, LocalSearchOptions(**options)
    )
    return out, stats.improvement


def _all_single_shifts(problem: RosterProblem, aid: str, day: int) -> list[Shift]:
    """Every valid shift of one agent on one day, by brute force over types and activity
    starts, kept when :func:`check_roster` accepts it alone."""
    rules = problem.rules
    out = []
    for st_ in enumerate_shift_types(problem):
        if st_.day != day:
            continue
        breaks = [None, *st_.break_offsets]
        lunches = [None, *st_.lunch_offsets]
        for b, x in itertools.product(breaks, lunches):
            acts = []
            if b is not None:
                acts.append(Activity("break", st_.start_min + b, st_.start_min + b + 15))
            if x is not None:
                end = st_.start_min + x + rules.lunch_rule.duration_min
                acts.append(Activity("lunch", st_.start_min + x, end))
            acts.sort(key=lambda a: a.start_min)
            shift = Shift(aid, day, st_.start_min, st_.end_min, tuple(acts))
            if not check_roster(problem, Roster((shift,))):
                out.append(shift)
    return out


def test_one_agent_one_day_reaches_the_brute_force_optimum() -> None:
    """Demand with a dip: the best shift, break and lunch positions are found exactly."""
    req = requirement(2, 1)
    req[0][48:50] = [0, 0]  # 12:00-12:30: nobody needed (the lunch belongs there)
    req[0][40] = 0  # 10:00-10:15 (the break)
    req[1] = [0] * 96
    one_day = agent("A1", availability=[[420, 1260], None])
    doc = tiny_instance([one_day], days=2, requirement=req, opening_hours=[[420, 1260], None])
    doc["contracts"][1]["min_weekly_paid_minutes"] = 360
    problem = load_instance(doc)
    options = _all_single_shifts(problem, "A1", 0)
    best = min(evaluate_roster(problem, Roster((s,))).cost for s in options)
    start = next(s for s in options if s.start_min == 420)
    found, improvement = _search(problem, Roster((start,)))
    assert check_roster(problem, found) == []
    cost = evaluate_roster(problem, found).cost
    assert abs(cost - best) < 1e-9
    before = evaluate_roster(problem, Roster((start,))).cost
    assert abs(before + improvement - cost) < 1e-9


def test_a_shift_moves_to_the_day_off_where_it_is_needed() -> None:
    """A full-timer (two 8-h days a week) rostered on days 0 and 1, demand on days 1 and 2
    only: the day-0 shift has to move to day 2."""
    req = requirement(3, 1)
    req[0] = [0] * 96
    doc = tiny_instance([agent("F1", "FT")], requirement=req)
    problem = load_instance(doc)
    start = Roster(
        tuple(
            Shift("F1", d, 480, 990, (Activity("break", 600, 615), Activity("lunch", 720, 750)))
            for d in (0, 1)
        )
    )
    assert check_roster(problem, start) == []
    found, _ = _search(problem, start, anneal_share=0.0)  # descent only: deterministic
    assert check_roster(problem, found) == []
    assert sorted(s.day for s in found.shifts) == [1, 2]


def _ft_shift(aid: str, day: int, start: int) -> Shift:
    acts = (
        Activity("break", start + 120, start + 135),
        Activity("lunch", start + 240, start + 270),
    )
    return Shift(aid, day, start, start + 510, acts)


def test_rest_after_last_week_and_between_days_holds_against_demand() -> None:
    """Demand pulls against rest: last week ended at 23:00 on Sunday, so day 0 starts at
    10:00 at the earliest; a day-1 shift at 08:00 caps the day-0 shift at 21:00 (not 22:00)."""
    req = requirement(3, 0)
    req[0][28:62] = [3] * 34  # 07:00-15:30 on day 0
    late = dict(history={"consecutive_days_worked": 1, "last_shift_end_minute": -60})
    problem = load_instance(tiny_instance([agent("F1", "FT", **late)], requirement=req))
    start = Roster((_ft_shift("F1", 0, 600), _ft_shift("F1", 2, 600)))
    assert check_roster(problem, start) == []
    found, _ = _search(problem, start, anneal_share=0.0)
    assert check_roster(problem, found) == []
    assert min(s.start_min for s in found.shifts if s.day == 0) == 600

    req = requirement(3, 0)
    req[0][54:88] = [3] * 34  # 13:30-22:00 on day 0
    req[1][28:62] = [3] * 34  # 07:00-15:30 on day 1
    hours = [[420, 1380]] * 3
    doc = tiny_instance([agent("F1", "FT", availability=hours)], opening_hours=hours)
    problem = load_instance({**doc, "requirement": req})
    start = Roster((_ft_shift("F1", 0, 600), _ft_shift("F1", 1, 480)))
    found, _ = _search(problem, start, anneal_share=0.0)
    assert check_roster(problem, found) == []
    assert {(s.day, s.start_min) for s in found.shifts} == {(0, 750), (1, 480)}


def test_working_days_and_consecutive_days_hold_against_demand() -> None:
    """Demand every day for a part-timer allowed 2 days (no minimum days off) and, with 4
    days worked last week and at most 5 in a row, for a second one allowed 3 days."""
    two_days = agent("P1", max_days=2)
    doc = tiny_instance([two_days, agent("P2")], requirement=requirement(3, 2))
    doc["rules"].update(min_days_off_per_week=0, max_consecutive_working_days=5)
    doc["agents"][1].update(history={"consecutive_days_worked": 4, "last_shift_end_minute": -600})
    doc["contracts"][1].update(max_days=3, max_weekly_paid_minutes=1080)
    problem = load_instance(doc)
    start = Roster((Shift("P1", 0, 480, 720, (Activity("break", 540, 555),)),))
    start = Roster((*start.shifts, Shift("P2", 2, 480, 720, (Activity("break", 540, 555),))))
    assert check_roster(problem, start) == []
    found, _ = _search(problem, start, anneal_share=0.0)
    assert check_roster(problem, found) == []
    days = {a: sorted(s.day for s in found.shifts if s.agent == a) for a in ("P1", "P2")}
    assert len(days["P1"]) == 2 and days["P2"] in ([0, 2], [1, 2])  # not 0 and 1 in a row

    doc["rules"]["min_days_off_per_week"] = 1  # P2 rested: 3 days by contract, 2 by days off
    doc["agents"][1]["history"] = doc["agents"][0]["history"]
    problem = load_instance(doc)
    found, _ = _search(problem, start, anneal_share=0.0)
    assert check_roster(problem, found) == []
    assert len({s.day for s in found.shifts if s.agent == "P2"}) == 2


def test_a_part_timer_trades_length_between_days() -> None:
    """A part-timer with 600 weekly minutes (240 + 360): demand wants the long day second."""
    req = requirement(3, 0)
    req[0][32:48] = [1] * 16  # 08:00-12:00 on day 0
    req[1][32:64] = [1] * 32  # 08:00-16:00 on day 1
    hours = [[420, 1260], [420, 1260], None]
    doc = tiny_instance([agent("P1", availability=hours)], requirement=req, opening_hours=hours)
    doc["contracts"][1].update(min_weekly_paid_minutes=600, max_weekly_paid_minutes=600)
    problem = load_instance(doc)
    long_first = Roster(
        (
            Shift("P1", 0, 480, 870, (Activity("break", 540, 555), Activity("lunch", 660, 690))),
            Shift("P1", 1, 480, 720, (Activity("break", 540, 555),)),
        )
    )
    assert check_roster(problem, long_first) == []
    found, _ = _search(problem, long_first, anneal_share=0.0)
    assert check_roster(problem, found) == []
    lengths = {s.day: s.paid_min(problem.rules) for s in found.shifts}
    assert lengths == {0: 240, 1: 360}


def test_service_level_gains_follow_the_service_curves() -> None:
    doc = tiny_instance([agent("A1", "FT"), agent("A2", "FT")], requirement=requirement(3, 2))
    doc["demand_provenance"] = {
        "calls_per_interval": [[20.0 if 32 <= t < 80 else 0.0 for t in range(96)]] * 3,
        "aht_seconds": 180,
        "service_level_target": 0.8,
        "service_level_seconds": 20,
    }
    problem = load_instance(doc)
    table = gain_table(problem, "service_level", 4)
    assert (table[:, :, :-1] >= table[:, :, 1:] - 1e-12).all()  # concave: gains decrease
    shifts = tuple(
        Shift(a, d, 480, 990, (Activity("break", 600, 615), Activity("lunch", 720, 750)))
        for a in ("A1", "A2")
        for d in (0, 1)
    )
    start = Roster(shifts)
    assert check_roster(problem, start) == []
    before = evaluate_service_level(problem, start).objective
    found, improvement = _search(problem, start, objective="service_level")
    after = evaluate_service_level(problem, found).objective
    assert check_roster(problem, found) == []
    assert after <= before + 1e-9
    assert abs(before + improvement - after) < 1e-6


DAYS = 3


@st.composite
def instances(draw: st.DrawFn) -> tuple[dict[str, Any], int]:
    agents = drawn_agents(draw, DAYS)
    req = [[draw(st.integers(0, 3)) if 32 <= t < 80 else 0 for t in range(96)] for _ in range(3)]
    doc = tiny_instance(agents, requirement=req)
    doc["rules"]["min_days_off_per_week"] = draw(st.integers(0, 1))  # 0: max_days binds
    return doc, draw(st.integers(0, 99))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_local_search_keeps_every_rule_and_never_loses(case: tuple[dict[str, Any], int]) -> None:
    """From a valid roster (a short solve), a hot search returns a valid roster, never
    costlier, and its reported change is the true change."""
    from optimizer.roster.solve import SolveOptions, solve_roster

    doc, seed = case
    problem = load_instance(doc)
    result = solve_roster(problem, SolveOptions(time_limit_s=1, workers=1, seed=seed))
    explained = {e.agent for e in result.explanations}
    agents = tuple(a for a in problem.agents if a.id not in explained)
    types = enumerate_shift_types(problem)
    start = result.roster
    deadline = time.monotonic() + 0.3
    options = LocalSearchOptions(seed=seed, temperatures=(0.3, 0.05), restart_steps=200)
    found, stats = local_search(problem, types, agents, start, deadline, options)
    assert [v for v in check_roster(problem, found) if v.agent not in explained] == []
    before = evaluate_roster(problem, start).cost
    after = evaluate_roster(problem, found).cost
    assert after <= before + 1e-9
    assert abs(before + stats.improvement - after) < 1e-6
