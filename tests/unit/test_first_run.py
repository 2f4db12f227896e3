"""First run: what `make run`, the README and the docs promise a newcomer holds."""

from __future__ import annotations

import fnmatch
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import SQLModel

import api.tables  # noqa: F401  (registers the tables on SQLModel.metadata)
from api.cli import main
from api.convert.history import parse_upload
from api.db import make_engine, write_session
from api.demo import DEMO_AGENTS, demo_history_csv, load_demo
from api.routes.imports import store_import
from api.tables import Queue

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "docs" / "examples"
ASSIGNMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*(?::=|\?=|=)\s*(.*)$")
RULE = re.compile(r"^([^\s#=:][^=:]*):(?![=])\s*(.*)$")


def makefile_rules() -> dict[str, tuple[list[str], list[str]]]:
    """Target -> (prerequisites, recipe lines) of the Makefile, variables expanded."""
    variables: dict[str, str] = {}
    rules: dict[str, tuple[list[str], list[str]]] = {}
    current: list[str] = []

    def expand(text: str) -> str:
        for _ in range(10):
            text = re.sub(r"\$\((\w+)\)", lambda m: variables.get(m[1], m[0]), text)
        return text

    for line in (REPO / "Makefile").read_text().splitlines():
        if line.startswith("\t"):
            for target in current:
                rules[target][1].append(expand(line.strip()))
            continue
        current = []
        if match := ASSIGNMENT.match(line):
            variables[match[1]] = match[2].split("#")[0].strip()
        elif (match := RULE.match(line)) and not line.startswith("."):
            prereqs = [p for p in expand(match[2]).split() if p != "|"]
            current = expand(match[1]).split()
            for target in current:
                rules.setdefault(target, ([], []))[0].extend(prereqs)
    return rules


def recipes_of(target: str, rules: dict[str, tuple[list[str], list[str]]]) -> list[str]:
    """Every recipe line `make TARGET` can run: the target's and its prerequisites'."""
    seen: set[str] = set()
    lines: list[str] = []
    stack = [target]
    while stack:
        name = stack.pop()
        if name in seen or name not in rules:
            continue
        seen.add(name)
        prereqs, recipe = rules[name]
        lines += recipe
        stack += prereqs
    return lines


def installs(lines: list[str]) -> list[str]:
    return [line for line in lines if "pip install" in line and "--upgrade pip" not in line]


def test_make_run_installs_the_runtime_dependencies_only() -> None:
    rules = makefile_rules()
    run = installs(recipes_of("run", rules))
    assert run, "make run installs nothing"
    assert all("[" not in line for line in run), f"make run installs an extra: {run}"
    assert any(re.search(r"-e\s+['\"]?\.['\"]?(\s|$)", line) for line in run)


def test_make_test_installs_the_dev_tools_under_its_own_stamp() -> None:
    rules = makefile_rules()
    dev = installs(recipes_of("test", rules))
    assert any(".[dev]" in line for line in dev), dev
    run_files = {p for p in rules["run"][0] if "/" in p}
    test_files = {p for t in ("lint", "typecheck", "pytest") for p in rules[t][0] if "/" in p}
    assert run_files and test_files and not run_files & test_files  # separate stamps


def dry_run(folder: Path, target: str) -> list[str]:
    out = subprocess.run(
        ["make", "-n", target], cwd=folder, capture_output=True, text=True, check=True
    ).stdout
    return [line for line in out.splitlines() if "pip install" in line and "upgrade" not in line]


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_switching_between_run_and_test_installs_only_what_is_missing(tmp_path: Path) -> None:
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy(REPO / name, tmp_path / name)
    venv = tmp_path / ".venv"
    venv.mkdir()
    later = (tmp_path / "pyproject.toml").stat().st_mtime + 10

    def stamp(name: str) -> None:
        (venv / name).touch()
        os.utime(venv / name, (later, later))

    stamp(".venv-stamp")
    stamp(".run-stamp")  # after `make run`: the service is installed, the dev tools are not
    assert dry_run(tmp_path, "run") == []
    assert [".[dev]" in line for line in dry_run(tmp_path, "pytest")] == [True]
    (venv / ".run-stamp").unlink()
    stamp(".dev-stamp")  # after `make test` only
    assert dry_run(tmp_path, "pytest") == []
    run = dry_run(tmp_path, "run")
    assert len(run) == 1 and "[" not in run[0]


def test_sqlite_side_files_are_ignored() -> None:
    patterns = [p.strip() for p in (REPO / ".gitignore").read_text().splitlines()]
    for name in ("staffwise.db-wal", "staffwise.db-shm", "staffwise.db"):
        assert any(p and fnmatch.fnmatch(name, p) for p in patterns), name


def demo_agent_mentions() -> list[tuple[str, int, str]]:
    """(file, number, sentence) of every "N agents" written about the demo."""
    found = []
    for path in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]:
        text = path.read_text()
        for match in re.finditer(r"(\d+)\s+agents", text):
            sentence_start = max(text.rfind(". ", 0, match.start()), match.start() - 160)
            before = text[sentence_start : match.start()]
            if re.search(r"\bdemo\b", before, re.IGNORECASE):
                after = text[match.end() : match.end() + 120]
                found.append((path.name, int(match[1]), (before + match[0] + after)))
    return found


def test_docs_give_the_demo_its_agent_count() -> None:
    mentions = demo_agent_mentions()
    assert mentions, "no doc names the demo's agents"
    for name, number, sentence in mentions:
        if number != DEMO_AGENTS:  # only a dated measurement may name an older demo
            assert f"today's demo has {DEMO_AGENTS}" in sentence, (name, number, sentence)


def test_capacity_example_runs_through_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    example = EXAMPLES / "capacity_plan.json"
    assert main(["capacity", "plan", str(example), "--time-limit", "20"]) == 0
    out = capsys.readouterr().out
    assert "status optimal" in out and "hires (recruiting" in out
    readme = (REPO / "README.md").read_text()
    assert "staffwise capacity plan docs/examples/capacity_plan.json" in readme


def test_readme_upload_example_imports_a_new_week(tmp_path: Path) -> None:
    script = EXAMPLES / "next_week_history.py"
    env = {**os.environ, "PYTHONPATH": str(EXAMPLES.parents[1])}
    run = subprocess.run(
        [sys.executable, str(script)], capture_output=True, env=env, check=True, timeout=120
    )
    new_file = run.stdout
    stored = set(demo_history_csv().splitlines()[1:])  # the same series as the demo's
    assert stored < set(new_file.decode().splitlines()[1:])
    engine = make_engine(f"sqlite:///{tmp_path / 'demo.db'}")
    SQLModel.metadata.create_all(engine)
    ids = load_demo(engine)
    with write_session(engine) as session:
        queue = session.get(Queue, ids.queue_id)
        assert queue is not None
        _own, created_own = store_import(
            session,
            queue,
            parse_upload(demo_history_csv().encode(), queue, "America/New_York", None),
            "own.csv",
        )
        new, created_new = store_import(
            session, queue, parse_upload(new_file, queue, "America/New_York", None), "history.csv"
        )
        assert not created_own  # the old example: "already imported", nothing happens
        assert created_new
        assert (new.inserted, new.updated, new.unchanged) == (272, 0, 2720)
        assert (
            new.last_interval is not None and new.last_interval.date().isoformat() == "2026-11-14"
        )
    readme = (REPO / "README.md").read_text()
    assert "docs/examples/next_week_history.py > history.csv" in readme
    assert "from api.demo import demo_history_csv" not in readme
