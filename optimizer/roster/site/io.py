"""``staffwise-roster-instance/2`` in (``/1`` accepted as one voice queue), site rosters in and
out (``staffwise-roster/1`` with optional per-shift ``allocation`` blocks).

The ``/2`` document is read as its ``/1`` part (rules, contracts, agents, opening hours, with the
live queues' requirements summed) by :func:`optimizer.roster.io.load_instance`, plus the queues
and the agents' skills. Malformed input raises :class:`~optimizer.errors.InputError` naming
the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from optimizer.errors import InputError, Problem
from optimizer.roster.io import (
    INSTANCE_SCHEMA,
    INSTANCE_SCHEMA_3,
    _read,
    load_instance,
    roster_from_json,
)
from optimizer.roster.io import roster_to_json as core_roster_to_json
from optimizer.roster.problem import RosterProblem
from optimizer.roster.site.problem import (
    AllocationBlock,
    BacklogItems,
    DeferredQueue,
    LiveQueue,
    Queue,
    SiteProblem,
    SiteRoster,
)

SITE_SCHEMA = "staffwise-roster-instance/2"
ONE_QUEUE = "Q"

__all__ = [
    "SITE_SCHEMA",
    "load_site_instance",
    "load_site_roster",
    "one_queue_site",
    "site_roster_to_json",
]


def one_queue_site(problem: RosterProblem, queue_id: str = ONE_QUEUE) -> SiteProblem:
    """A ``/1`` problem as a site of one voice queue every agent serves."""
    queue = LiveQueue(queue_id, "voice", 1.0, problem.requirement, name=problem.name)
    skills = {a.id: frozenset({queue_id}) for a in problem.agents}
    return SiteProblem(problem, (queue,), skills)


def _grid(raw: Any, path: str, days: int, per_day: int, problems: list[Problem]) -> tuple:
    ok = isinstance(raw, list) and len(raw) == days
    ok = ok and all(isinstance(r, list) and len(r) == per_day for r in raw)
    if not ok:
        problems.append(Problem(None, path, "length", f"expected {days} x {per_day} values"))
        return tuple((0,) * per_day for _ in range(days))
    for d, row in enumerate(raw):
        for t, v in enumerate(row):
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                problems.append(
                    Problem(None, f"{path}[{d}][{t}]", "range", "expected a non-negative integer")
                )
    return tuple(tuple(v if isinstance(v, int) else 0 for v in row) for row in raw)


def _number(raw: Mapping[str, Any], key: str, path: str, problems: list[Problem]) -> float:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        problems.append(Problem(None, f"{path}.{key}", "range", "expected a non-negative number"))
        return 0.0
    return float(value)


def _backlog(raw: Any, path: str, problems: list[Problem]) -> tuple[BacklogItems, ...]:
    if raw is None:
        return ()
    out = []
    for i, item in enumerate(raw if isinstance(raw, list) else [None]):
        items = item.get("items") if isinstance(item, dict) else None
        age = item.get("age_minutes") if isinstance(item, dict) else None
        if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in (items, age)):
            problems.append(Problem(None, f"{path}[{i}]", "type", "expected {items, age_minutes}"))
            continue
        out.append(BacklogItems(int(items), int(age)))  # type: ignore[arg-type]
    return tuple(out)


def _queue(raw: Any, path: str, shape: tuple[int, int], problems: list[Problem]) -> Queue | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        problems.append(Problem(None, f"{path}.id", "missing", "expected an object with an id"))
        return None
    qid, channel, name = raw["id"], raw.get("channel"), str(raw.get("name", ""))
    weight = _number(raw, "weight", path, problems) if "weight" in raw else 1.0
    if channel in ("voice", "chat"):
        req = _grid(raw.get("requirement"), f"{path}.requirement", *shape, problems)
        conc = raw.get("concurrency", 1)
        return LiveQueue(qid, channel, weight, req, name, conc if isinstance(conc, int) else 1)
    if channel == "deferred":
        arrivals = _grid(raw.get("arrivals"), f"{path}.arrivals", *shape, problems)
        work = _number(raw, "work_minutes", path, problems)
        deadline = int(_number(raw, "deadline_minutes", path, problems))
        backlog = _backlog(raw.get("initial_backlog"), f"{path}.initial_backlog", problems)
        return DeferredQueue(qid, weight, arrivals, work, deadline, backlog, name)
    problems.append(Problem(None, f"{path}.channel", "value", "expected voice, chat or deferred"))
    return None


def _skills(agents: list[Any], ids: set[str], problems: list[Problem]) -> dict[str, frozenset[str]]:
    out: dict[str, frozenset[str]] = {}
    for i, raw in enumerate(agents):
        skills = raw.get("skills") if isinstance(raw, dict) else None
        if not isinstance(skills, list) or not all(isinstance(s, str) for s in skills):
            problems.append(Problem(None, f"agents[{i}].skills", "type", "expected queue ids"))
            continue
        for s in skills:
            if s not in ids:
                problems.append(Problem(None, f"agents[{i}].skills", "unknown", f"no queue {s!r}"))
        out[str(raw.get("id"))] = frozenset(s for s in skills if s in ids)
    return out


def _core_document(data: Mapping[str, Any], queues: list[Queue]) -> dict[str, Any]:
    """The ``/1`` view: same keys, requirement = the live queues' requirements summed."""
    days, per_day = int(data["days"]), 1440 // int(data["interval_minutes"])
    total = [[0] * per_day for _ in range(days)]
    for q in queues:
        if isinstance(q, LiveQueue):
            for d, row in enumerate(q.requirement):
                for t, v in enumerate(row):
                    total[d][t] += v
    doc = {k: v for k, v in data.items() if k not in ("queues", "demand_provenance")}
    rules = data.get("rules")
    own_sets = isinstance(rules, Mapping) and "break_rule_sets" in rules
    overnight = data.get("overnight_shifts") is True
    # /3 reads the rule sets and overnight shifts
    schema = INSTANCE_SCHEMA_3 if own_sets or overnight else INSTANCE_SCHEMA
    return {**doc, "schema": schema, "requirement": total}


