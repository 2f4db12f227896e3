"""Turn solved counts into named shifts: activity offsets are paired and handed to agents.

:class:`Incumbent` is the one shape the solve's stages hand each other between the aggregate
counts and the final :class:`Roster`: a shift type per agent and day plus activity counts per
shift type (the assignment, the checkpoint, the polish); :meth:`Incumbent.roster` composes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from optimizer.roster.constraints.activities import pair_activities, shift_activities
from optimizer.roster.problem import Roster, RosterProblem, Shift
from optimizer.roster.shifts import ShiftType

ActivityCounts = tuple[dict[int, int], ...]
"""Activity start counts per offset of one shift type, as :meth:`ActivityVars.groups`."""
Shifts = dict[str, dict[int, ShiftType]]  # agent -> day -> shift type

__all__ = ["ActivityCounts", "Incumbent", "Shifts", "compose_shifts"]


def compose_shifts(
    problem: RosterProblem,
    assignment: Mapping[str, Mapping[int, ShiftType]],
    activity_counts: Mapping[int, ActivityCounts],
) -> list[Shift]:
    """Named shifts; the agents of one shift type share its paired activity offsets."""
    by_type: dict[int, list[str]] = {}
    types: dict[int, ShiftType] = {}
    for agent, days in assignment.items():
        for st in days.values():
            by_type.setdefault(st.index, []).append(agent)
            types[st.index] = st
    shifts = []
    for k, agents in by_type.items():
        st = types[k]
        pairs = pair_activities(st, activity_counts[k]) if k in activity_counts else []
        if len(pairs) < len(agents) and st.slots:
            raise RuntimeError(f"activity counts of shift type {k} do not cover its shifts")
        for i, agent in enumerate(sorted(agents)):
            acts = shift_activities(st, pairs[i]) if pairs else ()
            shifts.append(Shift(agent, st.day, st.start_min, st.end_min, acts))
    return shifts


@dataclass(frozen=True, slots=True)
class Incumbent:
    """A complete roster as shift types per agent and day plus activity counts per type."""

    shifts: Mapping[str, Mapping[int, ShiftType]]
    acts: Mapping[int, ActivityCounts]

    def roster(self, problem: RosterProblem) -> Roster:
        """The named roster (breaks and lunches paired per shift)."""
        return Roster(tuple(compose_shifts(problem, self.shifts, self.acts)))
