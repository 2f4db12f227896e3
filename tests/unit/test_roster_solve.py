"""solve_roster end to end on tiny instances: valid rosters, bounds, explanations, stop."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path
from typing import Any

import pytest

from api.cli import main
from optimizer.errors import InputError
from optimizer.roster import aggregate_search, named_roster
from optimizer.roster.check import check_roster
from optimizer.roster.evaluate import evaluate_roster
from optimizer.roster.io import load_instance, load_roster, roster_to_json
from optimizer.roster.mip_days import MipDays
from optimizer.roster.problem import RosterProblem
from optimizer.roster.solve import SolveOptions, SolverProgress, solve_roster
from tests.roster_support import agent, cli_solve, requirement, tiny_instance

FAST = SolveOptions(time_limit_s=5, workers=1)


def test_tiny_roster_is_valid_and_certified() -> None:
    doc = tiny_instance(
        [agent("A1"), agent("A2"), agent("F1", "FT")], requirement=requirement(3, 2)
    )
    problem = load_instance(doc)
    result = solve_roster(problem, FAST)
    assert result.violations == ()
    assert check_roster(problem, result.roster) == []
    assert result.kpis == evaluate_roster(problem, result.roster)
    assert result.report.lp_bound <= result.kpis.cost + 1e-6
    assert 0.0 <= result.report.gap < 1.0
    worked = {s.agent for s in result.roster.shifts}
    assert worked == {"A1", "A2", "F1"}


def test_unmet_demand_is_reported_per_interval() -> None:
    problem = load_instance(tiny_instance(requirement=requirement(3, 3)))
    result = solve_roster(problem, FAST)
    unmet = sum(sum(row) for row in result.unmet)
    assert unmet == result.kpis.under_agent_intervals > 0
    assert result.violations == ()


def test_history_rest_and_consecutive_days_are_respected() -> None:
    tired = agent("A1", history={"consecutive_days_worked": 5, "last_shift_end_minute": -60})
    late = agent("A2", history={"consecutive_days_worked": 1, "last_shift_end_minute": -120})
    problem = load_instance(tiny_instance([tired, late], requirement=requirement(3, 2)))
    result = solve_roster(problem, FAST)
    assert result.violations == ()
    by_agent = result.roster.by_agent()
    assert all(s.day != 0 for s in by_agent.get("A1", []))
    assert all(s.start_min >= 540 for s in by_agent.get("A2", []) if s.day == 0)


def test_infeasible_agent_gets_an_explanation_not_a_crash() -> None:
    short = agent("A9", availability=[[600, 780]] * 3)  # 3 h a day: no 4-h shift fits
    problem = load_instance(tiny_instance([agent("A1"), short]))
    result = solve_roster(problem, FAST)
    [explanation] = result.explanations
    assert explanation.agent == "A9"
    assert "weekly_minutes" in explanation.rules and "availability" in explanation.rules
    assert "A9" in explanation.message
    assert all(s.agent != "A9" for s in result.roster.shifts)


def test_day_limit_conflict_is_named() -> None:
    few = agent("A9", "FT", max_days=1)  # 960 min/week in 8-h shifts needs 2 days
    result = solve_roster(load_instance(tiny_instance([agent("A1"), few])), FAST)
    [explanation] = result.explanations
    assert explanation.agent == "A9"
    assert {"working_days", "weekly_minutes"} <= set(explanation.rules)


def test_progress_and_early_stop_keep_a_roster() -> None:
    seen: list[SolverProgress] = []
    problem = load_instance(tiny_instance([agent("A1"), agent("A2")]))
    result = solve_roster(problem, FAST, on_progress=seen.append, should_stop=lambda: True)
    assert seen and all(p.objective >= p.bound - 1e-9 for p in seen)
    assert result.report.stopped_early
    assert result.violations == ()


def test_roster_json_round_trip() -> None:
    problem = load_instance(tiny_instance())
    result = solve_roster(problem, FAST)
    doc = roster_to_json(problem, result.roster)
    assert doc["schema"] == "staffwise-roster/1"
    assert load_roster(json.loads(json.dumps(doc))) == result.roster.__class__(
        tuple(sorted(result.roster.shifts, key=lambda s: (s.agent, s.day, s.start_min)))
    )


def test_roster_accepts_hhmm_times() -> None:
    doc = {
        "schema": "staffwise-roster/1",
        "shifts": [
            {
                "agent": "A1",
                "day": 0,
                "start": "08:00",
                "end": "12:00",
                "activities": [{"kind": "break", "start": "09:30", "end": "09:45"}],
            }
        ],
    }
    [shift] = load_roster(doc).shifts
    assert (shift.start_min, shift.end_min, shift.activities[0].start_min) == (480, 720, 570)


def test_bad_instance_names_field_and_reason() -> None:
    doc = tiny_instance()
    doc["requirement"][1][5] = -1
    doc["agents"][0]["contract"] = "XX"
    with pytest.raises(InputError) as info:
        load_instance(doc)
    fields = {p.field for p in info.value.problems}
    assert {"requirement[1][5]", "agents[0].contract"} <= fields


def test_cli_solve_writes_a_valid_roster(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args, instance, out = cli_solve(tmp_path, tiny_instance(), "tiny.json")
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "gap" in printed and "status" in printed
    assert main(["roster", "check", str(instance), str(out)]) == 0


def _count_calls(monkeypatch: pytest.MonkeyPatch, bad_on_call: int) -> list[Any]:
    """Wrap ``assign_all`` so that its ``bad_on_call``-th call reports the first class of
    several members (else class 0) as deviating (its shifts unchanged); returns the recorded
    (model, ``known``) arguments."""

    real = named_roster.assign_all
    seen: list[Any] = []

    def fake(*args: Any, **kwargs: Any) -> Any:
        seen.append((args[1], args[6] if len(args) > 6 else kwargs.get("known")))
        shifts, bad = real(*args, **kwargs)
        if len(seen) != bad_on_call:
            return shifts, bad
        return shifts, [next((c.index for c in args[1].classes if c.size > 1), 0)]

    monkeypatch.setattr(named_roster, "assign_all", fake)
    return seen


def _checkpoint_instance(monkeypatch: pytest.MonkeyPatch) -> RosterProblem:
    """Two part-timers (one class each on a small site) and two full-timers (one class of
    two); the search does not stop at the LP bound, so the checkpoint runs."""
    agents = [agent("A1"), agent("A2"), agent("F1", "FT"), agent("F2", "FT")]
    doc = tiny_instance(agents, requirement=requirement(3, 3))
    # this instance reaches its LP bound at once, which skips the search and the checkpoint
    monkeypatch.setattr(aggregate_search, "scaled_floor", lambda lp_bound: -math.inf)
    return load_instance(doc)


def test_checkpoint_splits_a_deviating_class_into_its_members(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    problem = _checkpoint_instance(monkeypatch)
    seen = _count_calls(monkeypatch, bad_on_call=1)  # the checkpoint's assignment deviates
    result = solve_roster(problem, SolveOptions(time_limit_s=15, workers=1))
    assert len(seen) == 2
    assert sorted(c.size for c in seen[0][0].classes) == [1, 1, 2]
    final = seen[1][0]  # the full-timers' class was split into its members
    assert [c.size for c in final.classes] == [1, 1, 1, 1]
    assert {c.agents[0].id for c in final.classes} == {"A1", "A2", "F1", "F2"}
    assert result.violations == () and result.report.assignment_deviation == 0
    assert result.kpis == evaluate_roster(problem, result.roster)


def test_checkpoint_freezes_a_deviating_class_when_no_split_settles(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    problem = _checkpoint_instance(monkeypatch)
    monkeypatch.setattr(aggregate_search, "_split", lambda *args: None)
    seen = _count_calls(monkeypatch, bad_on_call=1)  # the checkpoint's assignment deviates
    # the repair gets what is left of the aggregate time: at 5 s that was 1.2 s, too little
    # for one worker on a loaded machine (UNKNOWN, repair refused)
    result = solve_roster(problem, SolveOptions(time_limit_s=15, workers=1))
    frozen = next(c.index for c in seen[0][0].classes if c.size > 1)
    assert len(seen) == 2 and seen[0][1] is None
    assert seen[1][1] is not None and frozen in seen[1][1]  # frozen, its assignment reused
    assert result.violations == () and result.report.assignment_deviation == 0
    assert result.kpis == evaluate_roster(problem, result.roster)


def test_a_roster_at_the_lp_bound_is_returned_without_further_search(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Nothing can beat the LP bound: neither the LNS nor the local search may run (an API
    user got such a roster after the whole time limit, 18 s of 20, instead of at once)."""
    import optimizer.roster.solve as solve_mod

    def must_not_run(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("searched past a proven optimum")

    monkeypatch.setattr(MipDays, "run", must_not_run)
    monkeypatch.setattr(solve_mod, "_local", must_not_run)
    doc = tiny_instance([agent("A1"), agent("A2"), agent("F1", "FT")],
                        requirement=requirement(3, 2))  # fmt: skip
    problem = load_instance(doc)
    result = solve_roster(problem, SolveOptions(time_limit_s=30, workers=1))
    assert result.report.status == "OPTIMAL" and result.report.gap <= 1e-9
    assert result.report.objective == pytest.approx(result.report.lp_bound)
    assert result.violations == ()


def test_a_deviating_final_assignment_falls_back_to_the_checkpoint_roster(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import optimizer.roster.solve as solve_mod
    from optimizer.roster.compose import Incumbent

    free = {"min_weekly_paid_minutes": 0}
    doc = tiny_instance([agent("A1", **free), agent("A2", **free)], requirement=requirement(3, 1))
    problem = load_instance(doc)
    _count_calls(monkeypatch, bad_on_call=2)  # the final assignment "deviates"

    def empty_polish(*args: Any, **kwargs: Any) -> Any:
        return Incumbent({}, {}), None  # a valid but empty roster: far worse

    monkeypatch.setattr(solve_mod, "polish_roster", empty_polish)
    result = solve_roster(problem, FAST)
    assert result.report.assignment_deviation == 1
    assert result.roster.shifts  # the checkpoint's roster, not the empty one
    assert result.violations == ()
    assert result.kpis.cost < evaluate_roster(problem, solve_mod.Roster()).cost


def test_a_starved_aggregate_search_is_tried_again_not_a_crash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first aggregate search finds nothing (as under load 7 on 2 cores: "aggregate
    roster model returned UNKNOWN"): the plain classes are searched once more in the time
    left, and the roster is valid."""
    from ortools.sat.python import cp_model

    import optimizer.roster.solve as solve_mod

    real = solve_mod.search_aggregate
    calls: list[int] = []
    nothing = cp_model.CpModel()
    nothing.add(nothing.new_int_var(0, 0, "x") >= 1)
    empty = cp_model.CpSolver()
    empty.solve(nothing)  # no solution, as a starved search

    def starved_once(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        found = real(*args, **kwargs)
        return dataclasses.replace(found, solver=empty) if len(calls) == 1 else found

    monkeypatch.setattr(solve_mod, "search_aggregate", starved_once)
    problem = load_instance(tiny_instance([agent("A1"), agent("F1", "FT")]))
    result = solve_roster(problem, FAST)
    assert len(calls) == 2 and result.violations == ()
