"""Agent-level large-neighbourhood search on a complete roster (the true cost).

The aggregate model is a relaxation: per-agent rest, consecutive days and weekly minutes hold
there only in aggregate, so handing its counts to named agents can lose coverage. This stage
improves the real roster. Each round frees a set of agents on one or two days (their shifts
on the other days stay as they are), keeps every other agent's shifts, and re-solves exactly
with CP-SAT: the per-agent rules (:func:`optimizer.roster.assign.add_agent_rules`) for the
free agents over the whole week, the break and lunch offsets of every shift on the free days
(the activities family, exact by Hall's condition), coverage and paid time on those days.
A round's solution replaces the incumbent only when it is strictly cheaper, so the cost never
rises and every incumbent is a valid roster.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from optimizer.roster import cpsat
from optimizer.roster.assign import add_agent_rules
from optimizer.roster.backend import CpBackend, Terms
from optimizer.roster.build import build_aggregate
from optimizer.roster.compose import Incumbent, Shifts
from optimizer.roster.constraints.availability import agent_shift_types
from optimizer.roster.constraints.preferences import scaled_penalty
from optimizer.roster.constraints.service_level import (
    scaled_service_objective,
    service_level_hints,
)
from optimizer.roster.evaluate import staffed_matrix
from optimizer.roster.model import SCALE, AgentDayVars, AggregateModel, Objective, scaled_weights
from optimizer.roster.problem import Agent, RosterProblem
from optimizer.roster.shifts import ShiftType

__all__ = ["Incumbent", "PolishOptions", "PolishStats", "polish_roster"]


@dataclass(frozen=True, slots=True)
class PolishOptions:
    """Round length, the size of a neighbourhood (shift-choice variables), the seed and the
    objective (as in :class:`optimizer.roster.solve.SolveOptions`)."""

    round_s: float = 5.0
    max_choices: int = 5_000
    workers: int = 2
    seed: int = 0
    objective: Objective = "deviation"


@dataclass(frozen=True, slots=True)
class PolishStats:
    """Rounds run, rounds that improved, and the cost before and after (instance units)."""

    rounds: int
    improved: int
    cost_before: float
    cost_after: float


def _days_of(shifts: Mapping[str, Mapping[int, ShiftType]], days: frozenset[int]) -> Shifts:
    return {a: {d: st for d, st in by.items() if d in days} for a, by in shifts.items()}


def _staffed(problem: RosterProblem, inc: Incumbent, days: frozenset[int]) -> np.ndarray:
    """Agents on the phone per day and interval, counting only shifts on ``days``."""
    part = Incumbent(_days_of(inc.shifts, days), inc.acts)
    return staffed_matrix(problem, part.roster(problem))


def _scaled_cost(
    problem: RosterProblem,
    inc: Incumbent,
    days: frozenset[int],
    objective: Objective = "deviation",
) -> int:
    """Objective of the incumbent on ``days`` in the model's scaled integer units."""
    w_under, w_over, w_paid = scaled_weights(problem)
    part = _days_of(inc.shifts, days)
    staffed = _staffed(problem, inc, days)
    paid = sum(
        w_paid * st.paid_min // problem.interval_min for by in part.values() for st in by.values()
    )
    paid += _preference_cost(problem, inc, days)
    if objective == "service_level":
        return int(scaled_service_objective(problem, staffed, days) + paid)
    req = np.asarray(problem.requirement, dtype=np.int64)
    rows = sorted(days)
    under = np.maximum(req[rows] - staffed[rows], 0).sum()
    over = np.maximum(staffed[rows] - req[rows], 0).sum()
    return int(w_under * under + w_over * over + paid)


def _preference_cost(
    problem: RosterProblem,
    inc: Incumbent,
    days: frozenset[int],
    exclude: frozenset[str] | set[str] = frozenset(),
) -> int:
    """Scaled preference penalties of the incumbent's shifts on ``days`` (``exclude``: agents
    left out, e.g. the free agents of a round, priced by the model itself)."""
    total = 0
    for agent in problem.agents:
        if agent.id in exclude or not agent.preferences.active:
            continue
        for d, st in inc.shifts.get(agent.id, {}).items():
            if d in days:
                total += scaled_penalty(agent.preferences, st, SCALE)
    return total


def _choices(
    problem: RosterProblem, types: list[ShiftType]
) -> dict[str, dict[int, list[ShiftType]]]:
    """Shift types each agent may work, per day."""
    out: dict[str, dict[int, list[ShiftType]]] = {}
    for agent in problem.agents:
        by_day: dict[int, list[ShiftType]] = {}
        for st in agent_shift_types(problem, types, agent):
            by_day.setdefault(st.day, []).append(st)
        out[agent.id] = by_day
    return out


