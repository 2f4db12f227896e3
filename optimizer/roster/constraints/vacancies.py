"""Vacancy family: classes of optional agents (vacancies) and the number of them hired.

For a vacancy class ``g`` an integer ``hires[g]`` in ``0..size`` counts the members that work
at all. Every hired member obeys the contract, so in the aggregate form the class's shifts are
bounded by the hires instead of the class size:

* per day: shifts of the class ``<= hires`` (one shift per agent and day);
* per week: ``min_days * hires <= shifts <= day_limit * hires``;
* paid minutes: ``min_weekly * hires <= paid <= max_weekly * hires``.

Each constraint holds for every roster in which exactly ``hires`` members work, so the model
stays a relaxation of the real problem and its bound on the hires is valid.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from optimizer.roster.backend import BIG, Terms
from optimizer.roster.constraints.working_days import day_limit
from optimizer.roster.model import AggregateModel
from optimizer.roster.problem import Agent, RosterProblem
from optimizer.roster.shifts import AgentClass

__all__ = ["add_vacancies", "hired_min_days"]


def hired_min_days(problem: RosterProblem, agent: Agent) -> int:
    """Fewest working days that hold the weekly minimum of a vacancy once it is filled."""
    if agent.min_weekly_paid_min <= 0:
        return 0
    longest = max(problem.contract(agent.contract).shift_paid_min)
    return -(-agent.min_weekly_paid_min // longest)


def _add_class(m: AggregateModel, cls: AgentClass) -> Any:
    agent = cls.agents[0]
    hires = m.backend.int_var(0, cls.size, f"hires[{cls.index}]")
    per_day: dict[int, Terms] = {}
    paid: Terms = []
    for (c, k), var in m.x.items():
        if c == cls.index:
            per_day.setdefault(m.types[k].day, []).append((var, 1))
            paid.append((var, m.types[k].paid_min))
    for d, terms in per_day.items():
        m.backend.add_linear([*terms, (hires, -1)], -BIG, 0, f"vacancy_day[{cls.index},{d}]")
    week = [t for terms in per_day.values() for t in terms]
    lo_days = hired_min_days(m.problem, agent)
    hi_days = day_limit(m.problem, agent)
    m.backend.add_linear([*week, (hires, -hi_days)], -BIG, 0, f"vacancy_max_days[{cls.index}]")
    m.backend.add_linear([*week, (hires, -lo_days)], 0, BIG, f"vacancy_min_days[{cls.index}]")
    lo_min, hi_min = agent.min_weekly_paid_min, agent.max_weekly_paid_min
    m.backend.add_linear([*paid, (hires, -hi_min)], -BIG, 0, f"vacancy_max_min[{cls.index}]")
    m.backend.add_linear([*paid, (hires, -lo_min)], 0, BIG, f"vacancy_min_min[{cls.index}]")
    return hires


def add_vacancies(m: AggregateModel, classes: Sequence[AgentClass]) -> dict[int, Any]:
    """Hire-count variables of the vacancy ``classes`` (by class index) and their links."""
    return {cls.index: _add_class(m, cls) for cls in classes}
