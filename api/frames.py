"""DataFrames <-> JSON-safe columnar dicts (``{"column": [values...]}``) for storage."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd


def _cell(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def frame_columns(frame: pd.DataFrame) -> dict[str, list[Any]]:
    """Columns of ``frame`` as lists of JSON-safe values (NaN/inf -> None, times -> ISO)."""
    return {str(name): [_cell(v) for v in frame[name].tolist()] for name in frame.columns}
