"""Shared fixtures: where the public call-center data and the reference tables live."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    """``../shared`` beside the checkout (CI layout), or ``STAFFWISE_SHARED_DIR``."""
    return Path(os.environ.get("STAFFWISE_SHARED_DIR", REPO_ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def shared_data_dir() -> Path:
    path = shared_dir() / "data"
    if not path.is_dir():
        pytest.skip(f"public call-center data not found at {path} (set STAFFWISE_SHARED_DIR)")
    return path


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    path = shared_dir() / "reference"
    if not path.is_dir():
        pytest.skip(f"reference tables not found at {path} (set STAFFWISE_SHARED_DIR)")
    return path


@pytest.fixture(scope="session")
def roster_instances_dir() -> Path:
    path = shared_dir() / "data" / "rosters" / "contact_center"
    if not path.is_dir():
        pytest.skip(f"roster instances not found at {path} (set STAFFWISE_SHARED_DIR)")
    return path
