"""Reproducibility records: input hashes (canonical JSON -> sha256) and library versions."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import platform
from dataclasses import dataclass
from importlib import metadata
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from scenarios.plain import to_plain
from scenarios.whatif_model import apply_scenario, scenario_to_dict, settings_to_dict

if TYPE_CHECKING:
    from scenarios.whatif_base import Base
    from scenarios.whatif_model import Scenario
    from scenarios.whatif_roster import RosterStage

__all__ = [
    "Provenance",
    "canonical_json",
    "forecast_digest",
    "input_hash",
    "library_versions",
    "requirement_key",
]

_LIBRARIES = ("staffwise", "numpy", "pandas", "scipy", "pulp", "ortools")


@dataclass(frozen=True, slots=True)
class Provenance:
    """``input_hash``: sha256 of everything the run depends on; ``requirement_key``: sha256 of
    the requirement stage's inputs only (equal keys = equal requirements); ``versions``:
    (library, version) pairs; ``stages``: pipeline stages the run executed; ``solver_seeds``:
    (stage, seed) for stochastic solvers (none at the requirement level)."""

    input_hash: str
    requirement_key: str
    versions: tuple[tuple[str, str], ...]
    stages: tuple[str, ...]
    solver_seeds: tuple[tuple[str, int], ...] = ()


def canonical_json(value: Any) -> str:
    """Sorted keys, no whitespace, no NaN: the same value always gives the same text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def forecast_digest(forecast: pd.DataFrame) -> str:
    """sha256 over the UTC interval starts (int64 ns) and ``calls`` / ``aht_s`` (float64),
    little-endian, so the digest is the same on every platform."""
    digest = hashlib.sha256()
    starts = pd.DatetimeIndex(pd.to_datetime(forecast["interval_start"], utc=True))
    digest.update(starts.as_unit("ns").asi8.astype("<i8").tobytes())
    for column in ("calls", "aht_s"):
        digest.update(forecast[column].to_numpy(dtype=np.float64).astype("<f8").tobytes())
    return digest.hexdigest()


def input_hash(base: Base, scenario: Scenario) -> str:
    payload = {
        "forecast": forecast_digest(base.forecast),
        "zone": base.zone,
        "interval_min": base.interval_min,
        "settings": settings_to_dict(base.settings),
        "scenario": scenario_to_dict(scenario),
    }
    if base.roster is not None:
        payload["roster"] = roster_stage_to_dict(base.roster)
    if base.week_start_day:  # weeks other than Monday's (Monday runs keep their old hashes)
        payload["week_start_day"] = base.week_start_day
    if base.deferred is not None:
        payload["deferred"] = to_plain(dataclasses.asdict(base.deferred))
    return _sha256(canonical_json(payload))


def roster_stage_to_dict(stage: RosterStage) -> dict[str, Any]:
    return {
        "instance": to_plain(stage.instance),
        "week_start": stage.week_start,
        "time_limit_s": stage.time_limit_s,
        "seed": stage.seed,
        "workers": stage.workers,
    }


def requirement_key(base: Base, scenario: Scenario) -> str:
    settings = apply_scenario(base.settings, scenario)
    payload = {
        "forecast": forecast_digest(base.forecast),
        "zone": base.zone,
        "interval_min": base.interval_min,
        "volume": scenario_to_dict(scenario)["volume"],
        "aht": scenario_to_dict(scenario)["aht"],
        "goal": settings_to_dict(settings)["goal"],
        "model": settings_to_dict(settings)["model"],
        "total_shrinkage": settings.total_shrinkage,
    }
    return _sha256(canonical_json(payload))


@functools.cache
def library_versions() -> tuple[tuple[str, str], ...]:
    """Versions of Python and the libraries a run depends on ("missing" if not installed);
    read once per process (package metadata parsing cost 10 ms a scenario in sweeps)."""
    out = [("python", platform.python_version())]
    for name in _LIBRARIES:
        try:
            out.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            out.append((name, "missing"))
    return tuple(out)
