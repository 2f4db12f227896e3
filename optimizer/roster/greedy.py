"""Fast exact assignment for classes with one shift length and a fixed weekly number of days.

(Typically full-timers: 5 x 8 h.) Two greedy passes, each optimal for its sub-question when a
solution exists in the usual cases; the rest of every week is verified afterwards:

1. Day patterns: day by day, the required number of agents is taken from those who still need
   days, most urgent first (fewest spare days left), never beyond the consecutive-days limit
   (history included).
2. Shifts: day by day, shifts sorted by start (earliest first) go to agents allowed to start
   by then (rest after yesterday's shift or last week's); agents who work tomorrow take the
   early shifts, those off tomorrow the later ones.

Returns ``None`` when a pass gets stuck; the caller then uses the CP-SAT assignment.
"""

from __future__ import annotations

from collections.abc import Mapping

from ortools.sat.python import cp_model

from optimizer.roster import cpsat
from optimizer.roster.constraints.consecutive_days import add_agent_consecutive_days
from optimizer.roster.constraints.rest import earliest_monday_start, rest_violations
from optimizer.roster.problem import Agent, RosterProblem
from optimizer.roster.shifts import AgentClass, ShiftType

__all__ = ["greedy_assign"]

NO_LIMIT = -(10**9)


def _days_needed(problem: RosterProblem, cls: AgentClass) -> int | None:
    if len(cls.lengths) != 1 or any(a.optional for a in cls.agents):
        return None
    length = cls.lengths[0]
    lo = {a.min_weekly_paid_min for a in cls.agents}
    hi = {a.max_weekly_paid_min for a in cls.agents}
    if len(lo) != 1 or lo != hi or next(iter(lo)) % length:
        return None
    return next(iter(lo)) // length


def _day_patterns(
    problem: RosterProblem, agents: list[Agent], need: int, per_day: list[int]
) -> dict[str, set[int]] | None:
    limit = problem.rules.max_consecutive_days
    left = {a.id: need for a in agents}
    run = {a.id: a.history.consecutive_days_worked for a in agents}
    worked: dict[str, set[int]] = {a.id: set() for a in agents}
    open_days = [d for d, n in enumerate(per_day) if n > 0]
    for d, count in enumerate(per_day):
        days_left = sum(1 for x in open_days if x >= d)
        ready = [a for a in agents if left[a.id] > 0 and run[a.id] < limit]
        ready.sort(key=lambda a: (days_left - left[a.id], run[a.id], a.id))
        if len(ready) < count:
            return None
        chosen = {a.id for a in ready[:count]}
        for a in agents:
            if a.id in chosen:
                left[a.id] -= 1
                run[a.id] += 1
                worked[a.id].add(d)
            else:
                run[a.id] = 0
    return worked if all(v == 0 for v in left.values()) else None


def _exact_day_patterns(
    problem: RosterProblem,
    agents: list[Agent],
    need: int,
    per_day: list[int],
    time_limit_s: float = 10.0,
) -> dict[str, set[int]] | None:
    """Day patterns by CP-SAT when the greedy pass is stuck: ``need`` days per agent, the
    day totals exactly, consecutive days with history (a feasibility model of agents x days)."""
    model = cp_model.CpModel()
    worked = {
        a.id: {d: model.new_bool_var(f"w[{a.id},{d}]") for d in range(problem.days)} for a in agents
    }
    for a in agents:
        model.add(sum(worked[a.id].values()) == need).with_name(f"days[{a.id}]")
        add_agent_consecutive_days(model, problem, a, worked[a.id])
    for d, count in enumerate(per_day):
        model.add(sum(worked[a.id][d] for a in agents) == count).with_name(f"day_total[{d}]")
    solver = cpsat.run(model, time_limit_s, workers=2, min_time_s=0.0)
    if not cpsat.found(solver):
        return None
    return {a.id: {d for d, v in worked[a.id].items() if solver.value(v)} for a in agents}


def _shifts_for_day(
    problem: RosterProblem,
    d: int,
    agents: list[Agent],
    shifts: list[ShiftType],
    earliest: dict[str, int],
    tomorrow: set[str],
) -> dict[str, ShiftType] | None:
    """Shifts earliest first; each goes to an agent allowed to start by then.

    An agent allowed to start a shift may start any later one, so the eligible set only grows
    towards later shifts and any eligible choice keeps the day feasible (whether an agent is
    left for each shift is a count). Among the eligible, an agent who works tomorrow is
    preferred for the early shift (an early end leaves the most rest), then the agent with the
    latest allowed start; agents off tomorrow are left the later shifts.
    """
    ordered_shifts = sorted(shifts, key=lambda st: (st.start_min, st.end_min))
    waiting = sorted(agents, key=lambda a: (earliest[a.id], a.id))
    out: dict[str, ShiftType] = {}
    eligible: list[Agent] = []  # ascending allowed start
    i = 0
    for st in ordered_shifts:
        while i < len(waiting) and earliest[waiting[i].id] <= st.start_min:
            eligible.append(waiting[i])
            i += 1
        if not eligible:
            return None
        pick = next((a for a in reversed(eligible) if a.id in tomorrow), eligible[-1])
        eligible.remove(pick)
        out[pick.id] = st
    return out if len(out) == len(agents) else None


def _rest_ok(problem: RosterProblem, agent: Agent, week: Mapping[int, ShiftType]) -> bool:
    """The agent's week keeps the rest after last week's final shift and between days."""
    spans = [(d, st.start_min, st.end_min) for d, st in sorted(week.items())]
    return not rest_violations(problem, agent, spans)


def greedy_assign(
    problem: RosterProblem, cls: AgentClass, counts: Mapping[ShiftType, int]
) -> dict[str, dict[int, ShiftType]] | None:
    """Assignment reproducing ``counts`` exactly, or ``None`` (not applicable or stuck)."""
    need = _days_needed(problem, cls)
    if need is None:
        return None
    by_day: list[list[ShiftType]] = [[] for _ in range(problem.days)]
    for st, n in counts.items():
        by_day[st.day].extend([st] * n)
    per_day = [len(x) for x in by_day]
    patterns = _day_patterns(problem, list(cls.agents), need, per_day)
    if patterns is None:
        patterns = _exact_day_patterns(problem, list(cls.agents), need, per_day)
    if patterns is None:
        return None
    rest = problem.rules.min_rest_min
    earliest = {a.id: earliest_monday_start(problem, a) for a in cls.agents}
    out: dict[str, dict[int, ShiftType]] = {a.id: {} for a in cls.agents}
    for d in range(problem.days):
        working = [a for a in cls.agents if d in patterns[a.id]]
        tomorrow = {a.id for a in cls.agents if d + 1 in patterns[a.id]}
        got = _shifts_for_day(problem, d, working, by_day[d], earliest, tomorrow)
        if got is None:
            return None
        for a in cls.agents:
            chosen = got.get(a.id)
            if chosen is not None:
                out[a.id][d] = chosen
            earliest[a.id] = chosen.end_min + rest - 1440 if chosen is not None else NO_LIMIT
    if not all(_rest_ok(problem, a, out[a.id]) for a in cls.agents):
        return None  # a second line: the passes above keep the rest by construction
    return out
