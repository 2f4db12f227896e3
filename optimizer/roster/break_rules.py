"""Break rule sets as data: presets and the interchange form (``rules.break_rule_sets``).

A rule set (:class:`~optimizer.roster.problem.BreakRuleSet`) lists, for a band of paid shift
lengths, the activities of every such shift in order. Today's one break + one lunch is
:func:`optimizer.roster.problem.legacy_rule_sets`; :func:`two_breaks_and_lunch` is the common
8-hour pattern (a 15-min break, a 30-60 min lunch, a second 15-min break, each in its window).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from optimizer.roster.problem import ActivitySpec, BreakRuleSet, Rules

__all__ = ["parse_rule_sets", "rule_sets_to_json", "two_breaks_and_lunch"]

Fail = Callable[[str, str, str], None]


def two_breaks_and_lunch(rules: Rules, from_paid_min: int = 450, gap_min: int = 60) -> Rules:
    """``rules`` with every shift of at least ``from_paid_min`` paid minutes taking a paid
    15-min break starting 60-150 min after the start, an unpaid 30/45/60-min lunch starting
    180-300 min after the start and a second paid 15-min break ending 60-150 min before the
    end, in this order, ``gap_min`` of work between them; shorter shifts keep ``rules``'s."""
    shorter = []
    for band in rules.bands():
        if band.min_paid_min >= from_paid_min:
            continue
        top = band.max_paid_min
        shorter.append(
            replace(band, max_paid_min=from_paid_min if top is None else min(top, from_paid_min))
        )
    long = BreakRuleSet(
        from_paid_min,
        None,
        (
            ActivitySpec("break", (15,), True, "start", (60, 150)),
            ActivitySpec("lunch", (30, 45, 60), False, "start", (180, 300)),
            ActivitySpec("break", (15,), True, "end", (60, 150)),
        ),
        gap_min,
    )
    return replace(rules, rule_sets=(*shorter, long))


def _int(
    raw: Mapping[str, Any], key: str, path: str, fail: Fail, default: int | None = None
) -> int:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        fail(f"{path}.{key}", "range", "expected a non-negative integer")
        return 0
    return value


def _activity(raw: Any, path: str, grid: int, fail: Fail) -> ActivitySpec | None:
    if not isinstance(raw, dict):
        fail(path, "type", "expected an object")
        return None
    kind, paid, window = raw.get("kind"), raw.get("paid"), raw.get("window")
    minutes = raw.get("minutes")
    lengths: list[Any] = minutes if isinstance(minutes, list) else [minutes]
    if kind not in ("break", "lunch"):
        fail(f"{path}.kind", "value", "expected 'break' or 'lunch'")
    if not isinstance(paid, bool):
        fail(f"{path}.paid", "type", "expected true or false")
    if not lengths or not all(
        isinstance(n, int) and not isinstance(n, bool) and n > 0 and n % grid == 0 for n in lengths
    ):
        fail(f"{path}.minutes", "grid", f"expected positive multiples of {grid} (one or a list)")
        return None
    if not isinstance(window, dict) or window.get("from") not in ("start", "end"):
        fail(f"{path}.window", "type", "expected {from: start|end, earliest, latest}")
        return None
    lo = _int(window, "earliest", f"{path}.window", fail)
    hi = _int(window, "latest", f"{path}.window", fail)
    if hi < lo:
        fail(f"{path}.window.latest", "order", "latest must not be before earliest")
    other = _int(raw, "min_minutes_to_other_end", path, fail, 0)
    if kind not in ("break", "lunch") or not isinstance(paid, bool):
        return None
    return ActivitySpec(
        kind, tuple(sorted({int(n) for n in lengths})), paid, window["from"], (lo, hi), other
    )


def _band(raw: Any, path: str, grid: int, fail: Fail) -> BreakRuleSet | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("activities"), list):
        fail(path, "type", "expected an object with a list of activities")
        return None
    lo = _int(raw, "min_paid_minutes", path, fail, 0)
    hi = raw.get("max_paid_minutes")
    if hi is not None and (isinstance(hi, bool) or not isinstance(hi, int) or hi <= lo):
        fail(f"{path}.max_paid_minutes", "order", "expected null or more than min_paid_minutes")
        hi = None
    gap = _int(raw, "min_work_between_activities_minutes", path, fail, 0)
    specs = [
        _activity(a, f"{path}.activities[{i}]", grid, fail) for i, a in enumerate(raw["activities"])
    ]
    if any(s is None for s in specs):
        return None
    return BreakRuleSet(
        lo, hi, tuple(s for s in specs if s is not None), gap, bool(raw.get("any_order", False))
    )


def parse_rule_sets(raw: Any, path: str, grid: int, fail: Fail) -> tuple[BreakRuleSet, ...] | None:
    """Rule sets from their JSON form (``fail(path, code, message)`` records each problem):
    bands must not overlap and a kind is paid in every set or in none."""
    if not isinstance(raw, list):
        fail(path, "type", "expected a list of rule sets")
        return None
    bands = [_band(b, f"{path}[{i}]", grid, fail) for i, b in enumerate(raw)]
    if any(b is None for b in bands):
        return None
    ordered = sorted((b for b in bands if b is not None), key=lambda b: b.min_paid_min)
    for a, b in itertools.pairwise(ordered):
        if a.max_paid_min is None or a.max_paid_min > b.min_paid_min:
            fail(path, "overlap", f"paid-length bands overlap at {b.min_paid_min} min")
    for kind in ("break", "lunch"):
        if len({s.paid for band in ordered for s in band.activities if s.kind == kind}) > 1:
            fail(path, "paid", f"every {kind} must be paid, or none")
    return tuple(ordered)


def rule_sets_to_json(bands: tuple[BreakRuleSet, ...]) -> list[dict[str, Any]]:
    """The JSON form :func:`parse_rule_sets` reads."""
    return [
        {
            "min_paid_minutes": b.min_paid_min,
            "max_paid_minutes": b.max_paid_min,
            "min_work_between_activities_minutes": b.min_work_between_min,
            "any_order": b.any_order,
            "activities": [
                {
                    "kind": a.kind,
                    "minutes": list(a.durations_min),
                    "paid": a.paid,
                    "window": {"from": a.anchor, "earliest": a.window[0], "latest": a.window[1]},
                    "min_minutes_to_other_end": a.min_to_other_end_min,
                }
                for a in b.activities
            ],
        }
        for b in bands
    ]
