"""Property: whatever the greedy assignment returns reproduces the counts and keeps every
agent's rest (after last week's final shift and between days) and day count."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.roster.greedy import greedy_assign
from optimizer.roster.io import load_instance
from optimizer.roster.problem import RosterProblem
from optimizer.roster.shifts import ShiftType, agent_classes, enumerate_shift_types
from tests.roster_support import agent, tiny_instance

DAYS = 3
STARTS = [420, 480, 600, 720, 750]  # 8 h shifts in a 07:00-21:00 day


def _rest_violations(problem: RosterProblem, got: dict[str, dict[int, ShiftType]]) -> list[str]:
    rest = problem.rules.min_rest_min
    out = []
    for a in problem.agents:
        week = got[a.id]
        last = a.history.last_shift_end_min
        if 0 in week and last is not None and week[0].start_min - last < rest:
            out.append(f"{a.id} after last week")
        for d, shift in week.items():
            nxt = week.get(d + 1)
            if nxt is not None and nxt.start_min + 1440 - shift.end_min < rest:
                out.append(f"{a.id} day {d}")
    return out


@st.composite
def cases(draw: st.DrawFn) -> tuple[RosterProblem, dict[ShiftType, int]]:
    n = draw(st.integers(2, 6))
    ends = [draw(st.sampled_from([None, -60, -120, -240])) for _ in range(n)]
    histories = [{"consecutive_days_worked": 0, "last_shift_end_minute": e} for e in ends]
    problem = load_instance(
        tiny_instance([agent(f"A{i}", "FT", history=h) for i, h in enumerate(histories)])
    )
    types = enumerate_shift_types(problem)
    by_key = {(t.day, t.start_min): t for t in types if t.paid_min == 480}
    counts: Counter[ShiftType] = Counter()
    for _ in range(n):  # each agent's week: 2 of the 3 days (the FT contract), any starts
        days = draw(st.sampled_from([(0, 1), (0, 2), (1, 2)]))
        for d in days:
            counts[by_key[d, draw(st.sampled_from(STARTS))]] += 1
    return problem, dict(counts)


@settings(max_examples=150, deadline=None)
@given(cases())
def test_a_greedy_assignment_is_exact_and_keeps_rest(
    case: tuple[RosterProblem, dict[ShiftType, int]],
) -> None:
    problem, counts = case
    [cls] = agent_classes(problem, problem.agents)
    got = greedy_assign(problem, cls, counts)
    if got is None:
        return  # stuck: the caller falls back on CP-SAT
    assert Counter(st for week in got.values() for st in week.values()) == Counter(counts)
    assert all(len(week) == 2 for week in got.values())
    assert _rest_violations(problem, got) == []
