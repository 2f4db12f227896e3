"""What-if inputs: the base (forecast + planning settings) and scenarios (changes to it).

A :class:`Scenario` is a named, versioned, frozen set of changes. Every field that is ``None``
keeps the base value. Volume and AHT changes apply to a :class:`Window` of local wall-clock
time in the base's zone (dates, weekdays, time of day); several changes compose (volume
multipliers multiply; AHT changes apply in order). Everything converts to and from plain
JSON-able dicts (:func:`scenario_to_dict`, :func:`scenario_from_dict`), which is also what the
input hash is computed from.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from optimizer.requirements import ServiceGoal, StaffingModel
from scenarios.errors import InputError, Problem
from scenarios.plain import build_dataclass, to_plain

__all__ = [
    "AhtChange",
    "PlanSettings",
    "Scenario",
    "VolumeChange",
    "Window",
    "WorkforceContract",
    "apply_scenario",
    "scenario_from_dict",
    "scenario_to_dict",
    "settings_from_dict",
    "validate_settings",
]


@dataclass(frozen=True, slots=True)
class Window:
    """Local-time selection of intervals; every ``None`` part selects everything.

    ``start_date`` inclusive and ``end_date`` exclusive (ISO ``YYYY-MM-DD``), ``weekdays``
    (0 = Monday), ``from_time`` inclusive and ``to_time`` exclusive (``HH:MM``).
    """

    start_date: str | None = None
    end_date: str | None = None
    weekdays: tuple[int, ...] | None = None
    from_time: str | None = None
    to_time: str | None = None


@dataclass(frozen=True, slots=True)
class VolumeChange:
    """Multiply forecast calls (and their interval bounds) by ``multiplier`` in ``window``."""

    multiplier: float
    window: Window = field(default_factory=Window)


@dataclass(frozen=True, slots=True)
class AhtChange:
    """``aht_s -> aht_s * (1 + change_pct / 100) + delta_s`` in ``window``."""

    delta_s: float = 0.0
    change_pct: float = 0.0
    window: Window = field(default_factory=Window)


@dataclass(frozen=True, slots=True)
class WorkforceContract:
    """Available staff on one contract: head count, paid hours per week, cost per paid hour."""

    name: str
    headcount: float
    weekly_hours: float
    cost_per_hour: float = 0.0


@dataclass(frozen=True, slots=True)
class PlanSettings:
    """Planning settings of the base (and, after :func:`apply_scenario`, of a scenario).

    ``shrinkage`` (breaks, meetings, training) and ``absenteeism`` combine into
    ``1 - (1 - shrinkage) (1 - absenteeism)``. ``workforce`` empty = no head-count cap and
    ``cost_per_paid_hour`` prices paid hours; otherwise the contracts cap paid hours per week
    and their hour-weighted cost applies. ``fte_hours``: paid hours per week of one FTE.
    """

    goal: ServiceGoal = field(default_factory=ServiceGoal)
    model: StaffingModel = field(default_factory=StaffingModel)
    shrinkage: float = 0.0
    absenteeism: float = 0.0
    workforce: tuple[WorkforceContract, ...] = ()
    cost_per_paid_hour: float = 0.0
    fte_hours: float = 40.0

    @property
    def total_shrinkage(self) -> float:
        return 1.0 - (1.0 - self.shrinkage) * (1.0 - self.absenteeism)


@dataclass(frozen=True, slots=True)
class Scenario:
    """A named, versioned set of changes to a base; ``None`` fields keep the base value.

    ``max_occupancy`` overrides only the goal's occupancy cap (after ``goal``, if both are set).
    ``deadline_minutes`` (open minutes) applies only to a deferred base
    (:mod:`scenarios.whatif_deferred`), where ``goal.service_level`` is the share of work to
    finish within it.
    ``roster_rules`` ((key, value) pairs of the roster instance's ``rules``) and
    ``roster_remove_agents`` apply only when the base has a roster stage.
    """

    name: str
    version: int = 1
    volume: tuple[VolumeChange, ...] = ()
    aht: tuple[AhtChange, ...] = ()
    goal: ServiceGoal | None = None
    model: StaffingModel | None = None
    shrinkage: float | None = None
    absenteeism: float | None = None
    max_occupancy: float | None = None
    workforce: tuple[WorkforceContract, ...] | None = None
    cost_per_paid_hour: float | None = None
    roster_rules: tuple[tuple[str, Any], ...] | None = None
    roster_remove_agents: tuple[str, ...] = ()
    deadline_minutes: int | None = None


def apply_scenario(base: PlanSettings, scenario: Scenario) -> PlanSettings:
    """The settings a scenario runs with."""
    goal = scenario.goal if scenario.goal is not None else base.goal
    if scenario.max_occupancy is not None:
        goal = dataclasses.replace(goal, max_occupancy=scenario.max_occupancy)

    def pick(value: Any, default: Any) -> Any:
        return default if value is None else value

    return PlanSettings(
        goal=goal,
        model=pick(scenario.model, base.model),
        shrinkage=pick(scenario.shrinkage, base.shrinkage),
        absenteeism=pick(scenario.absenteeism, base.absenteeism),
        workforce=pick(scenario.workforce, base.workforce),
        cost_per_paid_hour=pick(scenario.cost_per_paid_hour, base.cost_per_paid_hour),
        fte_hours=base.fte_hours,
    )


# --------------------------------------------------------------------------------------------
# validation


def _rate(problems: list[Problem], value: float, field: str) -> None:
    if not (math.isfinite(value) and 0.0 <= value < 1.0):
        problems.append(Problem(None, field, "out_of_range", f"{field} must be in [0, 1)"))


# window fields parsed as ISO: (names, parser, code, what a good value looks like)
_WINDOW_FORMATS = (
    (("start_date", "end_date"), dt.date.fromisoformat, "bad_date", "an ISO date YYYY-MM-DD"),
    (("from_time", "to_time"), dt.time.fromisoformat, "bad_time", "a time HH:MM"),
)


def _window_problems(problems: list[Problem], window: Window, field: str) -> None:
    for names, parse, code, form in _WINDOW_FORMATS:
        for name in names:
            value = getattr(window, name)
            try:
                if value is not None:
                    parse(value)
            except (TypeError, ValueError):
                msg = f"{name} must be {form}, got {value!r}"
                problems.append(Problem(None, f"{field}.{name}", code, msg))
    if window.weekdays is not None and any(not 0 <= d <= 6 for d in window.weekdays):
        msg = "weekdays must be 0 (Monday) .. 6 (Sunday)"
        problems.append(Problem(None, f"{field}.weekdays", "out_of_range", msg))


def _change_problems(problems: list[Problem], scenario: Scenario) -> None:
    for index, vol in enumerate(scenario.volume):
        if not (math.isfinite(vol.multiplier) and vol.multiplier >= 0):
            msg = f"volume[{index}].multiplier must be >= 0, got {vol.multiplier!r}"
            problems.append(Problem(None, "volume.multiplier", "out_of_range", msg))
        _window_problems(problems, vol.window, "volume.window")
    for index, aht in enumerate(scenario.aht):
        if not (math.isfinite(aht.delta_s) and math.isfinite(aht.change_pct)):
            msg = f"aht[{index}]: delta_s and change_pct must be finite"
            problems.append(Problem(None, "aht", "not_finite", msg))
        elif aht.change_pct <= -100:
            msg = f"aht[{index}].change_pct must be > -100, got {aht.change_pct!r}"
            problems.append(Problem(None, "aht.change_pct", "out_of_range", msg))
        _window_problems(problems, aht.window, "aht.window")


def validate_settings(settings: PlanSettings) -> None:
    """Raise :class:`InputError` for nonsensical planning settings (names the field)."""
    problems: list[Problem] = []
    _rate(problems, settings.shrinkage, "shrinkage")
    _rate(problems, settings.absenteeism, "absenteeism")
    for name in ("cost_per_paid_hour",):
        value = getattr(settings, name)
        if not (math.isfinite(value) and value >= 0):
            problems.append(Problem(None, name, "out_of_range", f"{name} must be >= 0"))
    if not (math.isfinite(settings.fte_hours) and settings.fte_hours > 0):
        problems.append(Problem(None, "fte_hours", "out_of_range", "fte_hours must be > 0"))
    for c in settings.workforce:
        if not (math.isfinite(c.headcount) and c.headcount >= 0):
            msg = f"workforce {c.name!r}: headcount must be >= 0"
            problems.append(Problem(None, "workforce.headcount", "out_of_range", msg))
        if not (math.isfinite(c.weekly_hours) and c.weekly_hours > 0):
            msg = f"workforce {c.name!r}: weekly_hours must be > 0"
            problems.append(Problem(None, "workforce.weekly_hours", "out_of_range", msg))
        if not (math.isfinite(c.cost_per_hour) and c.cost_per_hour >= 0):
            msg = f"workforce {c.name!r}: cost_per_hour must be >= 0"
            problems.append(Problem(None, "workforce.cost_per_hour", "out_of_range", msg))
    if problems:
        raise InputError(problems)


def validate_scenario(scenario: Scenario) -> None:
    """Raise :class:`InputError` for a nonsensical scenario (names the field)."""
    problems: list[Problem] = []
    if not scenario.name.strip():
        problems.append(Problem(None, "name", "required", "a scenario needs a name"))
    if scenario.version < 1:
        problems.append(Problem(None, "version", "out_of_range", "version must be >= 1"))
    _change_problems(problems, scenario)
    for name in ("shrinkage", "absenteeism"):
        value = getattr(scenario, name)
        if value is not None:
            _rate(problems, value, name)
    deadline = scenario.deadline_minutes
    if deadline is not None and not deadline > 0:
        msg = f"deadline_minutes must be > 0, got {deadline!r}"
        problems.append(Problem(None, "deadline_minutes", "out_of_range", msg))
    occ = scenario.max_occupancy
    if occ is not None and not (math.isfinite(occ) and 0.0 < occ <= 1.0):
        msg = "max_occupancy must be in (0, 1]"
        problems.append(Problem(None, "max_occupancy", "out_of_range", msg))
    if problems:
        raise InputError(problems)


# --------------------------------------------------------------------------------------------
# plain dicts (JSON, executor payloads, hashing)


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    plain: dict[str, Any] = to_plain(dataclasses.asdict(scenario))
    if plain.get("deadline_minutes") is None:  # a live scenario's dict (and hash) as before
        plain.pop("deadline_minutes", None)
    return plain


def settings_to_dict(settings: PlanSettings) -> dict[str, Any]:
    return to_plain(dataclasses.asdict(settings))


def _window(data: Any, field: str) -> Window:
    data = dict(data or {})
    if data.get("weekdays") is not None:
        data["weekdays"] = tuple(int(d) for d in data["weekdays"])
    return build_dataclass(Window, data, field)


def _workforce(items: Any) -> tuple[WorkforceContract, ...]:
    return tuple(build_dataclass(WorkforceContract, item, "workforce") for item in items)


def _volume(item: Mapping[str, Any]) -> VolumeChange:
    data = dict(item)
    data["window"] = _window(data.get("window"), "volume.window")
    return build_dataclass(VolumeChange, data, "volume")


def _aht(item: Mapping[str, Any]) -> AhtChange:
    data = dict(item)
    data["window"] = _window(data.get("window"), "aht.window")
    return build_dataclass(AhtChange, data, "aht")


def scenario_from_dict(data: Mapping[str, Any]) -> Scenario:
    """Inverse of :func:`scenario_to_dict`; validates the result."""
    raw = dict(data)
    raw["volume"] = tuple(_volume(v) for v in raw.get("volume", ()))
    raw["aht"] = tuple(_aht(a) for a in raw.get("aht", ()))
    if raw.get("goal") is not None:
        raw["goal"] = build_dataclass(ServiceGoal, raw["goal"], "goal")
    if raw.get("model") is not None:
        raw["model"] = build_dataclass(StaffingModel, raw["model"], "model")
    if raw.get("workforce") is not None:
        raw["workforce"] = _workforce(raw["workforce"])
    rules = raw.get("roster_rules")
    if rules is not None:
        pairs = rules.items() if isinstance(rules, Mapping) else rules
        raw["roster_rules"] = tuple(sorted((str(k), v) for k, v in pairs))
    raw["roster_remove_agents"] = tuple(str(a) for a in raw.get("roster_remove_agents", ()))
    scenario: Scenario = build_dataclass(Scenario, raw, "scenario")
    validate_scenario(scenario)
    return scenario


def settings_from_dict(data: Mapping[str, Any]) -> PlanSettings:
    """Inverse of ``dataclasses.asdict`` on :class:`PlanSettings`; validates the result."""
    raw = dict(data)
    if "goal" in raw:
        raw["goal"] = build_dataclass(ServiceGoal, raw["goal"], "goal")
    if "model" in raw:
        raw["model"] = build_dataclass(StaffingModel, raw["model"], "model")
    raw["workforce"] = _workforce(raw.get("workforce", ()))
    settings: PlanSettings = build_dataclass(PlanSettings, raw, "settings")
    validate_settings(settings)
    return settings
