"""The shift-mix family: exact week points, valid hull edges, and the aggregate it cuts."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from optimizer.roster.aggregate_search import mixed
from optimizer.roster.backend import CpBackend
from optimizer.roster.build import build_aggregate
from optimizer.roster.constraints.shift_mix import Lengths, hull_edges, week_points
from optimizer.roster.io import load_instance
from optimizer.roster.shifts import agent_classes, enumerate_shift_types
from tests.roster_support import agent, tiny_instance


def _brute_points(
    lo: int, hi: int, days: int, fits: list[tuple[bool, bool]], short: list[int], long: list[int]
) -> set[tuple[int, int]]:
    """Every week by brute force: each day off, or one length that fits there ((short fits,
    long fits) per day); its (shifts, long shifts) when within the bounds and day limit."""
    choices = [
        [None, *(short if s else []), *(long if g else [])] for s, g in fits
    ]  # fmt: skip
    out = set()
    for week in itertools.product(*choices):
        worked = [length for length in week if length is not None]
        if len(worked) <= days and lo <= sum(worked) <= hi:
            out.add((len(worked), sum(1 for length in worked if length in long)))
    return out


@st.composite
def _weeks(draw: st.DrawFn) -> tuple[int, int, int, list[tuple[bool, bool]], list[int], list[int]]:
    lengths = sorted(
        draw(st.sets(st.sampled_from([120, 240, 270, 300, 330, 360, 480]), min_size=2, max_size=4))
    )
    cut = draw(st.integers(1, len(lengths) - 1))
    fits = draw(st.lists(st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=5))
    lo = draw(st.integers(0, 2000))
    hi = lo + draw(st.integers(0, 900))
    return lo, hi, draw(st.integers(0, 5)), fits, lengths[:cut], lengths[cut:]


@settings(max_examples=150, deadline=None)
@given(_weeks())
def test_week_points_are_exactly_the_weeks_and_every_week_meets_every_edge(case) -> None:
    lo, hi, days, fits, short, long = case
    truth = _brute_points(lo, hi, days, fits, short, long)
    lengths = Lengths(
        tuple(short),
        tuple(long),
        sum(s for s, _ in fits),
        sum(g for _, g in fits),
        sum(s or g for s, g in fits),
    )
    points = week_points(lo, hi, days, lengths)
    assert set(points) == truth
    for edge in hull_edges(points):
        assert all(edge.value(p) <= edge.c for p in truth), edge
        assert any(edge.value(p) == edge.c for p in truth), edge  # an edge touches the hull


def test_the_l3_part_time_class_holds_at_most_two_long_shifts_in_four_days() -> None:
    """960-1200 paid minutes, at most 4 days, 240-300 short and 330-360 long (L-3's class):
    three long shifts need a fourth of 240 at least, 1230 > 1200."""
    lengths = Lengths((240, 270, 300), (330, 360), 7, 7, 7)
    points = week_points(960, 1200, 4, lengths)
    assert sorted(points) == [(3, 1), (3, 2), (3, 3), (4, 0), (4, 1), (4, 2)]
    edges = {(e.a, e.b, e.c) for e in hull_edges(points)}
    assert (1, 1, 6) in edges  # n + k <= 6
    assert (-1, -1, -4) in edges  # n + k >= 4: three shifts need a long one


def _two_members_forced(long_shifts: int) -> str:
    """Two agents of one class (shifts of 240 or 330, 960-1200 a week, at most 4 days) over 5
    days, their 8 shifts forced with ``long_shifts`` of 330: the aggregate's status."""
    doc = tiny_instance([agent("A1", days=5), agent("A2", days=5)], days=5)
    doc["contracts"][1].update(
        shift_paid_minutes=[240, 330],
        min_weekly_paid_minutes=960,
        max_weekly_paid_minutes=1200,
        max_days=4,
    )
    problem = load_instance(doc)
    types = enumerate_shift_types(problem)
    classes = agent_classes(problem, problem.agents)
    assert len(classes) == 1
    backend = CpBackend()
    m = build_aggregate(problem, backend, types, classes)
    long = [v for (_, k), v in m.x.items() if types[k].paid_min == 330]
    backend.model.add(sum(m.x.values()) == 8)
    backend.model.add(sum(long) == long_shifts)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 20
    solver.parameters.num_workers = 1
    return solver.status_name(solver.solve(backend.model))


def test_the_aggregate_refuses_a_mix_no_member_week_can_hold() -> None:
    # 5 x 330 + 3 x 240 = 2370 fits the class's 1920-2400 total, but one member would need
    # three of 330 and a fourth shift: 1230 > 1200
    assert _two_members_forced(5) == "INFEASIBLE"
    assert _two_members_forced(4) in ("OPTIMAL", "FEASIBLE")  # 330 + 330 + 240 + 240 each


def test_the_counts_freed_in_the_rounding_box_are_those_of_mixed_classes() -> None:
    """``mixed``: the class counts of classes of several members and lengths (PT: 240 or 360,
    two members), not those of a one-member class or of a one-length class (FT: 480)."""
    agents = [agent("P1"), agent("P2"), agent("F1", "FT"), agent("F2", "FT"), agent("Q1")]
    agents[4]["availability"] = [[420, 1260], None, [420, 1260]]  # a class of its own
    problem = load_instance(tiny_instance(agents))
    classes = agent_classes(problem, problem.agents)
    m = build_aggregate(problem, CpBackend(), enumerate_shift_types(problem), classes)
    several = {c.index for c in classes if c.size > 1 and len(c.lengths) > 1}
    assert len(several) == 1 and len(classes) == 3
    expected = {v.index for (c, _), v in m.x.items() if c in several}
    assert expected and mixed(m) == expected
