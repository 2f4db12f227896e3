"""Deferred (e-mail) what-ifs: the fluid first-in-first-out backlog against a minute-by-minute
simulation, the level of agents a deadline target needs, and whole scenario runs."""

from __future__ import annotations

import itertools
from collections import deque

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.requirements import ServiceGoal
from scenarios.sweep import run_sweep
from scenarios.whatif import Base, compare, run_scenario
from scenarios.whatif_deferred import DeferredStage, fifo_flow, open_rows, required_level
from scenarios.whatif_model import (
    PlanSettings,
    Scenario,
    VolumeChange,
    scenario_from_dict,
    scenario_to_dict,
)


def _simulated_share(
    work: list[float], is_open: list[bool], interval_min: int, deadline: int, agents: float
) -> tuple[float, float]:
    """(due work, late work) by stepping one open minute at a time: each minute the agents
    take ``agents`` work-minutes from the oldest items; work done in the minute ending at open
    minute ``c + 1`` is on time when ``c + 1 <= due``."""
    waiting: deque[list[float]] = deque()  # [remaining, due, arrived]
    clock, done_on_time = 0, [0.0] * len(work)
    for j, w in enumerate(work):
        if is_open[j]:
            for _ in range(interval_min):
                capacity = agents
                while capacity > 1e-12 and waiting:
                    item = waiting[0]
                    take = min(capacity, item[0])
                    item[0] -= take
                    capacity -= take
                    if clock + 1 <= item[1]:
                        done_on_time[int(item[2])] += take
                    if item[0] <= 1e-12:
                        waiting.popleft()
                clock += 1
        waiting.append([w, clock + deadline, j])
    due_work = late = 0.0
    ends = np.cumsum([interval_min if o else 0 for o in is_open])
    for j, w in enumerate(work):
        if w > 0 and ends[j] + deadline <= clock:
            due_work += w
            late += w - done_on_time[j]
    return due_work, late


def test_half_an_agent_finishes_half_in_time() -> None:
    # an hour of work arrives in the first hour; due one open hour after it; 4 open hours
    work, is_open = np.array([60.0, 0, 0, 0]), np.ones(4, dtype=bool)
    flow = fifo_flow(work, is_open, 60, 60, 0.5)
    assert flow.within_deadline_share == pytest.approx(0.5)
    assert list(flow.done) == [0.0, 30.0, 30.0, 0.0]
    assert list(flow.backlog) == [60.0, 30.0, 0.0, 0.0]
    assert required_level(work, is_open, 60, 60, 0.8) == pytest.approx(0.8, abs=0.006)


def test_the_deadline_counts_open_minutes_only() -> None:
    # work arriving in the last open hour, the site closed for two rows, then open again: due
    # 60 open minutes later, i.e. at the end of the first hour after reopening
    work = np.array([0.0, 30.0, 0, 0, 0, 0])
    is_open = np.array([True, True, False, False, True, True])
    assert fifo_flow(work, is_open, 60, 60, 0.5).within_deadline_share == pytest.approx(1.0)
    assert fifo_flow(work, is_open, 60, 60, 0.25).within_deadline_share == pytest.approx(0.5)
    assert fifo_flow(work, is_open, 60, 60, 0.25).done[2:4].sum() == 0.0  # closed: no work


def test_work_not_yet_due_at_the_end_is_not_scored() -> None:
    flow = fifo_flow(np.array([0.0, 0.0, 30.0]), np.ones(3, dtype=bool), 60, 60, 0.0)
    assert np.isnan(flow.within_deadline_share) and flow.backlog[-1] == 30.0
    assert required_level(np.array([0.0, 0.0, 30.0]), np.ones(3, dtype=bool), 60, 60, 0.9) == 0.0


@settings(max_examples=60, deadline=None)
@given(
    work=st.lists(st.integers(0, 40), min_size=2, max_size=8),
    closed=st.lists(st.booleans(), min_size=8, max_size=8),
    deadline=st.integers(1, 45),
    agents=st.sampled_from([0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0]),
)
def test_fluid_flow_equals_a_minute_by_minute_simulation(
    work: list[int], closed: list[bool], deadline: int, agents: float
) -> None:
    is_open = [not c for c in closed[: len(work)]]
    flow = fifo_flow(np.array(work, dtype=float), np.array(is_open), 15, deadline, agents)
    due_work, late = _simulated_share([float(w) for w in work], is_open, 15, deadline, agents)
    assert flow.due_work == pytest.approx(due_work)
    assert flow.late_work == pytest.approx(late, abs=1e-6)


