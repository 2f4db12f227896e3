"""Interchange formats: ``staffwise-roster-instance/1`` and ``/3`` in, ``staffwise-roster/1``
and ``/2`` in and out.

``/3`` instances add overnight shifts (``overnight_shifts: true``: times up to 2880, i.e. the
next day's 24:00, for opening closes and availability ends, ``history.last_shift_end_minute``
up to 1440) and break rule sets (``rules.break_rule_sets``, :mod:`optimizer.roster.break_rules`;
``rules.break`` / ``rules.lunch`` then optional). Rosters with a shift ending after midnight are
written as ``staffwise-roster/2`` (times up to 2880); others stay ``/1``.

Both formats are documented in ``docs/roster.md``. Malformed input raises
:class:`optimizer.errors.InputError` whose problems name the field (JSON path) and reason.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from optimizer.errors import InputError, Problem
from optimizer.roster.break_rules import parse_rule_sets
from optimizer.roster.problem import (
    Activity,
    ActivityRule,
    Agent,
    Contract,
    DemandData,
    History,
    ObjectiveWeights,
    Preferences,
    Roster,
    RosterProblem,
    Rules,
    Shift,
    Window,
)

INSTANCE_SCHEMA = "staffwise-roster-instance/1"
INSTANCE_SCHEMA_3 = "staffwise-roster-instance/3"
ROSTER_SCHEMA = "staffwise-roster/1"
ROSTER_SCHEMA_2 = "staffwise-roster/2"
NEVER = ActivityRule(15, True, 10**6, 0, 1440, 0)  # no such activity (rule sets replace it)

__all__ = [
    "load_instance",
    "load_roster",
    "roster_from_json",
    "roster_schema",
    "roster_to_json",
    "stored_roster",
]


def _read(source: Path | str | Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(source, Mapping):
        return source
    text = str(source)
    path = Path(text)
    try:
        raw = path.read_text() if not text.lstrip().startswith("{") else text
        data = json.loads(raw)
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError([Problem(None, "file", "unreadable", str(exc))]) from exc
    if not isinstance(data, dict):
        raise InputError([Problem(None, "$", "type", "expected a JSON object")])
    return data


class _Reader:
    """Collects every problem while reading nested JSON values."""

    def __init__(self, max_minute: int = 1440) -> None:
        self.problems: list[Problem] = []
        self.max_minute = max_minute

    def fail(self, path: str, code: str, message: str) -> None:
        self.problems.append(Problem(None, path, code, message))

    def get(
        self, obj: Mapping[str, Any], key: str, path: str, kind: type | tuple[type, ...]
    ) -> Any:
        if key not in obj:
            self.fail(f"{path}.{key}", "missing", "required field is missing")
            return None
        value = obj[key]
        if (isinstance(value, bool) and kind is not bool) or not isinstance(value, kind):
            self.fail(f"{path}.{key}", "type", f"expected {_kind_name(kind)}")
            return None
        return value

    def minutes(self, value: Any, path: str, interval_min: int) -> int | None:
        minute = _parse_minute(value)
        if minute is None or not 0 <= minute <= self.max_minute:
            self.fail(path, "time", f"expected minutes 0..{self.max_minute} or 'HH:MM'")
            return None
        if minute % interval_min:
            self.fail(path, "grid", f"{minute} is not a multiple of {interval_min} minutes")
        return minute

    def is_object(self, value: Any, path: str) -> bool:
        """True for a JSON object; otherwise the failure is recorded at ``path``."""
        if isinstance(value, dict):
            return True
        self.fail(path, "type", "expected an object")
        return False

    def pair(self, value: Any, path: str, interval_min: int, names: str) -> Window | None:
        """Two times on the grid (``names``: what the message calls them, e.g. ``start, end``);
        ``None`` for null or after a failure."""
        if value is None:
            return None
        if not isinstance(value, list) or len(value) != 2:
            self.fail(path, "type", f"expected [{names}] or null")
            return None
        lo = self.minutes(value[0], f"{path}[0]", interval_min)
        hi = self.minutes(value[1], f"{path}[1]", interval_min)
        return None if lo is None or hi is None else (lo, hi)

    def window(self, value: Any, path: str, interval_min: int) -> Window | None:
        pair = self.pair(value, path, interval_min, "start, end")
        if pair is not None and pair[1] <= pair[0]:
            self.fail(path, "order", "end must be after start")
        return pair


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(k.__name__ for k in kinds)


def _parse_minute(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and len(value) == 5 and value[2] == ":":
        hours, minutes = value[:2], value[3:]
        if hours.isdigit() and minutes.isdigit() and int(minutes) < 60:
            return int(hours) * 60 + int(minutes)
    return None


def _activity_rule(r: _Reader, raw: Any, path: str) -> ActivityRule | None:
    if not r.is_object(raw, path):
        return None
    keys = (
        "duration_minutes",
        "required_if_paid_minutes_at_least",
        "earliest_start_after_shift_start_minutes",
        "latest_start_after_shift_start_minutes",
        "min_minutes_before_shift_end",
    )
    vals = [r.get(raw, k, path, int) for k in keys]
    paid = r.get(raw, "paid", path, bool)
    if any(v is None for v in vals) or paid is None:
        return None
    if vals[0] <= 0:
        r.fail(f"{path}.duration_minutes", "range", "must be positive")
    return ActivityRule(vals[0], paid, vals[1], vals[2], vals[3], vals[4])


def _rules(r: _Reader, raw: Any, grid: int = 1, v3: bool = False) -> Rules | None:
    if not r.is_object(raw, "rules"):
        return None
    sets = None
    if v3 and "break_rule_sets" in raw:
        sets = parse_rule_sets(raw["break_rule_sets"], "rules.break_rule_sets", grid, r.fail)
        raw = {"break": NEVER_JSON, "lunch": NEVER_JSON, **raw}
    names = (
        "shift_start_granularity_minutes",
        "min_rest_between_shifts_minutes",
        "max_consecutive_working_days",
        "min_days_off_per_week",
        "min_work_between_activities_minutes",
    )
    vals = [r.get(raw, k, "rules", int) for k in names]
    brk = _activity_rule(r, raw.get("break"), "rules.break")
    lunch = _activity_rule(r, raw.get("lunch"), "rules.lunch")
    if any(v is None for v in vals) or brk is None or lunch is None:
        return None
    if vals[0] <= 0:
        r.fail("rules.shift_start_granularity_minutes", "range", "must be positive")
        return None
    return Rules(vals[0], vals[1], vals[2], vals[3], vals[4], brk, lunch, sets)


NEVER_JSON = {
    "duration_minutes": NEVER.duration_min,
    "paid": NEVER.paid,
    "required_if_paid_minutes_at_least": NEVER.required_if_paid_min_at_least,
    "earliest_start_after_shift_start_minutes": 0,
    "latest_start_after_shift_start_minutes": 1440,
    "min_minutes_before_shift_end": 0,
}


def _contract(r: _Reader, raw: Any, path: str) -> Contract | None:
    if not r.is_object(raw, path):
        return None
    cid = r.get(raw, "id", path, str)
    lengths = r.get(raw, "shift_paid_minutes", path, list)
    lo = r.get(raw, "min_weekly_paid_minutes", path, int)
    hi = r.get(raw, "max_weekly_paid_minutes", path, int)
    days = r.get(raw, "max_days", path, int)
    if None in (cid, lengths, lo, hi, days):
        return None
    if not lengths or not all(isinstance(x, int) and x > 0 for x in lengths):
        r.fail(f"{path}.shift_paid_minutes", "type", "expected positive integers")
        return None
    if hi < lo:
        r.fail(f"{path}.max_weekly_paid_minutes", "order", "below the minimum")
    return Contract(cid, tuple(sorted(lengths)), lo, hi, days, str(raw.get("label", "")))


def _history(r: _Reader, raw: Any, path: str) -> History:
    if raw is None:
        return History()
    if not r.is_object(raw, path):
        return History()
    consecutive = raw.get("consecutive_days_worked", 0)
    last_end = raw.get("last_shift_end_minute")
    if not isinstance(consecutive, int) or consecutive < 0:
        r.fail(f"{path}.consecutive_days_worked", "range", "expected a non-negative integer")
        consecutive = 0
    limit = r.max_minute - 1440  # /3 overnight: last week's night shift may end on day 0
    if last_end is not None and (not isinstance(last_end, int) or last_end > limit):
        r.fail(f"{path}.last_shift_end_minute", "range", f"expected an integer <= {limit}")
        last_end = None
    return History(consecutive, last_end)


def _agent(
    r: _Reader, raw: Any, path: str, contracts: dict[str, Contract], days: int, grid: int
) -> Agent | None:
    if not r.is_object(raw, path):
        return None
    aid = r.get(raw, "id", path, str)
    cid = r.get(raw, "contract", path, str)
    avail_raw = r.get(raw, "availability", path, list)
    if aid is None or cid is None or avail_raw is None:
        return None
    contract = contracts.get(cid)
    if contract is None:
        r.fail(f"{path}.contract", "unknown", f"no contract {cid!r}")
        return None
    if len(avail_raw) != days:
        r.fail(f"{path}.availability", "length", f"expected {days} entries")
        return None
    avail = tuple(r.window(w, f"{path}.availability[{d}]", grid) for d, w in enumerate(avail_raw))
    lo = raw.get("min_weekly_paid_minutes", contract.min_weekly_paid_min)
    hi = raw.get("max_weekly_paid_minutes", contract.max_weekly_paid_min)
    max_days = raw.get("max_days", contract.max_days)
    for key, val in (("min_weekly_paid_minutes", lo), ("max_weekly_paid_minutes", hi)):
        if not isinstance(val, int) or val < 0:
            r.fail(f"{path}.{key}", "range", "expected a non-negative integer")
            return None
    if not isinstance(max_days, int) or not 0 <= max_days <= days:
        r.fail(f"{path}.max_days", "range", f"expected an integer 0..{days}")
        return None
    optional = bool(raw.get("optional", False))
    fixed_cost = float(raw.get("fixed_cost", 0.0))
    history = _history(r, raw.get("history"), f"{path}.history")
    prefs = _preferences(r, raw.get("preferences"), f"{path}.preferences", days, grid)
    return Agent(aid, cid, avail, lo, hi, max_days, history, optional, fixed_cost, prefs)


def _weight(r: _Reader, raw: Mapping[str, Any], key: str, path: str) -> float:
    value = raw.get(key, 0.0)
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
        r.fail(f"{path}.{key}", "range", "expected a non-negative number")
        return 0.0
    return float(value)


def _start_window(r: _Reader, raw: Any, path: str, grid: int) -> Window | None:
    """``[earliest, latest]`` preferred start (equal ends: one preferred start time)."""
    pair = r.pair(raw, path, grid, "earliest, latest")
    if pair is not None and pair[1] < pair[0]:
        r.fail(path, "order", "latest must not be before earliest")
        return None
    return pair


def _preferences(r: _Reader, raw: Any, path: str, days: int, grid: int) -> Preferences:
    """``{"days_off": [5, 6], "day_off_weight": 2.0, "preferred_start": ["08:00", "09:00"],
    "start_weight": 0.5}`` (every key optional)."""
    if raw is None:
        return Preferences()
    if not r.is_object(raw, path):
        return Preferences()
    unknown = sorted(set(raw) - {"days_off", "day_off_weight", "preferred_start", "start_weight"})
    for key in unknown:
        r.fail(f"{path}.{key}", "unknown", "not a preference field")
    days_off = raw.get("days_off", [])
    if not isinstance(days_off, list) or not all(
        isinstance(d, int) and not isinstance(d, bool) and 0 <= d < days for d in days_off
    ):
        r.fail(f"{path}.days_off", "range", f"expected a list of days 0..{days - 1}")
        days_off = []
    window = _start_window(r, raw.get("preferred_start"), f"{path}.preferred_start", grid)
    return Preferences(
        tuple(sorted(set(days_off))),
        _weight(r, raw, "day_off_weight", path),
        window,
        _weight(r, raw, "start_weight", path),
    )


def _requirement(r: _Reader, raw: Any, days: int, per_day: int) -> tuple[tuple[int, ...], ...]:
    if not isinstance(raw, list) or len(raw) != days:
        r.fail("requirement", "length", f"expected {days} days")
        return ()
    out = []
    for d, row in enumerate(raw):
        if not isinstance(row, list) or len(row) != per_day:
            r.fail(f"requirement[{d}]", "length", f"expected {per_day} intervals")
            return ()
        for t, v in enumerate(row):
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                r.fail(f"requirement[{d}][{t}]", "range", "expected a non-negative integer")
        out.append(tuple(int(v) if isinstance(v, int) else 0 for v in row))
    return tuple(out)


def _weights(raw: Any) -> ObjectiveWeights:
    if not isinstance(raw, dict):
        return ObjectiveWeights()
    return ObjectiveWeights(
        float(raw.get("under_per_agent_interval", 1.0)),
        float(raw.get("over_per_agent_interval", 0.1)),
        float(raw.get("paid_per_agent_interval", 0.002)),
        None if raw.get("per_late_call") is None else float(raw["per_late_call"]),
    )


def _demand(raw: Any) -> DemandData | None:
    if not isinstance(raw, dict) or "calls_per_interval" not in raw:
        return None
    try:
        calls = tuple(tuple(float(x) for x in row) for row in raw["calls_per_interval"])
        return DemandData(
            calls,
            float(raw["aht_seconds"]),
            float(raw.get("service_level_target", 0.8)),
            float(raw.get("service_level_seconds", 20.0)),
        )
    except (KeyError, TypeError, ValueError):
        return None


def load_instance(source: Path | str | Mapping[str, Any]) -> RosterProblem:
    """Read a ``staffwise-roster-instance/1`` or ``/3`` document (path, JSON text or dict)."""
    data = _read(source)
    v3 = data.get("schema") == INSTANCE_SCHEMA_3
    overnight = v3 and data.get("overnight_shifts") is True
    r = _Reader(2880 if overnight else 1440)
    if data.get("schema") != INSTANCE_SCHEMA and not v3:
        r.fail("schema", "schema", f"expected {INSTANCE_SCHEMA!r} or {INSTANCE_SCHEMA_3!r}")
        raise InputError(r.problems)
    grid = r.get(data, "interval_minutes", "$", int)
    days = r.get(data, "days", "$", int)
    if grid is None or days is None or grid <= 0 or 1440 % grid or days <= 0:
        r.fail("interval_minutes", "range", "must divide 1440; days must be positive")
        raise InputError(r.problems)
    rules = _rules(r, data.get("rules"), grid, v3)
    contracts_raw = r.get(data, "contracts", "$", list) or []
    contracts = [_contract(r, c, f"contracts[{i}]") for i, c in enumerate(contracts_raw)]
    by_id = {c.id: c for c in contracts if c is not None}
    agents_raw = r.get(data, "agents", "$", list) or []
    agents = [_agent(r, a, f"agents[{i}]", by_id, days, grid) for i, a in enumerate(agents_raw)]
    ids = [a.id for a in agents if a is not None]
    if len(set(ids)) != len(ids):
        r.fail("agents", "duplicate", "agent ids must be unique")
    opening_raw = r.get(data, "opening_hours", "$", list) or []
    if len(opening_raw) != days:
        r.fail("opening_hours", "length", f"expected {days} entries")
    opening = tuple(r.window(w, f"opening_hours[{d}]", grid) for d, w in enumerate(opening_raw))
    requirement = _requirement(r, data.get("requirement"), days, 1440 // grid)
    if r.problems or rules is None:
        raise InputError(r.problems[:50], truncated=len(r.problems) > 50)
    return RosterProblem(
        name=str(data.get("name", "")),
        interval_min=grid,
        opening_hours=opening,
        requirement=requirement,
        rules=rules,
        contracts=tuple(c for c in contracts if c is not None),
        agents=tuple(a for a in agents if a is not None),
        weights=_weights(data.get("objective")),
        demand=_demand(data.get("demand_provenance")),
        overnight_shifts=overnight,
    )


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def roster_to_json(
    problem: RosterProblem, roster: Roster, *, solver: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The ``staffwise-roster/1`` document of ``roster`` (times as integer minutes)."""
    shifts = [
        {
            "agent": s.agent,
            "day": s.day,
            "start": s.start_min,
            "end": s.end_min,
            "activities": [
                {"kind": a.kind, "start": a.start_min, "end": a.end_min}
                for a in sorted(s.activities, key=lambda a: a.start_min)
            ],
        }
        for s in sorted(roster.shifts, key=lambda s: (s.agent, s.day, s.start_min))
    ]
    return {
        "schema": roster_schema(shifts),
        "instance": problem.name,
        "solver": dict(solver or {"name": "staffwise"}),
        "shifts": shifts,
    }


