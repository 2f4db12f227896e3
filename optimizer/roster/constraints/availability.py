"""Availability, opening hours and contract lengths: which shift types an agent may work.

Opening hours and start granularity are enforced when shift types are enumerated
(:func:`optimizer.roster.shifts.enumerate_shift_types`); this family restricts them to the
agent's (or class's) availability windows and allowed paid lengths.
"""

from __future__ import annotations

from optimizer.roster.problem import Agent, RosterProblem
from optimizer.roster.shifts import AgentClass, ShiftType, fits

__all__ = ["agent_shift_types", "class_shift_types"]


def class_shift_types(types: list[ShiftType], cls: AgentClass) -> list[ShiftType]:
    """Shift types inside the class availability with a contract length."""
    lengths = set(cls.lengths)
    return [st for st in types if st.paid_min in lengths and fits(cls.availability[st.day], st)]


def agent_shift_types(
    problem: RosterProblem, types: list[ShiftType], agent: Agent
) -> list[ShiftType]:
    """Shift types the agent may work (availability and contract lengths)."""
    lengths = set(problem.contract(agent.contract).shift_paid_min)
    return [st for st in types if st.paid_min in lengths and fits(agent.availability[st.day], st)]
