"""CSV import of ACD interval history with full validation.

Entry point: :func:`read_history_csv`. The whole file is read and every problem is reported
(capped at ``max_problems``) in one :class:`~forecasting.errors.ValidationError`; nothing is
returned half-imported. Local wall-clock timestamps are interpreted in the queue's IANA zone:

* a wall time inside the spring DST gap does not exist and is rejected (``nonexistent_time``);
* a wall time repeated by the autumn change must appear twice for the queue: the first row (in
  file order) is the earlier instant (daylight time), the second the later one (standard
  time). A repeated wall time present only once is rejected (``ambiguous_time``): the file
  cannot say which instant it means. Timestamps with a UTC offset (``2026-11-01T01:30-05:00``
  or a ``Z``) are exact and need no rule.

Problem codes: ``encoding``, ``empty_file``, ``missing_column``, ``wrong_field_count``,
``missing_value``, ``bad_timestamp``, ``bad_number``, ``not_integer``, ``negative_count``,
``bad_duration``, ``negative_aht``, ``nonexistent_time``, ``ambiguous_time``,
``duplicate_interval``, ``bad_granularity``, ``mixed_granularity``, ``off_grid``,
``unknown_queue``, ``unknown_zone``, ``duplicate_column``, ``path_as_text`` (a ``str`` source that
is a file name, not CSV text), ``ambiguous_date_order``, ``inconsistent_date_order``,
``bad_date_format`` (``forecasting.timestamps``), ``interval_range`` (a ``07:00-07:30`` range
whose length is not the interval length), ``implausible_volume``, ``aht_out_of_range``,
``date_out_of_range``, ``handled_exceeds_offered``, ``abandoned_exceeds_offered``
(``forecasting.plausibility``).

Warning codes: ``missing_day``, ``other_queues``, ``inferred_date_order``, ``interval_gap``,
``outlier_day``, ``outside_opening_hours``, ``handled_exceeds_offered`` and
``abandoned_exceeds_offered`` (single intervals).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from forecasting import plausibility
from forecasting.calendar import missing_days, zone_info
from forecasting.errors import Problem, ValidationError
from forecasting.io_grid import (
    Collector,
    check_duplicates,
    check_grid,
    check_ranges,
    detect_granularity,
)
from forecasting.synthetic import HISTORY_COLUMNS
from forecasting.timestamps import check_date_format, prepare_timestamps
from forecasting.types import HistoryImport

DEFAULT_QUEUE = "default"
# Accepted header spellings (lower case, non-alphanumerics folded to "_") per role.
_ALIASES: dict[str, tuple[str, ...]] = {
    "timestamp": (
        "interval_start",
        "timestamp",
        "datetime",
        "date_time",
        "interval_start_time",
        "start_time",
        "start",
        "period_start",
    ),
    "date": ("date", "day", "interval_date"),
    "time": ("time", "interval", "interval_time", "time_of_day", "start_of_interval"),
    "offered": (
        "offered",
        "calls_offered",
        "calls",
        "offered_calls",
        "contacts_offered",
        "contacts",
        "volume",
        "arrivals",
        "n_offered",
    ),
    "handled": ("handled", "calls_handled", "answered", "calls_answered", "handled_calls"),
    "abandoned": ("abandoned", "calls_abandoned", "abandons", "abandoned_calls", "aban"),
    "aht": (
        "aht_s",
        "aht",
        "aht_sec",
        "aht_seconds",
        "average_handle_time",
        "avg_handle_time",
        "handle_time",
    ),
    "queue": ("queue", "skill", "split", "queue_name", "skill_name", "service"),
}
_OFFSET_RE = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$", re.IGNORECASE)
_DURATION_RE = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2}(?:\.\d+)?)$")


@dataclass(frozen=True, slots=True)
class _Table:
    header: list[str]
    rows: pd.DataFrame  # str cells, index = 1-based data row number
    columns: dict[str, str]  # role -> header name


_PATH_LIKE = re.compile(r"^[^\r\n,;\t|]*\.(csv|txt|tsv)$", re.IGNORECASE)


def _is_file(text: str) -> bool:
    if "\n" in text or len(text) > 1024:
        return False
    try:
        return Path(text).is_file()
    except (OSError, ValueError):  # a name too long, a NUL byte: not a file
        return False


def _reject_path_text(source: str) -> None:
    """A ``str`` is the CSV text; a single line that names a file is a caller's mistake that
    would otherwise surface as a puzzling ``missing_column``."""
    text = source.strip()
    if text and (_PATH_LIKE.match(text) or _is_file(text)):
        msg = f"got a file name as CSV text ({text!r}); pass pathlib.Path({text!r}) to read a file"
        raise ValidationError([Problem(None, None, "path_as_text", msg)])


def _decode(source: str | bytes | Path) -> tuple[str, str]:
    if isinstance(source, str):
        _reject_path_text(source)
    raw = source.read_bytes() if isinstance(source, Path) else source
    data = raw.encode("utf-8") if isinstance(raw, str) else raw
    digest = hashlib.sha256(data).hexdigest()
    try:
        return data.decode("utf-8-sig"), digest
    except UnicodeDecodeError as exc:
        msg = f"file is not UTF-8 text (byte {exc.start})"
        raise ValidationError([Problem(None, None, "encoding", msg)]) from exc


def _normalise(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", name.strip().lower()).strip("_")


def _map_columns(header: list[str], out: Collector) -> dict[str, str]:
    by_norm = {_normalise(h): h for h in reversed(header)}
    found: dict[str, str] = {}
    for role, names in _ALIASES.items():
        hit = next((by_norm[n] for n in names if n in by_norm), None)
        if hit is not None and hit not in found.values():
            found[role] = hit
    if "offered" not in found:
        out.add(None, "offered", "missing_column", "no offered-calls column (e.g. 'offered')")
    if "timestamp" not in found and not ("date" in found and "time" in found):
        out.add(
            None,
            "interval_start",
            "missing_column",
            "no timestamp column (e.g. 'interval_start') nor 'date' + 'time' columns",
        )
    if "timestamp" in found:
        found.pop("date", None), found.pop("time", None)
    return found


def _sniff(header_line: str) -> type[csv.Dialect] | csv.Dialect:
    """Comma unless the header line shows another of ``;``, tab or ``|``."""
    if "," in header_line:
        return csv.excel
    try:
        return csv.Sniffer().sniff(header_line, delimiters=";\t|")
    except csv.Error:
        return csv.excel


def _read_table(text: str, out: Collector) -> _Table:
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise ValidationError([Problem(None, None, "empty_file", "the file has no rows")])
    dialect = _sniff(lines[0])
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        return _read_rows(reader, out)
    except csv.Error as exc:  # a field over the csv module's size limit, a stray NUL or quote
        raise ValidationError([_csv_problem(lines, reader, exc)]) from exc


def _csv_problem(lines: list[str], reader: Any, exc: csv.Error) -> Problem:
    """The record the csv module refused: its data row (None: the header) and, when one cell
    of the raw line is over the field limit, that cell's column."""
    line_num = reader.line_num
    row = line_num - 1 if line_num > 1 else None
    line = lines[line_num - 1] if 0 < line_num <= len(lines) else ""
    cells = line.split(reader.dialect.delimiter)
    header = lines[0].split(reader.dialect.delimiter)
    limit = csv.field_size_limit()
    big = next((i for i, cell in enumerate(cells) if len(cell) > limit), None)
    field = header[big].strip() if big is not None and big < len(header) and row else None
    if "field larger than field limit" in str(exc):
        where = "a field" if row else "the header has a field"
        return Problem(row, field, "field_too_large", f"{where} of more than {limit} characters")
    return Problem(row, field, "malformed_csv", f"unreadable CSV record: {exc}")


