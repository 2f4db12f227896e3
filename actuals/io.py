"""Validation of imported interval actuals and attendance spans (CSV text or JSON records).

Interval actuals: ``interval_start`` (ISO 8601; without an offset: local time in the queue's
zone), ``offered``, ``answered``, ``abandoned``, ``answered_within`` (answered within the
goal's threshold) and optionally ``abandoned_short``, ``aht_s``, ``asa_s``,
``agents_staffed``. Instead of ``answered_within`` a wait distribution may be given:
columns ``answered_within_<N>s`` (calls answered within N seconds, cumulative, e.g.
``answered_within_10s``, ``answered_within_30s``); the count at the goal's threshold is then
derived, exactly when it is one of the Ns, else by linear interpolation between the two Ns
around it (0 calls within 0 s). A deferred queue (e-mail, tickets) needs ``interval_start``,
``offered`` (items arrived), ``resolved`` and ``resolved_within_deadline``, the call columns
being optional; any queue may give ``resolved``/``resolved_within_deadline`` (together) and
``backlog``. Attendance: ``agent``, ``start``, ``end``. Every problem is reported with its
1-based data row and field, like the history import.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from actuals.types import ACTUAL_COLUMNS, ATTENDANCE_COLUMNS, DEFERRED_COLUMNS
from forecasting.errors import InvalidInput, Problem

REQUIRED = ("interval_start", "offered", "answered", "abandoned", "answered_within")
DEFERRED_REQUIRED = ("interval_start", "offered", "resolved", "resolved_within_deadline")
OPTIONAL = ("abandoned_short", "aht_s", "asa_s", "agents_staffed")
MAX_PROBLEMS = 100
# (smaller, larger): the smaller count may not exceed the larger one
BOUNDS = (
    ("answered", "offered"),
    ("abandoned", "offered"),
    ("answered_within", "answered"),
    ("abandoned_short", "abandoned"),
    ("resolved_within_deadline", "resolved"),
)
PAIRED = ("resolved", "resolved_within_deadline")  # given together or not at all


WAIT_COLUMN = re.compile(r"^answered_within_(\d+(?:\.\d+)?)s$")


def wait_columns(frame: pd.DataFrame) -> list[tuple[float, str]]:
    """The wait distribution's (seconds, column) pairs, by seconds."""
    found = [(float(m.group(1)), str(c)) for c in frame.columns if (m := WAIT_COLUMN.match(str(c)))]
    return sorted(found)


def derived_within(frame: pd.DataFrame, threshold: float, answered: np.ndarray,
                   problems: list[Problem]) -> np.ndarray | None:  # fmt: skip
    """Answered within ``threshold`` seconds from the wait columns (module doc); None when
    the columns end before it. Each column is a count <= answered, non-decreasing in N."""
    waits = wait_columns(frame)
    if not waits or threshold > waits[-1][0]:
        return None
    matrix = np.vstack([_numbers(frame, name, True, problems) for _s, name in waits])
    for (_s, name), counts in zip(waits, matrix, strict=True):
        for row in np.flatnonzero(counts > answered + 1e-9):
            problems.append(Problem(int(row) + 1, name, "inconsistent", f"{name} exceeds answered"))
    for step, (_s, name) in enumerate(waits[1:]):
        for row in np.flatnonzero(matrix[step + 1] < matrix[step] - 1e-9):
            message = f"{name} is below the count of a shorter wait"
            problems.append(Problem(int(row) + 1, name, "inconsistent", message))
    seconds = [0.0, *(s for s, _name in waits)]
    return np.array([np.interp(threshold, seconds, [0.0, *matrix[:, r]])
                     for r in range(matrix.shape[1])])  # fmt: skip


def read_records(data: bytes | Sequence[dict[str, Any]]) -> pd.DataFrame:
    """CSV bytes or JSON records as a frame of strings/values (no validation yet)."""
    if isinstance(data, bytes | bytearray):
        try:
            return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
        except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
            raise InvalidInput([Problem(None, None, "unreadable", f"not a CSV: {exc}")]) from None
    return pd.DataFrame(list(data))


def _missing(frame: pd.DataFrame, required: Sequence[str]) -> None:
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InvalidInput(
            [Problem(None, c, "missing_column", f"column {c} is required") for c in missing]
        )


def _instant(value: Any, zone: str) -> pd.Timestamp | None:
    text = str(value).strip()
    try:
        stamp = pd.Timestamp(text) if text else None
    except ValueError:
        return None
    if not isinstance(stamp, pd.Timestamp):
        return None
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize(zone, nonexistent="shift_forward", ambiguous=True)
    return stamp.tz_convert("UTC")


def _instants(values: pd.Series, field: str, zone: str, problems: list[Problem]) -> pd.Series:
    out: list[Any] = []
    for row, value in enumerate(values, start=1):
        stamp = _instant(value, zone)
        if stamp is None:
            problems.append(Problem(row, field, "invalid", f"{field} is not an ISO 8601 instant"))
        out.append(stamp)
    return pd.Series(pd.to_datetime(out, utc=True), index=values.index)


def _numbers(
    frame: pd.DataFrame, field: str, required: bool, problems: list[Problem]
) -> np.ndarray:
    if field not in frame.columns:
        return np.full(len(frame), np.nan)
    raw = frame[field].replace({"": None})
    values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float, copy=True)
    empty = raw.isna().to_numpy()
    bad = (~empty & ~(np.isfinite(values) & (values >= 0))) | (empty & required)
    for row in np.flatnonzero(bad):
        why = "is required" if empty[row] else "must be a finite number >= 0"
        problems.append(Problem(int(row) + 1, field, "invalid", f"{field} {why}"))
    values[bad] = np.nan  # reported once, not again by the bounds
    return values


