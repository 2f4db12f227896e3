"""Working-days family: one shift per day, at most ``max_days`` days, ``min_days_off`` off.

Aggregate form (per class): at most one shift per agent and day, and the week's shifts between
the class's least and most possible working days. Per-agent form: exact.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from optimizer.roster.backend import Terms
from optimizer.roster.model import AgentDayVars, AggregateModel
from optimizer.roster.problem import Agent, RosterProblem
from optimizer.roster.violation import Violation

__all__ = [
    "add_agent_working_days",
    "add_working_days",
    "day_limit",
    "min_days_needed",
    "working_days_violations",
]


def day_limit(problem: RosterProblem, agent: Agent) -> int:
    """Most days the agent may work this week."""
    return min(agent.max_days, problem.days - problem.rules.min_days_off)


def min_days_needed(problem: RosterProblem, agent: Agent) -> int:
    """Fewest working days that can hold the agent's weekly minimum."""
    if agent.optional or agent.min_weekly_paid_min <= 0:
        return 0
    longest = max(problem.contract(agent.contract).shift_paid_min)
    return -(-agent.min_weekly_paid_min // longest)


def add_working_days(m: AggregateModel) -> None:
    """Per class: shifts per day <= class size; weekly shifts within the day limits."""
    for cls in m.classes:
        per_day: dict[int, Terms] = {}
        for (c, k), var in m.x.items():
            if c == cls.index:
                per_day.setdefault(m.types[k].day, []).append((var, 1))
        for d, terms in per_day.items():
            m.backend.add_linear(terms, 0, cls.size, f"one_shift_per_day[{cls.index},{d}]")
        week = [t for terms in per_day.values() for t in terms]
        lo = sum(min_days_needed(m.problem, a) for a in cls.agents)
        hi = sum(day_limit(m.problem, a) for a in cls.agents)
        m.backend.add_linear(week, lo, hi, f"working_days[{cls.index}]")


def add_agent_working_days(
    model: cp_model.CpModel, problem: RosterProblem, agent: Agent, y: AgentDayVars
) -> None:
    """Exact per-agent form: at most one shift per day, days within the limits."""
    worked: list[cp_model.IntVar] = []
    for d, by_type in y.items():
        if by_type:
            model.add(sum(by_type.values()) <= 1).with_name(f"one_shift_per_day[{agent.id},{d}]")
            worked.extend(by_type.values())
    model.add(sum(worked) <= day_limit(problem, agent)).with_name(f"max_days[{agent.id}]")


def working_days_violations(
    problem: RosterProblem, agent: Agent, days: list[int]
) -> list[Violation]:
    """Week-level breaches of ``days`` (the day of each of the agent's shifts): two shifts
    on a day, more than ``max_days`` shifts, fewer than ``min_days_off`` days off."""
    out: list[Violation] = []
    if len(set(days)) != len(days):
        out.append(Violation(agent.id, None, "one_shift_per_day", "more than one shift on a day"))
    if len(days) > agent.max_days:
        message = f"{len(days)} days > {agent.max_days}"
        out.append(Violation(agent.id, None, "max_days", message))
    if problem.days - len(set(days)) < problem.rules.min_days_off:
        out.append(Violation(agent.id, None, "min_days_off", "too few days off"))
    return out
