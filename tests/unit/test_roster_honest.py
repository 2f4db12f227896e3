"""Honest roster results in the core: grid conflicts refused up front, INVALID rosters,
structural shortfall warnings, progress events that say whether they are estimates."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from api.cli import main as cli_main
from optimizer.roster import aggregate_search, named_roster
from optimizer.roster.diagnose import grid_conflicts, structural_shortfalls
from optimizer.roster.io import load_instance
from optimizer.roster.problem import RosterProblem
from optimizer.roster.shifts import enumerate_shift_types
from optimizer.roster.solve import SolveOptions, SolverProgress, solve_roster
from tests.roster_support import agent, cli_solve, requirement, tiny_instance

FAST = SolveOptions(time_limit_s=5, workers=1)


def _thirty_minute(doc: dict[str, Any]) -> dict[str, Any]:
    """``doc`` on a 30-minute grid (its requirement every other quarter-hour)."""
    doc["interval_minutes"] = 30
    doc["requirement"] = [day[::2] for day in doc["requirement"]]
    return doc


def test_a_15_min_break_on_a_30_min_queue_is_a_grid_conflict_naming_the_field() -> None:
    problem = load_instance(_thirty_minute(tiny_instance()))
    conflicts = grid_conflicts(30, problem.rules, problem.contracts)
    assert [c.field for c in conflicts] == ["rules.break.duration_minutes"]
    assert conflicts[0].code == "off_grid" and "30-min" in conflicts[0].message
    assert grid_conflicts(15, problem.rules, problem.contracts) == []


def test_lunch_window_without_a_grid_start_and_lengths_off_the_grid_are_conflicts() -> None:
    doc = tiny_instance()
    doc["rules"]["lunch"].update(
        earliest_start_after_shift_start_minutes=190, latest_start_after_shift_start_minutes=200
    )
    doc["contracts"][1]["shift_paid_minutes"] = [240, 270]
    problem = load_instance(doc)
    fields = {c.field: c.code for c in grid_conflicts(60, problem.rules, problem.contracts)}
    assert fields == {
        "rules.break.duration_minutes": "off_grid",
        "rules.lunch.duration_minutes": "off_grid",
        "rules.lunch.latest_start_after_shift_start_minutes": "window_too_short",
        "contracts[PT].shift_paid_minutes": "off_grid",
    }
    # a lunch no contract needs is not checked
    doc["contracts"] = [c for c in doc["contracts"] if c["id"] == "PT"]
    doc["contracts"][0]["shift_paid_minutes"] = [240, 300]
    doc["agents"] = [agent("A1")]
    problem = load_instance(doc)
    assert [c.field for c in grid_conflicts(60, problem.rules, problem.contracts)] == [
        "rules.break.duration_minutes"
    ]


def test_a_roster_with_violations_is_reported_invalid() -> None:
    """The reported case: a 30-minute queue with a 15-minute break gave rosters whose every
    break ends off the grid, labelled OPTIMAL."""
    problem = load_instance(_thirty_minute(tiny_instance([agent("A1"), agent("A2")])))
    result = solve_roster(problem, FAST)
    assert result.violations and any(v.rule == "grid" for v in result.violations)
    assert result.report.status == "INVALID"
    assert result.report.solver_status in ("OPTIMAL", "FEASIBLE")


def _short_day_doc() -> dict[str, Any]:
    """Day 2 is open 07:00-10:00 only: no contract's shift (4 h at least) fits."""
    doc = tiny_instance([agent("A1"), agent("A2"), agent("F1", "FT")])
    doc["opening_hours"] = [[420, 1260], [420, 1260], [420, 600]]
    doc["requirement"] = requirement(2) + requirement(1, open_min=420, close_min=600)
    return doc


def _short_day_problem() -> RosterProblem:
    return load_instance(_short_day_doc())


def test_a_day_no_shift_fits_is_a_structural_shortfall_warning() -> None:
    problem = _short_day_problem()
    result = solve_roster(problem, FAST)
    [warning] = result.warnings
    assert (warning.code, warning.day, warning.cause) == (
        "structural_shortfall",
        2,
        "no_shift_fits_opening_hours",
    )
    assert warning.hours_short == warning.structural_hours == 3.0
    assert "07:00-10:00" in warning.message and "4-8 h" in warning.message


