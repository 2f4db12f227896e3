"""Intraday proposals on a published roster: every proposal keeps the roster's rules."""

from __future__ import annotations

import dataclasses

import numpy as np

from actuals.proposals import DayService, answered_within, propose
from optimizer.requirements import ServiceGoal, StaffingModel
from optimizer.roster.break_rules import two_breaks_and_lunch
from optimizer.roster.check import check_roster
from optimizer.roster.io import load_instance
from optimizer.roster.problem import Activity, Roster, Shift
from tests.roster_support import agent, tiny_instance

ROSTER = Roster(
    shifts=(
        Shift("A1", 0, 480, 870, (Activity("break", 540, 555), Activity("lunch", 660, 690))),
        Shift("A1", 2, 600, 840, (Activity("break", 720, 735),)),
    )
)
CALLS = np.array([1.5 if 660 <= t * 15 < 1020 else 0.0 for t in range(96)])
SERVICE = DayService(day=2, from_min=660, calls=CALLS, aht_s=np.full(96, 300.0),
                     goal=ServiceGoal(0.8, 20.0), model=StaffingModel("erlang_c"))  # fmt: skip


def test_proposals_keep_every_rule_and_rank_by_service_per_paid_hour() -> None:
    problem = load_instance(tiny_instance())
    assert check_roster(problem, ROSTER) == []
    proposals = propose(problem, ROSTER, SERVICE)
    assert proposals, "a 4-hour part-timer may work a 6-hour day"
    for p in proposals:
        assert check_roster(problem, p.roster) == []
    overtime = [p for p in proposals if p.kind == "overtime"]
    assert overtime and all(p.paid_min == 120 for p in overtime)  # 240 -> 360 paid minutes
    assert all(p.answered_within_gain > 0 for p in overtime)
    best = overtime[0]
    lunch = [a for s in best.roster.shifts if s.day == 2 for a in s.activities if a.kind == "lunch"]
    assert len(lunch) == 1 and lunch[0].start_min >= 660  # the 6-hour day gets its lunch
    gains = [p.per_paid_hour for p in overtime]
    assert gains == sorted(gains, reverse=True)
    assert not [p for p in proposals if p.kind == "early_release"]  # 240 is the shortest shift
    within, sl = answered_within(problem, best.roster, SERVICE)
    base, _ = answered_within(problem, ROSTER, SERVICE)
    assert within - base == best.answered_within_gain and 0 < sl <= 1


def test_no_overtime_beyond_the_weekly_maximum() -> None:
    doc = tiny_instance([agent("A1", days=3)])
    part_time = next(c for c in doc["contracts"] if c["id"] == "PT")
    part_time["max_weekly_paid_minutes"] = 600  # 360 + 240 already
    problem = load_instance(doc)
    proposals = propose(problem, ROSTER, SERVICE)
    assert not [p for p in proposals if p.kind == "overtime"]
    assert all(check_roster(problem, p.roster) == [] for p in proposals)


def test_overtime_gets_the_activities_of_the_sites_own_rule_set() -> None:
    """With break rules as data (two breaks and a lunch from 7.5 paid hours), a 6-hour shift
    made 8 hours long takes its second break in the window before the shift's end; before,
    proposals placed only the old break and lunch, so that overtime was never proposed."""
    doc = tiny_instance([agent("A1", days=3)])
    doc["schema"] = "staffwise-roster-instance/3"
    part_time = next(c for c in doc["contracts"] if c["id"] == "PT")
    part_time.update(shift_paid_minutes=[240, 360, 480], max_weekly_paid_minutes=1200)
    problem = load_instance(doc)
    problem = dataclasses.replace(problem, rules=two_breaks_and_lunch(problem.rules, 450))
    six = Shift("A1", 2, 600, 990, (Activity("break", 660, 675), Activity("lunch", 780, 810)))
    roster = Roster(shifts=(ROSTER.shifts[0], six))
    assert check_roster(problem, roster) == []
    proposals = propose(problem, roster, SERVICE)
    assert all(check_roster(problem, p.roster) == [] for p in proposals)
    longer = [p for p in proposals if p.kind == "overtime" and p.paid_min == 120]
    assert longer, "6 h -> 8 h with a second break"
    [shift] = [s for s in longer[0].roster.shifts if s.day == 2]
    kinds = [a.kind for a in shift.activities]
    assert kinds == ["break", "lunch", "break"]
    assert 60 <= shift.end_min - shift.activities[2].end_min <= 150
