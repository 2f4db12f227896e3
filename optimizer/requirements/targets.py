"""Targets as monotone curves in the number of agents, and the crossing of a target's line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from optimizer.erlang import QueueKpis
from optimizer.requirements.spec import ServiceGoal
from optimizer.validation import FloatArray

__all__ = ["OCCUPANCY_SLACK", "Target", "fraction", "targets_of"]

OCCUPANCY_SLACK = 1e-12


@dataclass(frozen=True, slots=True)
class Target:
    """One target: ``value(kpis)`` must be ``>= bound`` (``rising``) or ``<= bound``."""

    name: str
    bound: float
    rising: bool
    value: Callable[[QueueKpis], FloatArray]

    def met_by(self, v: FloatArray) -> NDArray[np.bool_]:
        """Where ``v`` meets the target (ceilings with a relative slack of 1e-12)."""
        if self.rising:
            return v >= self.bound
        return v <= self.bound * (1.0 + OCCUPANCY_SLACK)

    def margin(self, v: FloatArray) -> FloatArray:
        """Signed distance of ``v`` from the target's line, positive where it is met."""
        if self.rising:
            return v - self.bound
        return self.bound * (1.0 + OCCUPANCY_SLACK) - v


def targets_of(goal: ServiceGoal) -> list[Target]:
    """The targets ``goal`` sets, in a fixed order: SL, ASA, abandonment, occupancy."""
    out: list[Target] = []
    if goal.service_level is not None:
        if goal.service_level_basis == "not_abandoned":
            out.append(Target("sl", goal.service_level, True, _sl_answered))
        else:
            out.append(Target("sl", goal.service_level, True, _sl_all))
    if goal.max_asa_s is not None:
        out.append(Target("asa", goal.max_asa_s, False, _asa))
    if goal.max_abandon_rate is not None:
        out.append(Target("abandon", goal.max_abandon_rate, False, _abandon))
    if goal.max_occupancy is not None:
        out.append(Target("occupancy", goal.max_occupancy, False, _occupancy))
    return out


def _sl_all(k: QueueKpis) -> FloatArray:
    return k.service_level


def _sl_answered(k: QueueKpis) -> FloatArray:
    return k.service_level_answered


def _asa(k: QueueKpis) -> FloatArray:
    return k.asa_s


def _abandon(k: QueueKpis) -> FloatArray:
    return k.abandon_rate


def _occupancy(k: QueueKpis) -> FloatArray:
    return k.occupancy


def fraction(target: Target, low_value: FloatArray, high_value: FloatArray) -> FloatArray:
    """Share of the way from the low (missing) to the high (meeting) point where the target's
    line is crossed; an infinite ASA at the low point interpolates the speed 1 / ASA."""
    if target.rising:
        return _linear_share(low_value, high_value, target.bound)
    share = _linear_share(-low_value, -high_value, -target.bound)
    infinite = ~np.isfinite(low_value)
    if np.any(infinite):
        speed_share = high_value[infinite] / target.bound  # (1 / bound) / (1 / value_hi)
        share[infinite] = np.clip(speed_share, 0.0, 1.0)
    return share


def _linear_share(lo: FloatArray, hi: FloatArray, bound: float) -> FloatArray:
    span = hi - lo
    flat = ~(span > 0)
    with np.errstate(invalid="ignore"):  # an infinite ASA below: the caller handles those
        share = (bound - lo) / np.where(flat, 1.0, span)
    share[flat] = 1.0
    return np.clip(share, 0.0, 1.0)
