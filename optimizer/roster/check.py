"""Independent validation of a roster against every hard rule of the problem.

This module deliberately shares no code with the model builders: it re-reads the rules from
the :class:`RosterProblem` and checks the shifts as a labour inspector would.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from optimizer.roster.constraints.availability import availability_violations
from optimizer.roster.constraints.consecutive_days import consecutive_days_violations
from optimizer.roster.constraints.rest import rest_violations as family_rest
from optimizer.roster.constraints.weekly_minutes import weekly_minutes_violations
from optimizer.roster.constraints.working_days import working_days_violations
from optimizer.roster.problem import (
    Activity,
    ActivityRule,
    Agent,
    Roster,
    RosterProblem,
    Shift,
)
from optimizer.roster.violation import Violation

__all__ = ["Violation", "check_roster", "rest_violations"]


def _activity(s: Shift, rule: ActivityRule, act: Activity) -> Iterator[Violation]:
    if act.end_min - act.start_min != rule.duration_min:
        yield Violation(s.agent, s.day, act.kind, f"{act.kind} must last {rule.duration_min} min")
    earliest = s.start_min + rule.earliest_start_after_shift_start_min
    latest = s.start_min + rule.latest_start_after_shift_start_min
    if not earliest <= act.start_min <= latest:
        yield Violation(s.agent, s.day, act.kind, f"{act.kind} starts outside its window")
    if act.end_min > s.end_min - rule.min_min_before_shift_end:
        yield Violation(s.agent, s.day, act.kind, f"{act.kind} too close to the shift end")


def _activities(problem: RosterProblem, s: Shift) -> Iterator[Violation]:
    rules = problem.rules
    paid = s.paid_min(rules)
    for kind, rule in (("break", rules.break_rule), ("lunch", rules.lunch_rule)):
        acts = [a for a in s.activities if a.kind == kind]
        expected = 1 if rule.required(paid) else 0
        if len(acts) != expected:
            yield Violation(s.agent, s.day, kind, f"{len(acts)} {kind}(s), expected {expected}")
        for act in acts:
            yield from _activity(s, rule, act)
    ordered = sorted(s.activities, key=lambda a: a.start_min)
    for a in ordered:
        if a.start_min < s.start_min or a.end_min > s.end_min or a.end_min <= a.start_min:
            yield Violation(s.agent, s.day, "overlap", f"{a.kind} outside the shift")
    for a, b in itertools.pairwise(ordered):
        if b.start_min < a.end_min:
            yield Violation(s.agent, s.day, "overlap", "activities overlap")
        elif b.start_min - a.end_min < rules.min_work_between_activities_min:
            yield Violation(s.agent, s.day, "min_work_between_activities", "activities too close")


def rest_violations(
    problem: RosterProblem, agent: Agent, shifts: list[Shift]
) -> Iterator[Violation]:
    """Rest shorter than the minimum after last week's final shift or between ``shifts``
    (ordered by day and start)."""
    yield from family_rest(problem, agent, [(s.day, s.start_min, s.end_min) for s in shifts])


def _week(problem: RosterProblem, agent: Agent, shifts: list[Shift]) -> Iterator[Violation]:
    days = [s.day for s in shifts]
    yield from working_days_violations(problem, agent, days)
    paid = sum(s.paid_min(problem.rules) for s in shifts)
    yield from weekly_minutes_violations(agent, paid, bool(shifts))
    ordered = sorted(shifts, key=lambda s: (s.day, s.start_min))
    yield from rest_violations(problem, agent, ordered)
    yield from consecutive_days_violations(problem, agent, set(days))


def check_roster(problem: RosterProblem, roster: Roster) -> list[Violation]:
    """Every hard-rule violation of ``roster`` (empty list: the roster is valid).

    Agents absent from the roster are checked too (their weekly minimum applies unless they
    are optional).
    """
    agents = {a.id: a for a in problem.agents}
    violations: list[Violation] = []
    by_agent = roster.by_agent()
    for name, shifts in by_agent.items():
        if name not in agents:
            violations.append(Violation(name, None, "unknown_agent", "agent not in problem"))
            continue
        for s in shifts:
            if not 0 <= s.day < problem.days:
                violations.append(Violation(name, s.day, "grid", "day out of range"))
                continue
            violations.extend(availability_violations(problem, agents[name], s))
            violations.extend(_activities(problem, s))
    for agent in problem.agents:
        shifts = [s for s in by_agent.get(agent.id, []) if 0 <= s.day < problem.days]
        violations.extend(_week(problem, agent, shifts))
    return violations