def load_site_instance(source: Path | str | Mapping[str, Any]) -> SiteProblem:
    """Read a ``/2`` document (or a ``/1`` or ``/3`` one, as one voice queue) from a path,
    JSON text or parsed dict; ``overnight_shifts: true`` as in ``/3``."""
    data = _read(source)
    if data.get("schema") in (INSTANCE_SCHEMA, INSTANCE_SCHEMA_3):
        return one_queue_site(load_instance(data))
    if data.get("schema") != SITE_SCHEMA:
        raise InputError([Problem(None, "schema", "schema", f"expected {SITE_SCHEMA!r}")])
    grid, days = data.get("interval_minutes"), data.get("days")
    if not isinstance(grid, int) or not isinstance(days, int) or grid <= 0 or 1440 % grid:
        raise InputError([Problem(None, "interval_minutes", "range", "must divide 1440")])
    problems: list[Problem] = []
    raw_queues = data.get("queues")
    if not isinstance(raw_queues, list) or not raw_queues:
        raise InputError([Problem(None, "queues", "missing", "expected a list of queues")])
    shape = (days, 1440 // grid)
    queues = [_queue(q, f"queues[{i}]", shape, problems) for i, q in enumerate(raw_queues)]
    found = [q for q in queues if q is not None]
    ids = [q.id for q in found]
    if len(set(ids)) != len(ids):
        problems.append(Problem(None, "queues", "duplicate", "queue ids must be unique"))
    agents = data.get("agents") if isinstance(data.get("agents"), list) else []
    skills = _skills(agents, set(ids), problems)  # type: ignore[arg-type]
    if problems:
        raise InputError(problems[:50], truncated=len(problems) > 50)
    core = load_instance(_core_document(data, found))
    objective = data.get("objective") if isinstance(data.get("objective"), dict) else {}
    late = float(objective.get("late_per_15_work_minutes", 1.0))  # type: ignore[union-attr]
    carry = float(objective.get("carry_over_per_15_work_minutes", 0.05))  # type: ignore[union-attr]
    return SiteProblem(core, tuple(found), skills, late, carry)


def _blocks(raw: Any, path: str, problems: list[Problem]) -> tuple[AllocationBlock, ...]:
    if raw is None:
        return ()
    out = []
    for i, b in enumerate(raw if isinstance(raw, list) else [None]):
        ok = isinstance(b, dict) and isinstance(b.get("queue"), str)
        ok = ok and all(isinstance(b.get(k), int) for k in ("start", "end"))
        if not ok:
            problems.append(Problem(None, f"{path}[{i}]", "type", "expected {queue, start, end}"))
            continue
        out.append(AllocationBlock(b["queue"], b["start"], b["end"]))
    return tuple(out)


def site_roster_from_json(data: Mapping[str, Any]) -> SiteRoster:
    """A ``staffwise-roster/1`` document whose shifts may carry ``allocation`` blocks."""
    roster = roster_from_json(data)
    problems: list[Problem] = []
    allocation = {}
    for i, raw in enumerate(data.get("shifts", [])):
        if isinstance(raw, dict) and raw.get("allocation") is not None:
            key = (str(raw.get("agent")), int(raw.get("day", -1)))
            allocation[key] = _blocks(raw["allocation"], f"shifts[{i}].allocation", problems)
    if problems:
        raise InputError(problems[:50], truncated=len(problems) > 50)
    return SiteRoster(roster, allocation)


def load_site_roster(source: Path | str | Mapping[str, Any]) -> SiteRoster:
    """Read a site roster (path, JSON text or parsed dict)."""
    return site_roster_from_json(_read(source))


def site_roster_to_json(
    site: SiteProblem, roster: SiteRoster, *, solver: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The ``staffwise-roster/1`` document, with each shift's allocation blocks if any."""
    doc = core_roster_to_json(site.core, roster.roster, solver=solver)
    for shift in doc["shifts"]:
        blocks = roster.allocation.get((shift["agent"], shift["day"]))
        if blocks:
            shift["allocation"] = [
                {"queue": b.queue, "start": b.start_min, "end": b.end_min} for b in blocks
            ]
    return doc
