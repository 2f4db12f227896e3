"""``staffwise requirements``: bundled example week, CSV input, errors and the written table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from api.cli import main
from optimizer.cli import load_example_week


def test_example_week_is_shipped_and_sane() -> None:
    week = load_example_week()
    assert len(week) == 672
    assert week["calls"].ge(0).all() and week["aht_s"].between(180, 600).all()
    assert str(week["interval_start"].dt.tz) == "UTC"


def test_example_prints_a_daily_table(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "req.csv"
    assert main(["requirements", "--example", "--shrinkage", "0.3", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "agent_h_fractional" in printed and "672 intervals" in printed
    table = pd.read_csv(out)
    assert len(table) == 672 and (table["scheduled"] >= table["agents"]).all()
    assert (table.loc[table["calls"] > 0, "service_level"] >= 0.8).all()


def test_calls_csv_with_erlang_a(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_text(
        "interval_start,calls,aht_s\n2024-01-01T08:00:00Z,120,240\n2024-01-01T08:15:00Z,0,240\n"
    )
    args = ["requirements", "--calls-csv", str(path), "--model", "erlang_a", "--patience-s", "60"]
    assert main([*args, "--intervals", "--max-abandon-rate", "0.05"]) == 0
    printed = capsys.readouterr().out
    assert "erlang_a" in printed and "2024-01-01 08:15:00+00:00" in printed


def test_bad_rows_are_reported_by_interval(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "calls.csv"
    path.write_text(
        "interval_start,calls,aht_s\n2024-01-01T08:00:00Z,-3,240\n2024-01-01T08:15:00Z,10,0\n"
    )
    assert main(["requirements", "--calls-csv", str(path)]) == 2
    err = capsys.readouterr().err
    assert "row 1 calls" in err and "row 2 aht_s" in err  # CSV data rows, header excluded
    assert main(["requirements", "--example", "--model", "erlang_a"]) == 2
    assert "patience_s" in capsys.readouterr().err


def test_bad_timestamps_are_reported(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_text("interval_start,calls,aht_s\n2024-01-01T08:00:00Z,3,240\nnot a time,10,200\n")
    assert main(["requirements", "--calls-csv", str(path)]) == 2
    assert "row 2 interval_start: not_a_time" in capsys.readouterr().err
    path.write_text("start,calls\n2024-01-01T08:00:00Z,3\n")
    assert main(["requirements", "--calls-csv", str(path)]) == 2
    assert "aht_s" in capsys.readouterr().err
