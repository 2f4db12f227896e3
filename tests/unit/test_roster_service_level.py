"""The service-level objective of the roster engine: the Erlang C envelope, where a scarce agent
goes, the LP bound, the agent-level polish and the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.cli import main
from optimizer.errors import InputError
from optimizer.roster.bound import lp_lower_bound
from optimizer.roster.build import SCALE
from optimizer.roster.check import check_roster
from optimizer.roster.constraints.service_level import (
    answered_within,
    concave_majorant,
    service_curve,
)
from optimizer.roster.evaluate import evaluate_service_level
from optimizer.roster.io import load_instance
from optimizer.roster.polish import PolishOptions, polish_roster
from optimizer.roster.problem import RosterProblem
from optimizer.roster.solve import RosterResult, SolveOptions, solve_roster
from tests.roster_support import agent, cli_solve, incumbent_of, tiny_instance

FAST = SolveOptions(time_limit_s=5, workers=1)
SL = SolveOptions(time_limit_s=5, workers=1, objective="service_level")


def _check_envelope(calls: float, aht_s: float, within_s: float, weight: float) -> None:
    curve = service_curve(calls, aht_s, 900.0, within_s, weight * SCALE)
    assert all(a > b for a, b in zip(curve.slopes, curve.slopes[1:], strict=False))  # concave
    assert all(s >= 1 for s in curve.slopes) and all(n >= 1 for n in curve.lengths)
    ks = np.arange(curve.saturation + 6, dtype=np.float64)
    exact = SCALE * weight * answered_within(calls, aht_s, ks, 900.0, within_s)
    values = np.array([curve.value(int(k)) for k in ks])
    assert values[0] == 0
    assert np.all(values >= exact - 1e-6)  # majorises the Erlang C curve everywhere
    assert values[-1] >= SCALE * weight * calls - 1e-6  # flat at (at least) all calls
    assert values[-1] - SCALE * weight * calls <= curve.saturation  # slopes rounded up < 1 each


def test_concave_majorant_vertices() -> None:
    assert concave_majorant([0, 0, 0, 5, 7, 8, 8.5]) == [0, 4, 5, 6]  # 3 lies below the chord 0-4
    assert concave_majorant([0, 1, 2, 3]) == [0, 3]  # collinear points are not vertices
    assert concave_majorant([2.0]) == [0]


@pytest.mark.parametrize(
    ("calls", "aht_s", "within_s"),
    [(0.3, 180, 20), (30, 180, 20), (283.9, 283.7, 20), (50, 300, 0)],
)
def test_envelope_is_concave_and_majorises_erlang_c(
    calls: float, aht_s: float, within_s: float
) -> None:
    _check_envelope(calls, aht_s, within_s, weight=aht_s / 900)


@settings(max_examples=25, deadline=None)
@given(
    calls=st.floats(0.01, 400.0),
    aht_s=st.floats(30.0, 900.0),
    within_s=st.floats(0.0, 120.0),
    weight=st.floats(0.01, 5.0),
)
def test_envelope_property(calls: float, aht_s: float, within_s: float, weight: float) -> None:
    _check_envelope(calls, aht_s, within_s, weight)


def _scarce_doc() -> dict[str, Any]:
    """Day 0 is quiet (0.5 calls an interval, 1 agent required 08:00-20:00); day 1 has a
    four-hour peak of 30 calls an interval with 8 required and 8 agents who can only work then.
    One more agent ``S`` (one 4-hour shift) is scarce: the deviation cost wants it on day 0
    (16 intervals under by one), the service level at the peak (the 9th agent there)."""
    peak_only = [None, [600, 840]]
    agents = [agent("S", "ONE", days=2)]
    agents += [agent(f"F{i}", "ONE", availability=peak_only) for i in range(8)]
    doc = tiny_instance(agents, days=2)
    one = {"id": "ONE", "shift_paid_minutes": [240], "max_days": 1}
    doc["contracts"].append({**one, "min_weekly_paid_minutes": 240, "max_weekly_paid_minutes": 240})
    quiet = [0.5 if 480 <= t * 15 < 1200 else 0.0 for t in range(96)]
    peak = [30.0 if 600 <= t * 15 < 840 else 0.0 for t in range(96)]
    doc["requirement"] = [[1 if c else 0 for c in quiet], [8 if c else 0 for c in peak]]
    doc["demand_provenance"] = {"calls_per_interval": [quiet, peak], "aht_seconds": 180,
                                "service_level_seconds": 20}  # fmt: skip
    return doc


def _day_of(result: RosterResult, agent_id: str) -> set[int]:
    return {s.day for s in result.roster.shifts if s.agent == agent_id}


def _certified(problem: RosterProblem, result: RosterResult) -> None:
    assert result.violations == () and check_roster(problem, result.roster) == []
    sl = result.service_level
    assert sl is not None and sl == evaluate_service_level(problem, result.roster)
    assert result.report.lp_bound <= result.report.objective + 1e-6
    assert sl.objective <= sl.objective_erlang + 1e-3  # the envelope majorises Erlang C


def test_scarce_agent_goes_where_it_lifts_service_level_most() -> None:
    problem = load_instance(_scarce_doc())
    deviation = solve_roster(problem, FAST)
    service = solve_roster(problem, SL)
    for result in (deviation, service):
        _certified(problem, result)
    assert _day_of(deviation, "S") == {0} and _day_of(service, "S") == {1}
    assert deviation.report.objective == deviation.kpis.cost
    assert service.service_level is not None and deviation.service_level is not None
    assert service.report.objective == service.service_level.objective
    assert service.service_level.objective < deviation.service_level.objective
    assert service.service_level.service_level_week > deviation.service_level.service_level_week
    # the SL bound holds for every valid roster, e.g. the deviation objective's
    bound = lp_lower_bound(problem, "service_level")
    assert bound == pytest.approx(service.report.lp_bound)
    assert bound <= deviation.service_level.objective + 1e-6


def test_polish_improves_the_service_level_objective_it_reports() -> None:
    import time

    problem = load_instance(_scarce_doc())
    start = solve_roster(problem, FAST)  # S on the quiet day
    types, incumbent = incumbent_of(problem, start.roster)
    options = PolishOptions(round_s=2.0, workers=1, objective="service_level")
    deadline = time.monotonic() + 20
    final, stats = polish_roster(problem, types, problem.agents, incumbent, deadline, options)
    assert start.service_level is not None
    assert stats.cost_before == pytest.approx(start.service_level.objective)
    assert stats.improved >= 1 and stats.cost_after < stats.cost_before
    assert final.shifts["S"].keys() == {1}


def test_service_level_objective_needs_demand() -> None:
    problem = load_instance(tiny_instance())
    with pytest.raises(InputError) as info:
        solve_roster(problem, SL)
    assert info.value.problems[0].field == "demand"
    assert solve_roster(problem, FAST).service_level is None


def test_cli_solves_with_the_service_level_objective(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args, instance, out = cli_solve(tmp_path, _scarce_doc(), "scarce.json")
    assert main([*args, "--objective", "service_level"]) == 0
    printed = capsys.readouterr().out
    assert "(service level)" in printed and "predicted" in printed
    assert main(["roster", "check", str(instance), str(out)]) == 0
    assert "sl obj" in capsys.readouterr().out
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps(tiny_instance()))
    assert (
        main(["roster", "solve", str(plain), "-o", str(out), "--objective", "service_level"]) == 2
    )