def _read_rows(reader: Any, out: Collector) -> _Table:
    header = [h.strip() for h in next(reader)]
    repeated = sorted({h for h in header if header.count(h) > 1})
    if repeated:
        raise ValidationError(
            [Problem(None, h, "duplicate_column", f"column {h!r} appears twice") for h in repeated]
        )
    cells: list[list[str]] = []
    numbers: list[int] = []
    for number, row in enumerate(reader, start=1):
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) != len(header):
            out.add(
                number,
                None,
                "wrong_field_count",
                f"{len(row)} fields where the header has {len(header)}",
            )
            continue
        cells.append([c.strip() for c in row])
        numbers.append(number)
    if not cells:
        out.add(None, None, "empty_file", "the file has a header but no data rows")
    frame = pd.DataFrame(cells, columns=header, index=pd.Index(numbers, name="row"), dtype=object)
    return _Table(header, frame, _map_columns(header, out))


def _parse_counts(cells: pd.Series, field: str, out: Collector) -> pd.Series:
    empty = cells == ""
    out.add_rows(cells.index[empty].to_series(), field, "missing_value", f"{field} is empty")
    values = pd.to_numeric(cells.where(~empty).str.replace(",", "", regex=False), errors="coerce")
    values = values.where(np.isfinite(values))  # "inf", "nan" are not counts
    bad = values.isna() & ~empty
    for row, cell in zip(cells.index[bad][: out.cap].tolist(), cells[bad].tolist(), strict=False):
        out.add(int(row), field, "bad_number", f"{field} {cell!r} is not a number")
    out.total += max(0, int(bad.sum()) - out.cap)
    fractional = values.notna() & (values != np.floor(values))
    out.add_rows(
        values.index[fractional].to_series(),
        field,
        "not_integer",
        f"{field} must be a whole number of calls",
    )
    negative = values < 0
    out.add_rows(
        values.index[negative].to_series(), field, "negative_count", f"{field} must not be negative"
    )
    huge = values > plausibility.MAX_CALLS_PER_INTERVAL
    out.add_rows(
        values.index[huge].to_series(),
        field,
        "implausible_volume",
        f"{field} above {plausibility.MAX_CALLS_PER_INTERVAL:,} calls in one interval",
    )
    return values.where(~huge).fillna(0).astype("int64")


