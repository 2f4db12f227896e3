"""The bench's stored bounds of generated roster instances (``bench.instance_bounds``)."""

from __future__ import annotations

import json
from pathlib import Path

from bench.instance_bounds import BOUNDS_FILE, GENERATED, stored_bounds
from bench.roster import reference_bound


def test_stored_bounds_read_the_file_and_nothing_without_it(tmp_path: Path) -> None:
    path = tmp_path / "bounds.json"
    assert stored_bounds(path) == {}
    path.write_text(json.dumps({"M-2": {"bound": 70.5, "converged": True}}))
    assert stored_bounds(path) == {"M-2": 70.5}


def test_the_bench_takes_the_larger_of_the_published_and_the_stored_bound() -> None:
    published = {"M-1": {"lp_bound": 88.035}}
    generated = {"M-2": 70.855, "M-1": 80.0}
    assert reference_bound("M-1", published, generated) == 88.035
    assert reference_bound("M-2", published, generated) == 70.855
    assert reference_bound("L-2", published, generated) == 0.0


def test_the_shipped_file_holds_each_generated_instance_with_how_it_was_got() -> None:
    data = json.loads(BOUNDS_FILE.read_text())
    assert set(GENERATED) <= set(data)
    for entry in data.values():
        assert entry["bound"] > 0 and entry["iterations"] >= 1
        assert "colgen" in entry["method"]
