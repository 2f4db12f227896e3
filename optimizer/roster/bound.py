"""LP lower bound of the roster cost: the continuous relaxation of the aggregate model.

The aggregate model (:mod:`optimizer.roster.build`) is a relaxation of the real problem: each
constraint it holds is satisfied by every valid roster (class totals, valid rest cuts, Hall
conditions on break/lunch offsets). Its LP optimum (GLOP) is therefore a lower bound on the
cost of any roster. With ``objective="service_level"`` the same holds for the service-level
objective of :mod:`optimizer.roster.constraints.service_level` (its concave envelope, and hence
also the objective with the exact Erlang C curve, which the envelope majorises).
"""

from __future__ import annotations

from optimizer.roster.backend import LpBackend
from optimizer.roster.build import build_aggregate
from optimizer.roster.model import SCALE, Objective
from optimizer.roster.problem import Agent, RosterProblem
from optimizer.roster.shifts import AgentClass, agent_classes, enumerate_shift_types

__all__ = ["lp_lower_bound", "lp_solution"]


def lp_solution(
    problem: RosterProblem,
    agents: tuple[Agent, ...] | None = None,
    objective: Objective = "deviation",
    classes: list[AgentClass] | None = None,
) -> tuple[float, dict[str, float], list[AgentClass]]:
    """LP optimum (in cost units) and the value of every variable by name; ``classes``: the
    agent classes of the model (default :func:`agent_classes` of ``agents``)."""
    types = enumerate_shift_types(problem)
    if classes is None:
        classes = agent_classes(problem, problem.agents if agents is None else agents)
    backend = LpBackend()
    build_aggregate(problem, backend, types, classes, objective=objective)
    status = backend.solver.Solve()
    if status not in (backend.solver.OPTIMAL, backend.solver.FEASIBLE):
        return float("inf"), {}, classes
    values = {v.name(): v.solution_value() for v in backend.solver.variables()}
    return backend.solver.Objective().Value() / SCALE, values, classes


def lp_lower_bound(problem: RosterProblem, objective: Objective = "deviation") -> float:
    """Lower bound on the objective of every valid roster (``inf`` if the relaxation is
    infeasible)."""
    return lp_solution(problem, objective=objective)[0]
