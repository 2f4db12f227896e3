"""Simulation-corrected requirement: starts at Erlang, ends at a plan the simulation accepts."""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.errors import InputError
from optimizer.requirements import ServiceGoal, StaffingModel, required_agents
from optimizer.simulation import (
    SimulationConfig,
    goal_met,
    simulate_queue,
    simulation_corrected_requirement,
)

GOAL = ServiceGoal(service_level=0.8, answer_within_s=20.0)


def _day(peak_calls: float, n: int = 24) -> np.ndarray:
    t = np.arange(n)
    return peak_calls * (0.4 + 0.6 * np.sin(np.pi * (t + 0.5) / n))


def test_corrected_plan_meets_the_goal_and_reproduces() -> None:
    calls = _day(150.0)
    config = SimulationConfig(replications=30, service="lognormal", service_cv=1.4)
    fixed = simulation_corrected_requirement(
        calls, 240.0, goal=GOAL, model=StaffingModel(), config=config
    )
    assert fixed.converged
    assert fixed.met.all()
    assert goal_met(fixed.simulation, GOAL, fixed.confidence).all()
    again = simulate_queue(calls, 240.0, fixed.agents, config)
    np.testing.assert_array_equal(again.totals, fixed.simulation.totals)
    erlang = required_agents(calls, 240.0, interval_min=15, goal=GOAL).agents
    np.testing.assert_array_equal(fixed.erlang_agents, erlang)
    frame = fixed.to_frame()
    assert list(frame.columns[:5]) == ["erlang_agents", "agents", "delta", "scheduled", "met"]
    assert (frame.delta == fixed.agents - erlang).all()


def test_arrival_peaks_inside_intervals_need_more_agents_than_erlang() -> None:
    # every call arrives in the first third of its interval: three times the Erlang load there
    calls = np.full(6, 300.0)
    config = SimulationConfig(replications=20, within_interval_profile=np.array([1.0, 0.0, 0.0]))
    fixed = simulation_corrected_requirement(
        calls, 300.0, goal=GOAL, model=StaffingModel(), config=config
    )
    assert fixed.converged and fixed.met.all()
    assert (fixed.agents[1:] >= 1.5 * fixed.erlang_agents[1:]).all()


def test_overstaffed_start_is_brought_down_to_near_erlang() -> None:
    calls = np.full(6, 300.0)
    erlang = required_agents(calls, 300.0, interval_min=15, goal=GOAL).agents
    config = SimulationConfig(replications=20)
    fixed = simulation_corrected_requirement(
        calls, 300.0, goal=GOAL, model=StaffingModel(), config=config, start_agents=erlang + 15
    )
    assert fixed.converged and fixed.met.all()
    np.testing.assert_array_equal(fixed.erlang_agents, erlang + 15)  # the start given
    assert fixed.agents.sum() <= (erlang + 15).sum() - 5 * len(erlang)


def test_one_agent_fewer_everywhere_misses_the_goal() -> None:
    calls = np.full(8, 250.0)
    config = SimulationConfig(replications=20)
    fixed = simulation_corrected_requirement(
        calls, 200.0, goal=GOAL, model=StaffingModel(), config=config
    )
    fewer = simulate_queue(calls, 200.0, np.maximum(fixed.agents - 1, 0), config)
    assert not goal_met(fewer, GOAL, fixed.confidence).all()


def test_erlang_a_model_defaults_to_exponential_patience_and_shrinkage_applies() -> None:
    model = StaffingModel(kind="erlang_a", patience_s=120.0)
    goal = ServiceGoal(service_level=0.8, answer_within_s=20.0, max_abandon_rate=0.05)
    fixed = simulation_corrected_requirement(
        np.full(6, 200.0), 200.0, goal=goal, model=model, shrinkage=0.3
    )
    assert fixed.simulation.config.patience == "exponential"
    assert fixed.simulation.config.patience_s == 120.0
    expected = [-(-10 * a // 7) for a in fixed.agents]  # exact integer ceil(a / 0.7)
    np.testing.assert_array_equal(fixed.scheduled, expected)
    assert (fixed.simulation.intervals.abandon_rate > 0).all()


def test_budget_exhausted_reports_not_converged() -> None:
    fixed = simulation_corrected_requirement(
        np.full(4, 200.0),
        200.0,
        goal=GOAL,
        model=StaffingModel(),
        start_agents=np.full(4, 30),
        max_simulations=1,
    )
    assert not fixed.converged
    assert not fixed.met.all()  # 30 agents for 44 Erlangs cannot meet 80/20
    np.testing.assert_array_equal(fixed.agents, np.full(4, 30))


def test_mismatched_threshold_and_bad_settings_are_rejected() -> None:
    with pytest.raises(InputError) as err:
        simulation_corrected_requirement(
            [10.0],
            180.0,
            goal=GOAL,
            model=StaffingModel(),
            config=SimulationConfig(answer_within_s=30.0, replications=1),
            confidence=1.5,
            shrinkage=1.0,
        )
    fields = {p.field for p in err.value.problems}
    assert fields == {"answer_within_s", "replications", "confidence", "shrinkage"}
