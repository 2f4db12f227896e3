"""Break and lunch family: the activities of each shift's break rule set (:class:`BreakRuleSet`,
by paid-length band; today's one paid break + one unpaid lunch is one such set).

Placement windows and the minimum work between activities are exact. Per shift type the model
counts, for each of the type's orders (positions in time -> activity slots; one order, or every
permutation when the rule set allows any order), the starts of every slot per offset. In one
order the slots form a chain ``a_i + length_i + gap <= a_next``; between two consecutive slots a
sorted pairing exists iff Hall's condition holds on every threshold (the relation is monotone),
and the sorted pairings of consecutive slots compose along the chain, so the counts always
decompose into valid individual shifts: :func:`pair_activities` builds them.
"""

from __future__ import annotations

import itertools
from typing import Any

from optimizer.roster.model import ActivityVars, AggregateModel
from optimizer.roster.problem import (
    Activity,
    ActivitySpec,
    BreakRuleSet,
    RosterProblem,
    Rules,
    Shift,
)
from optimizer.roster.shifts import ShiftType
from optimizer.roster.violation import Violation

__all__ = [
    "ActivityVars",
    "activities_apart",
    "activity_violations",
    "add_activities",
    "chain_offsets",
    "pair_activities",
]

UB = 10**6


def chain_offsets(st: ShiftType, order: tuple[int, ...]) -> list[list[int]]:
    """Per slot (slot order), the offsets usable in ``order``: each has a feasible
    predecessor and successor in the chain."""
    usable = [list(s.offsets) for s in st.slots]
    for i, j in itertools.pairwise(order):
        shift = st.slots[i].duration_min + st.gap_min
        usable[j] = [b for b in usable[j] if any(a + shift <= b for a in usable[i])]
    for i, j in reversed(list(itertools.pairwise(order))):
        shift = st.slots[i].duration_min + st.gap_min
        usable[i] = [a for a in usable[i] if any(a + shift <= b for b in usable[j])]
    return usable


def _vars(m: AggregateModel, k: int, tag: str, offsets: list[int]) -> dict[int, Any]:
    return {o: m.backend.int_var(0, UB, f"{tag}[{k},{o}]") for o in offsets}


def _tag(st: ShiftType, order: int, slot: int) -> str:
    """Variable name stem: ``brk_b`` / ``lun_a`` (slot kind; order 0 "before", 1 "after"),
    the slot index added when a kind repeats (``brk0_b``, ``brk2_b``)."""
    kind = st.slots[slot].kind
    stem = {"break": "brk", "lunch": "lun"}.get(kind, kind)
    if sum(1 for s in st.slots if s.kind == kind) > 1:
        stem += str(slot)
    return f"{stem}_{'ba'[order] if order < 2 else f'o{order}'}"


def _hall(m: AggregateModel, k: int, o: int, groups: list[dict[int, Any]]) -> None:
    """Hall conditions between consecutive slots of order ``o`` (thresholds on the slot listed
    first in the rule set)."""
    st = m.types[k]
    for i, j in itertools.pairwise(st.orders[o]):
        shift = st.slots[i].duration_min + st.gap_min
        first, second = groups[i], groups[j]
        if i < j:
            for theta in sorted(first)[1:]:
                terms = [(v, 1) for a, v in first.items() if a >= theta]
                terms += [(v, -1) for b, v in second.items() if b >= theta + shift]
                m.backend.add_linear(terms, -UB, 0, f"pair[{k},{o},{i},{theta}]")
        else:
            for theta in sorted(second)[:-1]:
                terms = [(v, 1) for b, v in second.items() if b <= theta]
                terms += [(v, -1) for a, v in first.items() if a + shift <= theta]
                m.backend.add_linear(terms, -UB, 0, f"pair[{k},{o},{j},{theta}]")


def add_activities(m: AggregateModel) -> None:
    """Activity counts of every shift type, one per slot and shift, and the chain conditions."""
    for k, total in m.X.items():
        st = m.types[k]
        if not st.slots:
            continue
        av = ActivityVars(
            [
                [
                    _vars(m, k, _tag(st, o, i), offs)
                    for i, offs in enumerate(chain_offsets(st, order))
                ]
                for o, order in enumerate(st.orders)
            ]
        )
        m.acts[k] = av
        for i, slot in enumerate(st.slots):
            terms = [(v, 1) for groups in av.by_order for v in groups[i].values()]
            m.backend.add_linear([*terms, (total, -1)], 0, 0, f"one_{slot.kind}[{k},{i}]")
        if len(st.slots) < 2:
            continue
        for o, groups in enumerate(av.by_order):
            for j in range(1, len(groups)):
                terms = [(v, 1) for v in groups[0].values()] + [(v, -1) for v in groups[j].values()]
                m.backend.add_linear(terms, 0, 0, f"group[{k},{o},{j}]")
        for o, groups in enumerate(av.by_order):
            _hall(m, k, o, groups)


def _expand(counts: dict[int, int]) -> list[int]:
    return [o for o in sorted(counts) for _ in range(max(0, counts[o]))]


