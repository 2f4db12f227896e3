"""Site rosters (issue 28): the /2 format, the exact cost LP, the check and the solver."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from optimizer.errors import InputError
from optimizer.roster.bound import lp_lower_bound
from optimizer.roster.constraints.backlog import cohorts, early_processing, open_intervals
from optimizer.roster.evaluate import evaluate_roster
from optimizer.roster.io import load_instance, load_roster
from optimizer.roster.shifts import enumerate_shift_types
from optimizer.roster.site.check import check_site_roster
from optimizer.roster.site.cost import site_cost
from optimizer.roster.site.io import load_site_instance, load_site_roster, one_queue_site
from optimizer.roster.site.problem import DeferredQueue, SiteRoster
from optimizer.roster.site.solve import SiteSolveOptions, site_lp_bound, solve_site
from tests.conftest import shared_dir
from tests.roster_support import tiny_instance
from tests.unit.test_site_roster_data import roster_doc, shift, tiny_site


def test_reads_queues_skills_and_backlog() -> None:
    site = load_site_instance(tiny_site())
    assert [q.id for q in site.queues] == ["V1", "V2", "E1"]
    assert site.skill_set("A3") == frozenset({"V2", "E1"})
    e1 = site.queue("E1")
    assert isinstance(e1, DeferredQueue) and e1.initial_backlog[0].age_min == 30
    assert site.core.requirement[0][40] == 2  # the live queues summed: V1 1 + V2 1


def test_v1_document_is_one_voice_queue() -> None:
    site = load_site_instance(tiny_instance())
    assert [q.id for q in site.queues] == ["Q"]
    assert site.skill_set("A1") == frozenset({"Q"})


def test_unknown_skill_is_an_input_error() -> None:
    doc = tiny_site([["V1", "X9"]])
    with pytest.raises(InputError) as err:
        load_site_instance(doc)
    assert any(p.field == "agents[0].skills" for p in err.value.problems)


def test_one_queue_cost_is_the_v1_cost() -> None:
    doc = tiny_instance()
    doc["requirement"][0][40:44] = [3, 3, 3, 3]
    problem = load_instance(doc)
    roster = load_roster(roster_doc([shift("A1", 0, 480, 720), shift("A1", 1, 600, 960)]))
    expected = evaluate_roster(problem, roster).cost
    assert site_cost(one_queue_site(problem), SiteRoster(roster)).cost == pytest.approx(
        expected, abs=1e-6
    )


def test_shared_agent_covers_one_queue_at_a_time() -> None:
    # one agent skilled on V1 and V2, both requiring one agent 10:00-14:00: one of them is short
    site = load_site_instance(tiny_site([["V1", "V2"]], deferred=False, days=2))
    roster = load_site_roster(roster_doc([shift("A1", 0, 600, 840)]))
    cost = site_cost(site, roster)
    for t in range(40, 56):
        assert cost.coverage["V1"][0][t] + cost.coverage["V2"][0][t] <= 1 + 1e-9
    required = sum(sum(map(sum, q.requirement)) for q in site.live)
    assert cost.under["V1"] + cost.under["V2"] == pytest.approx(required - 16)  # 16 on phone
    assert all(cost.coverage["V2"][0][t] == 1 for t in range(40, 56))  # the heavier weight


def test_deferred_work_waits_for_its_arrival() -> None:
    site = load_site_instance(tiny_site([["E1"]], days=2))
    roster = load_site_roster(roster_doc([shift("A1", 0, 420, 720)]))
    cost = site_cost(site, roster)
    slots = open_intervals(site.core)
    processed = [cost.coverage["E1"][d][t] for d, t in slots]
    e1 = site.queue("E1")
    assert isinstance(e1, DeferredQueue)
    work = cohorts(site.core, e1.arrivals, e1.work_min, e1.deadline_min, [(2, 30)])
    assert early_processing(work, processed) == []
    assert sum(processed[: slots.index((0, 41))]) == pytest.approx(2.0)  # the backlog only
    # on time: the 2 waiting items and day 0's 10:00 three; late: the 7 that come after 12:00
    assert cost.within_deadline_share == pytest.approx(5 / 12)
    assert cost.late_work_min == pytest.approx(7 * 15)
    assert early_processing(work, [5.0] + [0.0] * 10)[0] == 0  # the check can fail


def test_late_and_carried_over_work_is_priced() -> None:
    doc = tiny_site([["E1"]], days=2)
    doc["queues"][2]["deadline_minutes"] = 1200  # day 1's items are due next week
    site = load_site_instance(doc)
    roster = load_site_roster(roster_doc([shift("A1", 0, 420, 600)]))  # before the arrivals
    cost = site_cost(site, roster)
    assert cost.late_work_min == pytest.approx(5 * 15)  # day 0's items, due on day 1
    assert cost.carry_over_work_min == pytest.approx(5 * 15)  # day 1's, not yet due
    assert cost.over_idle == pytest.approx(12 - 2)  # the 2 waiting items are the only work
    assert cost.within_deadline_share == pytest.approx(2 / 7)


def _brute_force(site_doc: dict, n_slots: int) -> float:
    """Every whole allocation of two agents over ``n_slots`` intervals (the tiny case)."""
    best = float("inf")
    choices = [["V1", "E1", None], ["V1", "V2", None]]
    v1 = [1, 0, 2, 1]
    v2 = [0, 1, 1, 0]
    for plan in itertools.product(*(choices[a] for a in (0, 1) for _ in range(n_slots))):
        a1, a2 = plan[:n_slots], plan[n_slots:]
        cost, backlog, idle = 0.0, [], 0
        for t in range(n_slots):
            picks = [a1[t], a2[t]]
            cost += max(0, v1[t] - picks.count("V1")) + 1.5 * max(0, v2[t] - picks.count("V2"))
            idle += max(0, picks.count("V1") - v1[t]) + max(0, picks.count("V2") - v2[t])
            idle += picks.count(None)
            if "E1" in picks:
                if t >= 1 and backlog == []:
                    backlog = [t]
                else:
                    idle += 1  # nothing workable yet (the item arrives in interval 0)
        late = 0 if backlog and backlog[0] <= 2 else 1
        best = min(best, cost + 0.1 * idle + late)
    return best


def test_cost_matches_brute_force_on_a_tiny_site() -> None:
    doc = tiny_site([["V1", "E1"], ["V1", "V2"]], days=2)
    doc["opening_hours"] = [[480, 540], None]
    v1, v2 = [[0] * 96, [0] * 96], [[0] * 96, [0] * 96]
    v1[0][32:36], v2[0][32:36] = [1, 0, 2, 1], [0, 1, 1, 0]
    doc["queues"][0]["requirement"], doc["queues"][1]["requirement"] = v1, v2
    arrivals = [[0] * 96, [0] * 96]
    arrivals[0][32] = 1
    doc["queues"][2].update(arrivals=arrivals, deadline_minutes=30, initial_backlog=[])
    site = load_site_instance(doc)
    roster = load_site_roster(roster_doc([shift("A1", 0, 480, 540), shift("A2", 0, 480, 540)]))
    cost = site_cost(site, roster).cost - 0.002 * 8
    assert cost == pytest.approx(_brute_force(doc, 4), abs=1e-6)


def test_check_flags_skills_overlaps_and_double_booking() -> None:
    site = load_site_instance(tiny_site())
    blocks = [{"queue": "E1", "start": 480, "end": 600}, {"queue": "V1", "start": 540, "end": 660}]
    shifts = [shift("A2", 0, 480, 720, allocation=blocks), shift("A1", 1, 480, 600)]
    shifts.append(shift("A1", 1, 780, 900))
    rules = {v.rule for v in check_site_roster(site, load_site_roster(roster_doc(shifts)))}
    assert {"skills", "allocation", "double_booked"} <= rules
    ok = [shift("A1", 0, 480, 720, allocation=[{"queue": "V2", "start": 480, "end": 720}])]
    violations = check_site_roster(site, load_site_roster(roster_doc(ok)))
    assert not [v for v in violations if v.rule in ("skills", "allocation")]


def test_allocation_blocks_are_scored_as_stated() -> None:
    site = load_site_instance(tiny_site([["V1", "V2"]], deferred=False, days=2))
    free = site_cost(site, load_site_roster(roster_doc([shift("A1", 0, 480, 720)])))
    block = [{"queue": "V1", "start": 480, "end": 720}]
    fixed = site_cost(
        site, load_site_roster(roster_doc([shift("A1", 0, 480, 720, allocation=block)]))
    )
    assert fixed.coverage["V2"][0][40] == 0 and free.coverage["V2"][0][40] == 1
    assert fixed.cost > free.cost


def test_one_queue_lp_bound_is_todays() -> None:
    problem = load_instance(tiny_instance())
    site = one_queue_site(problem)
    bound = site_lp_bound(site, enumerate_shift_types(problem), problem.agents, 30.0)
    assert bound.value == pytest.approx(lp_lower_bound(problem), abs=1e-6)


def test_cross_training_never_raises_the_bound() -> None:
    narrow = load_site_instance(tiny_site([["V1"], ["V1"], ["E1"], ["E1"]]))
    wide = load_site_instance(tiny_site([["V1", "V2"], ["V1"], ["V2", "E1"], ["E1"]]))
    bounds = [
        site_lp_bound(s, enumerate_shift_types(s.core), s.core.agents, 30.0).value
        for s in (narrow, wide)
    ]
    assert bounds[0] is not None and bounds[1] is not None
    assert bounds[1] <= bounds[0] + 1e-9


def test_solve_gives_a_valid_roster_with_its_bound() -> None:
    site = load_site_instance(tiny_site())
    result = solve_site(site, SiteSolveOptions(time_limit_s=10.0, workers=1))
    assert result.violations == () and result.report.status in ("OPTIMAL", "FEASIBLE")
    assert check_site_roster(site, result.roster) == []
    assert result.report.bound is not None
    assert result.report.bound <= result.cost.cost + 1e-6
    assert result.report.objective == result.cost.cost
    assert result.report.source == "site_model" and result.report.lp_status == "OPTIMAL"


def test_cli_solves_and_checks_a_site(tmp_path: Path) -> None:
    from api.cli import main

    instance = tmp_path / "site.json"
    instance.write_text(json.dumps(tiny_site()))
    out = tmp_path / "roster.json"
    args = ["roster", "solve", str(instance), "--time-limit", "3", "-o", str(out)]
    assert main([*args, "--workers", "1"]) == 0
    doc = json.loads(out.read_text())
    assert set(doc["site"]["coverage"]) == {"V1", "V2", "E1"}
    assert "E1" in doc["site"]["backlog"]["work_minutes"]
    assert 0 <= doc["site"]["within_deadline_share"] <= 1
    report = tmp_path / "cost.json"
    assert main(["roster", "check", str(instance), str(out), "--json", str(report)]) == 0
    assert json.loads(report.read_text())["cost"] == pytest.approx(doc["site"]["cost"])


def test_ms_s_9_lp_bound_matches_the_published_one() -> None:
    path = shared_dir() / "data" / "rosters" / "contact_center_ms"
    if not (path / "MS-S-9.json").is_file():
        pytest.skip(f"multi-skill roster instances not found at {path} (set STAFFWISE_SHARED_DIR)")
    site = load_site_instance(path / "MS-S-9.json")
    published = json.loads((path / "bounds.json").read_text())["MS-S-9"]["lp_bound"]
    bound = site_lp_bound(site, enumerate_shift_types(site.core), site.core.agents, 60.0)
    assert bound.value == pytest.approx(published, abs=1e-3)
