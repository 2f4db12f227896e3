"""Stage 2: give the shift-type counts of each agent class to its named agents.

Per class a CP-SAT model chooses, for every member and day, one of the shift types the class
works that day, so that each type is used exactly as often as the aggregate solution says
(soft: deviations are penalised) while every per-agent rule holds exactly: weekly minutes,
working days, rest (history included) and consecutive days.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from optimizer.roster import cpsat
from optimizer.roster.constraints.consecutive_days import add_agent_consecutive_days
from optimizer.roster.constraints.rest import add_agent_rest
from optimizer.roster.constraints.weekly_minutes import add_agent_weekly_minutes
from optimizer.roster.constraints.working_days import add_agent_working_days
from optimizer.roster.model import AgentDayVars
from optimizer.roster.problem import Agent, RosterProblem
from optimizer.roster.shifts import AgentClass, ShiftType

__all__ = ["AGENT_FAMILIES", "Assignment", "add_agent_rules", "assign_class"]


@dataclass(frozen=True, slots=True)
class Assignment:
    """Shift type per agent and day; ``deviation`` counts shifts differing from the targets."""

    shifts: dict[str, dict[int, ShiftType]]
    deviation: int
    status: str


AGENT_FAMILIES = ("working_days", "weekly_minutes", "rest", "consecutive_days")


def add_agent_rules(
    model: cp_model.CpModel,
    problem: RosterProblem,
    agent: Agent,
    y: AgentDayVars,
    families: tuple[str, ...] = AGENT_FAMILIES,
) -> dict[int, cp_model.IntVar]:
    """Per-agent rule families on the agent's day variables; returns worked-day literals."""
    worked: dict[int, cp_model.IntVar] = {}
    for d in range(problem.days):
        worked[d] = model.new_bool_var(f"worked[{agent.id},{d}]")
        model.add(sum(y.get(d, {}).values()) == worked[d])
    used = None
    if agent.optional:
        used = model.new_bool_var(f"used[{agent.id}]")
        for d in worked:
            model.add_implication(worked[d], used)
    if "working_days" in families:
        add_agent_working_days(model, problem, agent, y)
    if "weekly_minutes" in families:
        add_agent_weekly_minutes(model, problem, agent, y, used)
    if "rest" in families:
        add_agent_rest(model, problem, agent, y, worked)
    if "consecutive_days" in families:
        add_agent_consecutive_days(model, problem, agent, worked)
    return worked


CHUNK = 24
MIN_CHUNK_S = 4.0


def _history_key(agent: Agent) -> tuple[int, int]:
    last = agent.history.last_shift_end_min
    return (agent.history.consecutive_days_worked, -(10**6) if last is None else last)


def _key(st: ShiftType) -> int:
    return st.index


def _chunk_model(
    problem: RosterProblem,
    agents: Sequence[Agent],
    remaining: Mapping[ShiftType, int],
    targets: Mapping[ShiftType, int],
    extra_types: Sequence[ShiftType],
) -> tuple[cp_model.CpModel, dict[str, AgentDayVars]]:
    """Members of a chunk choose shift types; use of each type near its target, capped."""
    model = cp_model.CpModel()
    types = sorted({st for st, n in remaining.items() if n > 0} | set(extra_types), key=_key)
    ys: dict[str, AgentDayVars] = {}
    for agent in agents:
        y: AgentDayVars = {}
        for st in types:
            y.setdefault(st.day, {})[st] = model.new_bool_var(f"y[{agent.id},{st.index}]")
        ys[agent.id] = y
        add_agent_rules(model, problem, agent, y)
    deviations = []
    for st in types:
        used = sum(ys[a.id][st.day][st] for a in agents)
        if not extra_types:
            model.add(used <= remaining.get(st, 0)).with_name(f"counts[{st.index}]")
        target = targets.get(st, 0)
        dev = model.new_int_var(0, len(agents) + target, f"dev[{st.index}]")
        model.add(used - target <= dev)
        model.add(target - used <= dev)
        deviations.append(dev)
    model.minimize(sum(deviations))
    return model, ys


