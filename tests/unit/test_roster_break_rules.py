"""Break rules as data: today's break + lunch as one rule set, and the two-breaks-and-lunch
set (15-min break, 30-60 min lunch, second 15-min break, each in its own window)."""

from __future__ import annotations

import time

import pytest

from optimizer.errors import InputError
from optimizer.roster.break_rules import parse_rule_sets, rule_sets_to_json, two_breaks_and_lunch
from optimizer.roster.check import check_roster
from optimizer.roster.constraints.activities import activity_violations
from optimizer.roster.evaluate import evaluate_roster
from optimizer.roster.io import load_instance
from optimizer.roster.local_search import LocalSearchOptions, local_search
from optimizer.roster.problem import Activity, RosterProblem, Shift
from optimizer.roster.shifts import enumerate_shift_types
from optimizer.roster.solve import SolveOptions, solve_roster
from tests.roster_support import agent, tiny_instance


def _two_breaks(**overrides: object) -> RosterProblem:
    problem = load_instance(tiny_instance(**overrides))  # type: ignore[arg-type]
    from dataclasses import replace

    return replace(problem, rules=two_breaks_and_lunch(problem.rules))


def _shift(*acts: tuple[str, int, int], lunch: int = 30) -> Shift:
    """A 480-min paid shift 08:00 -> 16:00 + lunch; activities (kind, minutes after the
    start, length)."""
    start = 480
    return Shift(
        "A1",
        0,
        start,
        start + 480 + lunch,
        tuple(Activity(k, start + at, start + at + n) for k, at, n in acts),  # type: ignore[arg-type]
    )


VALID = (("break", 60, 15), ("lunch", 180, 30), ("break", 435, 15))  # ends 60 min before the end


def _messages(problem: RosterProblem, s: Shift) -> list[str]:
    return [v.message for v in activity_violations(problem, s)]


def test_todays_break_and_lunch_are_one_rule_set() -> None:
    rules = load_instance(tiny_instance()).rules
    bands = rules.bands()
    assert [(b.min_paid_min, b.max_paid_min) for b in bands] == [(240, 360), (360, None)]
    assert [a.kind for a in bands[1].activities] == ["break", "lunch"] and bands[1].any_order
    six_hours = next(
        st for st in enumerate_shift_types(load_instance(tiny_instance())) if st.paid_min == 360
    )
    assert six_hours.orders == ((0, 1), (1, 0)) and six_hours.span_min == 390


def test_two_breaks_shift_types_carry_each_window() -> None:
    problem = _two_breaks()
    long = [st for st in enumerate_shift_types(problem) if st.paid_min == 480 and st.day == 0]
    assert {st.span_min for st in long} == {510, 525, 540}  # lunch 30 / 45 / 60 min, unpaid
    st = next(s for s in long if s.span_min == 510)
    first, lunch, second = st.slots
    assert first.offsets == tuple(range(60, 151, 15))
    assert lunch.offsets == tuple(range(180, 301, 15)) and lunch.duration_min == 30
    assert second.offsets == tuple(range(510 - 150 - 15, 510 - 60 - 15 + 1, 15))
    assert st.orders == ((0, 1, 2),)


def test_valid_two_breaks_and_lunch() -> None:
    problem = _two_breaks()
    assert _messages(problem, _shift(*VALID)) == []
    hour_lunch = (("break", 60, 15), ("lunch", 180, 60), ("break", 465, 15))
    assert _messages(problem, _shift(*hour_lunch, lunch=60)) == []


@pytest.mark.parametrize("at", [45, 165])
def test_first_break_window(at: int) -> None:
    acts = (("break", at, 15), ("lunch", 240, 30), ("break", 435, 15))
    assert _messages(_two_breaks(), _shift(*acts)) == ["break starts outside its window"]


@pytest.mark.parametrize("at", [165, 315])
def test_lunch_window(at: int) -> None:
    acts = (("break", 60, 15), ("lunch", at, 30), ("break", 435, 15))
    assert _messages(_two_breaks(), _shift(*acts)) == ["lunch starts outside its window"]


def test_lunch_length_between_30_and_60() -> None:
    acts = (("break", 60, 15), ("lunch", 180, 75), ("break", 480, 15))
    assert _messages(_two_breaks(), _shift(*acts, lunch=75)) == ["lunch must last 30/45/60 min"]


@pytest.mark.parametrize("before_end", [45, 165])
def test_second_break_window_from_the_end(before_end: int) -> None:
    at = 510 - before_end - 15
    acts = (("break", 60, 15), ("lunch", 180, 30), ("break", at, 15))
    assert _messages(_two_breaks(), _shift(*acts)) == ["break starts outside its window"]


def test_minimum_work_between_the_activities_and_their_order() -> None:
    problem = _two_breaks()
    close = (("break", 150, 15), ("lunch", 180, 30), ("break", 435, 15))
    assert _messages(problem, _shift(*close)) == ["activities too close"]
    lunch_first = (("lunch", 60, 30), ("break", 180, 15), ("break", 435, 15))
    assert _messages(problem, _shift(*lunch_first)) == ["activities not in the rule's order"]
    missing = (("break", 60, 15), ("lunch", 180, 30))
    assert _messages(problem, _shift(*missing)) == ["1 break(s), expected 2"]


def test_rule_sets_round_trip_and_refusals() -> None:
    bands = _two_breaks().rules.bands()
    problems: list[tuple[str, str, str]] = []
    again = parse_rule_sets(
        rule_sets_to_json(bands), "rules.break_rule_sets", 15, lambda *p: problems.append(p)
    )
    assert again == bands and problems == []
    broken = rule_sets_to_json(bands)
    broken[1]["activities"][1]["minutes"] = [30, 50]
    broken[0]["max_paid_minutes"] = None
    parse_rule_sets(broken, "rules.break_rule_sets", 15, lambda *p: problems.append(p))
    assert [p[1] for p in problems] == ["grid"]
    doc = tiny_instance()
    doc["schema"] = "staffwise-roster-instance/3"
    doc["rules"]["break_rule_sets"] = broken
    with pytest.raises(InputError) as info:
        load_instance(doc)
    assert [p.field for p in info.value.problems] == [
        "rules.break_rule_sets[1].activities[1].minutes"
    ]


def _long_shift_instance() -> dict[str, object]:
    req = [[2 if 480 <= t * 15 < 1080 else 0 for t in range(96)] for _ in range(3)]
    staff = [agent(f"A{i}", "FT", 3) for i in range(3)]
    doc = tiny_instance(staff, days=3, requirement=req)
    doc["schema"] = "staffwise-roster-instance/3"
    doc["rules"]["break_rule_sets"] = rule_sets_to_json(_two_breaks().rules.bands())
    return doc


def test_solve_and_local_search_with_two_breaks_and_lunch() -> None:
    problem = load_instance(_long_shift_instance())
    result = solve_roster(problem, SolveOptions(time_limit_s=8, workers=1))
    assert check_roster(problem, result.roster) == []
    assert result.roster.shifts and all(len(s.activities) == 3 for s in result.roster.shifts)
    types = enumerate_shift_types(problem)
    deadline = time.monotonic() + 1.0
    better, _ = local_search(
        problem, types, problem.agents, result.roster, deadline, LocalSearchOptions()
    )
    assert check_roster(problem, better) == []
    assert (
        evaluate_roster(problem, better).cost <= evaluate_roster(problem, result.roster).cost + 1e-9
    )
