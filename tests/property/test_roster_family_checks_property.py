"""Properties of the rule families' pure checks on random small weeks.

* ``check_roster`` reports exactly the union of the family checks (no rule dropped, none
  invented), on rosters with arbitrary, often invalid shifts;
* each week-level family check agrees with the exact per-agent CP-SAT form of the same family
  (``add_agent_<family>``) on the agent's week fixed in the model.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.roster.check import Violation, check_roster
from optimizer.roster.constraints.activities import activity_violations
from optimizer.roster.constraints.availability import agent_shift_types, availability_violations
from optimizer.roster.constraints.consecutive_days import consecutive_days_violations
from optimizer.roster.constraints.rest import rest_violations
from optimizer.roster.constraints.weekly_minutes import weekly_minutes_violations
from optimizer.roster.constraints.working_days import working_days_violations
from optimizer.roster.io import load_instance
from optimizer.roster.problem import Activity, Agent, Roster, RosterProblem, Shift
from optimizer.roster.shifts import enumerate_shift_types
from tests.roster_support import agent, tiny_instance
from tests.unit.test_roster_families import _feasible

DAYS = 3


@st.composite
def a1_fields(draw: st.DrawFn) -> dict[str, Any]:
    """A part-timer's availability and last week (rest and consecutive days)."""
    windows = [draw(st.sampled_from([None, [420, 1260], [480, 900]])) for _ in range(DAYS)]
    history = {
        "consecutive_days_worked": draw(st.integers(0, 6)),
        "last_shift_end_minute": draw(st.sampled_from([None, -60, -240, -600])),
    }
    return {"availability": windows, "history": history}


@st.composite
def shifts(draw: st.DrawFn, aid: str) -> list[Shift]:
    """0-4 shifts: starts on or off the grids, any length (some past midnight), a break and
    a lunch or not, placed anywhere."""
    out = []
    for _ in range(draw(st.integers(0, 4))):
        start = draw(st.integers(24, 80)) * 15 + draw(st.sampled_from([0, 0, 0, 5]))
        end = start + draw(st.sampled_from([240, 255, 390, 510, 600]))
        acts = []
        if draw(st.booleans()):
            b = start + draw(st.integers(2, 12)) * 15
            acts.append(Activity("break", b, b + draw(st.sampled_from([15, 15, 30]))))
        if draw(st.booleans()):
            x = start + draw(st.integers(8, 24)) * 15
            acts.append(Activity("lunch", x, x + 30))
        acts.sort(key=lambda a: a.start_min)
        out.append(Shift(aid, draw(st.integers(0, DAYS - 1)), start, end, tuple(acts)))
    return out


@st.composite
def rosters(draw: st.DrawFn) -> tuple[RosterProblem, Roster]:
    a1 = agent("A1", "PT", optional=draw(st.booleans()), **draw(a1_fields()))
    problem = load_instance(tiny_instance([a1, agent("A2", "FT")]))
    return problem, Roster(tuple(draw(shifts("A1")) + draw(shifts("A2"))))


def _family_union(problem: RosterProblem, roster: Roster) -> list[Violation]:
    """Every family check on every agent's week, called directly."""
    out: list[Violation] = []
    by_agent = roster.by_agent()
    for a in problem.agents:
        week = sorted(by_agent.get(a.id, []), key=lambda s: (s.day, s.start_min))
        for s in week:
            out += availability_violations(problem, a, s) + activity_violations(problem, s)
        out += working_days_violations(problem, a, [s.day for s in week])
        out += weekly_minutes_violations(
            a, sum(s.paid_min(problem.rules) for s in week), bool(week)
        )
        out += rest_violations(problem, a, [(s.day, s.start_min, s.end_min) for s in week])
        out += consecutive_days_violations(problem, a, {s.day for s in week})
    return out


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rosters())
def test_check_roster_is_the_union_of_the_family_checks(case: tuple[RosterProblem, Roster]) -> None:
    problem, roster = case
    assert Counter(check_roster(problem, roster)) == Counter(_family_union(problem, roster))


def _week_verdicts(
    problem: RosterProblem, a: Agent, week: list[tuple[int, int, int, int]]
) -> dict[str, bool]:
    """Family -> the pure check accepts ``week`` ((day, start, end, paid), one a day)."""
    days = [d for d, _, _, _ in week]
    paid = sum(p for _, _, _, p in week)
    return {
        "working_days": not working_days_violations(problem, a, days),
        "weekly_minutes": not weekly_minutes_violations(a, paid, bool(week)),
        "rest": not rest_violations(problem, a, [(d, s, e) for d, s, e, _ in week]),
        "consecutive_days": not consecutive_days_violations(problem, a, set(days)),
    }


@st.composite
def weeks(draw: st.DrawFn) -> tuple[RosterProblem, list[tuple[int, int, int, int]]]:
    fields = draw(a1_fields())
    fields["max_days"] = draw(st.integers(1, 3))
    problem = load_instance(tiny_instance([agent("A1", "PT", **fields)]))
    types = agent_shift_types(problem, enumerate_shift_types(problem), problem.agents[0])
    week = []
    for d in range(DAYS):
        options = [t for t in types if t.day == d]
        if options and draw(st.booleans()):
            t = draw(st.sampled_from(options))
            week.append((d, t.start_min, t.end_min, t.paid_min))
    return problem, week


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(weeks())
def test_family_checks_agree_with_their_exact_cp_sat_form(
    case: tuple[RosterProblem, list[tuple[int, int, int, int]]],
) -> None:
    problem, week = case
    chosen = [(d, s, p) for d, s, _, p in week]
    for family, accepted in _week_verdicts(problem, problem.agents[0], week).items():
        assert _feasible(problem, family, chosen) == accepted, family