@dataclass
class _Round:
    model: cp_model.CpModel
    aggregate: AggregateModel
    ys: dict[str, AgentDayVars]


def _agent_vars(
    model: cp_model.CpModel,
    agent: Agent,
    days: frozenset[int],
    current: Mapping[int, ShiftType],
    choices: Mapping[int, list[ShiftType]],
    n_days: int,
) -> AgentDayVars:
    y: AgentDayVars = {}
    for d in range(n_days):
        if d in days:
            y[d] = {
                st: model.new_bool_var(f"y[{agent.id},{st.index}]") for st in choices.get(d, [])
            }
        elif d in current:
            y[d] = {current[d]: model.new_constant(1)}
    return y


def _type_domains(
    types: list[ShiftType],
    inc: Incumbent,
    free: Sequence[Agent],
    days: frozenset[int],
    choices: Mapping[str, dict[int, list[ShiftType]]],
) -> tuple[dict[int, int], dict[int, tuple[int, int]]]:
    """Shifts per type on ``days`` kept by the agents not freed, and the bounds of each type's
    total there (kept .. kept + the free agents' choices of it)."""
    free_ids = {a.id for a in free}
    fixed: dict[int, int] = {}
    for aid, by in inc.shifts.items():
        if aid in free_ids:
            continue
        for d, st in by.items():
            if d in days:
                fixed[st.index] = fixed.get(st.index, 0) + 1
    room: dict[int, int] = {}
    for a in free:
        for d in days:
            for st in choices[a.id].get(d, []):
                room[st.index] = room.get(st.index, 0) + 1
    domains = {
        st.index: (fixed.get(st.index, 0), fixed.get(st.index, 0) + room.get(st.index, 0))
        for st in types
        if st.day in days
    }
    return fixed, domains


def _build_round(
    problem: RosterProblem,
    types: list[ShiftType],
    inc: Incumbent,
    free: Sequence[Agent],
    days: frozenset[int],
    choices: Mapping[str, dict[int, list[ShiftType]]],
    objective: Objective = "deviation",
) -> _Round:
    free_ids = {a.id for a in free}
    fixed, domains = _type_domains(types, inc, free, days, choices)
    backend = CpBackend()
    model = backend.model
    ys: dict[str, AgentDayVars] = {}
    link: dict[int, list[cp_model.IntVar]] = {}
    wishes: Terms = []
    for agent in free:
        y = _agent_vars(
            model, agent, days, inc.shifts.get(agent.id, {}), choices[agent.id], problem.days
        )
        add_agent_rules(model, problem, agent, y)
        for d in days:
            for st, var in y.get(d, {}).items():
                link.setdefault(st.index, []).append(var)
                penalty = scaled_penalty(agent.preferences, st, SCALE)
                if penalty:
                    wishes.append((var, penalty))
        ys[agent.id] = y
    kept = _preference_cost(problem, inc, days, exclude=free_ids)
    if kept:
        wishes.append((model.new_constant(1), kept))
    m = build_aggregate(
        problem,
        backend,
        types,
        [],
        type_domains=domains,
        coverage_days=days,
        objective=objective,
        extra_objective=wishes,
    )
    for k, total in m.X.items():
        terms = link.get(k, [])
        model.add(total == fixed.get(k, 0) + sum(terms)).with_name(f"link[{k}]")
    return _Round(model, m, ys)


def _hint(problem: RosterProblem, rnd: _Round, inc: Incumbent, days: frozenset[int]) -> None:
    """Hint the incumbent completely (a complete feasible hint is the first solution)."""
    model = rnd.model
    staffed = _staffed(problem, inc, days)
    for (d, t), var in rnd.aggregate.under.items():
        model.add_hint(var, max(0, problem.requirement[d][t] - int(staffed[d, t])))
    for (d, t), var in rnd.aggregate.over.items():
        model.add_hint(var, max(0, int(staffed[d, t]) - problem.requirement[d][t]))
    for var, value in service_level_hints(rnd.aggregate, staffed):
        model.add_hint(var, value)
    counts: dict[int, int] = {}
    for by in inc.shifts.values():
        for d, st in by.items():
            if d in days:
                counts[st.index] = counts.get(st.index, 0) + 1
    for aid, y in rnd.ys.items():
        current = inc.shifts.get(aid, {})
        for d in days:
            for st, var in y.get(d, {}).items():
                model.add_hint(var, 1 if current.get(d) == st else 0)
    for k, total in rnd.aggregate.X.items():
        model.add_hint(total, counts.get(k, 0))
    for k, av in rnd.aggregate.acts.items():
        groups = av.groups()
        have = inc.acts.get(k) or tuple({} for _ in groups)
        for group, values in zip(groups, have, strict=True):
            for offset, var in group.items():
                model.add_hint(var, values.get(offset, 0) if counts.get(k, 0) else 0)


