"""Size limits of issue 23: no module over 500 lines, no function over 60, outside migrations.

Long modules and functions are where the next change gets slow and risky; the limits are
checked here so that they hold after every change, not only on the day they were met.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO_ROOT

PACKAGES = ("forecasting", "optimizer", "scenarios", "actuals", "api")
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60


def _sources() -> list[Path]:
    return [
        path
        for package in PACKAGES
        for path in sorted((REPO_ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
    ]


def long_modules(paths: list[Path], root: Path = REPO_ROOT) -> list[str]:
    """``path: N lines`` for every file longer than ``MAX_MODULE_LINES``."""
    found = []
    for path in paths:
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_MODULE_LINES:
            found.append(f"{path.relative_to(root)}: {lines} lines")
    return found


def long_functions(paths: list[Path], root: Path = REPO_ROOT) -> list[str]:
    """``path:line name: N lines`` for every function (decorators excluded) over
    ``MAX_FUNCTION_LINES``."""
    found = []
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    where = f"{path.relative_to(root)}:{node.lineno}"
                    found.append(f"{where} {node.name}: {lines} lines")
    return found


def test_no_module_over_500_lines() -> None:
    assert long_modules(_sources()) == []


def test_no_function_over_60_lines() -> None:
    assert long_functions(_sources()) == []


def test_the_checks_find_a_long_module_and_a_long_function(tmp_path: Path) -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(61))
    sample = tmp_path / "sample.py"
    sample.write_text(f"def long():\n{body}\n" + "y = 1\n" * 440, encoding="utf-8")
    assert long_modules([sample], tmp_path) == ["sample.py: 502 lines"]
    assert long_functions([sample], tmp_path) == ["sample.py:1 long: 62 lines"]
    short = tmp_path / "short.py"
    short.write_text("def f():\n    return 1\n", encoding="utf-8")
    assert long_modules([short], tmp_path) == long_functions([short], tmp_path) == []
