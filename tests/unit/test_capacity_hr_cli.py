"""``staffwise capacity from-history``: a queue's history to a hiring plan with reasons."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from api.cli import main
from forecasting.synthetic import synthetic_history, to_acd_csv

ZONE = "America/New_York"
PLAN = {
    "shrinkage": 0.3,
    "contracts": [{"name": "ft40", "weekly_hours": 40, "hire_cost": 3000}],
    "cohorts": [{"contract": "ft40", "tenure_weeks": 80, "headcount": 20}],
    "attrition": {"monthly_bands": [{"from_tenure_week": 0, "monthly_rate": 0.03}]},
    "hiring": {"lead_time_weeks": 2, "training_weeks": 4, "class_size_max": 2},
    "costs": {"under_per_hour": 200, "over_per_hour": 5},
}


def test_from_history_plans_and_explains(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    history = synthetic_history(
        start=dt.date(2025, 1, 6), weeks=16, interval_min=60, zone=ZONE,
        open_minute=480, close_minute=1200, mean_daily_calls=1500.0,
    )  # fmt: skip
    (tmp_path / "h.csv").write_text(to_acd_csv(history, ZONE))
    (tmp_path / "plan.json").write_text(json.dumps(PLAN))
    args = ["capacity", "from-history", str(tmp_path / "h.csv"), str(tmp_path / "plan.json"),
            "--zone", ZONE, "--interval-min", "60", "--weeks", "12", "--basis", "p80",
            "--time-limit", "3", "--out-dir", str(tmp_path / "out")]  # fmt: skip
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "need basis p80" in out and "class size cap (2) binds" in out
    need = pd.read_csv(tmp_path / "out" / "need.csv")
    weekly = pd.read_csv(tmp_path / "out" / "weekly.csv")
    assert len(need) == len(weekly) == 12
    assert weekly["need_hours"].to_numpy() == pytest.approx(need["need_hours_p80"].to_numpy())
    calendar = pd.read_csv(tmp_path / "out" / "hiring_calendar.csv")
    assert (calendar["size"] <= 2).all() and len(calendar) > 0
    (tmp_path / "plan.json").write_text(json.dumps({**PLAN, "attrition": {"monthly_rate": 1.5}}))
    assert main(args) == 2
    assert "monthly_rate" in capsys.readouterr().err
