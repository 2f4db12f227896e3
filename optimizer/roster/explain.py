"""Infeasibility explanations: agents who cannot have any valid week, and why.

Each agent (one representative per identical profile) gets a one-agent CP-SAT model over the
shift types they may work. If it is infeasible, rule families are dropped one at a time
(deletion filter) until a minimal conflicting set remains; the explanation names the agent and
those rules ("availability" is always part of the conflict: it defines the shift choices).

The one-agent models are first solved :data:`BATCH` at a time as one model of independent
parts: when it has a solution every agent of the batch has a valid week (the usual case; the
one-by-one solves took 8.3 s on M-2 under load and 27 s on L-1, in batches 3.0 s and 9.8 s);
only the agents of a batch without one (infeasible, or no answer in :data:`JOINT_S`) are
checked one by one.
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

__all__ = ["Explanation", "explain_agents", "rosterable"]

FEASIBLE_S = 5.0  # per one-agent model
BATCH = 50  # profiles per joint model
JOINT_S = 5.0  # per joint model


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why an agent could not be rostered: the agent, the conflicting rules and a message."""

    agent: str
    rules: tuple[str, ...]
    message: str


def _add_agent(
    model: cp_model.CpModel,
    problem: RosterProblem,
    agent: Agent,
    types: list[ShiftType],
    families: tuple[str, ...],
) -> None:
    y: AgentDayVars = {}
    for st in types:
        y.setdefault(st.day, {})[st] = model.new_bool_var(f"y[{agent.id},{st.index}]")
    add_agent_rules(model, problem, agent, y, families)


def _feasible(
    problem: RosterProblem, agent: Agent, types: list[ShiftType], families: tuple[str, ...]
) -> bool:
    model = cp_model.CpModel()
    _add_agent(model, problem, agent, types, families)
    return cpsat.found(cpsat.run(model, FEASIBLE_S, workers=1))


def _all_feasible(problem: RosterProblem, agents: list[Agent], types: list[ShiftType]) -> bool:
    """True when every agent of ``agents`` has a valid week (one model of independent parts;
    False also when it finds no answer within :data:`JOINT_S`)."""
    model = cp_model.CpModel()
    for agent in agents:
        _add_agent(model, problem, agent, agent_shift_types(problem, types, agent), AGENT_FAMILIES)
    return cpsat.found(cpsat.run(model, JOINT_S, workers=1))


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
    reps = list({_profile(a): a for a in problem.agents}.values())
    verdict: dict[tuple[object, ...], tuple[str, ...] | None] = {}
    for i in range(0, len(reps), BATCH):
        batch = reps[i : i + BATCH]
        if _all_feasible(problem, batch, types):
            verdict.update((_profile(a), None) for a in batch)
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


def rosterable(
    problem: RosterProblem, types: list[ShiftType]
) -> tuple[tuple[Agent, ...], list[Explanation]]:
    """The agents with an individually valid week (in ``problem.agents``' order) and one
    explanation per agent left off (:func:`explain_agents`)."""
    explanations = explain_agents(problem, types)
    excluded = {e.agent for e in explanations}
    return tuple(a for a in problem.agents if a.id not in excluded), explanations