def _check_keys(starts: pd.Series, interval_min: int, problems: list[Problem]) -> None:
    ok = starts.notna()
    step = interval_min * 60 * 10**9
    ns = pd.DatetimeIndex(starts[ok]).as_unit("ns").asi8
    for row in np.flatnonzero(ok.to_numpy())[ns % step != 0]:
        message = f"interval_start is not on the queue's {interval_min}-minute grid"
        problems.append(Problem(int(row) + 1, "interval_start", "off_grid", message))
    for row in np.flatnonzero((starts.duplicated() & ok).to_numpy()):
        message = "interval_start appears more than once"
        problems.append(Problem(int(row) + 1, "interval_start", "duplicate", message))


def _check_bounds(columns: dict[str, np.ndarray], problems: list[Problem]) -> None:
    for small, large in BOUNDS:
        with np.errstate(invalid="ignore"):
            bad = columns[small] > columns[large] + 1e-9
        for row in np.flatnonzero(bad):
            message = f"{small} ({columns[small][row]:g}) exceeds {large} ({columns[large][row]:g})"
            problems.append(Problem(int(row) + 1, small, "inconsistent", message))


def _check_pairs(frame: pd.DataFrame, problems: list[Problem]) -> None:
    """``resolved`` and ``resolved_within_deadline`` come together in a row (a share needs
    both)."""
    given = {n: frame[n].replace({"": None}).notna().to_numpy() if n in frame.columns
             else np.zeros(len(frame), dtype=bool) for n in PAIRED}  # fmt: skip
    for name, other in (PAIRED, PAIRED[::-1]):
        for row in np.flatnonzero(given[other] & ~given[name]):
            message = f"{name} is required where {other} is given"
            problems.append(Problem(int(row) + 1, name, "invalid", message))


def _raise(problems: list[Problem]) -> None:
    if problems:
        ordered = sorted(problems, key=lambda p: (p.row is None, p.row or 0))
        raise InvalidInput(ordered[:MAX_PROBLEMS], truncated=len(problems) > MAX_PROBLEMS)


def parse_interval_actuals(
    data: bytes | Sequence[dict[str, Any]],
    *,
    zone: str,
    interval_min: int,
    answer_within_s: float | None = None,
    deferred: bool = False,
) -> pd.DataFrame:
    """Validated interval actuals (``ACTUAL_COLUMNS`` and ``DEFERRED_COLUMNS``, sorted);
    ``answered_within`` may come from a wait distribution at ``answer_within_s``; a
    ``deferred`` queue's rows need the resolution counts instead of the call counts (module
    doc); raises ``InvalidInput``."""
    frame = read_records(data)
    waits = answer_within_s is not None and bool(wait_columns(frame)) and not deferred
    required = [c for c in (DEFERRED_REQUIRED if deferred else REQUIRED)
                if not (waits and c == "answered_within")]  # fmt: skip
    _missing(frame, required)
    problems: list[Problem] = []
    starts = _instants(frame["interval_start"], "interval_start", zone, problems)
    columns = {name: _numbers(frame, name, name in required, problems)
               for name in (*ACTUAL_COLUMNS[1:], *DEFERRED_COLUMNS)}  # fmt: skip
    if not deferred:  # (required in a deferred queue's rows: reported as such)
        _check_pairs(frame, problems)
    if waits:
        _fill_within(frame, float(answer_within_s or 0.0), columns, problems)
    columns["abandoned_short"] = np.nan_to_num(columns["abandoned_short"], nan=0.0)
    _check_keys(starts, interval_min, problems)
    _check_bounds(columns, problems)
    _raise(problems)
    out = pd.DataFrame({"interval_start": starts, **columns})
    return out.sort_values("interval_start", kind="stable").reset_index(drop=True)


def _fill_within(frame: pd.DataFrame, threshold: float, columns: dict[str, np.ndarray],
                 problems: list[Problem]) -> None:  # fmt: skip
    """``answered_within`` from the wait columns where a row does not give it."""
    derived = derived_within(frame, threshold, columns["answered"], problems)
    if derived is None:
        message = f"answered_within is needed: the wait columns end before {threshold:g} s"
        problems.append(Problem(None, "answered_within", "missing_column", message))
        return
    given = columns["answered_within"]
    columns["answered_within"] = np.where(np.isnan(given), derived, given)


def parse_attendance(data: bytes | Sequence[dict[str, Any]], *, zone: str) -> pd.DataFrame:
    """Validated attendance spans (``ATTENDANCE_COLUMNS``); raises ``InvalidInput``."""
    frame = read_records(data)
    _missing(frame, ATTENDANCE_COLUMNS)
    problems: list[Problem] = []
    agents = frame["agent"].astype(str).str.strip()
    for row in np.flatnonzero(((agents == "") | (agents.str.len() > 200)).to_numpy()):
        problems.append(Problem(int(row) + 1, "agent", "invalid", "agent: 1 to 200 characters"))
    start = _instants(frame["start"], "start", zone, problems)
    end = _instants(frame["end"], "end", zone, problems)
    for row in np.flatnonzero((end <= start).to_numpy()):
        problems.append(Problem(int(row) + 1, "end", "inconsistent", "end must be after start"))
    keys = pd.DataFrame({"agent": agents, "start": start})
    for row in np.flatnonzero(keys.duplicated().to_numpy()):
        message = "the same agent and start appear more than once"
        problems.append(Problem(int(row) + 1, "start", "duplicate", message))
    _raise(problems)
    out = pd.DataFrame({"agent": agents, "start": start, "end": end})
    return out.sort_values(["agent", "start"], kind="stable").reset_index(drop=True)
