"""Rest family: at least ``min_rest_min`` between the end of one shift and the next start,
also across the week boundary (``history.last_shift_end_min``).

Shift ends are minutes of the shift's own day and may pass 1440 (overnight shifts); the rest
is elapsed time between absolute instants, so a night shift ending 06:00 forbids starts before
17:00 that day. Next week: a shift of this week's last day is seen by next week's problem only
through its ``history`` (:func:`next_week_history`); the coverage past this week is not counted.

Aggregate form (valid cuts per class): for an end threshold ``e`` on day ``d``, the shifts
ending after ``e`` and the shifts of a later day (the next one, or the one after when a long
overnight shift reaches that far) starting too early for them belong to different agents, so
together they are at most the class size; on day 0 (the first day of the site's
week; "monday" in names below), shifts starting before ``tau`` are at most the members whose
history lets them start before ``tau``. Per-agent form: exact.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from optimizer.roster.backend import Terms
from optimizer.roster.model import AgentDayVars, AggregateModel
from optimizer.roster.problem import Agent, History, RosterProblem, Shift
from optimizer.roster.violation import Violation

__all__ = [
    "add_agent_rest",
    "add_rest",
    "earliest_monday_start",
    "next_week_history",
    "rest_violations",
    "rest_window",
]


def earliest_monday_start(problem: RosterProblem, agent: Agent) -> int:
    """Earliest start on day 0 allowed by last week's final shift."""
    last = agent.history.last_shift_end_min
    return 0 if last is None else last + problem.rules.min_rest_min


def _day_pair_cuts(m: AggregateModel, c: int, size: int, d: int, ahead: int = 1) -> None:
    rest = m.problem.rules.min_rest_min
    today = [(m.types[k], v) for (ci, k), v in m.x.items() if ci == c and m.types[k].day == d]
    later = [
        (m.types[k], v) for (ci, k), v in m.x.items() if ci == c and m.types[k].day == d + ahead
    ]
    if not today or not later:
        return
    first_next = min(st.start_min for st, _ in later)
    for e in sorted({st.end_min for st, _ in today}):
        limit = e + rest - 1440 * ahead  # a shift ending after e forbids later starts < limit
        late: Terms = [(v, 1) for st, v in today if st.end_min >= e]
        early: Terms = [(v, 1) for st, v in later if st.start_min < limit]
        if limit <= first_next or not early:
            continue
        tag = f"rest[{c},{d},{e}]" if ahead == 1 else f"rest[{c},{d},+{ahead},{e}]"
        m.backend.add_linear(late + early, 0, size, tag)


def _monday_cuts(m: AggregateModel, c: int) -> None:
    cls = m.classes[c]
    monday = [(m.types[k], v) for (ci, k), v in m.x.items() if ci == c and m.types[k].day == 0]
    earliest = [earliest_monday_start(m.problem, a) for a in cls.agents]
    for tau in sorted({st.start_min for st, _ in monday}):
        allowed = sum(1 for e in earliest if e <= tau)
        if allowed == cls.size:
            continue
        terms: Terms = [(v, 1) for st, v in monday if st.start_min <= tau]
        m.backend.add_linear(terms, 0, allowed, f"rest_history[{c},{tau}]")


def add_rest(m: AggregateModel) -> None:
    """Aggregate rest cuts between consecutive days and against last week's history."""
    for cls in m.classes:
        for d in range(m.problem.days - 1):
            _day_pair_cuts(m, cls.index, cls.size, d)
            if d + 2 < m.problem.days:
                _day_pair_cuts(m, cls.index, cls.size, d, ahead=2)
        _monday_cuts(m, cls.index)


def add_agent_rest(
    model: cp_model.CpModel,
    problem: RosterProblem,
    agent: Agent,
    y: AgentDayVars,
    worked: dict[int, cp_model.IntVar],
) -> None:
    """Exact per-agent rest between consecutive days and from last week's last shift."""
    rest = problem.rules.min_rest_min
    first = earliest_monday_start(problem, agent)
    for st, var in y.get(0, {}).items():
        if st.start_min < first:
            model.add(var == 0).with_name(f"rest_history[{agent.id},{st.start_min}]")
    for d in range(problem.days - 1):
        for ahead in (1, 2):
            nxt = d + ahead
            if not y.get(d) or not y.get(nxt):
                continue
            latest = max(st.end_min for st in y[d]) + rest - 1440 * ahead
            if ahead > 1 and latest <= min(st.start_min for st in y[nxt]):
                continue  # no overnight shift reaches that far
            end = sum(st.end_min * v for st, v in y[d].items())
            start = sum(st.start_min * v for st, v in y[nxt].items())
            tag = f"rest[{agent.id},{d}]" if ahead == 1 else f"rest[{agent.id},{d},+{ahead}]"
            ct = model.add(start + 1440 * ahead - end >= rest).with_name(tag)
            ct.only_enforce_if([worked[d], worked[nxt]])


def rest_violations(
    problem: RosterProblem, agent: Agent, spans: list[tuple[int, int, int]]
) -> list[Violation]:
    """Rest shorter than the minimum after last week's final shift or between the agent's
    shifts ``spans`` (``(day, start, end)``, ordered by day and start)."""
    previous_end = agent.history.last_shift_end_min
    out: list[Violation] = []
    for day, start_min, end_min in spans:
        start = day * 1440 + start_min
        if previous_end is not None and start - previous_end < problem.rules.min_rest_min:
            out.append(Violation(agent.id, day, "rest", f"only {start - previous_end} min rest"))
        previous_end = day * 1440 + end_min
    return out


def rest_window(
    problem: RosterProblem,
    agent: Agent,
    day: int,
    previous: tuple[int, int] | None,
    following: tuple[int, int] | None,
) -> tuple[int | None, int | None]:
    """Earliest start and latest end (minutes of ``day``; ``None``: no bound) that the rest
    leaves a shift on ``day`` after the agent's ``previous`` shift (``(day, end)``; ``None``:
    last week's final one) and before the ``following`` one (``(day, start)`` or ``None``)."""
    rest = problem.rules.min_rest_min
    previous_end = agent.history.last_shift_end_min
    if previous is not None:
        previous_end = previous[0] * 1440 + previous[1]
    earliest = None if previous_end is None else previous_end + rest - day * 1440
    latest = None if following is None else following[0] * 1440 + following[1] - rest - day * 1440
    return earliest, latest


def next_week_history(problem: RosterProblem, agent: Agent, shifts: list[Shift]) -> History:
    """The ``history`` of ``agent`` in next week's problem after this week's ``shifts``: the
    last shift's end relative to next week's day 0, seven days after this one (positive when
    an overnight shift of the last day runs into it), and the working days in a row up to the
    last day (last week's tail added when every day was worked; 0 for a week shorter than 7
    days, whose days off follow it)."""
    if not shifts:
        return History(0, None)
    last = max(shifts, key=lambda s: (s.day, s.start_min))
    end = last.day * 1440 + last.end_min - 7 * 1440
    worked = {s.day for s in shifts}
    run = 0
    for d in range(problem.days - 1, -1, -1):
        if d not in worked:
            break
        run += 1
    if run == problem.days:
        run += agent.history.consecutive_days_worked
    return History(run if problem.days == 7 else 0, end)
