"""The optional roster stage of a what-if run: roster one week of the scenario's requirement
with the CP-SAT roster engine and predict the queue with the agents the roster puts on the
phone.

The base carries a :class:`RosterStage`: a ``staffwise-roster-instance/1`` document (agents,
contracts, shift rules, opening hours; its own requirement is replaced) and the local date of
its day 0. The roster models breaks and lunches itself, so the roster requirement is the
agents on the phone, ``ceil(agents_required / (1 - absenteeism))`` (zero where the instance
is closed), and the agents answering calls are ``coverage x (1 - absenteeism)``. A scenario
can change shift rules (``roster_rules``: keys of the instance's ``rules``) and remove agents
(``roster_remove_agents``). The engine is imported only when a base has a roster stage.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from optimizer.erlang import queue_kpis
from scenarios.errors import InputError, Problem
from scenarios.whatif_model import PlanSettings, Scenario

__all__ = ["RosterOutcome", "RosterStage", "run_roster_stage"]


@dataclass(frozen=True, slots=True, eq=False)
class RosterStage:
    """Roster settings of a base: instance document, local date of its day 0, solver limits."""

    instance: Mapping[str, Any]
    week_start: str
    time_limit_s: float = 10.0
    seed: int = 0
    workers: int = 1


@dataclass(frozen=True, slots=True)
class RosterOutcome:
    """The rostered week: solver report (status, objective, bound, gap, seconds, seed), paid
    hours, agents rostered, predicted service and under/over-staffed hours over the week's
    forecast intervals, and the number of rule violations the independent check found."""

    status: str
    objective: float
    best_bound: float
    gap: float
    seconds: float
    seed: int
    agents: int
    paid_hours: float
    service_level: float
    asa_s: float
    abandon_rate: float
    under_staffed_hours: float
    over_staffed_hours: float
    violations: int


def _instance_doc(stage: RosterStage, scenario: Scenario) -> dict[str, Any]:
    doc = copy.deepcopy(dict(stage.instance))
    if scenario.roster_rules:
        rules = dict(doc.get("rules") or {})
        rules.update(dict(scenario.roster_rules))
        doc["rules"] = rules
    removed = set(scenario.roster_remove_agents)
    unknown = removed - {a.get("id") for a in doc.get("agents", [])}
    if unknown:
        msg = f"unknown agent id(s) {', '.join(sorted(unknown))}"
        raise InputError([Problem(None, "roster_remove_agents", "unknown", msg)])
    doc["agents"] = [a for a in doc.get("agents", []) if a.get("id") not in removed]
    return doc


def _week_rows(
    frame: pd.DataFrame, stage: RosterStage, days: int, grid: int, zone: str
) -> pd.DataFrame:
    """Rows of the roster week with their day and interval index on the roster grid."""
    try:
        first = pd.Timestamp(dt.date.fromisoformat(stage.week_start))
    except ValueError as exc:
        msg = "week_start must be an ISO date YYYY-MM-DD"
        raise InputError([Problem(None, "roster.week_start", "bad_date", msg)]) from exc
    day = (frame["local_date"] - first).dt.days.to_numpy()
    rows = frame.loc[(day >= 0) & (day < days)].copy()
    if rows.empty:
        msg = f"the forecast has no interval in the roster week from {stage.week_start}"
        raise InputError([Problem(None, "roster.week_start", "no_overlap", msg)])
    rows["roster_day"] = day[(day >= 0) & (day < days)]
    local = pd.DatetimeIndex(rows["interval_start"]).tz_convert(zone)
    rows["roster_slot"] = (local.hour * 60 + local.minute) // grid
    return rows


def _requirement(rows: pd.DataFrame, doc: Mapping[str, Any], absenteeism: float) -> list[Any]:
    days, grid = int(doc["days"]), int(doc["interval_minutes"])
    req = np.zeros((days, 1440 // grid), dtype=np.int64)
    need = np.ceil(rows["agents_required"].to_numpy() / (1.0 - absenteeism) - 1e-9)
    req[rows["roster_day"].to_numpy(), rows["roster_slot"].to_numpy()] = need.astype(np.int64)
    for d, window in enumerate(doc.get("opening_hours", [None] * days)):
        open_slots = np.zeros(1440 // grid, dtype=bool)
        if window is not None:
            open_slots[int(window[0]) // grid : int(window[1]) // grid] = True
        req[d, ~open_slots] = 0
    return req.tolist()


def _queue(
    rows: pd.DataFrame, coverage: np.ndarray, settings: PlanSettings, interval_min: int
) -> dict[str, float]:
    on_phone = coverage[rows["roster_day"].to_numpy(), rows["roster_slot"].to_numpy()]
    productive = on_phone * (1.0 - settings.absenteeism)
    calls = rows["calls"].to_numpy()
    kpis = queue_kpis(
        settings.model.kind,
        calls,
        rows["aht_s"].to_numpy(),
        productive,
        interval_s=interval_min * 60.0,
        answer_within_s=settings.goal.answer_within_s,
        patience_s=settings.model.patience_s,
    )
    answered = calls * (1.0 - kpis.abandon_rate)
    diff = productive - rows["agents_required"].to_numpy()
    total = float(calls.sum())
    weight = float(answered.sum())
    asa = np.where(answered > 0, answered * kpis.asa_s, 0.0)
    return {
        "service_level": float(calls @ kpis.service_level) / total if total else float("nan"),
        "asa_s": float(asa.sum()) / weight if weight else float("nan"),
        "abandon_rate": float(calls @ kpis.abandon_rate) / total if total else float("nan"),
        "under_staffed_hours": float(np.maximum(-diff, 0).sum()) * interval_min / 60.0,
        "over_staffed_hours": float(np.maximum(diff, 0).sum()) * interval_min / 60.0,
    }


def run_roster_stage(
    frame: pd.DataFrame,
    stage: RosterStage,
    settings: PlanSettings,
    scenario: Scenario,
    *,
    interval_min: int,
    zone: str,
) -> RosterOutcome:
    """Roster the stage's week of ``frame`` (the what-if interval frame) and predict it."""
    from optimizer.roster.io import load_instance
    from optimizer.roster.solve import SolveOptions, solve_roster

    doc = _instance_doc(stage, scenario)
    if int(doc.get("interval_minutes", 0)) != interval_min:
        msg = f"the roster instance's interval_minutes must equal the forecast's {interval_min}"
        raise InputError([Problem(None, "roster.interval_minutes", "mismatch", msg)])
    rows = _week_rows(frame, stage, int(doc["days"]), interval_min, zone)
    doc["requirement"] = _requirement(rows, doc, settings.absenteeism)
    problem = load_instance(doc)
    options = SolveOptions(time_limit_s=stage.time_limit_s, workers=stage.workers, seed=stage.seed)
    result = solve_roster(problem, options)
    report = result.report
    return RosterOutcome(
        status=report.status,
        objective=report.objective,
        best_bound=report.best_bound,
        gap=report.gap,
        seconds=report.seconds,
        seed=stage.seed,
        agents=len(problem.agents),
        paid_hours=result.kpis.paid_hours,
        violations=len(result.violations),
        **_queue(rows, np.asarray(result.coverage), settings, interval_min),
    )