def _shift(r: _Reader, raw: Any, path: str) -> Shift | None:
    if not r.is_object(raw, path):
        return None
    agent = r.get(raw, "agent", path, str)
    day = r.get(raw, "day", path, int)
    start = r.minutes(raw.get("start"), f"{path}.start", 1)
    end = r.minutes(raw.get("end"), f"{path}.end", 1)
    acts_raw = raw.get("activities", [])
    if agent is None or day is None or start is None or end is None:
        return None
    if not isinstance(acts_raw, list):
        r.fail(f"{path}.activities", "type", "expected a list")
        return None
    acts = []
    for i, a in enumerate(acts_raw):
        apath = f"{path}.activities[{i}]"
        kind = a.get("kind") if isinstance(a, dict) else None
        if kind not in ("break", "lunch"):
            r.fail(f"{apath}.kind", "value", "expected 'break' or 'lunch'")
            continue
        a_start = r.minutes(a.get("start"), f"{apath}.start", 1)
        a_end = r.minutes(a.get("end"), f"{apath}.end", 1)
        if a_start is not None and a_end is not None:
            acts.append(Activity(kind, a_start, a_end))
    return Shift(agent, day, start, end, tuple(acts))


def roster_schema(shifts: Sequence[Mapping[str, Any]]) -> str:
    """The roster document's schema for ``shifts`` (stored shape, times in minutes):
    ``/2`` when a shift ends after midnight (an overnight shift), else ``/1``."""
    overnight = any(isinstance(s.get("end"), int) and s["end"] > 1440 for s in shifts)
    return ROSTER_SCHEMA_2 if overnight else ROSTER_SCHEMA


