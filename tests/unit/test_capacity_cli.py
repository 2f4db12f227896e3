"""``staffwise capacity plan`` and ``staffwise whatif`` end to end, and the JSON reader."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from api.cli import main
from scenarios.capacity_io import capacity_request_from_dict
from scenarios.errors import InputError
from tests.scenarios_support import synthetic_forecast

PLAN = {
    "need_hours": [900, 900, 950, 1000, 1050, 1100, 1150, 1200, 1200, 1200, 1200, 1200],
    "shrinkage": 0.3,
    "start_week": "2026-01-05",
    "contracts": [
        {"name": "ft40", "weekly_hours": 40, "hire_cost": 3000},
        {"name": "pt20", "weekly_hours": 20, "hire_cost": 2000},
    ],
    "cohorts": [{"contract": "ft40", "tenure_weeks": 80, "headcount": 32}],
    "attrition": {"annual_rate": 0.35, "early_annual_rate": 0.8, "early_weeks": 12},
    "hiring": {
        "lead_time_weeks": 3,
        "training_weeks": 2,
        "ramp": [0.5, 0.75],
        "class_size_min": 3,
        "class_size_max": 12,
    },
    "costs": {"under_per_hour": 60, "over_per_hour": 25},
    "solver": {"time_limit_s": 10},
}


def test_capacity_plan_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(PLAN))
    assert main(["capacity", "plan", str(path), "--out-dir", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "status optimal" in out and "recruiting" in out
    hires = pd.read_csv(tmp_path / "out" / "hires.csv")
    assert hires["size"].sum() > 0
    assert (hires["recruiting_start_week"] == hires["class_week"] - 3).all()
    assert hires["class_label"].iloc[0] >= "2026-01-26"  # lead time: week 3 at the earliest
    weekly = pd.read_csv(tmp_path / "out" / "weekly.csv")
    assert len(weekly) == 12


def test_capacity_projection_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({**PLAN, "hire_plan": [{"week": 3, "contract": "ft40", "size": 5}]}))
    assert main(["capacity", "plan", str(path)]) == 0
    assert "cost" in capsys.readouterr().out
    bad = {**PLAN, "hiring": {**PLAN["hiring"], "class_size_max": 1, "ramp": [0.5, 1.5]}}
    path.write_text(json.dumps(bad))
    assert main(["capacity", "plan", str(path)]) == 2
    err = capsys.readouterr().err
    assert "hiring.class_size_max" in err and "hiring.ramp" in err


def test_capacity_reader_names_fields() -> None:
    with pytest.raises(InputError) as info:
        capacity_request_from_dict({**PLAN, "attrition": {"annual_rate": 1.5}})
    assert info.value.problems[0].field == "attrition.annual_rate"
    with pytest.raises(InputError) as info:
        capacity_request_from_dict({**PLAN, "colour": 1})
    assert info.value.problems[0].code == "unknown_key"
    request = capacity_request_from_dict(PLAN)
    assert request.plan.week_labels[1] == "2026-01-12"
    assert request.plan.attrition.rate_at(0) > request.plan.attrition.rate_at(12)


def test_whatif_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    forecast = tmp_path / "forecast.csv"
    synthetic_forecast(days=2).to_csv(forecast, index=False)
    spec = {
        "base": {"shrinkage": 0.3, "cost_per_paid_hour": 25},
        "scenarios": [
            {"name": "vol+15", "volume": [{"multiplier": 1.15}]},
            {"name": "90/30", "goal": {"service_level": 0.9, "answer_within_s": 30}},
        ],
    }
    scenarios = tmp_path / "scenarios.json"
    scenarios.write_text(json.dumps(spec))
    out = tmp_path / "table.csv"
    args = ["whatif", str(forecast), str(scenarios), "--zone", "Europe/Paris", "--out", str(out)]
    assert main(args) == 0
    table = pd.read_csv(out, index_col="scenario")
    assert list(table.index) == ["base", "vol+15", "90/30"]
    assert table.loc["vol+15", "required_agent_hours_vs_base"] > 0
    assert "service_level" in capsys.readouterr().out
    scenarios.write_text(json.dumps({"scenarios": [{"name": "x", "shrinkage": 2}]}))
    assert main(args) == 2


def test_whatif_command_takes_the_sites_week_start_day(tmp_path: Path) -> None:
    forecast = tmp_path / "forecast.csv"
    synthetic_forecast(days=2).to_csv(forecast, index=False)
    scenarios = tmp_path / "scenarios.json"
    scenarios.write_text(
        json.dumps({"scenarios": [{"name": "vol+15", "volume": [{"multiplier": 1.15}]}]})
    )
    args = ["whatif", str(forecast), str(scenarios), "--zone", "Europe/Paris"]
    assert main([*args, "--week-start-day", "6"]) == 0
    assert main([*args, "--week-start-day", "7"]) == 2  # out of range: named, not a traceback


def test_whatif_command_of_an_email_queue(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A spec with ``deferred`` (deadline and opening hours): the table's deadline figures."""
    forecast = tmp_path / "forecast.csv"
    synthetic_forecast(days=2).to_csv(forecast, index=False)
    spec = {
        "base": {"goal": {"service_level": 0.8, "answer_within_s": 20}},
        "deferred": {"deadline_min": 240, "opening_hours": [[480, 1080]] * 5 + [None, None]},
        "scenarios": [{"name": "sooner", "deadline_minutes": 60}],
    }
    scenarios = tmp_path / "scenarios.json"
    scenarios.write_text(json.dumps(spec))
    out = tmp_path / "table.csv"
    args = ["whatif", str(forecast), str(scenarios), "--zone", "Europe/Paris", "--out", str(out)]
    assert main(args) == 0
    assert "deferred_share_at_base_plan" in capsys.readouterr().out
    table = pd.read_csv(out, index_col="scenario")
    need = table["deferred_required_agents"]
    assert need["sooner"] > need["base"] > 0
    scenarios.write_text(json.dumps({**spec, "deferred": {"deadline_min": 240}}))
    assert main(args) == 2  # no opening hours: named, not a traceback
