"""Break and lunch family: one paid break and one unpaid lunch per long-enough shift.

Placement windows and the minimum work between activities are exact. Per shift type the model
counts break starts and lunch starts per offset, split into shifts whose break precedes the lunch
(``break + duration + gap <= lunch``) and shifts whose break follows it
(``lunch + duration + gap <= break``). Within each group a pairing of breaks with lunches exists
iff Hall's condition holds on every threshold (both relations are monotone), so the counts
always decompose into valid individual shifts: :func:`pair_activities` builds that pairing.
"""

from __future__ import annotations

import itertools
from typing import Any

from optimizer.roster.model import ActivityVars, AggregateModel
from optimizer.roster.problem import Activity, ActivityRule, RosterProblem, Rules, Shift
from optimizer.roster.shifts import ShiftType
from optimizer.roster.violation import Violation

__all__ = [
    "ActivityVars",
    "activities_apart",
    "activity_violations",
    "add_activities",
    "pair_activities",
    "pairing_offsets",
]

UB = 10**6


def pairing_offsets(
    st: ShiftType, break_min: int, lunch_min: int, gap_min: int
) -> tuple[list[int], list[int], list[int], list[int]]:
    """Offsets usable by (break before, lunch before, break after, lunch after)."""
    bo, lo = st.break_offsets, st.lunch_offsets
    if not (st.has_break and st.has_lunch):
        return list(bo), list(lo), [], []
    bb = [b for b in bo if any(b + break_min + gap_min <= x for x in lo)]
    lb = [x for x in lo if any(b + break_min + gap_min <= x for b in bo)]
    ba = [b for b in bo if any(x + lunch_min + gap_min <= b for x in lo)]
    la = [x for x in lo if any(x + lunch_min + gap_min <= b for b in bo)]
    return bb, lb, ba, la


def _vars(m: AggregateModel, k: int, tag: str, offsets: list[int]) -> dict[int, Any]:
    return {o: m.backend.int_var(0, UB, f"{tag}[{k},{o}]") for o in offsets}


def _hall(m: AggregateModel, k: int, av: ActivityVars, shift_b: int, shift_a: int) -> None:
    """Hall conditions of both groups (``shift_b``/``shift_a``: break/lunch + gap minutes)."""
    for theta in sorted(av.break_before)[1:]:
        terms = [(v, 1) for b, v in av.break_before.items() if b >= theta]
        terms += [(v, -1) for x, v in av.lunch_before.items() if x >= theta + shift_b]
        m.backend.add_linear(terms, -UB, 0, f"pair_before[{k},{theta}]")
    for theta in sorted(av.break_after)[:-1]:
        terms = [(v, 1) for b, v in av.break_after.items() if b <= theta]
        terms += [(v, -1) for x, v in av.lunch_after.items() if x + shift_a <= theta]
        m.backend.add_linear(terms, -UB, 0, f"pair_after[{k},{theta}]")


def add_activities(m: AggregateModel) -> None:
    """Activity counts of every shift type, their totals and the pairing conditions."""
    rules = m.problem.rules
    b_min, l_min = rules.break_rule.duration_min, rules.lunch_rule.duration_min
    gap = rules.min_work_between_activities_min
    for k, total in m.X.items():
        st = m.types[k]
        if not (st.has_break or st.has_lunch):
            continue
        bb, lb, ba, la = pairing_offsets(st, b_min, l_min, gap)
        av = ActivityVars(
            _vars(m, k, "brk_b", bb),
            _vars(m, k, "lun_b", lb),
            _vars(m, k, "brk_a", ba),
            _vars(m, k, "lun_a", la),
        )
        m.acts[k] = av
        if st.has_break:
            terms = [(v, 1) for v in (*av.break_before.values(), *av.break_after.values())]
            m.backend.add_linear([*terms, (total, -1)], 0, 0, f"one_break[{k}]")
        if st.has_lunch:
            terms = [(v, 1) for v in (*av.lunch_before.values(), *av.lunch_after.values())]
            m.backend.add_linear([*terms, (total, -1)], 0, 0, f"one_lunch[{k}]")
        if st.has_break and st.has_lunch:
            for tag, brk, lun in (
                ("before", av.break_before, av.lunch_before),
                ("after", av.break_after, av.lunch_after),
            ):
                terms = [(v, 1) for v in brk.values()] + [(v, -1) for v in lun.values()]
                m.backend.add_linear(terms, 0, 0, f"group_{tag}[{k}]")
            _hall(m, k, av, b_min + gap, l_min + gap)


