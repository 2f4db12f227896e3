"""Discrete-event simulation check of a staffing plan (single FCFS queue).

See ``docs/simulation.md`` for the model, the staffing-drop modes, the KPI conventions and the
validation against Erlang C / Erlang A and the Technion call log.
"""

from optimizer.simulation.config import SimulationConfig
from optimizer.simulation.correction import (
    CorrectedRequirement,
    goal_met,
    simulation_corrected_requirement,
)
from optimizer.simulation.engine import simulate_queue
from optimizer.simulation.patience import kaplan_meier, patience_samples_from_waits
from optimizer.simulation.results import Estimate, SimulatedKpis, SimulationResult

__all__ = [
    "CorrectedRequirement",
    "Estimate",
    "SimulatedKpis",
    "SimulationConfig",
    "SimulationResult",
    "goal_met",
    "kaplan_meier",
    "patience_samples_from_waits",
    "simulate_queue",
    "simulation_corrected_requirement",
]
