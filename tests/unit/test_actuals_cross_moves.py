"""Intraday moves of cross-trained agents between two queues of a site (actuals.cross_moves)."""

from __future__ import annotations

import dataclasses
import re

import numpy as np

from actuals.cross_moves import Lender, cross_moves
from actuals.proposals import answered_within
from optimizer.roster.check import check_roster
from optimizer.roster.io import load_instance
from optimizer.roster.problem import Activity, Roster, Shift
from tests.roster_support import tiny_instance
from tests.unit.test_actuals_proposals import ROSTER, SERVICE

LENT = Shift("B1", 2, 480, 960, (Activity("break", 720, 735), Activity("lunch", 780, 810)))


def _lender(calls: float) -> Lender:
    problem = load_instance(tiny_instance())
    quiet = dataclasses.replace(SERVICE, calls=np.where(SERVICE.calls > 0, calls, 0.0))
    return Lender("email", problem, Roster(shifts=(LENT,)), quiet)


def test_a_cross_trained_agent_moves_when_the_net_gain_is_positive() -> None:
    problem = load_instance(tiny_instance())
    lender = _lender(0.05)  # the other queue is nearly idle
    moves = cross_moves(problem, ROSTER, SERVICE, [lender], frozenset({"B1"}))
    assert moves and all(m.kind == "cross_queue" and m.paid_min == 0 for m in moves)
    gains = [m.answered_within_gain for m in moves]
    assert gains == sorted(gains, reverse=True) and gains[-1] > 0
    base_here, _ = answered_within(problem, ROSTER, SERVICE)
    base_there, _ = answered_within(lender.problem, lender.roster, lender.service)
    for move in moves:
        start, end = (int(h) * 60 + int(m) for h, m in
                      re.findall(r"(\d\d):(\d\d)", move.description)[:2])  # fmt: skip
        assert start >= SERVICE.from_min and end <= LENT.end_min
        assert all(a.end_min <= start or a.start_min >= end for a in LENT.activities)
        delta = np.zeros(problem.intervals_per_day)
        delta[start // 15 : end // 15] = 1.0
        here, sl = answered_within(problem, ROSTER, SERVICE, delta)
        there, _ = answered_within(lender.problem, lender.roster, lender.service, -delta)
        assert move.answered_within_gain == (here - base_here) + (there - base_there)
        assert move.rest_sl == sl
        # the shifts do not change: both rosters keep every rule
        assert move.roster == ROSTER and check_roster(problem, move.roster) == []


def test_no_move_without_the_skill_or_a_net_gain() -> None:
    problem = load_instance(tiny_instance())
    assert cross_moves(problem, ROSTER, SERVICE, [_lender(0.05)], frozenset()) == []
    nine = dataclasses.replace(LENT, agent="A9")
    here = Roster(shifts=(*ROSTER.shifts, nine))  # A9 also works on this queue today
    both = dataclasses.replace(_lender(0.05), roster=Roster(shifts=(LENT, nine)))
    moved = cross_moves(problem, here, SERVICE, [both], frozenset({"B1", "A9"}))
    assert moved and {m.agent for m in moved} == {"B1"}
    # this queue is well staffed all day: the other queue needs its one agent more
    crowded = Roster(shifts=tuple(Shift(f"X{i}", 2, 480, 1080, ()) for i in range(6)))
    assert cross_moves(problem, crowded, SERVICE, [_lender(0.5)], frozenset({"B1"})) == []
    assert cross_moves(problem, ROSTER, SERVICE, [_lender(0.5)], frozenset({"B1"}))
