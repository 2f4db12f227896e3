"""What-if scenarios: changes, KPIs side by side, head-count caps, reproducibility, sweeps."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd
import pytest

from optimizer.requirements import ServiceGoal, StaffingModel
from scenarios.errors import InputError
from scenarios.sweep import run_sweep, volume_target_grid
from scenarios.whatif import BASE_NAME, Base, compare, run_scenario, with_change
from scenarios.whatif_model import (
    AhtChange,
    Scenario,
    VolumeChange,
    Window,
    WorkforceContract,
    scenario_from_dict,
    scenario_to_dict,
)
from tests.scenarios_support import small_base


@pytest.fixture(scope="module")
def base_and_result():  # type: ignore[no-untyped-def]
    base = small_base(days=7)
    return base, run_scenario(base, Scenario(BASE_NAME), keep_intervals=True)


def test_base_kpis_are_consistent(base_and_result) -> None:  # type: ignore[no-untyped-def]
    base, result = base_and_result
    frame = result.intervals
    k = result.kpis
    assert k.calls == pytest.approx(base.forecast["calls"].sum())
    assert k.required_agent_hours == pytest.approx(frame["agents_required"].sum() / 4)
    # scheduled = ceil(agents / (1 - total shrinkage)); total = 1 - 0.7 x 0.95
    total = 1 - 0.7 * 0.95
    expected = np.ceil(frame["agents_required"] / (1 - total) - 1e-9)
    assert frame["scheduled"].to_numpy() == pytest.approx(expected.to_numpy())
    assert k.paid_hours == k.scheduled_agent_hours  # no workforce: paid = scheduled
    assert k.cost == pytest.approx(25.0 * k.paid_hours)
    assert k.under_staffed_hours == 0.0
    assert k.service_level >= 0.8  # every interval meets 80/20 at the scheduled staffing
    assert len(result.daily) == 7 and result.daily["calls"].sum() == pytest.approx(k.calls)
    assert result.weekly["required_agent_hours"].sum() == pytest.approx(k.required_agent_hours)
    assert k.fte_scheduled == pytest.approx(k.scheduled_agent_hours / 40.0)


def test_volume_and_target_changes_move_requirements(base_and_result) -> None:  # type: ignore[no-untyped-def]
    base, result = base_and_result
    more = run_scenario(base, with_change("vol+15", volume_pct=15))
    stricter = run_scenario(base, Scenario("90/30", goal=ServiceGoal(0.9, 30.0)))
    faster = run_scenario(base, with_change("aht-10s", aht_delta_s=-10))
    table = compare([result, more, stricter, faster])
    assert list(table.index) == [BASE_NAME, "vol+15", "90/30", "aht-10s"]
    assert table.loc["vol+15", "calls"] == pytest.approx(1.15 * result.kpis.calls)
    assert table.loc["vol+15", "required_agent_hours_vs_base"] > 0
    assert table.loc["aht-10s", "required_agent_hours_vs_base"] < 0
    assert table.loc[BASE_NAME, "cost_vs_base"] == 0
    assert len(set(table["input_hash"])) == 4


def test_window_limits_a_change_to_weekends(base_and_result) -> None:  # type: ignore[no-untyped-def]
    base, result = base_and_result
    weekend = Scenario("weekend+50", volume=(VolumeChange(1.5, Window(weekdays=(5, 6))),))
    daily = run_scenario(base, weekend).daily.set_index("local_date")
    ratio = daily["calls"] / result.daily.set_index("local_date")["calls"]
    assert np.allclose(ratio[ratio.index.day_of_week >= 5], 1.5)
    assert np.allclose(ratio[ratio.index.day_of_week < 5], 1.0)
    assert (ratio.index.day_of_week >= 5).sum() == 2
    evening = Scenario("eve", aht=(AhtChange(change_pct=10, window=Window(from_time="18:00")),))
    changed = run_scenario(base, evening, keep_intervals=True).intervals
    local = pd.DatetimeIndex(changed["interval_start"]).tz_convert(base.zone)
    late = local.hour >= 18
    assert np.allclose(changed["aht_s"][late], base.forecast["aht_s"][late] * 1.1)
    assert np.allclose(changed["aht_s"][~late], base.forecast["aht_s"][~late])


def test_headcount_cap_understaffs_and_lowers_service(base_and_result) -> None:  # type: ignore[no-untyped-def]
    base, result = base_and_result
    needed = result.kpis.scheduled_agent_hours  # one week
    short = Scenario("short", workforce=(WorkforceContract("ft", needed * 0.8 / 40, 40.0, 30.0),))
    capped = run_scenario(base, short)
    assert capped.kpis.scheduled_agent_hours == pytest.approx(0.8 * needed)
    assert capped.kpis.paid_hours == pytest.approx(0.8 * needed)
    assert capped.kpis.under_staffed_hours > 0
    assert capped.kpis.service_level < result.kpis.service_level
    mix = (WorkforceContract("ft", 60, 40.0, 30.0), WorkforceContract("pt", 40, 20.0, 24.0))
    roomy = run_scenario(base, Scenario("roomy", workforce=mix))
    assert roomy.kpis.paid_hours == pytest.approx(60 * 40 + 40 * 20)  # payroll is paid
    assert roomy.kpis.cost == pytest.approx(60 * 40 * 30 + 40 * 20 * 24)
    assert roomy.kpis.scheduled_agent_hours == pytest.approx(needed)


def test_erlang_a_scenario_predicts_abandonment(base_and_result) -> None:  # type: ignore[no-untyped-def]
    base, _ = base_and_result
    patient = Scenario("A", model=StaffingModel("erlang_a", patience_s=90.0), absenteeism=0.0)
    capped = Scenario(
        "A-capped",
        model=StaffingModel("erlang_a", patience_s=90.0),
        workforce=(WorkforceContract("ft", 10, 40.0),),
    )
    a = run_scenario(base, patient)
    b = run_scenario(base, capped)
    assert 0 < a.kpis.abandon_rate < b.kpis.abandon_rate


def test_reproducible_same_hash_same_result() -> None:
    scenario = Scenario("s", version=2, volume=(VolumeChange(1.1),), shrinkage=0.35)
    one = run_scenario(small_base(days=3), scenario)
    two = run_scenario(small_base(days=3), scenario)
    assert one.provenance.input_hash == two.provenance.input_hash
    pd.testing.assert_frame_equal(one.weekly, two.weekly)
    assert one.kpis == two.kpis
    bumped = Scenario("s", version=3, volume=(VolumeChange(1.1),), shrinkage=0.35)
    assert run_scenario(small_base(days=3), bumped).provenance.input_hash != (
        one.provenance.input_hash
    )
    assert dict(one.provenance.versions)["pulp"] != "missing"
    base = small_base(days=3)
    for unit in ("s", "ns"):  # the hash is of the instants, not of their storage unit
        forecast = base.forecast.assign(
            interval_start=base.forecast["interval_start"].dt.as_unit(unit)
        )
        same = Base(forecast, base.zone, base.interval_min, base.settings)
        assert run_scenario(same, scenario).provenance.input_hash == one.provenance.input_hash


def test_scenario_dict_round_trip_and_errors() -> None:
    scenario = Scenario(
        "x",
        volume=(VolumeChange(1.2, Window("2026-03-24", "2026-03-26", (1, 2), "09:00", "12:00")),),
        aht=(AhtChange(delta_s=-5, change_pct=2),),
        goal=ServiceGoal(0.9, 30.0),
        model=StaffingModel("erlang_a", 60.0),
        workforce=(WorkforceContract("ft", 10, 40),),
    )
    assert scenario_from_dict(scenario_to_dict(scenario)) == scenario
    with pytest.raises(InputError) as info:
        scenario_from_dict({"name": "x", "volume": [{"multiplier": -1}]})
    assert info.value.problems[0].field == "volume.multiplier"
    with pytest.raises(InputError) as info:
        scenario_from_dict({"name": "x", "colour": "red"})
    assert info.value.problems[0].code == "unknown_key"
    with pytest.raises(InputError) as info:
        run_scenario(small_base(days=1), with_change("bad", aht_delta_s=-1000))
    assert info.value.problems[0].field == "aht"
    nan_base = small_base(days=1)
    nan_base.forecast.loc[3, "calls"] = float("nan")
    with pytest.raises(InputError) as info:
        run_scenario(nan_base, Scenario("base"))
    assert (info.value.problems[0].row, info.value.problems[0].field) == (3, "calls")
    with pytest.raises(InputError) as info:
        scenario_from_dict({"name": "x", "shrinkage": 1.5, "aht": [{"window": {"to_time": "x"}}]})
    assert {p.field for p in info.value.problems} == {"shrinkage", "aht.window.to_time"}


@pytest.mark.slow
def test_sweep_through_a_process_pool_matches_serial() -> None:
    base = small_base(days=2)
    grid = volume_target_grid(
        [-10, 0, 20], {"80/20": ServiceGoal(0.8, 20), "90/30": ServiceGoal(0.9, 30)}
    )
    serial = run_sweep(base, grid)
    with ProcessPoolExecutor(max_workers=2) as pool:
        parallel = run_sweep(base, grid, executor=pool)
    assert list(serial.table.index) == [BASE_NAME] + [s.name for s in grid]
    pd.testing.assert_frame_equal(serial.table, parallel.table)
    direct = run_scenario(base, grid[-1])
    assert parallel.results[-1].provenance.input_hash == direct.provenance.input_hash
    assert parallel.results[-1].kpis == direct.kpis
    hours = serial.table["required_agent_hours"]
    assert hours["vol-10%_80/20"] < hours["vol+0%_80/20"] < hours["vol+20%_80/20"]
    assert hours["vol+0%_80/20"] < hours["vol+0%_90/30"]


def test_sweep_reports_bad_input_from_workers() -> None:
    from concurrent.futures import ThreadPoolExecutor

    base = small_base(days=1)
    with ThreadPoolExecutor(max_workers=2) as pool, pytest.raises(InputError) as info:
        run_sweep(
            base,
            [with_change("ok", volume_pct=5), with_change("bad", aht_delta_s=-999)],
            executor=pool,
        )
    assert info.value.problems[0].field == "scenario 'bad': aht"


def test_window_dates_and_times_must_parse() -> None:
    bad = {"start_date": "2026-13-01", "end_date": "2026-02-01", "from_time": "25:00",
           "to_time": "09:00"}  # fmt: skip
    with pytest.raises(InputError) as info:
        scenario_from_dict({"name": "x", "volume": [{"multiplier": 1, "window": bad}]})
    assert [(p.field, p.code, p.message) for p in info.value.problems] == [
        ("volume.window.start_date", "bad_date",
         "start_date must be an ISO date YYYY-MM-DD, got '2026-13-01'"),
        ("volume.window.from_time", "bad_time", "from_time must be a time HH:MM, got '25:00'"),
    ]  # fmt: skip
