"""Settings of a simulation run, validated on construction."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from optimizer.errors import InputError, Problem

ServiceDistribution = Literal["exponential", "lognormal"]
PatienceModel = Literal["none", "exponential", "empirical"]
StaffingDrop = Literal["finish_call", "strict_stop"]

MAX_REPLICATIONS = 10_000


@dataclass(frozen=True, slots=True)
class SimulationConfig:
    """How to simulate a staffing plan.

    * ``interval_min``: length of one interval of ``calls`` / ``aht_s`` / ``agents``.
    * ``replications``: independent runs; confidence intervals are t-based over them.
    * ``seed``: seed of ``numpy.random.SeedSequence``; same seed, same callers.
    * ``service``: handle-time distribution with mean ``aht_s`` of the arrival interval;
      ``lognormal`` uses the coefficient of variation ``service_cv`` (exponential has CV 1).
    * ``patience``: ``none`` (nobody hangs up), ``exponential`` with mean ``patience_s``, or
      ``empirical``: resampled from ``patience_samples_s`` (``inf`` allowed: never hangs up),
      e.g. :func:`optimizer.simulation.patience_samples_from_waits` on an ACD log.
    * ``staffing_drop``: ``finish_call`` (agents leaving finish the call in hand) or
      ``strict_stop`` (capacity disappears at the boundary; interrupted calls resume first).
    * ``answer_within_s``: the service-level threshold T.
    * ``within_interval_profile``: relative arrival intensity over equal sub-slots of every
      interval, shape ``(slots,)`` or ``(n_intervals, slots)``; ``None`` means flat.
    * ``confidence``: two-sided level of the reported intervals.
    """

    interval_min: int = 15
    replications: int = 20
    seed: int = 0
    service: ServiceDistribution = "exponential"
    service_cv: float = 1.0
    patience: PatienceModel = "none"
    patience_s: float | None = None
    patience_samples_s: NDArray[np.float64] | None = field(default=None, compare=False)
    staffing_drop: StaffingDrop = "finish_call"
    answer_within_s: float = 20.0
    within_interval_profile: NDArray[np.float64] | None = field(default=None, compare=False)
    confidence: float = 0.95

    def __post_init__(self) -> None:
        problems = [
            *_check_scalars(self),
            *_check_choices(self),
            *_check_patience(self),
            *_check_profile(self.within_interval_profile),
        ]
        if problems:
            raise InputError(problems)


def _problem(field_name: str, code: str, message: str) -> Problem:
    return Problem(row=None, field=field_name, code=code, message=message)


def _finite(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _check_scalars(config: SimulationConfig) -> list[Problem]:
    problems = []
    if not isinstance(config.interval_min, int) or not 1 <= config.interval_min <= 1440:
        problems.append(_problem("interval_min", "out_of_range", "must be an integer in 1..1440"))
    if not isinstance(config.replications, int) or not (
        1 <= config.replications <= MAX_REPLICATIONS
    ):
        problems.append(
            _problem("replications", "out_of_range", f"must be in 1..{MAX_REPLICATIONS}")
        )
    if not isinstance(config.seed, int) or config.seed < 0:
        problems.append(_problem("seed", "out_of_range", "must be a non-negative integer"))
    if not _finite(config.answer_within_s) or config.answer_within_s < 0:
        problems.append(_problem("answer_within_s", "out_of_range", "must be finite and >= 0"))
    if not _finite(config.confidence) or not 0.0 < config.confidence < 1.0:
        problems.append(_problem("confidence", "out_of_range", "must be in (0, 1)"))
    if not _finite(config.service_cv) or not 0.0 < config.service_cv <= 20.0:
        problems.append(_problem("service_cv", "out_of_range", "must be in (0, 20]"))
    return problems


def _check_choices(config: SimulationConfig) -> list[Problem]:
    choices = {
        "service": ("exponential", "lognormal"),
        "patience": ("none", "exponential", "empirical"),
        "staffing_drop": ("finish_call", "strict_stop"),
    }
    return [
        _problem(name, "invalid_choice", f"must be one of {', '.join(allowed)}")
        for name, allowed in choices.items()
        if getattr(config, name) not in allowed
    ]


def _check_patience(config: SimulationConfig) -> list[Problem]:
    if config.patience == "exponential" and (
        not _finite(config.patience_s) or (config.patience_s or 0.0) <= 0
    ):
        return [_problem("patience_s", "required", "exponential patience needs patience_s > 0")]
    if config.patience != "empirical":
        return []
    if config.patience_samples_s is None:
        return [_problem("patience_samples_s", "required", "empirical patience needs samples")]
    samples = np.asarray(config.patience_samples_s, dtype=np.float64)
    if samples.ndim != 1 or samples.shape[0] == 0:
        return [_problem("patience_samples_s", "invalid_shape", "must be a non-empty 1-D array")]
    if np.isnan(samples).any() or (samples < 0).any():
        return [_problem("patience_samples_s", "out_of_range", "must be >= 0 (inf allowed)")]
    return []


def _check_profile(profile: NDArray[np.float64] | None) -> list[Problem]:
    if profile is None:
        return []
    weights = np.asarray(profile, dtype=np.float64)
    field_name = "within_interval_profile"
    if weights.ndim not in (1, 2) or weights.shape[-1] == 0:
        return [_problem(field_name, "invalid_shape", "must be (slots,) or (n_intervals, slots)")]
    if not np.isfinite(weights).all() or (weights < 0).any():
        return [_problem(field_name, "out_of_range", "weights must be finite and >= 0")]
    if (weights.sum(axis=-1) <= 0).any():
        return [_problem(field_name, "out_of_range", "each profile needs a positive weight")]
    return []
