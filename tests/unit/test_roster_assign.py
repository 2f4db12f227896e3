"""Assignment of class counts to named agents: greedy (full-timers) and CP-SAT chunks."""

from __future__ import annotations

from optimizer.roster.assign import assign_class
from optimizer.roster.greedy import greedy_assign
from optimizer.roster.io import load_instance
from optimizer.roster.shifts import ShiftType, agent_classes, enumerate_shift_types
from tests.roster_support import agent, tiny_instance


def _ft_problem(history: dict[str, int | None] | None = None):  # type: ignore[no-untyped-def]
    hist = history or {"consecutive_days_worked": 0, "last_shift_end_minute": None}
    agents = [agent("F1", "FT", history=hist), agent("F2", "FT", history=hist)]
    return load_instance(tiny_instance(agents))


def _type(types: list[ShiftType], day: int, start: int, paid: int) -> ShiftType:
    return next(t for t in types if (t.day, t.start_min, t.paid_min) == (day, start, paid))


def test_greedy_reproduces_counts_and_respects_rest() -> None:
    problem = _ft_problem()
    types = enumerate_shift_types(problem)
    [cls] = agent_classes(problem, problem.agents)
    late, early = _type(types, 0, 750, 480), _type(types, 1, 420, 480)
    counts = {late: 1, _type(types, 0, 480, 480): 1, early: 1, _type(types, 1, 720, 480): 1}
    got = greedy_assign(problem, cls, counts)
    assert got is not None
    # whoever works late on Monday (ends 21:00) must not take the 07:00 Tuesday shift
    late_agent = next(a for a, days in got.items() if days[0] == late)
    assert got[late_agent][1] != early


def test_greedy_never_gives_an_early_shift_to_an_agent_whose_rest_forbids_it() -> None:
    """A (last week ended 22:00 Sunday: may start 09:00 Monday) works Monday and Tuesday; B
    Monday and Wednesday. Monday's 12:00 shift must go to A, the 08:00 one to B, although B is
    the one off tomorrow (the greedy once handed B the later shift and A the 08:00, 600 min
    after last week's end, because agents eligible for a later shift stayed eligible for
    earlier ones)."""
    late_sunday = {"consecutive_days_worked": 0, "last_shift_end_minute": -120}
    agents = [agent("A", "FT", history=late_sunday), agent("B", "FT")]
    problem = load_instance(tiny_instance(agents))
    types = enumerate_shift_types(problem)
    [cls] = agent_classes(problem, problem.agents)
    eight, noon = _type(types, 0, 480, 480), _type(types, 0, 720, 480)
    counts = {eight: 1, noon: 1, _type(types, 1, 600, 480): 1, _type(types, 2, 600, 480): 1}
    got = greedy_assign(problem, cls, counts)
    assert got is not None
    assert got["A"][0] == noon and got["B"][0] == eight
    assert sorted(got["A"]) == [0, 1] and sorted(got["B"]) == [0, 2]


def test_greedy_gives_up_when_history_forbids() -> None:
    problem = _ft_problem({"consecutive_days_worked": 5, "last_shift_end_minute": -600})
    types = enumerate_shift_types(problem)
    [cls] = agent_classes(problem, problem.agents)
    counts = {_type(types, 0, 480, 480): 2, _type(types, 1, 480, 480): 2}
    assert greedy_assign(problem, cls, counts) is None


def test_cpsat_assignment_reports_deviation_when_counts_are_impossible() -> None:
    problem = _ft_problem({"consecutive_days_worked": 5, "last_shift_end_minute": -600})
    types = enumerate_shift_types(problem)
    [cls] = agent_classes(problem, problem.agents)
    counts = {_type(types, 0, 480, 480): 2, _type(types, 1, 480, 480): 2}
    result = assign_class(
        problem, cls, counts, extra_types=types, time_limit_s=5, workers=1, seed=0
    )
    assert result.deviation > 0
    assert all(0 not in days for days in result.shifts.values())


def test_chunk_that_finds_nothing_is_assigned_one_agent_at_a_time(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """When the joint model of a chunk finds no solution in its time (large classes near the
    deadline), every member still gets a valid week: no agent is left without shifts."""
    import optimizer.roster.assign as assign
    from optimizer.roster.check import check_roster
    from optimizer.roster.constraints.activities import shift_activities
    from optimizer.roster.local_search import _pairs
    from optimizer.roster.problem import Roster, Shift

    problem = _ft_problem()
    types = enumerate_shift_types(problem)
    [cls] = agent_classes(problem, problem.agents)
    real = assign._solve_chunk

    def joint_fails(model, ys, time_limit_s, workers, seed):  # type: ignore[no-untyped-def]
        return None if len(ys) > 1 else real(model, ys, time_limit_s, workers, seed)

    monkeypatch.setattr(assign, "_solve_chunk", joint_fails)
    counts = {_type(types, 0, 480, 480): 2, _type(types, 1, 480, 480): 2}
    result = assign_class(
        problem, cls, counts, extra_types=types, time_limit_s=5, workers=1, seed=0
    )
    assert result.status == "FEASIBLE"
    assert set(result.shifts) == {"F1", "F2"}
    assert result.deviation == 0  # each takes its share of the targets
    roster = Roster(
        tuple(
            Shift(
                a,
                st.day,
                st.start_min,
                st.end_min,
                shift_activities(st, _pairs(problem, st)[0]),
            )
            for a, by in result.shifts.items()
            for st in by.values()
        )
    )
    assert check_roster(problem, roster) == []
