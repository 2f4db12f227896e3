"""Capacity plans from JSON-able dicts (the CLI's ``capacity plan FILE.json``).

Keys (see ``docs/scenarios.md`` for an example): ``need_hours`` (list, productive hours per
week), ``shrinkage`` (number or list), ``fte_hours``, ``week_labels`` (list) or ``start_week``
(ISO date of week 0's first day; labels become dates), ``contracts``, ``cohorts``,
``attrition`` (``{"bands": [...]}``, ``{"weekly_rate": r}``, ``{"monthly_rate": r}``,
``{"monthly_bands": [{"from_tenure_week": w, "monthly_rate": r}, ...]}`` or ``{"annual_rate": r,
"early_annual_rate": r, "early_weeks": n}``), ``hiring``, ``costs``, optional ``hire_plan``
(classes to project instead of optimising) and ``solver`` (:class:`MilpSettings` fields).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scenarios.capacity_milp import MilpSettings
from scenarios.capacity_model import (
    Attrition,
    AttritionBand,
    CapacityCosts,
    CapacityPlanInput,
    Cohort,
    ContractType,
    HireClass,
    HiringPolicy,
    validate_plan_input,
)
from scenarios.errors import InputError, Problem
from scenarios.plain import build_dataclass

__all__ = ["CapacityRequest", "capacity_request_from_dict"]

_KEYS = {
    "need_hours",
    "shrinkage",
    "fte_hours",
    "week_labels",
    "start_week",
    "contracts",
    "cohorts",
    "attrition",
    "hiring",
    "costs",
    "hire_plan",
    "solver",
}


@dataclass(frozen=True, slots=True)
class CapacityRequest:
    """A plan input, the classes to project (``None``: optimise) and solver settings."""

    plan: CapacityPlanInput
    hire_plan: tuple[HireClass, ...] | None
    solver: MilpSettings


def _problem(field: str, code: str, message: str) -> InputError:
    return InputError([Problem(None, field, code, message)])


def _numbers(value: Any, field: str) -> tuple[float, ...]:
    if not isinstance(value, list) or not all(isinstance(v, int | float) for v in value):
        raise _problem(field, "not_a_list", f"{field} must be a list of numbers")
    return tuple(float(v) for v in value)


def _monthly(data: Mapping[str, Any]) -> Attrition:
    raw = data.get("monthly_bands") or [
        {"from_tenure_week": 0, "monthly_rate": data.get("monthly_rate")}
    ]
    try:
        pairs = [(int(b["from_tenure_week"]), float(b["monthly_rate"])) for b in raw]
    except (KeyError, TypeError, ValueError) as exc:
        msg = "monthly bands need from_tenure_week and monthly_rate numbers"
        raise _problem("attrition.monthly_bands", "bad_value", msg) from exc
    if any(not 0 <= rate < 1 for _, rate in pairs):
        msg = "monthly_rate must be in [0, 1)"
        raise _problem("attrition.monthly_rate", "out_of_range", msg)
    return Attrition.from_monthly(pairs)


def _attrition(data: Any) -> Attrition:
    if not isinstance(data, Mapping):
        raise _problem("attrition", "not_an_object", "attrition must be an object")
    if "bands" in data:
        bands = tuple(build_dataclass(AttritionBand, b, "attrition.bands") for b in data["bands"])
        return Attrition(bands)
    if "weekly_rate" in data:
        return Attrition.flat(float(data["weekly_rate"]))
    if "monthly_rate" in data or "monthly_bands" in data:
        return _monthly(data)
    if "annual_rate" in data:
        for key in ("annual_rate", "early_annual_rate"):
            rate = data.get(key)
            if rate is not None and not 0 <= float(rate) < 1:
                raise _problem(f"attrition.{key}", "out_of_range", f"{key} must be in [0, 1)")
        early = data.get("early_annual_rate")
        return Attrition.from_annual(
            float(data["annual_rate"]),
            early_annual_rate=None if early is None else float(early),
            early_weeks=int(data.get("early_weeks", 0)),
        )
    raise _problem("attrition", "required", "give bands, weekly_rate or annual_rate")


def _hiring(data: Any) -> HiringPolicy:
    raw = dict(data or {})
    for key in ("ramp", "class_start_weeks", "freeze_weeks"):
        if raw.get(key) is not None:
            raw[key] = tuple(raw[key])
    return build_dataclass(HiringPolicy, raw, "hiring")


def _labels(data: Mapping[str, Any], weeks: int) -> tuple[str, ...]:
    if "week_labels" in data:
        return tuple(str(v) for v in data["week_labels"])
    if "start_week" not in data:
        return ()
    try:
        first = dt.date.fromisoformat(str(data["start_week"]))
    except ValueError as exc:
        raise _problem("start_week", "bad_date", "start_week must be YYYY-MM-DD") from exc
    return tuple((first + dt.timedelta(weeks=w)).isoformat() for w in range(weeks))


def capacity_request_from_dict(data: Mapping[str, Any]) -> CapacityRequest:
    """Parse and validate; every problem names its field."""
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise _problem("plan", "unknown_key", f"unknown key(s) {', '.join(unknown)}")
    for key in ("need_hours", "contracts", "attrition", "costs"):
        if key not in data:
            raise _problem(key, "required", f"{key} is required")
    need = _numbers(data["need_hours"], "need_hours")
    shrinkage = data.get("shrinkage", 0.0)
    plan = CapacityPlanInput(
        need_hours=need,
        contracts=tuple(build_dataclass(ContractType, c, "contracts") for c in data["contracts"]),
        cohorts=tuple(build_dataclass(Cohort, c, "cohorts") for c in data.get("cohorts", ())),
        attrition=_attrition(data["attrition"]),
        hiring=_hiring(data.get("hiring")),
        costs=build_dataclass(CapacityCosts, data["costs"], "costs"),
        shrinkage=_numbers(shrinkage, "shrinkage")
        if isinstance(shrinkage, list)
        else float(shrinkage),
        fte_hours=float(data.get("fte_hours", 40.0)),
        week_labels=_labels(data, len(need)),
    )
    validate_plan_input(plan)
    hire_plan = None
    if data.get("hire_plan") is not None:
        hire_plan = tuple(build_dataclass(HireClass, c, "hire_plan") for c in data["hire_plan"])
    solver = build_dataclass(MilpSettings, data.get("solver") or {}, "solver")
    return CapacityRequest(plan=plan, hire_plan=hire_plan, solver=solver)
