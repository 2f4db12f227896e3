"""The result of a requirement: :class:`Requirement` and its table columns."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from optimizer.erlang import QueueKpis
from optimizer.errors import InputError, Problem
from optimizer.validation import FloatArray

__all__ = ["REQUIREMENT_COLUMNS", "IntArray", "Requirement", "merge_kpis", "no_kpis", "scheduled"]

IntArray = NDArray[np.int64]

REQUIREMENT_COLUMNS: dict[str, str] = {
    "interval_start": "start of the interval (only when given)",
    "calls": "forecast calls in the interval",
    "aht_s": "average handle time, seconds",
    "traffic_erl": "offered load in Erlangs (calls * aht_s / interval seconds)",
    "agents_fractional": "fractional agents on the phones (before shrinkage)",
    "agents": "integer agents on the phones: smallest whole number meeting every target",
    "scheduled_fractional": "agents_fractional / (1 - shrinkage)",
    "scheduled": "ceil(agents / (1 - shrinkage)): agents to schedule",
    "service_level": "predicted share answered within T over all arrivals, at `agents`",
    "service_level_answered": "answered within T over arrivals not abandoned before T",
    "asa_s": "predicted mean wait of answered calls, seconds",
    "abandon_rate": "predicted share of arrivals that abandon (0 for erlang_c)",
    "occupancy": "predicted share of agent time handling calls",
    "p_wait": "predicted probability that a call waits",
    "model": "queue model used: erlang_c or erlang_a",
}


@dataclass(frozen=True, slots=True)
class Requirement:
    """Required agents and predicted figures, arrays with one entry per interval.

    KPIs are predicted at the integer ``agents``. See :data:`REQUIREMENT_COLUMNS`.
    """

    agents_fractional: FloatArray
    agents: IntArray
    scheduled_fractional: FloatArray
    scheduled: IntArray
    service_level: FloatArray
    service_level_answered: FloatArray
    asa_s: FloatArray
    abandon_rate: FloatArray
    occupancy: FloatArray
    p_wait: FloatArray
    model: str
    calls: FloatArray = field(default_factory=lambda: np.zeros(0))
    aht_s: FloatArray = field(default_factory=lambda: np.zeros(0))
    traffic_erl: FloatArray = field(default_factory=lambda: np.zeros(0))

    def to_frame(self, interval_start: ArrayLike | None = None) -> pd.DataFrame:
        """One row per interval with the columns of :data:`REQUIREMENT_COLUMNS`."""
        data: dict[str, object] = {}
        if interval_start is not None:
            starts = pd.Series(np.asarray(interval_start))
            if len(starts) != len(self.agents):
                msg = f"interval_start has {len(starts)} entries for {len(self.agents)} intervals"
                raise InputError([Problem(None, "interval_start", "length_mismatch", msg)])
            data["interval_start"] = starts.to_numpy()
        for name in REQUIREMENT_COLUMNS:
            if name not in ("interval_start", "model"):
                data[name] = getattr(self, name)
        data["model"] = self.model
        return pd.DataFrame(data)


def scheduled(agents: FloatArray, shrinkage: float) -> FloatArray:
    """``ceil(agents / (1 - shrinkage))`` without float noise (14 / 0.7 is 20.000000000000004)."""
    raw = agents / (1.0 - shrinkage)
    return np.ceil(raw - 1e-9 * np.maximum(raw, 1.0))


def no_kpis() -> QueueKpis:
    """Figures of no interval at all."""
    return QueueKpis(**{name: np.zeros(0) for name in QueueKpis.__slots__})


def merge_kpis(size: int, active: NDArray[np.intp], kpis: QueueKpis) -> QueueKpis:
    """Figures for every interval: ``kpis`` where there is traffic, the idle values elsewhere
    (no wait, SL 1, ASA 0, no abandonment, occupancy 0)."""
    idle = {"p_wait": 0.0, "service_level": 1.0, "service_level_answered": 1.0}
    out = {}
    for name in QueueKpis.__slots__:
        column = np.full(size, idle.get(name, 0.0))
        column[active] = getattr(kpis, name)
        out[name] = column
    return QueueKpis(**out)
