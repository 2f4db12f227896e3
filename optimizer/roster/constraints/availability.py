"""Availability, opening hours and contract lengths: which shift types an agent may work.

Opening hours and start granularity are enforced when shift types are enumerated
(:func:`optimizer.roster.shifts.enumerate_shift_types`); this family restricts them to the
agent's (or class's) availability windows and allowed paid lengths.
"""

from __future__ import annotations

from optimizer.roster.problem import Agent, RosterProblem, Shift
from optimizer.roster.shifts import AgentClass, ShiftType, fits
from optimizer.roster.violation import Violation

__all__ = ["agent_shift_types", "availability_violations", "class_shift_types"]


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


def availability_violations(problem: RosterProblem, agent: Agent, s: Shift) -> list[Violation]:
    """Breaches of one shift ``s`` (``0 <= day < days``) of ``agent``: times off the interval
    grid, a start off the start grid, a shift outside its day (or past the next day's part
    an overnight shift may take), the opening hours (:meth:`RosterProblem.open_until`) or the
    agent's availability, a paid length not in the contract."""
    out: list[Violation] = []
    times = [s.start_min, s.end_min] + [t for a in s.activities for t in (a.start_min, a.end_min)]
    if any(t % problem.interval_min for t in times):
        message = f"times off the {problem.interval_min}-min grid"
        out.append(Violation(s.agent, s.day, "grid", message))
    if s.start_min % problem.rules.start_granularity_min:
        message = f"start {s.start_min} not allowed"
        out.append(Violation(s.agent, s.day, "start_granularity", message))
    if (
        not 0
        <= s.start_min
        < s.end_min
        <= (s.start_min + 1440 if problem.overnight_shifts else 1440)
    ):
        message = "a shift starts on its day, start < end, and ends by midnight (or 24 h later)"
        out.append(Violation(s.agent, s.day, "grid", message))
    opening = problem.opening_hours[s.day]
    if (
        opening is None
        or not opening[0] <= s.start_min < opening[1]
        or s.end_min > problem.open_until(s.day)
    ):
        out.append(Violation(s.agent, s.day, "opening_hours", "shift outside opening hours"))
    window = agent.availability[s.day]
    if window is None or s.start_min < window[0] or s.end_min > window[1]:
        message = "shift outside the agent's availability"
        out.append(Violation(s.agent, s.day, "availability", message))
    paid, lengths = s.paid_min(problem.rules), problem.contract(agent.contract).shift_paid_min
    if paid not in lengths:
        out.append(Violation(s.agent, s.day, "shift_length", f"paid {paid} not in {lengths}"))
    return out
