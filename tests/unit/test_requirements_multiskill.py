"""Multi-skill staffing: every queue meets its simulated goal; pooling saves agents."""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.errors import InputError
from optimizer.requirements import ServiceGoal, required_agents
from optimizer.requirements.multiskill import multiskill_staffing
from optimizer.simulation import SimulationConfig, goal_met
from optimizer.simulation.multiskill import SkillGroup, SkillQueue, simulate_multiskill

N_INTERVALS = 4
AHT_S = 30.0  # time scaled tenfold: AHT 30 s, T 2 s, so each interval holds many calls
GOAL = ServiceGoal(service_level=0.8, answer_within_s=2.0)
CONFIG = SimulationConfig(replications=10, seed=2)


def _queues(loads_erl: tuple[float, ...]) -> list[SkillQueue]:
    return [
        SkillQueue(name, np.full(N_INTERVALS, load / AHT_S * 900.0), AHT_S)
        for name, load in zip("abc", loads_erl, strict=False)
    ]


def test_dedicated_groups_meet_every_goal_close_to_erlang() -> None:
    queues = _queues((4.0, 8.0))
    groups = [SkillGroup("a", ("a",)), SkillGroup("b", ("b",))]
    plan = multiskill_staffing(queues, groups, [GOAL, GOAL], CONFIG)
    assert plan.converged and plan.met.all()
    erlang = [required_agents(q.calls, AHT_S, goal=GOAL).agents for q in queues]
    np.testing.assert_array_equal(plan.start_agents, np.array(erlang))
    assert np.abs(plan.agents - plan.start_agents).max() <= 2
    again = simulate_multiskill(queues, groups, plan.agents, CONFIG)
    for result in again.queues:
        assert goal_met(result, GOAL, 0.95).all()


def test_cross_trained_agents_pool_capacity() -> None:
    queues = _queues((4.0, 4.0))
    goals = [GOAL, GOAL]
    dedicated = multiskill_staffing(
        queues, [SkillGroup("a", ("a",)), SkillGroup("b", ("b",))], goals, CONFIG
    )
    groups = [
        SkillGroup("a", ("a",)),
        SkillGroup("b", ("b",)),
        SkillGroup("ab", ("a", "b"), levels=(0, 0)),
    ]
    half = dedicated.agents // 2
    start = np.vstack([dedicated.agents - half, half.sum(axis=0, keepdims=True)])
    pooled = multiskill_staffing(queues, groups, goals, CONFIG, start=start)
    assert pooled.converged and pooled.met.all()
    assert pooled.agents.sum() < dedicated.agents.sum() - N_INTERVALS  # > one agent per interval
    assert pooled.agent_hours(15) == pooled.agents.sum() / 4
    per_queue = pooled.queue_agents()  # the pooled plan as a requirement per queue
    np.testing.assert_allclose(per_queue.sum(axis=0), pooled.agents.sum(axis=0))
    assert (per_queue >= pooled.agents[:2]).all()
    # the removals kept the cross-trained agents and dropped specialists
    assert pooled.agents[2].sum() >= start[2].sum() - N_INTERVALS


def test_a_failing_start_is_repaired_upwards() -> None:
    queues = _queues((6.0,))
    start = np.full((1, N_INTERVALS), 5, dtype=np.int64)  # below the load: fails everywhere
    plan = multiskill_staffing(queues, [SkillGroup("a", ("a",))], [GOAL], CONFIG, start=start)
    assert plan.met.all() and (plan.agents > 6).all()


def test_bad_inputs_are_named() -> None:
    queues = _queues((4.0, 4.0))
    groups = [SkillGroup("a", ("a",))]
    with pytest.raises(InputError) as caught:
        multiskill_staffing(queues, groups, [ServiceGoal(max_occupancy=0.9)], CONFIG)
    fields = {p.field for p in caught.value.problems}
    assert {"goals", "goals[0].max_occupancy", "queues[1]"} <= fields
