"""Consecutive working days family: at most ``max_consecutive_days`` in a row, counting the
days worked at the end of last week (``history.consecutive_days_worked``).

Aggregate form: in every window of ``limit + 1`` consecutive days (last week's tail included)
a class works at most, summed over its members, the days each member may still work there.
Exact for a one-member class. Per-agent form: exact sliding windows over history + this week.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from optimizer.roster.backend import Terms
from optimizer.roster.model import AggregateModel
from optimizer.roster.problem import Agent, RosterProblem
from optimizer.roster.violation import Violation

__all__ = [
    "add_agent_consecutive_days",
    "add_consecutive_days",
    "consecutive_days_violations",
]


def _window_capacity(agent: Agent, first: int, limit: int, days_in_week: int) -> int:
    """Days ``agent`` may work in ``[first, first + limit]`` this week, given last week."""
    history = agent.history.consecutive_days_worked
    before = sum(1 for d in range(first, first + limit + 1) if -history <= d < 0)
    return max(0, min(days_in_week, limit - before))


def add_consecutive_days(m: AggregateModel) -> None:
    """Per class and window of ``limit + 1`` days: shifts at most the members' capacity."""
    limit = m.problem.rules.max_consecutive_days
    n_days = m.problem.days
    for cls in m.classes:
        by_day: dict[int, Terms] = {}
        for (c, k), v in m.x.items():
            if c == cls.index:
                by_day.setdefault(m.types[k].day, []).append((v, 1))
        longest = max((a.history.consecutive_days_worked for a in cls.agents), default=0)
        for first in range(-min(longest, limit), n_days - limit):
            window = [d for d in range(first, first + limit + 1) if 0 <= d < n_days]
            terms: Terms = [t for d in window for t in by_day.get(d, [])]
            cap = sum(_window_capacity(a, first, limit, len(window)) for a in cls.agents)
            if terms and cap < cls.size * len(window):
                m.backend.add_linear(terms, 0, cap, f"consecutive_days[{cls.index},{first}]")


def add_agent_consecutive_days(
    model: cp_model.CpModel,
    problem: RosterProblem,
    agent: Agent,
    worked: dict[int, cp_model.IntVar],
) -> None:
    """Every window of ``limit + 1`` consecutive days (history included) has a day off."""
    limit = problem.rules.max_consecutive_days
    history = agent.history.consecutive_days_worked
    for first in range(-history, problem.days - limit):
        window = range(first, first + limit + 1)
        before = sum(1 for d in window if d < 0)
        days = [worked[d] for d in window if d >= 0 and d in worked]
        if not days or before + len(days) <= limit:
            continue
        model.add(sum(days) <= limit - before).with_name(f"consecutive_days[{agent.id},{first}]")


def consecutive_days_violations(
    problem: RosterProblem, agent: Agent, worked: set[int]
) -> list[Violation]:
    """Days of ``worked`` (this week's working days) that extend a run of consecutive
    working days, last week's tail included, beyond the limit."""
    limit = problem.rules.max_consecutive_days
    run = agent.history.consecutive_days_worked
    out: list[Violation] = []
    for d in range(problem.days):
        run = run + 1 if d in worked else 0
        if d in worked and run > limit:
            message = f"{run} consecutive days > {limit}"
            out.append(Violation(agent.id, d, "consecutive_days", message))
    return out
