"""Pre-check explanations: the agents' one-agent models are solved in batches."""

from __future__ import annotations

from typing import Any

import pytest

from optimizer.roster import explain
from optimizer.roster.io import load_instance
from optimizer.roster.shifts import enumerate_shift_types
from tests.roster_support import agent, tiny_instance


def _runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the CP-SAT solves of :mod:`explain` (one entry per solve)."""
    calls: list[int] = []
    real = explain.cpsat.run

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(explain.cpsat, "run", counted)
    return calls


def test_agents_with_valid_weeks_are_checked_in_one_solve(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Three profiles that each have a valid week: one joint solve, no explanation (one solve
    per profile took 8.3 s on M-2 under load and 27 s on L-1; in batches 3.0 s and 6.1 s)."""
    late = agent("A3", availability=[[600, 1260]] * 3)
    problem = load_instance(tiny_instance([agent("A1"), agent("F1", "FT"), late]))
    calls = _runs(monkeypatch)
    assert explain.explain_agents(problem, enumerate_shift_types(problem)) == []
    assert len(calls) == 1


def test_an_agent_without_a_valid_week_in_a_batch_is_still_explained(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    short = agent("A9", availability=[[600, 780]] * 3)  # 3 h a day: no 4-h shift fits
    problem = load_instance(tiny_instance([agent("A1"), short]))
    calls = _runs(monkeypatch)
    [why] = explain.explain_agents(problem, enumerate_shift_types(problem))
    assert why.agent == "A9" and "weekly_minutes" in why.rules
    assert len(calls) > 1  # the batch had no solution: agents one by one


def test_rosterable_keeps_the_agents_with_a_valid_week_in_order() -> None:
    short = agent("A9", availability=[[600, 780]] * 3)  # 3 h a day: no 4-h shift fits
    problem = load_instance(tiny_instance([agent("A1"), short, agent("F1", "FT")]))
    agents, explanations = explain.rosterable(problem, enumerate_shift_types(problem))
    assert [a.id for a in agents] == ["A1", "F1"]
    assert [e.agent for e in explanations] == ["A9"]