def _solve_chunk(
    model: cp_model.CpModel,
    ys: dict[str, AgentDayVars],
    time_limit_s: float,
    workers: int,
    seed: int,
) -> dict[str, dict[int, ShiftType]] | None:
    solver = cpsat.run(model, time_limit_s, workers=workers, seed=seed)
    if not cpsat.found(solver):
        return None
    return {
        aid: {d: st for d, by in y.items() for st, v in by.items() if solver.value(v)}
        for aid, y in ys.items()
    }


ONE_AGENT_S = 2.0


def _one_by_one(
    problem: RosterProblem,
    chunk: Sequence[Agent],
    remaining: Mapping[ShiftType, int],
    targets: Mapping[ShiftType, int],
    extra_types: Sequence[ShiftType],
    budget: float,
    seed: int,
) -> dict[str, dict[int, ShiftType]]:
    """A chunk whose joint model found nothing in time: each member alone, in turn, takes what
    is left nearest to the targets (any type of ``extra_types`` allowed), so that no agent is
    left without a week (each has a valid one: agents without are explained beforehand)."""
    left = dict(remaining)
    share = dict(targets)
    got: dict[str, dict[int, ShiftType]] = {}
    each = max(ONE_AGENT_S, budget / max(1, len(chunk)))
    for i, agent in enumerate(chunk):
        mine = {st: round(n / (len(chunk) - i)) for st, n in share.items() if n > 0}
        model, ys = _chunk_model(problem, [agent], left, mine, extra_types)
        week = _solve_chunk(model, ys, each, 1, seed)
        if week is None:
            continue
        got.update(week)
        for st in week[agent.id].values():
            left[st] = left.get(st, 0) - 1
            share[st] = share.get(st, 0) - 1
    return got


def assign_class(
    problem: RosterProblem,
    cls: AgentClass,
    counts: Mapping[ShiftType, int],
    *,
    extra_types: Sequence[ShiftType] = (),
    time_limit_s: float,
    workers: int,
    seed: int,
) -> Assignment:
    """Assign the class's shift counts to its members, in chunks of :data:`CHUNK` to
    ``2 * CHUNK - 1`` agents (a class of fewer than ``2 * CHUNK`` is one chunk).

    Each chunk takes its proportional share of every remaining count (never more than what
    remains); a chunk that cannot may use any of ``extra_types`` (deviations minimised).
    """
    remaining = dict(counts)
    agents = sorted(cls.agents, key=_history_key)
    # whole chunks only: the 26 members of an L-3 class in chunks of 13 deviated from their
    # counts by 3 shifts, in one chunk by none
    n_chunks = max(1, len(agents) // CHUNK)
    chunks = [agents[i::n_chunks] for i in range(n_chunks)]  # each chunk mixes histories
    shifts: dict[str, dict[int, ShiftType]] = {}
    left = len(agents)
    status = "FEASIBLE"
    for i, chunk in enumerate(chunks):
        budget = max(MIN_CHUNK_S, time_limit_s / (len(chunks) - i))
        targets = {st: round(n * len(chunk) / left) for st, n in remaining.items()}
        model, ys = _chunk_model(problem, chunk, remaining, targets, ())
        got = _solve_chunk(model, ys, budget / 2, workers, seed)
        if got is None and extra_types:
            model, ys = _chunk_model(problem, chunk, remaining, targets, extra_types)
            got = _solve_chunk(model, ys, max(MIN_CHUNK_S, budget), workers, seed)
        if got is None:
            got = _one_by_one(problem, chunk, remaining, targets, extra_types, budget, seed)
        if len(got) < len(chunk):
            status = "INCOMPLETE"
        shifts.update(got)
        for days in got.values():
            for st in days.values():
                remaining[st] = remaining.get(st, 0) - 1
        left -= len(chunk)
        time_limit_s -= budget
    deviation = sum(abs(n) for n in remaining.values())
    return Assignment(shifts, deviation, status)
