"""Weekly paid minutes family: each agent's paid minutes within ``[min, max]``.

Optional agents (vacancies) have no minimum; the aggregate form bounds the class totals.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from optimizer.roster.model import AgentDayVars, AggregateModel
from optimizer.roster.problem import Agent, RosterProblem
from optimizer.roster.violation import Violation

__all__ = [
    "add_agent_weekly_minutes",
    "add_weekly_minutes",
    "weekly_minimum",
    "weekly_minutes_violations",
]


def weekly_minimum(agent: Agent) -> int:
    return 0 if agent.optional else agent.min_weekly_paid_min


def add_weekly_minutes(m: AggregateModel) -> None:
    """Class totals of paid minutes within the sum of the members' bounds."""
    for cls in m.classes:
        terms = [(var, m.types[k].paid_min) for (c, k), var in m.x.items() if c == cls.index]
        lo = sum(weekly_minimum(a) for a in cls.agents)
        hi = sum(a.max_weekly_paid_min for a in cls.agents)
        m.backend.add_linear(terms, lo, hi, f"weekly_minutes[{cls.index}]")


def add_agent_weekly_minutes(
    model: cp_model.CpModel,
    problem: RosterProblem,
    agent: Agent,
    y: AgentDayVars,
    used: cp_model.IntVar | None = None,
) -> None:
    """Exact per-agent form; for an optional agent the minimum holds only when ``used``."""
    paid = sum(st.paid_min * var for by_type in y.values() for st, var in by_type.items())
    model.add(paid <= agent.max_weekly_paid_min).with_name(f"weekly_max[{agent.id}]")
    ct = model.add(paid >= agent.min_weekly_paid_min).with_name(f"weekly_min[{agent.id}]")
    if agent.optional and used is not None:
        ct.only_enforce_if(used)


def weekly_minutes_violations(agent: Agent, paid: int, used: bool) -> list[Violation]:
    """``paid`` (the week's paid minutes) outside the agent's bounds; an optional agent that
    is not ``used`` (works no shift) has none."""
    lo, hi = agent.min_weekly_paid_min, agent.max_weekly_paid_min
    if (agent.optional and not used) or lo <= paid <= hi:
        return []
    return [Violation(agent.id, None, "weekly_minutes", f"{paid} paid min not in [{lo}, {hi}]")]
