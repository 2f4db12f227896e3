"""A thin linear-model seam so one builder feeds CP-SAT (integer) and GLOP (LP relaxation).

Constraints are added as coefficient lists ``[(var, coef), ...]`` with bounds, which both
back ends accept efficiently; coefficients must be integers (objective weights are scaled).
"""

from __future__ import annotations

from typing import Any, Protocol

from ortools.linear_solver import linear_solver_pb2, pywraplp
from ortools.sat.python import cp_model

Terms = list[tuple[Any, int]]
BIG = 10**9


class Backend(Protocol):
    def int_var(self, lb: int, ub: int, name: str) -> Any: ...

    def add_linear(self, terms: Terms, lb: int, ub: int, name: str) -> None: ...

    def minimize(self, terms: Terms) -> None: ...


class CpBackend:
    """CP-SAT: integer variables, named linear constraints."""

    def __init__(self) -> None:
        self.model = cp_model.CpModel()
        self.variables: list[cp_model.IntVar] = []

    def int_var(self, lb: int, ub: int, name: str) -> cp_model.IntVar:
        var = self.model.new_int_var(lb, ub, name)
        self.variables.append(var)
        return var

    def add_linear(self, terms: Terms, lb: int, ub: int, name: str) -> None:
        expr = cp_model.LinearExpr.weighted_sum([v for v, _ in terms], [c for _, c in terms])
        self.model.add_linear_constraint(expr, max(lb, -BIG), min(ub, BIG)).with_name(name)

    def minimize(self, terms: Terms) -> None:
        vars_ = [v for v, _ in terms]
        self.model.minimize(cp_model.LinearExpr.weighted_sum(vars_, [c for _, c in terms]))


class LpBackend:
    """GLOP: the continuous relaxation of the same model; with ``integer=True`` a MIP in
    ``pywraplp`` (SCIP: :mod:`optimizer.roster.mip_days` exports it with :meth:`proto`)."""

    def __init__(self, solver_id: str = "GLOP", integer: bool = False) -> None:
        solver = pywraplp.Solver.CreateSolver(solver_id)
        if solver is None:  # pragma: no cover - GLOP and SCIP ship with OR-Tools
            raise RuntimeError(f"{solver_id} is not available in this OR-Tools build")
        self.solver = solver
        self.integer = integer

    def int_var(self, lb: int, ub: int, name: str) -> pywraplp.Variable:
        inf = self.solver.infinity()
        make = self.solver.IntVar if self.integer else self.solver.NumVar
        return make(lb if lb > -BIG else -inf, ub if ub < BIG else inf, name)

    def add_linear(self, terms: Terms, lb: int, ub: int, name: str) -> None:
        inf = self.solver.infinity()
        ct = self.solver.Constraint(lb if lb > -BIG else -inf, ub if ub < BIG else inf, name)
        for var, coef in terms:
            ct.SetCoefficient(var, ct.GetCoefficient(var) + coef)

    def minimize(self, terms: Terms) -> None:
        objective = self.solver.Objective()
        for var, coef in terms:
            objective.SetCoefficient(var, objective.GetCoefficient(var) + coef)
        objective.SetMinimization()

    def proto(self) -> linear_solver_pb2.MPModelProto:
        """The model as an ``MPModelProto`` (to solve it again and again with other bounds)."""
        out = linear_solver_pb2.MPModelProto()
        self.solver.ExportModelToProto(out)
        return out