def stored_roster(shifts: Sequence[Mapping[str, Any]]) -> Roster:
    """A roster from shifts in the stored shape (:func:`roster_to_json`'s ``shifts``)."""
    return roster_from_json({"schema": roster_schema(shifts), "shifts": list(shifts)})


def roster_from_json(data: Mapping[str, Any]) -> Roster:
    """Parse a ``staffwise-roster/1`` or ``/2`` document (times as minutes or ``"HH:MM"``;
    ``/2``: up to 2880, overnight shifts)."""
    r = _Reader(2880 if data.get("schema") == ROSTER_SCHEMA_2 else 1440)
    if data.get("schema") not in (ROSTER_SCHEMA, ROSTER_SCHEMA_2):
        r.fail("schema", "schema", f"expected {ROSTER_SCHEMA!r} or {ROSTER_SCHEMA_2!r}")
        raise InputError(r.problems)
    raw_shifts = r.get(data, "shifts", "$", list) or []
    shifts = [_shift(r, s, f"shifts[{i}]") for i, s in enumerate(raw_shifts)]
    if r.problems:
        raise InputError(r.problems[:50], truncated=len(r.problems) > 50)
    return Roster(tuple(s for s in shifts if s is not None))


def load_roster(source: Path | str | Mapping[str, Any]) -> Roster:
    """Read a ``staffwise-roster/1`` document (path, JSON text or parsed dict)."""
    return roster_from_json(_read(source))