def _read(
    solver: cp_model.CpSolver, rnd: _Round, inc: Incumbent, days: frozenset[int]
) -> Incumbent:
    shifts: Shifts = {a: dict(by) for a, by in inc.shifts.items()}
    for aid, y in rnd.ys.items():
        by = shifts.setdefault(aid, {})
        for d in days:
            by.pop(d, None)
            for st, var in y.get(d, {}).items():
                if solver.value(var):
                    by[d] = st
    acts = {k: v for k, v in inc.acts.items() if k not in rnd.aggregate.acts}
    for k, av in rnd.aggregate.acts.items():
        acts[k] = tuple(  # type: ignore[assignment]
            {o: int(solver.value(v)) for o, v in group.items()} for group in av.groups()
        )
    return Incumbent({a: by for a, by in shifts.items() if by}, acts)


def _plans(days: list[int], rng: random.Random) -> list[frozenset[int]]:
    singles = [frozenset({d}) for d in days]
    pairs = [frozenset({a, b}) for i, a in enumerate(days) for b in days[i + 1 :]]
    rng.shuffle(pairs)
    return singles + pairs


def _pick_agents(
    agents: Sequence[Agent],
    inc: Incumbent,
    days: frozenset[int],
    choices: Mapping[str, dict[int, list[ShiftType]]],
    budget: int,
    rng: random.Random,
) -> tuple[list[Agent], bool]:
    """Agents to free (within ``budget`` shift choices); True when all eligible fit."""
    eligible = [
        a
        for a in agents
        if (not a.optional or a.id in inc.shifts) and any(choices[a.id].get(d) for d in days)
    ]
    size = {a.id: sum(len(choices[a.id].get(d, [])) for d in days) for a in eligible}
    if sum(size.values()) <= budget:
        return eligible, True
    order = list(eligible)
    rng.shuffle(order)
    chosen, used = [], 0
    for a in order:
        if used + size[a.id] <= budget:
            chosen.append(a)
            used += size[a.id]
    return chosen, False


def polish_roster(
    problem: RosterProblem,
    types: list[ShiftType],
    agents: Sequence[Agent],
    start: Incumbent,
    deadline: float,
    options: PolishOptions = PolishOptions(),
    should_stop: Callable[[], bool] | None = None,
    on_improve: Callable[[Incumbent], None] | None = None,
) -> tuple[Incumbent, PolishStats]:
    """Improve ``start`` until ``deadline`` (monotonic seconds), a stop request, or a full cycle
    of neighbourhoods that each freed every agent without improving."""
    rng = random.Random(options.seed)
    choices = _choices(problem, types)
    open_days = [d for d, o in enumerate(problem.opening_hours) if o is not None]
    all_days = frozenset(open_days)
    # overnight shifts cover the next day too: a round on some days would misprice them
    overnight = any(st.end_min > 1440 for st in types)
    plans = [all_days] if overnight else _plans(open_days, rng)
    inc = start
    before = _scaled_cost(problem, inc, all_days, options.objective)
    rounds = improved = since_best = 0
    complete_since_best = True
    while plans and deadline - time.monotonic() > 0.5:
        if should_stop is not None and should_stop():
            break
        days = plans[rounds % len(plans)]
        rounds += 1
        free, complete = _pick_agents(agents, inc, days, choices, options.max_choices, rng)
        if not free:
            continue
        rnd = _build_round(problem, types, inc, free, days, choices, options.objective)
        _hint(problem, rnd, inc, days)
        solver = cpsat.run(
            rnd.model,
            min(options.round_s, deadline - time.monotonic()),
            workers=options.workers,
            seed=options.seed + rounds,
            min_time_s=0.2,
            max_presolve_iterations=1,  # full presolve outlasts a round
            symmetry_level=0,
        )
        since_best += 1
        complete_since_best = complete_since_best and complete
        if cpsat.found(solver):
            old = _scaled_cost(problem, inc, days, options.objective)
            if round(solver.objective_value) < old:
                inc = _read(solver, rnd, inc, days)
                improved += 1
                since_best, complete_since_best = 0, True
                if on_improve is not None:
                    on_improve(inc)
        if since_best >= len(plans) and complete_since_best:
            break
    after = _scaled_cost(problem, inc, all_days, options.objective)
    return inc, PolishStats(rounds, improved, before / SCALE, after / SCALE)
