"""Preferences family: agents' soft wishes (days off, preferred start times) as costs.

Agents of a class share their preferences (:func:`optimizer.roster.shifts.agent_classes`), so a
wish's cost is linear in the class's shift-type counts: ``sum_{c, k} pen(c, k) * x[c, k]``,
exact in the aggregate model, its LP bound and every assignment that keeps the counts. The
agent-level polish prices each free agent's shift choices with the same function.
"""

from __future__ import annotations

from optimizer.roster.backend import Terms
from optimizer.roster.model import AggregateModel
from optimizer.roster.problem import Preferences
from optimizer.roster.shifts import ShiftType

__all__ = ["add_preferences", "preference_penalty", "scaled_penalty"]


def scaled_penalty(preferences: Preferences, st: ShiftType, scale: int) -> int:
    """Integer cost (objective units x ``scale``) of working ``st`` for these preferences."""
    if not preferences.active:
        return 0
    return round(preferences.shift_cost(st.day, st.start_min) * scale)


def add_preferences(m: AggregateModel, scale: int) -> Terms:
    """Objective terms of every class's wishes on its shift-type counts."""
    terms: Terms = []
    for (c, k), var in m.x.items():
        penalty = scaled_penalty(m.classes[c].preferences, m.types[k], scale)
        if penalty:
            terms.append((var, penalty))
    return terms


def preference_penalty(preferences: Preferences, day: int, start_min: int) -> float:
    """Cost (objective units) of one shift starting at ``start_min`` on ``day`` against the
    agent's wishes; 0 when none is active."""
    return preferences.shift_cost(day, start_min) if preferences.active else 0.0
