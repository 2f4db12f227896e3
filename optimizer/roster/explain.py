"""Infeasibility explanations: agents who cannot have any valid week, and why.

Each agent (one representative per identical profile) gets a one-agent CP-SAT model over the
shift types they may work. If it is infeasible, rule families are dropped one at a time
(deletion filter) until a minimal conflicting set remains; the explanation names the agent and
those rules ("availability" is always part of the conflict: it defines the shift choices).
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from optimizer.roster import cpsat
from optimizer.roster.assign import AGENT_FAMILIES, add_agent_rules
from optimizer.roster.constraints.availability import agent_shift_types
from optimizer.roster.model import AgentDayVars
from optimizer.roster.problem import Agent, RosterProblem
from optimizer.roster.shifts import ShiftType

__all__ = ["Explanation", "explain_agents"]

FEASIBLE_S = 5.0  # per one-agent model


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why an agent could not be rostered: the agent, the conflicting rules and a message."""

    agent: str
    rules: tuple[str, ...]
    message: str


def _feasible(
    problem: RosterProblem, agent: Agent, types: list[ShiftType], families: tuple[str, ...]
) -> bool:
    model = cp_model.CpModel()
    y: AgentDayVars = {}
    for st in types:
        y.setdefault(st.day, {})[st] = model.new_bool_var(f"y[{st.index}]")
    add_agent_rules(model, problem, agent, y, families)
    return cpsat.found(cpsat.run(model, FEASIBLE_S, workers=1))


def _conflict(problem: RosterProblem, agent: Agent, types: list[ShiftType]) -> tuple[str, ...]:
    kept = list(AGENT_FAMILIES)
    for family in AGENT_FAMILIES:
        trial = tuple(f for f in kept if f != family)
        if not _feasible(problem, agent, types, trial):
            kept.remove(family)
    return ("availability", *kept)


def _profile(agent: Agent) -> tuple[object, ...]:
    return (
        agent.contract,
        agent.availability,
        agent.min_weekly_paid_min,
        agent.max_weekly_paid_min,
        agent.max_days,
        agent.history,
        agent.optional,
    )


def explain_agents(problem: RosterProblem, types: list[ShiftType]) -> list[Explanation]:
    """One explanation per agent who has no individually valid week."""
    verdict: dict[tuple[object, ...], tuple[str, ...] | None] = {}
    out = []
    for agent in problem.agents:
        key = _profile(agent)
        if key not in verdict:
            own = agent_shift_types(problem, types, agent)
            ok = _feasible(problem, agent, own, AGENT_FAMILIES)
            verdict[key] = None if ok else _conflict(problem, agent, own)
        rules = verdict[key]
        if rules is not None:
            message = (
                f"agent {agent.id} has no valid week: {', '.join(rules)} cannot all hold "
                f"(weekly paid minutes {agent.min_weekly_paid_min}..{agent.max_weekly_paid_min},"
                f" at most {agent.max_days} days)"
            )
            out.append(Explanation(agent.id, rules, message))
    return out