@settings(max_examples=40, deadline=None)
@given(
    work=st.lists(st.floats(0, 50), min_size=3, max_size=10),
    deadline=st.integers(15, 90),
    target=st.floats(0.5, 0.99),
)
def test_more_agents_never_finish_less_in_time_and_the_level_is_the_fewest(
    work: list[float], deadline: int, target: float
) -> None:
    w, is_open = np.array(work), np.ones(len(work), dtype=bool)
    shares = [fifo_flow(w, is_open, 15, deadline, a).within_deadline_share for a in (0.5, 1, 2, 4)]
    if not np.isnan(shares[0]):
        assert all(a <= b + 1e-9 for a, b in itertools.pairwise(shares))
    level = required_level(w, is_open, 15, deadline, target, tol=0.01)
    share = fifo_flow(w, is_open, 15, deadline, level).within_deadline_share
    assert np.isnan(share) or share >= target - 1e-9
    if level > 0:
        assert fifo_flow(w, is_open, 15, deadline, level - 0.02).within_deadline_share < target


def _email_base(**stage: object) -> Base:
    """A week of e-mail (Mon-Fri 08-18, 30-min intervals): 20 items an open half-hour, 6 min
    each, due within 240 open minutes, 80 % within deadline, shrinkage 20 %."""
    starts = pd.date_range("2026-11-09", periods=7 * 48, freq="30min", tz="Europe/Berlin")
    hours = ((8 * 60, 18 * 60),) * 5 + (None, None)
    local_open = open_rows(pd.DatetimeIndex(starts), 30, hours)
    forecast = pd.DataFrame({
        "interval_start": starts.tz_convert("UTC"), "calls": np.where(local_open, 20.0, 0.0),
        "aht_s": 360.0,
    })  # fmt: skip
    settings_ = PlanSettings(goal=ServiceGoal(service_level=0.8, answer_within_s=20),
                             shrinkage=0.2)  # fmt: skip
    return Base(
        forecast=forecast,
        zone="Europe/Berlin",
        interval_min=30,
        settings=settings_,
        deferred=DeferredStage(**{"deadline_min": 240, "opening_hours": hours, **stage}),
    )  # type: ignore[arg-type]


def test_a_deferred_scenario_needs_more_agents_for_more_mail_and_a_shorter_deadline() -> None:
    base = _email_base()
    results = [
        run_scenario(base, Scenario("base")),
        run_scenario(base, Scenario("more mail", volume=(VolumeChange(1.5),))),
        run_scenario(base, Scenario("faster", deadline_minutes=60)),
    ]
    table = compare(results)
    # 20 items x 6 min = 120 work-minutes an open half-hour: 4 agents keep up exactly
    need = table["deferred_required_agents"]
    assert 3.0 < need["base"] <= 4.0 + 0.01
    assert need["more mail"] > need["base"] and need["faster"] > need["base"]
    assert table.loc["base", "deferred_within_deadline_share"] >= 0.8
    assert table.loc["more mail", "deferred_share_at_base_plan"] < 0.8
    assert table.loc["more mail", "fte_paid_vs_base"] > 0
    # paid hours: the level on the work, after shrinkage, over the 50 open hours
    assert table.loc["base", "paid_hours"] == pytest.approx(need["base"] / 0.8 * 50)
    assert results[0].daily["work_hours"].sum() == pytest.approx(100 * 20 * 6 / 60)


def test_deadline_minutes_round_trips_and_live_scenarios_keep_their_dict() -> None:
    assert "deadline_minutes" not in scenario_to_dict(Scenario("x"))
    back = scenario_from_dict(scenario_to_dict(Scenario("x", deadline_minutes=90)))
    assert back.deadline_minutes == 90
    with pytest.raises(Exception, match="deadline_minutes"):
        scenario_from_dict({"name": "x", "deadline_minutes": 0})


def test_a_deferred_sweep_gives_the_direct_runs_results() -> None:
    """The sweep's plain payloads (executor processes) carry the deferred stage and outcome."""
    base = _email_base()
    scenario = Scenario("faster", deadline_minutes=120)
    swept = run_sweep(base, [scenario]).results
    direct = [run_scenario(base, Scenario("base")), run_scenario(base, scenario)]
    assert [r.deferred for r in swept] == [r.deferred for r in direct]
    assert swept[1].deferred is not None and swept[1].deferred.deadline_minutes == 120
