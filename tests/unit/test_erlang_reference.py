"""Every row of ``reference/erlang_cases.csv`` (published Erlang values with their sources).

One row is a documented erratum: call-center-tools 1.0.0 prints ``erlang_b(123, 132) = 0.0346``
in its docstring, but its own code, the Erlang B recursion and every other method give
0.031243 for 132 lines. The printed 0.0346 is B(123 E, 131 lines) = 0.03461: an off-by-one in
the docstring. The test asserts the correct value and that the published one is wrong.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from optimizer.erlang import erlang_a_kpis, erlang_b, erlang_c, erlang_c_kpis
from optimizer.requirements import ServiceGoal, StaffingModel, required_agents

ERRATA = {"cct_doc_erlang_b": 0.031243}
KPI_FIELD = {
    "p_wait": "p_wait",
    "service_level": "service_level",
    "sl_all": "service_level",
    "asa_s": "asa_s",
    "occupancy": "occupancy",
    "p_abandon": "abandon_rate",
    "mean_wait_all_s": "mean_wait_all_s",
}


def _rows(reference_dir: Path) -> list[dict[str, str]]:
    with (reference_dir / "erlang_cases.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def _num(row: dict[str, str], key: str) -> float | None:
    return float(row[key]) if row[key] else None


def _kpi(row: dict[str, str]) -> Any:
    kwargs = {
        "interval_s": float(row["interval_s"]),
        "answer_within_s": float(row["threshold_s"] or 0.0),
    }
    args = (float(row["calls"]), float(row["aht_s"]), float(row["agents"]))
    if row["model"] == "erlang_a":
        kpis = erlang_a_kpis(*args, patience_s=float(row["patience_s"]), **kwargs)
    else:
        kpis = erlang_c_kpis(*args, **kwargs)
    return float(getattr(kpis, KPI_FIELD[row["quantity"]])[0])


def _requirement(row: dict[str, str]) -> float:
    goal = ServiceGoal(
        service_level=_num(row, "sl_target"),
        answer_within_s=float(row["threshold_s"]),
        max_occupancy=_num(row, "max_occupancy"),
    )
    interval_s = float(row["interval_s"])
    assert interval_s % 60 == 0
    req = required_agents(
        [float(row["calls"])],
        [float(row["aht_s"])],
        interval_min=int(interval_s // 60),
        goal=goal,
        model=StaffingModel(kind=row["model"]),  # type: ignore[arg-type]
        shrinkage=_num(row, "shrinkage") or 0.0,
    )
    field = "agents" if row["quantity"] == "raw_agents" else "scheduled"
    return float(getattr(req, field)[0])


def computed(row: dict[str, str]) -> float:
    quantity = row["quantity"]
    if quantity == "blocking":
        return float(erlang_b(float(row["erlangs"]), float(row["agents"]))[0])
    if row["erlangs"] and quantity == "p_wait":
        return float(erlang_c(float(row["erlangs"]), float(row["agents"]))[0])
    if quantity in ("raw_agents", "scheduled_agents"):
        return _requirement(row)
    return _kpi(row)


def test_reference_table_is_covered(reference_dir: Path) -> None:
    rows = _rows(reference_dir)
    assert len(rows) >= 21
    for row in rows:  # every row is understood by ``computed`` (no silent skip)
        assert math.isfinite(computed(row)), row["case_id"]


def test_every_published_value(reference_dir: Path) -> None:
    failures = []
    for row in _rows(reference_dir):
        if row["case_id"] in ERRATA:
            continue
        value, published = computed(row), float(row["published_value"])
        if abs(value - published) > float(row["abs_tol"]):
            failures.append(f"{row['case_id']}: computed {value!r}, published {published!r}")
    assert not failures, "\n".join(failures)


def test_erratum_call_center_tools_erlang_b_docstring(reference_dir: Path) -> None:
    (row,) = [r for r in _rows(reference_dir) if r["case_id"] == "cct_doc_erlang_b"]
    assert "ERRATUM" in row["note"]
    value = computed(row)
    assert value == pytest.approx(ERRATA["cct_doc_erlang_b"], abs=5e-7)
    # Independent check: the classic Erlang B recursion B(n) = A B(n-1) / (n + A B(n-1)).
    traffic, b = 123.0, 1.0
    for n in range(1, 133):
        b = traffic * b / (n + traffic * b)
    assert value == pytest.approx(b, rel=1e-10)
    # ... and the published docstring value is wrong by far more than its own tolerance.
    assert abs(value - float(row["published_value"])) > 10 * float(row["abs_tol"])
    assert np.isclose(float(row["published_value"]), 0.0346)
    # The published figure is the value for one line fewer (off-by-one in the docstring).
    assert float(erlang_b(123.0, 131.0)[0]) == pytest.approx(0.0346, abs=5e-5)