def pair_activities(st: ShiftType, counts: tuple[dict[int, int], ...]) -> list[tuple[int, ...]]:
    """Offsets per shift (slot order) from integer counts (``counts``: order-major, slot-minor,
    as :meth:`ActivityVars.groups`): the sorted pairing per order."""
    n = len(st.slots)
    out: list[tuple[int, ...]] = []
    for o in range(len(counts) // n if n else 0):
        out.extend(zip(*(_expand(counts[o * n + i]) for i in range(n)), strict=False))
    return out


def shift_activities(st: ShiftType, offsets: tuple[int, ...]) -> tuple[Activity, ...]:
    """The activities of a shift of type ``st`` at ``offsets`` (slot order), in time order."""
    acts = [
        Activity(s.kind, st.start_min + o, st.start_min + o + s.duration_min)
        for s, o in zip(st.slots, offsets, strict=True)
    ]
    return tuple(sorted(acts, key=lambda a: a.start_min))


def activities_apart(rules: Rules, break_start: int, lunch_start: int) -> bool:
    """Under ``break_rule`` and ``lunch_rule``: a break and a lunch starting at these minutes
    do not overlap and leave at least the minimum work between them."""
    gap = rules.min_work_between_activities_min
    return (
        break_start + rules.break_rule.duration_min + gap <= lunch_start
        or lunch_start + rules.lunch_rule.duration_min + gap <= break_start
    )


def _placement(s: Shift, spec: ActivitySpec, act: Activity) -> list[Violation]:
    out: list[Violation] = []
    if act.end_min - act.start_min not in spec.durations_min:
        lengths = "/".join(str(n) for n in spec.durations_min)
        out.append(Violation(s.agent, s.day, act.kind, f"{act.kind} must last {lengths} min"))
    lo, hi = spec.window
    if spec.anchor == "start":
        inside = lo <= act.start_min - s.start_min <= hi
        other = act.end_min <= s.end_min - spec.min_to_other_end_min
    else:
        inside = lo <= s.end_min - act.end_min <= hi
        other = act.start_min >= s.start_min + spec.min_to_other_end_min
    if not inside:
        out.append(Violation(s.agent, s.day, act.kind, f"{act.kind} starts outside its window"))
    if not other:
        edge = "end" if spec.anchor == "start" else "start"
        message = f"{act.kind} too close to the shift {edge}"
        out.append(Violation(s.agent, s.day, act.kind, message))
    return out


def _matched(s: Shift, band: BreakRuleSet, acts: list[Activity]) -> list[Violation]:
    """Placement breaches in the order of the rule set that fits ``acts`` (time order) best."""
    specs = band.activities
    orders = itertools.permutations(specs) if band.any_order else [specs]
    best: list[Violation] | None = None
    for order in orders:
        if [a.kind for a in order] != [a.kind for a in acts]:
            continue
        found = [v for spec, act in zip(order, acts, strict=True) for v in _placement(s, spec, act)]
        if best is None or len(found) < len(best):
            best = found
    if best is None:
        return [Violation(s.agent, s.day, "activity_order", "activities not in the rule's order")]
    return best


def _per_kind(s: Shift, band: BreakRuleSet | None, acts: list[Activity]) -> list[Violation]:
    """Breaches kind by kind (break, lunch, ...): the count the rule set expects and, when a
    count is wrong, each activity against the first rule of its kind; when every count is right,
    the placement in the best-fitting order."""
    specs = () if band is None else band.activities
    kinds = ["break", "lunch", *sorted({a.kind for a in acts} - {"break", "lunch"})]
    wrong = {
        k: (sum(1 for a in acts if a.kind == k), sum(1 for a in specs if a.kind == k))
        for k in kinds
    }
    if band is not None and all(have == expected for have, expected in wrong.values()):
        found = _matched(s, band, acts)
        return sorted(found, key=lambda v: kinds.index(v.rule) if v.rule in kinds else len(kinds))
    out = []
    for kind, (have, expected) in wrong.items():
        if have != expected:
            out.append(Violation(s.agent, s.day, kind, f"{have} {kind}(s), expected {expected}"))
        spec = next((a for a in specs if a.kind == kind), None)
        if spec is not None:
            for act in (a for a in acts if a.kind == kind):
                out.extend(_placement(s, spec, act))
    return out


def activity_violations(problem: RosterProblem, s: Shift) -> list[Violation]:
    """Breaches of one shift's activities: exactly those of the rule set of its paid length,
    their lengths and windows, inside the shift, no overlap, the minimum work between them."""
    rules = problem.rules
    band = rules.band(s.paid_min(rules))
    ordered = sorted(s.activities, key=lambda a: a.start_min)
    out = _per_kind(s, band, ordered)
    gap = rules.min_work_between_activities_min if band is None else band.min_work_between_min
    for a in ordered:
        if a.start_min < s.start_min or a.end_min > s.end_min or a.end_min <= a.start_min:
            out.append(Violation(s.agent, s.day, "overlap", f"{a.kind} outside the shift"))
    for a, b in itertools.pairwise(ordered):
        if b.start_min < a.end_min:
            out.append(Violation(s.agent, s.day, "overlap", "activities overlap"))
        elif b.start_min - a.end_min < gap:
            message = "activities too close"
            out.append(Violation(s.agent, s.day, "min_work_between_activities", message))
    return out
