"""Chat requirement: closed forms without slowdown, simulation with slowdown, the search."""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.erlang import erlang_a_kpis, erlang_c_kpis
from optimizer.errors import InputError
from optimizer.requirements import ServiceGoal, required_agents
from optimizer.requirements.chat import (
    ChatModel,
    chat_kpis,
    chat_required_agents,
    service_rates,
)
from optimizer.simulation import SimulationConfig
from optimizer.simulation.multiskill_chat import simulate_chat


@pytest.mark.parametrize("agents", [21, 23, 26])
def test_without_slowdown_chat_is_erlang_c_on_session_slots(agents: int) -> None:
    kpis = chat_kpis(300, 120.0, agents, answer_within_s=20.0, model=ChatModel(concurrency=2))
    ref = erlang_c_kpis(300, 120.0, 2 * agents, interval_s=900, answer_within_s=20.0)
    assert kpis.service_level == pytest.approx(float(ref.service_level[0]), rel=1e-9)
    assert kpis.asa_s == pytest.approx(float(ref.asa_s[0]), rel=1e-9)
    assert kpis.occupancy == pytest.approx(float(ref.occupancy[0]), rel=1e-9)


@pytest.mark.parametrize("agents", [12, 20, 26])
def test_without_slowdown_chat_with_patience_is_erlang_a_on_session_slots(agents: int) -> None:
    model = ChatModel(concurrency=2, patience_s=60.0)
    kpis = chat_kpis(300, 120.0, agents, answer_within_s=20.0, model=model)
    ref = erlang_a_kpis(
        300, 120.0, 2 * agents, interval_s=900, answer_within_s=20.0, patience_s=60.0
    )
    assert kpis.service_level == pytest.approx(float(ref.service_level[0]), rel=1e-8)
    assert kpis.service_level_answered == pytest.approx(
        float(ref.service_level_answered[0]), rel=1e-8
    )
    assert kpis.abandon_rate == pytest.approx(float(ref.abandon_rate[0]), rel=1e-8)


def test_service_rates_spread_sessions_evenly() -> None:
    model = ChatModel(concurrency=3, handle_factors=(1.0, 1.5, 2.0))
    mu = service_rates(2, 100.0, model) * 100.0  # sessions ended per 100 s, s = 0..6
    # s=3: one agent holds 2 (2/1.5), the other 1 (1/1); s=6: both hold 3 (3/2 each)
    np.testing.assert_allclose(mu, [0, 1, 2, 1 + 2 / 1.5, 4 / 1.5, 2 / 1.5 + 1.5, 3.0])


# Time scaled tenfold (AHT 30 s for 300 s, T 6 s for 60 s), 40 intervals, 2 warm-up.
@pytest.mark.parametrize(
    ("slowdown", "patience_s", "agents", "sessions"),
    [
        (0.0, None, 10, 810.0),
        (0.25, None, 10, 510.0),
        (0.25, 12.0, 12, 612.0),
        (0.5, None, 12, 459.0),
    ],
)
def test_model_agrees_with_the_chat_simulation(
    slowdown: float, patience_s: float | None, agents: int, sessions: float
) -> None:
    model = ChatModel(concurrency=3, slowdown_per_session=slowdown, patience_s=patience_s)
    config = SimulationConfig(
        replications=10,
        seed=1,
        answer_within_s=6.0,
        confidence=0.99,
        patience="exponential" if patience_s else "none",
        patience_s=patience_s,
    )
    sim = simulate_chat(np.full(40, sessions), 30.0, agents, model.factors(), config).summary(2)
    kpis = chat_kpis(sessions, 30.0, agents, answer_within_s=6.0, model=model)
    assert abs(sim.service_level.mean - kpis.service_level) < 0.015
    assert abs(sim.occupancy.mean - kpis.occupancy) < 0.02  # the even spread: 0.017 at 0.5
    assert abs(sim.abandon_rate.mean - kpis.abandon_rate) < 0.002
    if slowdown == 0.0:  # exact model: inside the interval
        assert sim.service_level.ci_low <= kpis.service_level <= sim.service_level.ci_high


def test_requirement_is_the_smallest_meeting_the_goal() -> None:
    goal = ServiceGoal(service_level=0.8, answer_within_s=60.0)
    model = ChatModel(concurrency=3, slowdown_per_session=0.25)
    sessions = np.array([0.0, 40.0, 200.0, 600.0])
    req = chat_required_agents(sessions, 300.0, goal=goal, model=model, shrinkage=0.3)
    assert req.agents[0] == 0
    for c, n in zip(sessions[1:], req.agents[1:], strict=True):
        at = chat_kpis(c, 300.0, int(n), answer_within_s=60.0, model=model)
        below = chat_kpis(c, 300.0, int(n) - 1, answer_within_s=60.0, model=model)
        assert at.service_level >= 0.8 > below.service_level
    np.testing.assert_array_equal(req.scheduled, np.ceil(req.agents / 0.7 - 1e-9))
    slower = chat_required_agents(sessions, 300.0, goal=goal, model=ChatModel(3, 0.5))
    assert (slower.agents >= req.agents).all() and slower.agents.sum() > req.agents.sum()
    assert list(req.to_frame().columns)[:2] == ["agents", "scheduled"]


def test_one_session_per_agent_is_the_voice_requirement() -> None:
    sessions = np.array([30.0, 120.0, 400.0])
    goal = ServiceGoal(service_level=0.8, answer_within_s=20.0)
    chat = chat_required_agents(sessions, 240.0, goal=goal, model=ChatModel(concurrency=1))
    voice = required_agents(sessions, 240.0, goal=goal)
    np.testing.assert_array_equal(chat.agents, voice.agents)


def test_the_requirement_meets_the_goal_in_simulation() -> None:
    goal = ServiceGoal(service_level=0.8, answer_within_s=6.0)
    model = ChatModel(concurrency=2, slowdown_per_session=0.3, patience_s=20.0)
    req = chat_required_agents([700.0], 30.0, goal=goal, model=model)
    config = SimulationConfig(replications=10, seed=3, answer_within_s=6.0, confidence=0.99,
                              patience="exponential", patience_s=20.0)  # fmt: skip
    n = int(req.agents[0])
    at = simulate_chat(np.full(30, 700.0), 30.0, n, model.factors(), config).summary(2)
    below = simulate_chat(np.full(30, 700.0), 30.0, n - 1, model.factors(), config).summary(2)
    assert at.service_level.ci_high >= 0.8
    assert below.service_level.mean < at.service_level.mean


def test_bad_inputs_are_named() -> None:
    with pytest.raises(InputError, match="handle_factors"):
        ChatModel(concurrency=2, handle_factors=(1.0, 0.8))
    with pytest.raises(InputError, match="concurrency"):
        ChatModel(concurrency=0)
    with pytest.raises(InputError) as caught:
        chat_required_agents([10.0, -1.0], [300.0, 0.0], goal=ServiceGoal(max_abandon_rate=0.1))
    found = {(p.row, p.field) for p in caught.value.problems}
    assert {(1, "sessions"), (1, "aht_s"), (None, "max_abandon_rate")} <= found
