"""Required agents per interval from a forecast and service targets (Erlang C or Erlang A).

The integer requirement of an interval is the smallest whole number of agents meeting every
target (the targets are monotone in agents), found for all intervals at once: Erlang C by one
incomplete-gamma Erlang B at ``floor(A) + 1`` and then the forward Erlang B recursion one agent
at a time (:mod:`.search_c`); Erlang A by a walk up from ``ceil(A)`` (below the load: a
galloping search, steps 1, 2, 4, ..., bisection) on series figures (:mod:`.search_a`).
Erlang A is floored at the offered load unless ``StaffingModel.allow_below_offered_load``.
The fractional requirement interpolates each target's curve
linearly between ``N - 1`` and ``N`` agents (the point where the curve crosses the target) and
takes the largest over targets, so ``agents - 1 < agents_fractional <= agents``. Summing
fractional requirements over intervals or queues does not carry the round-up of each one.

For Erlang C the curve below ``N`` starts at the offered load ``A`` when ``N - 1 < A`` (SL 0,
answer speed 1/ASA 0, occupancy 1 there), so the fractional requirement is at least ``A``
(exactly ``A / max_occupancy`` where the occupancy cap binds). At an integer load that
nothing but stability binds (no other target, no occupancy cap below 1) Erlang C needs
``A + 1`` agents and the fractional requirement is ``A`` itself, the one case of
``agents_fractional = agents - 1``.
Where the ASA at ``N - 1`` is infinite the interpolation runs on ``1 / ASA``.

Shrinkage: ``scheduled_fractional = agents_fractional / (1 - shrinkage)`` and
``scheduled = ceil(agents / (1 - shrinkage))`` (integer agents first, as planners do).

Modules: :mod:`.spec` (goal, model, validation), :mod:`.targets`, :mod:`.search_c`,
:mod:`.search_a`, :mod:`.results` (:class:`Requirement`), :mod:`.compute` (the entry points).
"""

from optimizer.requirements.compute import required_agents, requirements_from_forecast
from optimizer.requirements.results import REQUIREMENT_COLUMNS, Requirement
from optimizer.requirements.spec import ServiceGoal, StaffingModel, UnreachableTargetError

__all__ = [
    "REQUIREMENT_COLUMNS",
    "Requirement",
    "ServiceGoal",
    "StaffingModel",
    "UnreachableTargetError",
    "required_agents",
    "requirements_from_forecast",
]
