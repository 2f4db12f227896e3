"""A separate virtual environment for the open peers we benchmark against (pyworkforce).

pyworkforce is installed only for the benchmarks, never as a Staffwise dependency, and in its own
environment (``.venv-peers``) because its 0.5.4 release needs Python >= 3.12 while Staffwise
supports 3.11+. Benchmarks call the peer in a subprocess through :func:`run_peer`, sending JSON on
stdin and reading JSON on stdout, so both sides see the same inputs.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
PEER_VENV = REPO_ROOT / ".venv-peers"
PEER_PACKAGE = "pyworkforce==0.5.4"
FALLBACK_PACKAGE = "pyworkforce==0.5.1"  # last release that installs on Python 3.11 (no ErlangA)


def _python_312_or_newer() -> str | None:
    candidates = sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.1[2-4]*/bin/python3")))
    candidates += [shutil.which(f"python3.{minor}") or "" for minor in (14, 13, 12)]
    for candidate in candidates:
        if not candidate:
            continue
        probe = subprocess.run([candidate, "-c", "import venv"], capture_output=True, check=False)
        if probe.returncode == 0:
            return candidate
    return None


def peer_python() -> Path:
    """Return the interpreter of ``.venv-peers``, creating and installing it on first use."""
    python = PEER_VENV / "bin" / "python"
    if python.exists() and (PEER_VENV / ".installed").exists():
        return python
    base = _python_312_or_newer()
    package = PEER_PACKAGE if base else FALLBACK_PACKAGE
    subprocess.run([base or sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
    pip = [str(python), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([*pip, package], check=True)
    (PEER_VENV / ".installed").write_text(package + "\n")
    return python


def peer_version() -> str:
    """The pyworkforce requirement installed in the peer environment."""
    peer_python()
    return (PEER_VENV / ".installed").read_text().strip()


def run_peer(script: str, payload: dict[str, Any], timeout_s: float = 3600) -> Any:
    """Run ``script`` (Python source) in the peer environment; it reads JSON from stdin and
    must print one JSON document on its last stdout line."""
    proc = subprocess.run(
        [str(peer_python()), "-c", script],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"peer script failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])