def _duration_s(cell: str) -> float:
    if cell == "":
        return np.nan
    match = _DURATION_RE.match(cell)
    if match:
        hours, minutes, seconds = match.groups()
        return int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)
    value = float(cell)
    if not np.isfinite(value):
        raise ValueError(cell)
    return value


def _parse_aht(cells: pd.Series, out: Collector) -> pd.Series:
    values: dict[int, float] = {}
    for row, cell in zip(cells.index.tolist(), cells.tolist(), strict=True):
        try:
            values[int(row)] = _duration_s(cell)
        except ValueError:
            out.add(
                int(row), "aht_s", "bad_duration", f"AHT {cell!r} is neither seconds nor HH:MM:SS"
            )
            values[int(row)] = np.nan
    aht = pd.Series(values, dtype="float64").reindex(cells.index)
    negative = aht < 0
    out.add_rows(
        aht.index[negative].to_series(), "aht_s", "negative_aht", "AHT must not be negative"
    )
    long = aht > plausibility.MAX_AHT_S
    out.add_rows(
        aht.index[long].to_series(), "aht_s", "aht_out_of_range", "AHT above a day (86,400 s)"
    )
    return aht.where(~negative & ~long)


def _parse_naive(text: pd.Series) -> pd.Series:
    parsed = pd.to_datetime(text, format="ISO8601", errors="coerce")
    retry = parsed.isna() & (text != "")
    if retry.any():
        parsed[retry] = pd.to_datetime(text[retry], format="mixed", errors="coerce")
    return parsed


@dataclass(frozen=True, slots=True)
class _Stamps:
    naive: pd.Series  # local wall times (NaT where an offset is given or unparsed)
    aware: pd.Series  # exact UTC instants of cells with an offset
    range_min: pd.Series  # minutes of a "07:00-07:30" range, NaN without one
    warnings: tuple[Problem, ...]


