"""The aggregate roster model's variables and weights, shared by the builder and the families.

:mod:`optimizer.roster.build` creates an :class:`AggregateModel`; each family in
``constraints/`` adds its variables to it. This module imports neither, so the builder and the
families depend on it and not on each other. Variables are reached by structure
(:meth:`AggregateModel.count_vars`), never by their names.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from ortools.sat.python import cp_model

from optimizer.roster.backend import Backend
from optimizer.roster.problem import RosterProblem
from optimizer.roster.shifts import AgentClass, ShiftType

__all__ = [
    "SCALE",
    "ActivityVars",
    "AgentDayVars",
    "AggregateModel",
    "Objective",
    "scaled_weights",
]

SCALE = 1000
Objective = Literal["deviation", "service_level"]

AgentDayVars = dict[int, dict[ShiftType, cp_model.IntVar]]
"""One agent's shift choices: day -> shift type -> 0/1 variable (agent-level models)."""


@dataclass
class ActivityVars:
    """Activity start counts per offset for one shift type: ``by_order[o][i]`` counts the
    shifts in the type's order ``o`` whose slot ``i`` starts at each offset."""

    by_order: list[list[dict[int, Any]]] = field(default_factory=list)

    def groups(self) -> tuple[dict[int, Any], ...]:
        """Every count group, order-major and slot-minor (creation order)."""
        return tuple(group for groups in self.by_order for group in groups)


@dataclass
class AggregateModel:
    """Variables of the aggregate model (back-end specific variable objects)."""

    backend: Backend
    problem: RosterProblem
    types: list[ShiftType]
    classes: list[AgentClass]
    x: dict[tuple[int, int], Any] = field(default_factory=dict)
    X: dict[int, Any] = field(default_factory=dict)
    acts: dict[int, ActivityVars] = field(default_factory=dict)
    under: dict[tuple[int, int], Any] = field(default_factory=dict)
    over: dict[tuple[int, int], Any] = field(default_factory=dict)
    sl_z: dict[tuple[int, int], list[Any]] = field(default_factory=dict)
    sl_beyond: dict[tuple[int, int], Any] = field(default_factory=dict)

    def count_vars(self) -> Iterator[tuple[Any, int]]:
        """(variable, shift type index) of every class count ``x[c, k]`` and every break and
        lunch count: the variables a neighbourhood fixes or frees."""
        for (_, k), var in self.x.items():
            yield var, k
        for k, av in self.acts.items():
            for group in av.groups():
                for var in group.values():
                    yield var, k


def scaled_weights(problem: RosterProblem) -> tuple[int, int, int]:
    """Integer objective weights: under, over and paid per agent-interval, times SCALE."""
    w = problem.weights
    return (
        round(w.under_per_agent_interval * SCALE),
        round(w.over_per_agent_interval * SCALE),
        round(w.paid_per_agent_interval * SCALE),
    )
