"""Benchmarks, one module per area, run from the repository root as modules:
``.venv/bin/python -m bench.forecast`` (``make bench`` runs them all).

Importing the package, which running any bench does before the bench's own imports, sets one
BLAS thread unless the environment names another count: the matrices are small and a shared
machine's cores are better used by one process each.
"""

from __future__ import annotations

import os
from pathlib import Path

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

#: The repository's root folder.
REPO = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    """The shared folder with the public data sets: ``STAFFWISE_SHARED_DIR``, by default the
    repository's sibling ``shared``."""
    return Path(os.environ.get("STAFFWISE_SHARED_DIR", REPO.parent / "shared"))
