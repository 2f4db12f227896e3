"""Sites too large for the full site LP still get a bound of their own: the LP of the same site
with every agent given every skill (a relaxation: more skills never raise the optimum)."""

from __future__ import annotations

import pytest

from optimizer.roster.shifts import enumerate_shift_types
from optimizer.roster.site import solve as site_solve
from optimizer.roster.site.io import load_site_instance
from optimizer.roster.site.solve import SiteSolveOptions, pooled_site, site_lp_bound, solve_site
from tests.unit.test_site_roster_data import tiny_site


def test_the_pooled_lp_is_below_the_full_lp() -> None:
    site = load_site_instance(tiny_site())
    types = enumerate_shift_types(site.core)
    full = site_lp_bound(site, types, site.core.agents, 30.0)
    pooled = site_lp_bound(pooled_site(site), types, site.core.agents, 30.0)
    assert full.value is not None and pooled.value is not None
    assert pooled.value <= full.value + 1e-9
    assert all(s == frozenset({"V1", "V2", "E1"}) for s in pooled_site(site).skills.values())


def test_a_site_too_large_for_the_full_lp_reports_the_pooled_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = load_site_instance(tiny_site())
    monkeypatch.setattr(site_solve, "FULL_MODEL_COPIES", 0)  # "too large": the pooled LP
    result = solve_site(site, SiteSolveOptions(time_limit_s=8.0, workers=1))
    report = result.report
    assert report.lp_status == "POOLED" and report.bound is not None
    assert report.bound <= result.cost.cost + 1e-6 and report.gap is not None


def test_the_pooled_lp_by_clp_equals_glop() -> None:
    """The pooled LP is solved by CLP (faster there); both solvers give the same optimum."""
    site = pooled_site(load_site_instance(tiny_site()))
    types = enumerate_shift_types(site.core)
    glop = site_lp_bound(site, types, site.core.agents, 30.0)
    clp = site_lp_bound(site, types, site.core.agents, 30.0, solver_id="CLP")
    assert glop.value is not None and clp.value is not None
    assert clp.value == pytest.approx(glop.value, abs=1e-6)
    assert site_solve.POOLED_LP_SOLVER == "CLP"
