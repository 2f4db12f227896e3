"""iCalendar (RFC 5545) text written by hand: a VCALENDAR of VEVENTs with UTC times.

Times are UTC (``19970714T173000Z``, RFC 5545 3.3.5 form 2), so no VTIMEZONE is needed; a
calendar client shows them in its own zone. Lines end with CRLF and are folded at 75 octets
(3.1); TEXT values escape backslash, semicolon, comma and newline (3.3.11)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

PRODID = "-//Staffwise//Published schedule//EN"


@dataclass(frozen=True, slots=True)
class Event:
    uid: str
    start: dt.datetime  # tz-aware
    end: dt.datetime
    summary: str
    description: str = ""


def utc_stamp(instant: dt.datetime) -> str:
    return instant.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def escape_text(value: str) -> str:
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """``line`` folded into chunks of at most 75 octets (continuations start with a space)."""
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode())
        if size + width > 75:
            out.append(current)
            current, size = " ", 1
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def _event_lines(event: Event, stamp: str) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event.uid}",
        f"DTSTAMP:{stamp}",
        f"DTSTART:{utc_stamp(event.start)}",
        f"DTEND:{utc_stamp(event.end)}",
        f"SUMMARY:{escape_text(event.summary)}",
    ]
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    return [*lines, "END:VEVENT"]


def calendar(name: str, events: Iterable[Event], stamp: dt.datetime) -> str:
    """The calendar text (``stamp``: the DTSTAMP of every event, e.g. the publication time)."""
    when = utc_stamp(stamp)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{escape_text(name)}"]  # fmt: skip
    for event in events:
        lines.extend(_event_lines(event, when))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
