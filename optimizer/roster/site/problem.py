"""Site problem and site roster: frozen dataclasses of ``staffwise-roster-instance/2``.

A :class:`SiteProblem` is today's :class:`~optimizer.roster.problem.RosterProblem` (rules,
contracts, agents, opening hours; its ``requirement`` is the sum of the live queues', so every
single-queue rule and check applies unchanged) plus the queues and the agents' skills.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from optimizer.roster.problem import Roster, RosterProblem

__all__ = [
    "LIVE",
    "AllocationBlock",
    "BacklogItems",
    "DeferredQueue",
    "LiveQueue",
    "SiteProblem",
    "SiteRoster",
]

LiveChannel = Literal["voice", "chat"]
LIVE = "live"
DEFERRED = "deferred"


@dataclass(frozen=True, slots=True)
class LiveQueue:
    """A voice or chat queue: ``requirement[d][t]`` agents on the phone (chat: already counting
    the ``concurrency`` sessions an agent holds); under-coverage costs ``weight`` times the
    site's under weight per agent-interval."""

    id: str
    channel: LiveChannel
    weight: float
    requirement: tuple[tuple[int, ...], ...]
    name: str = ""
    concurrency: int = 1


@dataclass(frozen=True, slots=True)
class BacklogItems:
    """Items already waiting at the start of the week, ``age_min`` open minutes old."""

    items: int
    age_min: int


@dataclass(frozen=True, slots=True)
class DeferredQueue:
    """E-mail, tickets, back office: ``arrivals[d][t]`` items, each needing ``work_min``
    minutes, due ``deadline_min`` open minutes after it can first be worked (the end of the
    interval it arrives in)."""

    id: str
    weight: float
    arrivals: tuple[tuple[int, ...], ...]
    work_min: float
    deadline_min: int
    initial_backlog: tuple[BacklogItems, ...] = ()
    name: str = ""
    channel: Literal["deferred"] = "deferred"


Queue = LiveQueue | DeferredQueue


@dataclass(frozen=True, slots=True)
class SiteProblem:
    """A weekly site roster problem.

    ``core``: the single-queue problem of the site (its requirement is the sum of the live
    queues'); ``skills``: agent id -> queue ids it may serve; ``late_per_15_work_min`` (times
    the queue's weight) and ``carry_over_per_15_work_min`` price deferred work finished after
    its deadline and left at the week's end not yet due."""

    core: RosterProblem
    queues: tuple[Queue, ...]
    skills: Mapping[str, frozenset[str]]
    late_per_15_work_min: float = 1.0
    carry_over_per_15_work_min: float = 0.05

    @property
    def live(self) -> tuple[LiveQueue, ...]:
        return tuple(q for q in self.queues if isinstance(q, LiveQueue))

    @property
    def deferred(self) -> tuple[DeferredQueue, ...]:
        return tuple(q for q in self.queues if isinstance(q, DeferredQueue))

    def queue(self, queue_id: str) -> Queue:
        for q in self.queues:
            if q.id == queue_id:
                return q
        raise KeyError(queue_id)

    def skill_set(self, agent_id: str) -> frozenset[str]:
        return self.skills.get(agent_id, frozenset())


@dataclass(frozen=True, slots=True)
class AllocationBlock:
    """Within a shift, ``[start_min, end_min)`` is given to ``queue``: a queue id, ``"live"``
    (any live queue in the agent's skills) or ``"deferred"`` (any deferred one)."""

    queue: str
    start_min: int
    end_min: int


@dataclass(frozen=True, slots=True)
class SiteRoster:
    """A roster plus the allocation blocks some shifts state, keyed by (agent, day); time
    outside blocks is free for any of the agent's skills."""

    roster: Roster
    allocation: Mapping[tuple[str, int], tuple[AllocationBlock, ...]] = field(default_factory=dict)
