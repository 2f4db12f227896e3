"""Independent validation of a roster against every hard rule of the problem.

It shares no code with the model builders (no solver, no shift types, no aggregate counts): it
re-reads the rules from the :class:`RosterProblem` and checks the shifts as a labour inspector
would, with each rule family's pure check (``<family>_violations`` beside its ``add_<family>``
in :mod:`optimizer.roster.constraints`), which the local search and the greedy assignment use
for their feasibility too.
"""

from __future__ import annotations

from collections.abc import Iterator

from optimizer.roster.constraints.activities import activity_violations
from optimizer.roster.constraints.availability import availability_violations
from optimizer.roster.constraints.consecutive_days import consecutive_days_violations
from optimizer.roster.constraints.rest import rest_violations as family_rest
from optimizer.roster.constraints.weekly_minutes import weekly_minutes_violations
from optimizer.roster.constraints.working_days import working_days_violations
from optimizer.roster.problem import Agent, Roster, RosterProblem, Shift
from optimizer.roster.violation import Violation

__all__ = ["Violation", "check_roster", "rest_violations"]


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
            violations.extend(activity_violations(problem, s))
    for agent in problem.agents:
        shifts = [s for s in by_agent.get(agent.id, []) if 0 <= s.day < problem.days]
        violations.extend(_week(problem, agent, shifts))
    return violations
