"""Timestamp text of history CSVs before it is parsed: interval ranges and day/month order.

Two silent misreads are removed here, before ``forecasting.io`` parses the text:

* **Interval ranges** such as ``07:00-07:30`` (or ``1999-11-01 07:00-07:30``) name the
  interval start and its end. Read naively, ``-07:30`` is a UTC offset. A column is read as
  ranges when every cell with a ``HH:MM-HH:MM`` tail spans more than 0 and at most 60 minutes
  (a UTC offset such as ``01:30-05:00`` never does for a whole file); the start is kept and the
  length returned so the importer can check it against the interval length.
* **Day/month order** of numeric dates (``01/11/1999``): with an explicit ``date_format``
  (strftime, e.g. ``%d/%m/%Y``) the dates are read with it; otherwise the file must
  disambiguate itself (a first number above 12 somewhere means day first, a second number above
  12 means month first: the inferred order is reported as a warning) or the import is refused.
  ISO 8601 dates (``1999-11-01``) are never ambiguous and always accepted.

The output is the same text with every date rewritten as ISO ``YYYY-MM-DD``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecasting.errors import Problem, ValidationError

_TIME = r"(\d{1,2}):(\d{2})(?::\d{2})?"
_RANGE_RE = re.compile(rf"^(?P<head>.*?{_TIME})\s*[-\u2013]\s*{_TIME}\s*$")
_NUMERIC_DATE_RE = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})(?=$|[\sT])")
_ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_TIME_DIRECTIVES = ("%H", "%I", "%M", "%S", "%p", "%X", "%c", "%T", "%R")
AddProblem = Callable[[int | None, str | None, str, str], None]


@dataclass(frozen=True, slots=True)
class TimestampText:
    """Timestamp text ready for parsing: ``text`` (ISO dates, interval starts only),
    ``range_min`` (length in minutes of each cell's interval range, NaN without one) and
    ``unparsed`` (cells that do not match the given ``date_format``)."""

    text: pd.Series
    range_min: pd.Series
    unparsed: pd.Series
    warnings: tuple[Problem, ...] = ()


def check_date_format(date_format: str | None) -> None:
    """Refuse a ``date_format`` that cannot read a date back (e.g. no day or no month)."""
    if date_format is None:
        return
    probe = dt.datetime(2001, 2, 3, 4, 5)
    try:
        back = dt.datetime.strptime(probe.strftime(date_format), date_format)
        ok = back.date() == probe.date()
    except ValueError:
        ok = False
    if not ok or "%" not in date_format:
        msg = (
            f"date_format {date_format!r} cannot read a day, month and year back; use a "
            "strftime pattern such as '%d/%m/%Y' or '%m/%d/%Y'"
        )
        raise ValidationError([Problem(None, "date_format", "bad_date_format", msg)])


def split_ranges(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Cells without their range end (when the column holds ranges) and each range's minutes."""
    parts = text.str.extract(_RANGE_RE)
    matched = parts["head"].notna()
    iso_t = text[matched].str.contains(r"\dT\d", regex=True).any()
    if not matched.any() or iso_t:  # 2026-11-01T01:30-05:00 carries an offset
        return text, pd.Series(np.nan, index=text.index)
    start = parts[1].astype(float) * 60 + parts[2].astype(float)
    end = parts[3].astype(float) * 60 + parts[4].astype(float)
    length = (end - start) % 1440
    if not ((length[matched] > 0) & (length[matched] <= 60)).all():
        return text, pd.Series(np.nan, index=text.index)  # UTC offsets, not ranges
    return text.where(~matched, parts["head"]), length.where(matched)


def _iso(day: pd.Series, month: pd.Series, year: pd.Series) -> pd.Series:
    """ISO dates from numeric parts (two-digit years as strptime's %y: 69-99 -> 19xx)."""
    years = year.astype(int).to_numpy()
    short = (year.str.len() == 2).to_numpy()
    years = np.where(short, np.where(years < 69, 2000 + years, 1900 + years), years)
    frame = pd.DataFrame(
        {"year": years, "month": month.astype(int), "day": day.astype(int)}, index=year.index
    )
    dates = pd.to_datetime(frame, errors="coerce")
    return dates.dt.strftime("%Y-%m-%d")


def _order_of(parts: pd.DataFrame) -> str | None:
    """ "dmy", "mdy", "both" (inconsistent) or None (every date ambiguous)."""
    first_big = bool((parts[0].astype(int) > 12).any())
    second_big = bool((parts[2].astype(int) > 12).any())
    if first_big and second_big:
        return "both"
    return "dmy" if first_big else "mdy" if second_big else None


def _sample(parts: pd.DataFrame) -> tuple[int, str]:
    """A row and date showing the ambiguity (day and month differ when possible)."""
    differ = parts[0].astype(int) != parts[2].astype(int)
    pick = parts.index[differ][0] if differ.any() else parts.index[0]
    first, sep, second, year = parts.loc[pick, [0, 1, 2, 3]]
    return int(pick), f"{first}{sep}{second}{sep}{year}"


def _ambiguity(column: str, parts: pd.DataFrame) -> Problem:
    row, cell = _sample(parts)
    sep = str(parts[1].iloc[0])
    year = "%Y" if len(str(parts[3].iloc[0])) == 4 else "%y"
    dmy, mdy = f"%d{sep}%m{sep}{year}", f"%m{sep}%d{sep}{year}"
    message = (
        f"column {column!r}: dates such as {cell!r} (row {row}) read as day/month or month/day "
        f"and no value settles it; give the order (CLI --date-format {dmy!r} or {mdy!r}; "
        f"API date_format) or write ISO dates (YYYY-MM-DD)"
    )
    return Problem(row, column, "ambiguous_date_order", message)


def _inferred(column: str, order: str, parts: pd.DataFrame) -> Problem:
    big = parts[0 if order == "dmy" else 2].astype(int) > 12
    row = int(parts.index[big][0])
    name = "day/month/year" if order == "dmy" else "month/day/year"
    first, sep, second, year = parts.loc[row, [0, 1, 2, 3]]
    message = (
        f"column {column!r} read as {name}: {first}{sep}{second}{sep}{year} (row {row}) only "
        "fits that order; give date_format to state it"
    )
    return Problem(None, column, "inferred_date_order", message)


def _numeric_dates(text: pd.Series, column: str) -> TimestampText:
    parts = text.str.extract(_NUMERIC_DATE_RE).dropna()
    none = pd.Series(False, index=text.index)
    blank = pd.Series(np.nan, index=text.index)
    if parts.empty:
        return TimestampText(text, blank, none)
    order = _order_of(parts)
    if order is None:
        raise ValidationError([_ambiguity(column, parts)])
    if order == "both":
        first = int(parts.index[parts[0].astype(int) > 12][0])
        second = int(parts.index[parts[2].astype(int) > 12][0])
        msg = (
            f"column {column!r} mixes day-first ({text[first]!r}, row {first}) and month-first "
            f"({text[second]!r}, row {second}) dates"
        )
        raise ValidationError([Problem(second, column, "inconsistent_date_order", msg)])
    day, month = (parts[0], parts[2]) if order == "dmy" else (parts[2], parts[0])
    iso = _iso(day, month, parts[3])
    rest = text[parts.index].str.replace(_NUMERIC_DATE_RE, "", n=1, regex=True)
    out = text.copy()
    good = iso.notna()
    out[good[good].index] = iso[good] + rest[good]
    unparsed = none.copy()
    unparsed[good[~good].index] = True
    return TimestampText(out, blank, unparsed, (_inferred(column, order, parts),))


def _formatted_dates(text: pd.Series, date_format: str) -> TimestampText:
    """Dates read with ``date_format``; ISO cells kept; the rest flagged ``unparsed``."""
    has_time = any(d in date_format for d in _TIME_DIRECTIVES)
    if has_time:
        parsed = pd.to_datetime(text, format=date_format, errors="coerce")
        out = parsed.dt.strftime("%Y-%m-%d %H:%M:%S")
    else:
        width = date_format.count(" ") + 1
        tokens = text.str.split(n=width)
        head = tokens.str[:width].str.join(" ")
        tail = tokens.str[width:].str.join(" ")
        parsed = pd.to_datetime(head, format=date_format, errors="coerce")
        out = (parsed.dt.strftime("%Y-%m-%d") + " " + tail).str.strip()
    iso = text.str.match(_ISO_DATE_RE)
    out = out.where(parsed.notna(), text)
    unparsed = parsed.isna() & ~iso & (text != "")
    return TimestampText(out, pd.Series(np.nan, index=text.index), unparsed)


def prepare_timestamps(text: pd.Series, column: str, date_format: str | None) -> TimestampText:
    """Interval ranges split off and dates rewritten as ISO (see the module docstring).

    Raises ``ValidationError`` when numeric dates are ambiguous or mix both orders."""
    starts, range_min = split_ranges(text)
    if date_format is not None:
        dated = _formatted_dates(starts, date_format)
    else:
        dated = _numeric_dates(starts, column)
    return TimestampText(dated.text, range_min, dated.unparsed, dated.warnings)
