"""The core packages never import the web, the database or settings (DESIGN.md)."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

CORE = ("forecasting", "optimizer", "scenarios", "actuals")
FORBIDDEN = (
    "api",
    "fastapi",
    "starlette",
    "sqlmodel",
    "sqlalchemy",
    "alembic",
    "uvicorn",
    "pydantic_settings",
    "dask",
    "distributed",
    "psycopg",
)
# Allowed direction: forecasting -> optimizer -> scenarios (-> api).
LOWER = {
    "forecasting": set(),
    "optimizer": {"forecasting"},
    "scenarios": {"forecasting", "optimizer"},
    "actuals": {"forecasting", "optimizer", "scenarios"},
}


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def _offenders(package: str, forbidden: Callable[[str], bool]) -> list[str]:
    """``path imports name`` for every import of ``package`` whose top-level name is
    ``forbidden``."""
    return [
        f"{path.relative_to(REPO_ROOT)} imports {name}"
        for path in sorted((REPO_ROOT / package).rglob("*.py"))
        for name in _imports(path)
        if forbidden(name.split(".")[0])
    ]


@pytest.mark.parametrize("package", CORE)
def test_core_never_imports_web_or_database(package: str) -> None:
    offenders = _offenders(package, lambda top: top in FORBIDDEN)
    assert not offenders, "\n".join(offenders)


@pytest.mark.parametrize("package", CORE)
def test_dependencies_point_one_way(package: str) -> None:
    lower = LOWER[package]
    offenders = _offenders(package, lambda top: top in CORE and top != package and top not in lower)
    assert not offenders, "\n".join(offenders)


PROJECT = ("forecasting", "optimizer", "scenarios", "actuals", "api")


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _targets(node: ast.AST, module: str, is_package: bool, known: set[str]) -> list[str]:
    """Project modules an import statement loads (the deepest that exists per name),
    relative imports resolved; function-level and TYPE_CHECKING imports count too."""
    names: list[str] = []
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    elif isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:
            package = module.split(".")
            package = package if is_package else package[:-1]
            package = package[: len(package) - (node.level - 1)]
            base = ".".join([*package, base] if base else package)
        # ``from pkg import module`` loads the module; ``from pkg import name`` the package
        names = [
            f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
            for alias in node.names
        ]
    out = []
    for name in names:
        parts = name.split(".")
        while parts and ".".join(parts) not in known:
            parts.pop()
        if parts:
            out.append(".".join(parts))
    return out


def _import_graph() -> dict[str, set[str]]:
    paths = [p for package in PROJECT for p in sorted((REPO_ROOT / package).rglob("*.py"))]
    modules = {_module_name(p): p for p in paths}
    known = set(modules)
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        is_package = path.name == "__init__.py"
        edges = graph.setdefault(module, set())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                edges.update(t for t in _targets(node, module, is_package, known) if t != module)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[frozenset[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    out.append(frozenset(component))
    return out


def test_the_cycle_finder_finds_a_cycle_through_a_function_level_import() -> None:
    tree = ast.parse("def f():\n    from pkg.b import g\n    from . import b, h\n")
    first, relative = [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    known = {"pkg", "pkg.a", "pkg.b"}
    assert _targets(first, "pkg.a", False, known) == ["pkg.b"]
    assert _targets(relative, "pkg.a", False, known) == ["pkg.b", "pkg"]
    graph = {"pkg.a": {"pkg.b"}, "pkg.b": {"pkg.c"}, "pkg.c": {"pkg.a"}, "pkg.d": {"pkg.a"}}
    assert _cycles(graph) == [frozenset({"pkg.a", "pkg.b", "pkg.c"})]


def test_no_import_cycles_among_the_project_modules() -> None:
    cycles = sorted(sorted(c) for c in _cycles(_import_graph()))
    assert not cycles, f"import cycles: {cycles}"


def test_routes_and_tasks_never_import_each_other() -> None:
    """Routes and job tasks share the conversion layer (api.convert), not each other's code."""
    graph = _import_graph()
    pairs = (("api.routes", "api.tasks"), ("api.tasks", "api.routes"))
    offenders = sorted(
        f"{module} imports {target}"
        for source, forbidden in pairs
        for module, targets in graph.items()
        if module == source or module.startswith(source + ".")
        for target in targets
        if target == forbidden or target.startswith(forbidden + ".")
    )
    assert not offenders, "\n".join(offenders)
