"""Scenario sweeps through an injected :class:`concurrent.futures.Executor`.

The API passes a process pool or Dask's ``client.get_executor()``; this module never creates
one. Tasks are the top-level function :func:`run_scenario_task` applied to plain data (dicts
of numpy arrays, lists, str, int and float), so they pickle to any worker cheaply (columns
travel as numpy arrays: a year of 15-minute intervals pickles in well under a millisecond),
and return plain data that is turned back into :class:`~scenarios.whatif.ScenarioResult`
objects here, each as soon as it arrives (overlapping the workers still running). Without an
executor the scenarios run one after another in this process (same results).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from forecasting.errors import InvalidInput
from optimizer.requirements import ServiceGoal
from scenarios.errors import InputError, Problem
from scenarios.provenance import Provenance, roster_stage_to_dict
from scenarios.whatif import (
    BASE_NAME,
    Base,
    ScenarioKpis,
    ScenarioResult,
    compare,
    interval_starts,
    run_scenario,
)
from scenarios.whatif_deferred import DeferredOutcome, DeferredStage, deferred_stage
from scenarios.whatif_model import (
    Scenario,
    VolumeChange,
    scenario_from_dict,
    scenario_to_dict,
    settings_from_dict,
    settings_to_dict,
)
from scenarios.whatif_roster import RosterOutcome, RosterStage

__all__ = [
    "SweepResult",
    "base_from_payload",
    "base_to_payload",
    "run_scenario_task",
    "run_sweep",
    "volume_target_grid",
]

_DATE_COLUMNS = ("local_date", "week_start")


@dataclass(frozen=True, slots=True, eq=False)
class SweepResult:
    """Results in input order (base first when included) and their comparison table
    (:func:`scenarios.whatif.compare`)."""

    results: tuple[ScenarioResult, ...]
    table: pd.DataFrame


def volume_target_grid(
    volume_pcts: Iterable[float], goals: Mapping[str, ServiceGoal]
) -> tuple[Scenario, ...]:
    """One scenario per (volume change in percent, named goal), e.g. ``-20 .. +30`` x
    ``{"80/20": ..., "90/30": ...}``; names like ``vol+5%_90/30``."""
    out = []
    for pct in volume_pcts:
        for label, goal in goals.items():
            volume = (VolumeChange(1.0 + pct / 100.0),) if pct else ()
            out.append(Scenario(name=f"vol{pct:+g}%_{label}", volume=volume, goal=goal))
    return tuple(out)


# --------------------------------------------------------------------------------------------
# plain-data payloads


def base_to_payload(base: Base) -> dict[str, Any]:
    starts = interval_starts(base)
    return {
        "interval_start_ns": starts.as_unit("ns").asi8.copy(),
        "calls": base.forecast["calls"].to_numpy(dtype=np.float64).copy(),
        "aht_s": base.forecast["aht_s"].to_numpy(dtype=np.float64).copy(),
        "zone": base.zone,
        "interval_min": base.interval_min,
        "settings": settings_to_dict(base.settings),
        "roster": None if base.roster is None else roster_stage_to_dict(base.roster),
        "week_start_day": base.week_start_day,
        "deferred": None if base.deferred is None else asdict(base.deferred),
    }


def base_from_payload(payload: Mapping[str, Any]) -> Base:
    forecast = pd.DataFrame(
        {
            "interval_start": pd.to_datetime(
                np.asarray(payload["interval_start_ns"], dtype=np.int64), utc=True
            ),
            "calls": np.asarray(payload["calls"], dtype=np.float64),
            "aht_s": np.asarray(payload["aht_s"], dtype=np.float64),
        }
    )
    return Base(
        forecast=forecast,
        zone=str(payload["zone"]),
        interval_min=int(payload["interval_min"]),
        settings=settings_from_dict(payload["settings"]),
        roster=None if payload.get("roster") is None else RosterStage(**payload["roster"]),
        week_start_day=int(payload.get("week_start_day", 0)),
        deferred=_deferred_stage(payload.get("deferred")),
    )


def _deferred_stage(data: Mapping[str, Any] | None) -> DeferredStage | None:
    return None if data is None else deferred_stage(data["deadline_min"], data["opening_hours"])


def _frame_to_plain(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """Columns as numpy arrays; date columns as days since 1970-01-01 (int64)."""
    out: dict[str, np.ndarray] = {}
    for column in frame.columns:
        if column in _DATE_COLUMNS:
            days = frame[column].to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
            out[column] = days.astype(np.int64)
        else:
            out[column] = frame[column].to_numpy(dtype=np.float64)
    return out


def _frame_from_plain(data: Mapping[str, Any]) -> pd.DataFrame:
    columns: dict[str, Any] = {}
    for column, values in data.items():
        if column in _DATE_COLUMNS:
            days = np.asarray(values, dtype=np.int64).astype("datetime64[D]")
            columns[column] = days.astype("datetime64[ns]")
        else:
            columns[column] = np.asarray(values, dtype=np.float64)
    return pd.DataFrame(columns)


def _result_to_plain(result: ScenarioResult) -> dict[str, Any]:
    prov = result.provenance
    return {
        "name": result.name,
        "version": result.version,
        "kpis": asdict(result.kpis),
        "daily": _frame_to_plain(result.daily),
        "weekly": _frame_to_plain(result.weekly),
        "provenance": {
            "input_hash": prov.input_hash,
            "requirement_key": prov.requirement_key,
            "versions": [list(v) for v in prov.versions],
            "stages": list(prov.stages),
            "solver_seeds": [list(s) for s in prov.solver_seeds],
        },
        "roster": None if result.roster is None else asdict(result.roster),
        "deferred": None if result.deferred is None else asdict(result.deferred),
    }


def _result_from_plain(data: Mapping[str, Any]) -> ScenarioResult:
    prov = data["provenance"]
    return ScenarioResult(
        name=data["name"],
        version=int(data["version"]),
        kpis=ScenarioKpis(**data["kpis"]),
        daily=_frame_from_plain(data["daily"]),
        weekly=_frame_from_plain(data["weekly"]),
        provenance=Provenance(
            input_hash=prov["input_hash"],
            requirement_key=prov["requirement_key"],
            versions=tuple((str(a), str(b)) for a, b in prov["versions"]),
            stages=tuple(prov["stages"]),
            solver_seeds=tuple((str(a), int(b)) for a, b in prov["solver_seeds"]),
        ),
        roster=None if data.get("roster") is None else RosterOutcome(**data["roster"]),
        deferred=None if data.get("deferred") is None else DeferredOutcome(**data["deferred"]),
    )


def run_scenario_task(
    base_payload: Mapping[str, Any], scenario_payload: Mapping[str, Any]
) -> dict[str, Any]:
    """Executor task: plain data in, plain data out (see the module docstring). Bad input is
    returned as ``{"error": [problem dicts]}`` (exceptions with custom fields do not pickle
    reliably) and raised again by :func:`run_sweep`."""
    try:
        base = base_from_payload(base_payload)
        scenario = scenario_from_dict(scenario_payload)
        return _result_to_plain(run_scenario(base, scenario))
    except InvalidInput as exc:
        return {"error": [asdict(p) for p in exc.problems]}


def _checked(plain: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    if "error" in plain:
        problems = [Problem(**p) for p in plain["error"]]
        field = f"scenario {name!r}"
        raise InputError(
            [Problem(p.row, f"{field}: {p.field}", p.code, p.message) for p in problems]
        )
    return plain


def run_sweep(
    base: Base,
    scenarios: Sequence[Scenario],
    *,
    executor: Executor | None = None,
    include_base: bool = True,
) -> SweepResult:
    """Run ``scenarios`` (plus the base first when ``include_base``) through ``executor``."""
    todo = ([Scenario(BASE_NAME)] if include_base else []) + list(scenarios)
    base_payload = base_to_payload(base)
    payloads = [scenario_to_dict(s) for s in todo]
    if executor is None:
        plain = (run_scenario_task(base_payload, p) for p in payloads)
    else:
        futures = [executor.submit(run_scenario_task, base_payload, p) for p in payloads]
        plain = (f.result() for f in futures)  # converted while later tasks still run
    results = tuple(
        _result_from_plain(_checked(p, s.name)) for p, s in zip(plain, todo, strict=True)
    )
    return SweepResult(results=results, table=compare(results))