def test_roster_cli_prints_the_structural_shortfall(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`staffwise roster solve` printed cost and gap but dropped the day no roster can cover."""
    args, _, _ = cli_solve(tmp_path, _short_day_doc(), "short.json")
    assert cli_main(args) == 0
    lines = [x for x in capsys.readouterr().out.splitlines() if x.startswith("warning")]
    assert len(lines) == 1
    assert "no_shift_fits_opening_hours" in lines[0] and "day 2: 3.0 agent-hours short" in lines[0]


def test_shortfall_causes_no_agent_available_and_not_enough_agents() -> None:
    doc = tiny_instance([agent("A1", availability=[[420, 1260], [420, 1260], None])])
    doc["requirement"] = requirement(2) + requirement(1, level=1)
    problem = load_instance(doc)
    types = enumerate_shift_types(problem)
    zero = [[0] * 96 for _ in range(3)]
    [absent] = structural_shortfalls(problem, types, problem.agents, zero)
    assert (absent.day, absent.cause, absent.structural_hours) == (2, "no_agent_available", 12.0)
    crowd = copy.deepcopy(doc)
    crowd["agents"] = [agent("A1")]
    crowd["requirement"] = [requirement(1, level=2)[0]] * 3
    problem = load_instance(crowd)
    warnings = structural_shortfalls(problem, types, problem.agents, zero)
    assert [(w.day, w.cause, w.structural_hours) for w in warnings] == [
        (d, "not_enough_agents", 12.0) for d in range(3)
    ]


def test_progress_says_estimate_and_the_final_roster_is_never_worse_than_a_named_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The demo showed 36.7 in progress and ended at 46.7: aggregate figures must be marked
    as estimates and the final roster cost at most every named roster reported."""
    import optimizer.roster.solve as solve_mod
    from optimizer.roster.compose import Incumbent

    free = {"min_weekly_paid_minutes": 0}
    doc = tiny_instance([agent("A1", **free), agent("A2", **free)], requirement=requirement(3, 1))
    problem = load_instance(doc)
    monkeypatch.setattr(aggregate_search, "scaled_floor", lambda lp_bound: float("-inf"))
    real = named_roster.assign_all
    calls: list[int] = []

    def second_deviates(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        shifts, bad = real(*args, **kwargs)
        return (shifts, [0]) if len(calls) == 2 else (shifts, bad)

    def empty_polish(*args: Any, **kwargs: Any) -> Any:
        return Incumbent({}, {}), None  # a valid but empty (far worse) named roster

    monkeypatch.setattr(named_roster, "assign_all", second_deviates)
    monkeypatch.setattr(solve_mod, "polish_roster", empty_polish)
    events: list[SolverProgress] = []
    result = solve_roster(problem, FAST, on_progress=events.append)
    assert any(e.estimate for e in events)
    named = [e.objective for e in events if not e.estimate]
    assert named, "the checkpoint's named roster was not reported"
    assert result.report.objective <= min(named) + 1e-9
    assert result.violations == () and result.roster.shifts


def test_job_messages_name_estimates_invalid_rosters_and_short_days() -> None:
    from api.tasks.roster import outcome_message, progress_message
    from optimizer.roster.check import Violation
    from optimizer.roster.solve import SolverReport

    estimate = progress_message(SolverProgress(36.7, 34.9, 0.048, 3.0))
    assert estimate.startswith("solving: estimate 36.70") and "not yet a named roster" in estimate
    named = progress_message(SolverProgress(46.7, 34.9, 0.252, 20.0, estimate=False))
    assert named == "solving: named roster 46.70, gap 25.20%"
    report = SolverReport("INVALID", 46.7, 34.9, 0.252, 30.0, 34.9, 36.7, 0, False,
                          solver_status="OPTIMAL")  # fmt: skip
    broken = [Violation("A1", d, "grid", "times off the 30-min grid") for d in range(5)]
    warning = {"date": "2026-11-06", "hours_short": 7.0, "cause": "no_shift_fits_opening_hours"}
    message = outcome_message(report, "deviation", broken, [warning])
    assert message.startswith(
        "INVALID: 5 rule violations: A1 day 0 grid: times off the 30-min grid; A1 day 1 grid"
    )
    assert message.endswith(
        "structurally short: 2026-11-06 7.0 h (no_shift_fits_opening_hours) (report.warnings)"
    )
