"""Consecutive working days family: at most ``max_consecutive_days`` in a row, counting the
days worked at the end of last week (``history.consecutive_days_worked``).

Aggregate form: members whose history already reaches the limit cannot work on Monday.
Per-agent form: exact sliding windows over history + this week.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from optimizer.roster.backend import Terms

if TYPE_CHECKING:
    from optimizer.roster.build import AggregateModel
    from optimizer.roster.problem import Agent, RosterProblem

__all__ = ["add_agent_consecutive_days", "add_consecutive_days"]


def add_consecutive_days(m: AggregateModel) -> None:
    """Monday shifts of a class at most its members not at the limit already."""
    limit = m.problem.rules.max_consecutive_days
    for cls in m.classes:
        free = sum(1 for a in cls.agents if a.history.consecutive_days_worked < limit)
        if free == cls.size:
            continue
        terms: Terms = [
            (v, 1) for (c, k), v in m.x.items() if c == cls.index and m.types[k].day == 0
        ]
        if terms:
            m.backend.add_linear(terms, 0, free, f"consecutive_history[{cls.index}]")


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