def _expand(counts: dict[int, int]) -> list[int]:
    return [o for o in sorted(counts) for _ in range(max(0, counts[o]))]


def pair_activities(
    counts: tuple[dict[int, int], dict[int, int], dict[int, int], dict[int, int]],
) -> list[tuple[int | None, int | None]]:
    """(break offset, lunch offset) per shift from integer counts: sorted pairing per group."""
    bb, lb, ba, la = (_expand(c) for c in counts)
    pairs: list[tuple[int | None, int | None]] = []
    for brks, luns in ((bb, lb), (ba, la)):
        if brks and luns:
            pairs.extend(zip(brks, luns, strict=False))
        elif brks:
            pairs.extend((b, None) for b in brks)
        else:
            pairs.extend((None, x) for x in luns)
    return pairs


def activities_apart(rules: Rules, break_start: int, lunch_start: int) -> bool:
    """A break and a lunch starting at these minutes (or offsets) do not overlap and leave
    at least the minimum work between them."""
    gap = rules.min_work_between_activities_min
    return (
        break_start + rules.break_rule.duration_min + gap <= lunch_start
        or lunch_start + rules.lunch_rule.duration_min + gap <= break_start
    )


def _placement(s: Shift, rule: ActivityRule, act: Activity) -> list[Violation]:
    out: list[Violation] = []
    if act.end_min - act.start_min != rule.duration_min:
        message = f"{act.kind} must last {rule.duration_min} min"
        out.append(Violation(s.agent, s.day, act.kind, message))
    earliest = s.start_min + rule.earliest_start_after_shift_start_min
    latest = s.start_min + rule.latest_start_after_shift_start_min
    if not earliest <= act.start_min <= latest:
        message = f"{act.kind} starts outside its window"
        out.append(Violation(s.agent, s.day, act.kind, message))
    if act.end_min > s.end_min - rule.min_min_before_shift_end:
        message = f"{act.kind} too close to the shift end"
        out.append(Violation(s.agent, s.day, act.kind, message))
    return out


def activity_violations(problem: RosterProblem, s: Shift) -> list[Violation]:
    """Breaches of one shift's activities: a break (lunch) exactly when the paid length
    requires one, its duration and window, inside the shift, no overlap, the minimum work
    between activities."""
    rules = problem.rules
    out: list[Violation] = []
    paid = s.paid_min(rules)
    for kind, rule in (("break", rules.break_rule), ("lunch", rules.lunch_rule)):
        acts = [a for a in s.activities if a.kind == kind]
        expected = 1 if rule.required(paid) else 0
        if len(acts) != expected:
            message = f"{len(acts)} {kind}(s), expected {expected}"
            out.append(Violation(s.agent, s.day, kind, message))
        for act in acts:
            out.extend(_placement(s, rule, act))
    ordered = sorted(s.activities, key=lambda a: a.start_min)
    for a in ordered:
        if a.start_min < s.start_min or a.end_min > s.end_min or a.end_min <= a.start_min:
            out.append(Violation(s.agent, s.day, "overlap", f"{a.kind} outside the shift"))
    for a, b in itertools.pairwise(ordered):
        if b.start_min < a.end_min:
            out.append(Violation(s.agent, s.day, "overlap", "activities overlap"))
        elif b.start_min - a.end_min < rules.min_work_between_activities_min:
            message = "activities too close"
            out.append(Violation(s.agent, s.day, "min_work_between_activities", message))
    return out
