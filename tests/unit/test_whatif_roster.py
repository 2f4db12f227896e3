"""The optional roster stage of a what-if run (CP-SAT engine on the shared S-1 instance)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from scenarios.errors import InputError
from scenarios.whatif import BASE_NAME, compare, run_scenario
from scenarios.whatif_model import Scenario
from scenarios.whatif_roster import RosterStage
from tests.scenarios_support import small_base


@pytest.mark.slow
def test_roster_stage_rosters_the_week_and_reacts_to_fewer_agents(
    roster_instances_dir: Path,
) -> None:
    instance = json.loads((roster_instances_dir / "S-1.json").read_text())
    base = small_base(days=7)
    quieter = base.forecast.assign(calls=base.forecast["calls"] * 0.3)
    stage = RosterStage(instance, week_start="2026-03-23", time_limit_s=4.0, seed=3)
    base = dataclasses.replace(base, forecast=quieter, roster=stage)
    full = run_scenario(base, Scenario(BASE_NAME))
    ids = [a["id"] for a in instance["agents"]][:12]
    fewer = run_scenario(base, Scenario("fewer", roster_remove_agents=tuple(ids)))
    assert full.roster is not None and fewer.roster is not None
    assert full.roster.violations == 0 and fewer.roster.violations == 0
    assert (
        full.roster.agents == len(instance["agents"])
        and fewer.roster.agents == full.roster.agents - 12
    )
    assert full.roster.paid_hours > fewer.roster.paid_hours > 0
    assert fewer.roster.under_staffed_hours > full.roster.under_staffed_hours
    assert fewer.roster.service_level < full.roster.service_level
    assert full.roster.gap >= 0 and full.roster.best_bound <= full.roster.objective + 1e-6
    assert full.provenance.stages[-1] == "roster"
    assert full.provenance.solver_seeds == (("roster", 3),)
    table = compare([full, fewer])
    assert "roster_service_level" in table and "roster_gap" in table
    with pytest.raises(InputError) as info:
        run_scenario(base, Scenario("x", roster_remove_agents=("nobody",)))
    assert info.value.problems[0].field == "roster_remove_agents"
