"""Shared fixtures: where the public call-center data and the reference tables live."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    """``../shared`` beside the checkout (CI layout), or ``STAFFWISE_SHARED_DIR``."""
    return Path(os.environ.get("STAFFWISE_SHARED_DIR", REPO_ROOT.parent / "shared"))


def _shared(what: str, *parts: str) -> Path:
    """``shared_dir() / parts``; the test is skipped when it is missing."""
    path = shared_dir().joinpath(*parts)
    if not path.is_dir():
        pytest.skip(f"{what} not found at {path} (set STAFFWISE_SHARED_DIR)")
    return path


@pytest.fixture(scope="session")
def shared_data_dir() -> Path:
    return _shared("public call-center data", "data")


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    return _shared("reference tables", "reference")


@pytest.fixture(scope="session")
def roster_instances_dir() -> Path:
    return _shared("roster instances", "data", "rosters", "contact_center")