def _raw_timestamps(table: _Table, date_format: str | None, out: Collector) -> _Stamps:
    """Timestamps of every row (ranges and day/month order: ``forecasting.timestamps``)."""
    rows = table.rows
    if "timestamp" in table.columns:
        column = table.columns["timestamp"]
        raw = rows[column].astype(str)
        field = "interval_start"
    else:
        column = table.columns["date"]
        raw = rows[column].astype(str) + " " + rows[table.columns["time"]].astype(str)
        raw = raw.str.strip()
        field = "date"
    prepared = prepare_timestamps(raw, column, date_format)
    text = prepared.text
    has_offset = text.str.contains(_OFFSET_RE)
    aware = pd.to_datetime(text.where(has_offset), format="ISO8601", errors="coerce", utc=True)
    naive = _parse_naive(text.where(~has_offset & ~prepared.unparsed, ""))
    bad = (has_offset & aware.isna()) | (~has_offset & naive.isna())
    hint = f" read with date_format {date_format!r}" if date_format else ""
    for row, cell in zip(raw.index[bad][: out.cap].tolist(), raw[bad].tolist(), strict=False):
        code = "missing_value" if cell == "" else "bad_timestamp"
        out.add(int(row), field, code, f"timestamp {cell!r} is not a date and time{hint}")
    out.total += max(0, int(bad.sum()) - out.cap)
    return _Stamps(naive, aware, prepared.range_min, prepared.warnings)


def _localise(naive: pd.Series, queue: pd.Series, zone: str, out: Collector) -> pd.Series:
    """UTC instants of local wall times, with the explicit DST rules of the module docstring."""
    index = pd.DatetimeIndex(naive)
    early = index.tz_localize(zone, ambiguous=np.ones(len(index), bool), nonexistent="NaT")
    late = index.tz_localize(zone, ambiguous=np.zeros(len(index), bool), nonexistent="NaT")
    given = naive.notna().to_numpy()
    gap = given & early.isna()
    out.add_rows(
        naive.index[gap].to_series(),
        "interval_start",
        "nonexistent_time",
        "local time falls in the DST gap of " + zone + " (the clock skips it)",
    )
    repeated = given & ~np.asarray(early.isna()) & np.asarray(early != late)
    result = pd.Series(early.tz_convert("UTC"), index=naive.index)
    if repeated.any():
        key = pd.DataFrame({"q": queue[repeated], "t": naive[repeated]})
        rank = key.groupby(["q", "t"], sort=False).cumcount()
        count = key.groupby(["q", "t"], sort=False)["t"].transform("size")
        alone = count.index[count == 1].to_series()
        out.add_rows(
            alone,
            "interval_start",
            "ambiguous_time",
            "local time occurs twice on the autumn DST change in "
            + zone
            + " but only once in the file; give both rows or a UTC offset",
        )
        late_rows = rank.index[rank >= 1]
        result[late_rows] = pd.Series(late.tz_convert("UTC"), index=naive.index)[late_rows]
    return result


def _queues(table: _Table, queue: str | None, out: Collector) -> tuple[pd.Series, int]:
    """Queue of every row; rows of other queues dropped when ``queue`` is given."""
    rows = table.rows
    if "queue" not in table.columns:
        return pd.Series(queue or DEFAULT_QUEUE, index=rows.index, dtype=object), 0
    values = rows[table.columns["queue"]].astype(str)
    out.add_rows(values.index[values == ""].to_series(), "queue", "missing_value", "queue is empty")
    if queue is None:
        return values, 0
    if not (values == queue).any():
        found = ", ".join(sorted(set(values) - {""})[:10])
        out.add(None, "queue", "unknown_queue", f"queue {queue!r} not in the file ({found})")
    return values, int((values != queue).sum())


def _warnings(
    frame: pd.DataFrame, interval_min: int, zone: str, hours: plausibility.OpeningHours | None
) -> list[Problem]:
    found = plausibility.gap_warnings(frame, zone, interval_min) if interval_min else []
    found += plausibility.outlier_warnings(frame, zone)
    if hours is not None:
        found += plausibility.outside_hours(frame, zone, hours)
    return found


