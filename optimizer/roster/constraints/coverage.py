"""Coverage family: staffed agents versus the requirement, per day and interval.

``staffed[d, t]`` counts shifts covering ``t`` minus breaks and lunches in progress; the soft
constraint ``staffed - requirement = over - under`` returns the weighted penalty terms.
"""

from __future__ import annotations

from typing import Any

from optimizer.roster.backend import Terms
from optimizer.roster.model import AggregateModel, scaled_weights

__all__ = ["add_coverage", "coverage_terms"]


def _span(start_min: int, length_min: int, grid: int) -> range:
    return range(start_min // grid, (start_min + length_min) // grid)


def coverage_terms(m: AggregateModel) -> dict[tuple[int, int], Terms]:
    """Linear terms of ``staffed[d, t]`` for every interval some shift may cover; the part of
    an overnight shift past midnight counts on the next day (past the last day: not counted,
    next week's requirement is not this problem's)."""
    grid = m.problem.interval_min
    per_day, days = m.problem.intervals_per_day, m.problem.days
    out: dict[tuple[int, int], Terms] = {}

    def add(day: int, t: int, term: tuple[Any, int]) -> None:
        if day + t // per_day < days:
            out.setdefault((day + t // per_day, t % per_day), []).append(term)

    for k, total in m.X.items():
        st = m.types[k]
        for t in _span(st.start_min, st.span_min, grid):
            add(st.day, t, (total, 1))
        av = m.acts.get(k)
        if av is None:
            continue
        for i, slot in enumerate(st.slots):
            for groups in av.by_order:
                for offset, var in groups[i].items():
                    for t in _span(st.start_min + offset, slot.duration_min, grid):
                        add(st.day, t, (var, -1))
    return out


def add_coverage(m: AggregateModel, days: frozenset[int] | None = None) -> Terms:
    """Deviation variables and constraints (on ``days``, default all); returns the scaled
    penalty terms."""
    w_under, w_over, _ = scaled_weights(m.problem)
    terms_by_interval = coverage_terms(m)
    penalties: Terms = []
    for d, row in enumerate(m.problem.requirement):
        if days is not None and d not in days:
            continue
        for t, req in enumerate(row):
            terms = terms_by_interval.get((d, t), [])
            if req == 0 and not terms:
                continue
            under = m.backend.int_var(0, req, f"under[{d},{t}]")
            over = m.backend.int_var(0, 10**6 if terms else 0, f"over[{d},{t}]")
            m.under[d, t], m.over[d, t] = under, over
            m.backend.add_linear([*terms, (under, 1), (over, -1)], req, req, f"cover[{d},{t}]")
            penalties += [(under, w_under), (over, w_over)]
    return penalties
