"""What one more agent on the phone is worth, per live queue and interval, in a roster's exact
cost LP, and how much live cover agents with a deferred skill give.

The cost LP (:mod:`optimizer.roster.site.cost`) covers each live queue's requirement with
``cover[q, d, t]: sum_g a[g, q, d, t] + under[q, d, t] = requirement``; the row's dual is the
cost one more agent covering ``q`` there takes off (one agent-interval less to cover): about
the queue's weight where it stays uncovered, the value of e-mail work where an e-mail-skilled
agent covers it (0.05 per 15 work-minutes carried over: that agent moves to the work), zero
where idle agents could cover it. (The LP is degenerate: a dual lies between the value of one
agent-interval less to cover and of one more; the trade round only asks whether it is
positive.) Unlike the duals of the sets' split rows, it exists for every
interval with a requirement, also where a set has no agent on the phone yet.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from optimizer.roster.site.cost import solved_cost_lp
from optimizer.roster.site.problem import SiteProblem, SiteRoster

__all__ = ["Marginals", "marginals"]

Rows = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Marginals:
    """``values``: the LP's solution by variable name; ``gain[q]``: per day and interval, the
    cost decrease of one more agent covering live queue ``q`` (0 without a requirement);
    ``relief``: per day and interval, live cover given by agents with a deferred skill."""

    values: dict[str, float]
    gain: dict[str, Rows]
    relief: Rows


def marginals(site: SiteProblem, roster: SiteRoster) -> Marginals:
    """The exact cost LP of ``roster`` with its cover duals (module docstring)."""
    solver, av = solved_cost_lp(site, roster)[:2]
    core = site.core
    shape = (core.days, core.intervals_per_day)
    gain = {q.id: np.zeros(shape) for q in site.live}
    for (qid, d, t), _ in av.under.items():
        gain[qid][d, t] = solver.LookupConstraint(f"cover[{qid},{d},{t}]").dual_value()
    deferred = {e.id for e in site.deferred}
    relief = np.zeros(shape)
    for (g, _, d, t), var in av.live.items():
        if g & deferred:
            relief[d, t] += var.solution_value()
    values = {v.name(): v.solution_value() for v in solver.variables()}
    return Marginals(values, gain, relief)
