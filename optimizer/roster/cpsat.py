"""CP-SAT plumbing shared by every roster solve: solver parameters, stop requests, hints and
variable domains.

Every CP-SAT solve in :mod:`optimizer.roster` goes through :func:`run`: the time limit (never
below ``min_time_s``), workers (at least one), seed and any further CP-SAT parameter, an
optional solution callback and an optional ``should_stop`` polled by a watcher thread every
0.2 s (so a search that finds no solution still stops). Domains are edited in place in the
model proto, so a model is built once and searched in many neighbourhoods
(:func:`set_domain`, :func:`save_domains`, :func:`restore_domains`,
:func:`hint_near`).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Container, Iterable, Mapping
from typing import Any

from ortools.sat.python import cp_model

__all__ = [
    "bounds",
    "found",
    "hint",
    "hint_near",
    "restore_domains",
    "run",
    "save_domains",
    "set_domain",
    "status",
]

MIN_TIME_S = 0.5
WATCH_S = 0.2


def _watch(
    solver: cp_model.CpSolver, should_stop: Callable[[], bool], done: threading.Event
) -> None:
    while not done.wait(WATCH_S):
        if should_stop():
            solver.stop_search()
            return


def run(
    model: cp_model.CpModel,
    time_limit_s: float,
    *,
    workers: int = 1,
    seed: int | None = None,
    min_time_s: float = MIN_TIME_S,
    callback: cp_model.CpSolverSolutionCallback | None = None,
    should_stop: Callable[[], bool] | None = None,
    **parameters: Any,
) -> cp_model.CpSolver:
    """Solve ``model`` and return the solver (read values and status from it).

    ``seed=None`` keeps CP-SAT's default seed; ``parameters`` are further CP-SAT parameters
    (e.g. ``linearization_level=2``)."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(min_time_s, time_limit_s)
    solver.parameters.num_workers = max(1, workers)
    if seed is not None:
        solver.parameters.random_seed = seed
    for name, value in parameters.items():
        setattr(solver.parameters, name, value)
    done = threading.Event()
    watcher = None
    if should_stop is not None:
        watcher = threading.Thread(target=_watch, args=(solver, should_stop, done), daemon=True)
        watcher.start()
    try:
        solver.solve(model, callback)
    finally:
        done.set()
        if watcher is not None:
            watcher.join()
    return solver


def status(solver: cp_model.CpSolver) -> str:
    """The status name of the last solve (``OPTIMAL``, ``FEASIBLE``, ``INFEASIBLE``, ...)."""
    return str(solver.status_name(solver.response_proto.status))


def found(solver: cp_model.CpSolver) -> bool:
    """True when the last solve has a solution."""
    return solver.response_proto.status in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def hint(model: cp_model.CpModel, pairs: Iterable[tuple[cp_model.IntVar, int]]) -> None:
    """Add a hint per (variable, value)."""
    for var, value in pairs:
        model.add_hint(var, value)


def bounds(model: cp_model.CpModel, var: cp_model.IntVar) -> tuple[int, int]:
    """The lowest and highest value of ``var``'s current domain."""
    domain = model.proto.variables[var.index].domain
    return domain[0], domain[len(domain) - 1]


def set_domain(model: cp_model.CpModel, var: cp_model.IntVar, lo: int, hi: int) -> None:
    """Restrict ``var`` to ``lo..hi`` (in place: the model is not rebuilt)."""
    domain = model.proto.variables[var.index].domain
    domain.clear()
    domain.extend([lo, hi])


def save_domains(model: cp_model.CpModel, variables: Iterable[cp_model.IntVar]) -> list[list[int]]:
    """The current domains of ``variables``, for :func:`restore_domains`."""
    return [list(model.proto.variables[v.index].domain) for v in variables]


def restore_domains(
    model: cp_model.CpModel, variables: Iterable[cp_model.IntVar], domains: list[list[int]]
) -> None:
    """Put back the domains :func:`save_domains` returned for the same ``variables``."""
    for var, saved in zip(variables, domains, strict=True):
        target = model.proto.variables[var.index].domain
        target.clear()
        target.extend(saved)


def hint_near(
    model: cp_model.CpModel,
    variables: Iterable[cp_model.IntVar],
    values: Mapping[str, float],
    restricted: Container[int] = (),
    radius: int = 0,
) -> None:
    """Hint the rounded ``values`` (by variable name: an LP of the same builder names its
    variables alike); variables whose index is in ``restricted`` keep only the values within
    ``radius`` of their (fractional) value: ``floor(v) - radius .. ceil(v) + radius``."""
    for var in variables:
        value = values.get(var.name)
        if value is None:
            continue
        model.add_hint(var, round(value))
        if var.index not in restricted:
            continue
        lo, hi = bounds(model, var)
        low = max(lo, math.floor(value + 1e-6) - radius)
        set_domain(model, var, low, min(hi, math.ceil(value - 1e-6) + radius))