def read_history_csv(
    source: str | bytes | Path,
    *,
    zone: str,
    queue: str | None = None,
    max_problems: int = 100,
    date_format: str | None = None,
    opening_hours: plausibility.OpeningHours | None = None,
) -> HistoryImport:
    """Read and validate an ACD interval export; raise ``ValidationError`` listing every problem.

    ``source`` is the CSV text (``str``), its raw bytes (``bytes``) or a file (``Path``).
    ``zone`` is the queue's IANA zone, used for timestamps without a UTC offset. ``queue``
    keeps only that queue's rows of a multi-queue file (and names the queue of a file without
    a queue column; default ``"default"``). ``date_format`` (strftime, e.g. ``"%d/%m/%Y"``)
    states the order of numeric dates; without it a file whose dates read both ways is refused
    (``forecasting.timestamps``). ``opening_hours`` (7 entries Mon..Sun, ``[open_min,
    close_min]`` or None) adds warnings for calls outside them. Problems carry the 1-based data
    row (header excluded), the field, a stable code (module docstring) and a message; at most
    ``max_problems`` are kept (``truncated`` tells when more were found). The same bytes
    always give the same frame and the same ``file_sha256``.
    """
    zone = zone_info(zone).key
    check_date_format(date_format)
    text, digest = _decode(source)
    out = Collector(max_problems)
    table = _read_table(text, out)
    if "offered" not in table.columns or table.rows.empty:
        out.raise_if_any()
    queues, skipped = _queues(table, queue, out)
    if queue is not None and skipped:
        keep = queues == queue
        table = _Table(table.header, table.rows[keep], table.columns)
        queues = queues[keep]
    frame, found = _parse_rows(table, queues, zone, date_format, out)
    out.raise_if_any()
    for problem in plausibility.date_errors(frame):
        out.add(problem.row, problem.field, problem.code, problem.message)
    out.raise_if_any()
    interval_min = detect_granularity(frame, zone, out) if len(frame) else 0
    if interval_min:
        check_grid(frame, interval_min, zone, out)
        check_ranges(frame, interval_min, out)
    check_duplicates(frame, out)
    errors, balance = plausibility.balance_problems(frame, zone)
    for problem in errors:
        out.add(problem.row, problem.field, problem.code, problem.message)
    out.raise_if_any()
    found += plausibility.future_warnings(frame) + balance
    found += _warnings(frame, interval_min, zone, opening_hours)
    return _result(frame, interval_min, zone, digest, skipped, found)


def _parse_rows(
    table: _Table, queues: pd.Series, zone: str, date_format: str | None, out: Collector
) -> tuple[pd.DataFrame, list[Problem]]:
    stamps = _raw_timestamps(table, date_format, out)
    starts = _localise(stamps.naive, queues, zone, out).where(stamps.aware.isna(), stamps.aware)
    frame = pd.DataFrame({"row": table.rows.index.to_numpy(), "interval_start": starts})
    frame["range_min"] = stamps.range_min.to_numpy()
    cols = table.columns
    frame["offered"] = _parse_counts(table.rows[cols["offered"]], "offered", out)
    for role in ("handled", "abandoned"):
        if role in cols:
            frame[role] = _parse_counts(table.rows[cols[role]], role, out)
    if "aht" in cols:
        frame["aht_s"] = _parse_aht(table.rows[cols["aht"]], out)
    frame["queue"] = queues.astype(str)
    return frame, list(stamps.warnings)


def _result(
    frame: pd.DataFrame,
    interval_min: int,
    zone: str,
    digest: str,
    skipped: int,
    found: list[Problem],
) -> HistoryImport:
    frame = frame.sort_values(["queue", "interval_start"], kind="stable").reset_index(drop=True)
    frame["interval_start"] = frame["interval_start"].astype("datetime64[ns, UTC]")
    columns = [c for c in HISTORY_COLUMNS if c in frame.columns]
    clean = frame.loc[:, columns]
    holes = missing_days(clean, zone)
    warnings = list(found) + [
        Problem(None, "interval_start", "missing_day", f"queue {q!r} has no rows on {d}")
        for q, d in holes
    ]
    if skipped:
        warnings.append(
            Problem(None, "queue", "other_queues", f"{skipped} rows of other queues skipped")
        )
    return HistoryImport(
        frame=clean,
        interval_min=interval_min,
        zone=zone,
        file_sha256=digest,
        queues=tuple(sorted(clean["queue"].unique())),
        missing_days=tuple(holes),
        warnings=tuple(warnings),
    )
