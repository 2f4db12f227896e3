"""Hiring on the roster model: vacancies, hires by contract, minimum head count.

A :class:`Vacancy` is a group of up to ``max_hires`` optional agents of one contract and one
availability pattern, each costing ``hiring_cost`` when filled. The hiring model
(:mod:`.model`) is the roster engine's aggregate model (shift-type counts per agent class with
exact break and lunch offsets) plus the vacancy family
(:mod:`optimizer.roster.constraints.vacancies`): one integer ``hires`` per vacancy group that
bounds the group's shifts, days and paid minutes as if ``hires`` people of the contract worked.

* :func:`minimum_hires`: fewest hires (or cheapest) such that a coverage target holds as a hard
  constraint: under-coverage at most ``max_under_agent_hours``, and/or predicted Erlang C
  service level at least ``service_level`` in every interval with calls. The aggregate model is
  a relaxation of real rosters, so CP-SAT's bound proves that no smaller number of hires can
  reach the target; when time runs out the gap is reported. Large models use the guided
  search (:mod:`.search`).
* :func:`optimal_hires`: hires minimising roster cost plus hiring cost.
* :func:`marginal_hires`: what one more hire of each group would still gain.

The what-if of a hiring plan (base roster, roster with the hires, gains per hire) is
:func:`scenarios.hiring_scenario.hiring_scenario`.
"""

from optimizer.roster.hiring.model import (
    sl_staffing,
    vacancy_agents,
    validate_vacancies,
)
from optimizer.roster.hiring.solve import (
    best_under_agent_intervals,
    marginal_hires,
    minimum_hires,
    optimal_hires,
)
from optimizer.roster.hiring.types import (
    EXACT_MAX_AGENTS,
    HeadcountTarget,
    HireCount,
    HiringOptions,
    HiringPlan,
    HiringReport,
    MarginalHire,
    Vacancy,
    daily_window,
    given_plan,
    hire_counts,
)

__all__ = [
    "EXACT_MAX_AGENTS",
    "HeadcountTarget",
    "HireCount",
    "HiringOptions",
    "HiringPlan",
    "HiringReport",
    "MarginalHire",
    "Vacancy",
    "best_under_agent_intervals",
    "daily_window",
    "given_plan",
    "hire_counts",
    "marginal_hires",
    "minimum_hires",
    "optimal_hires",
    "sl_staffing",
    "vacancy_agents",
    "validate_vacancies",
]
