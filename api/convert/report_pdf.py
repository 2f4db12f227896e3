"""The service report as a PDF (``actuals.pdf``): A4 landscape, a header with the goal and
the SL basis, the SL chart (goal line, actual bars, planned marks), then the period table
with one attribution bar chart per period, continued on further pages as needed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from actuals.pdf import Colour, Document, Page
from api.convert.actuals_html import (
    FACTORS,
    RESOLUTION_HEAD,
    Bar,
    has_calls,
    report_days,
    resolution_cells,
    resolution_text,
    verdict_word,
)
from api.schemas.actuals import ServicePeriod, ServiceReportRead

LANDSCAPE = (842.0, 595.0)
MARGIN = 36.0
ROW = 15.0
GREY: Colour = (0.365, 0.427, 0.494)
RED: Colour = (0.753, 0.224, 0.169)
GREEN: Colour = (0.118, 0.518, 0.286)
YELLOW: Colour = (0.957, 0.816, 0.247)
LIGHT: Colour = (0.835, 0.847, 0.863)
COLOURS: dict[str, Colour] = {
    "volume": RED, "handle_time": (0.839, 0.537, 0.063), "staffing": (0.141, 0.443, 0.639),
    "attendance": (0.490, 0.235, 0.596), "model_gap": (0.565, 0.580, 0.592),
}  # fmt: skip
# (header, width, right-aligned) of the table's columns; "why" is drawn, not printed
COLUMNS = (("period", 62, False), ("offered", 48, True), ("actual SL", 50, True),
           ("planned SL", 52, True), ("goal", 40, True), ("ASA", 40, True),
           ("abandoned", 52, True), ("AHT", 40, True), ("forecast", 50, True),
           ("WAPE", 42, True), ("bias", 44, True), ("in PI", 40, True), ("", 42, False),
           ("why (SL points)", 160, False))  # fmt: skip
# the deferred queues' table: (width, right-aligned) of RESOLUTION_HEAD's columns
RESOLUTION_WIDTHS = ((62, False), (60, True), (60, True), (80, True), (56, True), (56, True),
                     (62, False), (60, True), (60, True))  # fmt: skip


def _pct(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.1f} %"


def _seconds(value: float | None) -> str:
    return "" if value is None else f"{value:.0f} s"


def _cells(p: ServicePeriod) -> list[str]:
    forecast = "" if p.forecast_calls is None else f"{p.forecast_calls:,.0f}"
    return [p.period, f"{p.offered:,.0f}", _pct(p.service_level), _pct(p.planned_sl),
            _pct(p.goal_sl), _seconds(p.asa_s), _pct(p.abandon_rate), _seconds(p.aht_s),
            forecast, _pct(p.forecast_wape), _pct(p.forecast_bias),
            _pct(p.forecast_coverage), verdict_word(p.met)]  # fmt: skip


def _header(page: Page, report: ServiceReportRead, top: float) -> float:
    goal = report.goal
    subject = report.queue if report.client is None else f"{report.client} ({report.queue})"
    page.text(MARGIN, top, f"Service report: {subject}", 16, bold=True)
    missed = sum(1 for p in report.periods if p.met is False)
    target = f"Goal: {_pct(goal.get('service_level'))} answered within "
    target += f"{goal.get('answer_within_s') or 0:g} s"
    if goal.get("max_asa_s") is not None:
        target += f", ASA at most {goal['max_asa_s']:g} s"
    if goal.get("max_abandon_rate") is not None:
        target += f", abandonment at most {_pct(goal['max_abandon_rate'])}"
    days = f"{report_days(report)} ({report.zone}), per {report.grain}."
    lines = [days, "Deferred queues only: no service level in seconds."]
    if has_calls(report):
        lines = [
            f"{days} {target}.",
            f"Service level basis: {report.sl_basis}. Model: {report.model}.",
        ]
    resolution = resolution_text(report)
    if resolution:  # the target, then its basis
        head, basis = resolution.split(" Resolution basis: ")
        lines += [head, "Resolution basis: " + basis]
    lines.append(f"{missed} of {len(report.periods)} periods missed the goal.")
    for i, line in enumerate(lines):
        page.text(MARGIN, top - 18 - 12 * i, line, 9)
    return top - 18 - 12 * len(lines) - 8


def _chart(page: Page, bars: list[Bar], legend: str, top: float, height: float = 150.0) -> float:
    """Bars (period, actual, target, met, planned) of a share: red where missed, the target
    as a dashed green line, planned marks (``actuals_html.share_chart``'s bars)."""
    left, right, bottom = MARGIN + 34, LANDSCAPE[0] - MARGIN, top - height

    def y(value: float) -> float:
        return bottom + height * max(0.0, min(1.0, value))

    for tick in (0.0, 0.5, 1.0):
        page.text(left - 4, y(tick) - 3, _pct(tick), 7, align="right")
        page.line(left, y(tick), right, y(tick), colour=LIGHT)
    step = (right - left) / max(1, len(bars))
    bar = min(step * 0.7, 36.0)
    label_every = max(1, int(len(bars) * 40 / (right - left)) + 1)
    for i, (period, actual, target, met, planned) in enumerate(bars):
        x = left + i * step + (step - bar) / 2
        if actual is not None:
            page.rect(x, bottom, bar, y(actual) - bottom, RED if met is False else GREY)
        if planned is not None:
            page.rect(x + bar / 2 - 2.5, y(planned) - 2.5, 5, 5, YELLOW)
        if target is not None:
            mark = y(target)
            page.line(left + i * step, mark, left + (i + 1) * step, mark, width=1.5,
                      colour=GREEN, dash=(6, 3))  # fmt: skip
        if i % label_every == 0:
            page.text(x + bar / 2, bottom - 9, period[5:], 6, align="center")
    page.text(left, bottom - 20, legend, 7)
    return bottom - 36


def _sl_bars(report: ServiceReportRead) -> list[Bar]:
    goal = float(report.goal.get("service_level") or 0.0)
    return [(p.period, p.service_level, goal, p.met, p.planned_sl) for p in report.periods]


def _resolution_bars(report: ServiceReportRead) -> list[Bar]:
    return [(p.period, p.resolution_share, p.resolution_target, p.resolution_met, None)
            for p in report.periods]  # fmt: skip


SL_LEGEND = ("bars: actual SL (red: missed)   dashed line: goal   squares: planned SL "
             "(predicted for the roster)")  # fmt: skip
RESOLUTION_LEGEND = ("bars: share of items resolved within the deadline (red: below target)   "
                     "dashed line: target (deferred queues)")  # fmt: skip


def _why(page: Page, x: float, y: float, parts: dict[str, float], scale: float) -> None:
    """Five thin diverging bars (left: SL lost, right: gained) around the cell's axis."""
    half = 60.0
    axis = x + half
    for i, name in enumerate(FACTORS):
        value = parts.get(name, 0.0)
        length = min(half, abs(value) * half / scale)
        page.rect(axis - length if value < 0 else axis, y + 9 - 2.2 * i, length, 1.8, COLOURS[name])
    page.line(axis, y - 1, axis, y + 11)
    page.text(x + 2 * half + 38, y + 2, f"{100 * parts.get('total', 0.0):+.1f}", 7, align="right")


def _left(x: float, width: float, right: bool) -> float:
    """Where a cell's text is anchored: right-aligned 3 pt inside, left-aligned 6 pt past the
    column before (none for the first)."""
    return x + width - 3 if right else x + (6.0 if x > MARGIN else 0.0)


def _table_head(page: Page, y: float) -> float:
    x = MARGIN
    for name, width, right in COLUMNS:
        page.text(_left(x, width, right), y, name, 8, bold=True,
                  align="right" if right else "left")  # fmt: skip
        x += width
    page.line(MARGIN, y - 4, LANDSCAPE[0] - MARGIN, y - 4, width=0.8)
    return y - ROW


def _row(page: Page, y: float, p: ServicePeriod, scale: float) -> None:
    x = MARGIN
    for (_name, width, right), cell in zip(COLUMNS, _cells(p), strict=False):
        colour = {"met": GREEN, "missed": RED}.get(cell, (0.0, 0.0, 0.0))
        page.text(_left(x, width, right), y, cell, 8, colour=colour,
                  align="right" if right else "left")  # fmt: skip
        x += width
    if p.attribution:
        _why(page, x, y - 2, p.attribution, scale)
    page.line(MARGIN, y - 5, LANDSCAPE[0] - MARGIN, y - 5, width=0.3, colour=LIGHT)


def _legend(page: Page, y: float) -> float:
    x = MARGIN
    for name in FACTORS:
        page.rect(x, y, 8, 8, COLOURS[name])
        page.text(x + 11, y + 1, name.replace("_", " "), 8)
        x += 90
    notes = (
        "Why: Shapley decomposition of actual SL minus the SL of the plan met as required "
        "(volume above forecast, handle time above plan, staffing planned below requirement,",
        "attendance below the roster), each from the queueing model with the actual inputs; "
        "model gap = what the model does not explain. The parts sum to the total (right).",
        "WAPE, bias: the forecast the roster was built on; in PI: share of planned intervals "
        "whose offered calls fell inside the forecast's prediction interval.",
    )
    for i, note in enumerate(notes):
        page.text(MARGIN, y - 12 - 10 * i, note, 7)
    return y - 12 - 10 * len(notes) - 10


def _resolution_head(page: Page, y: float) -> float:
    x = MARGIN
    for name, (width, right) in zip(RESOLUTION_HEAD, RESOLUTION_WIDTHS, strict=True):
        page.text(_left(x, width, right), y, name, 8, bold=True,
                  align="right" if right else "left")  # fmt: skip
        x += width
    page.line(MARGIN, y - 4, LANDSCAPE[0] - MARGIN, y - 4, width=0.8)
    return y - ROW


def _resolution_row(page: Page, y: float, p: ServicePeriod) -> None:
    x = MARGIN
    for (width, right), cell in zip(RESOLUTION_WIDTHS, resolution_cells(p), strict=True):
        colour = {"met": GREEN, "missed": RED}.get(cell, (0.0, 0.0, 0.0))
        page.text(_left(x, width, right), y, cell, 8, colour=colour,
                  align="right" if right else "left")  # fmt: skip
        x += width
    page.line(MARGIN, y - 5, LANDSCAPE[0] - MARGIN, y - 5, width=0.3, colour=LIGHT)


def _table(document: Document, page: Page, y: float, head: Callable[[Page, float], float],
           rows: Sequence[Callable[[Page, float], None]]) -> tuple[Page, float]:  # fmt: skip
    """A table from ``y`` down, continued on new pages (its head repeated on each)."""
    y = head(page, y)
    for row in rows:
        if y < MARGIN:
            page = document.new_page()
            y = head(page, LANDSCAPE[1] - MARGIN)
        row(page, y)
        y -= ROW
    return page, y


def report_pdf(report: ServiceReportRead) -> bytes:
    """The report as PDF bytes: header, chart, legend, then the table over as many pages as
    it takes (its head repeated on each); for deferred queues the share resolved within
    deadline (chart and table) instead of or after it."""
    document = Document(title=f"Service report: {report.client or report.queue}",
                        size=LANDSCAPE)  # fmt: skip
    page = document.new_page()
    top = LANDSCAPE[1] - MARGIN
    y = _header(page, report, top) - 10
    if has_calls(report):
        y = _legend(page, _chart(page, _sl_bars(report), SL_LEGEND, y))
        scale = max([abs(v) for p in report.periods if p.attribution
                     for k, v in p.attribution.items() if k in FACTORS] + [0.01])  # fmt: skip
        rows = [partial(_row, p=p, scale=scale) for p in report.periods]
        page, y = _table(document, page, y, _table_head, rows)
    if report.resolution_basis is not None and report.periods:
        if y < MARGIN + 150 + 36 + 3 * ROW:  # the chart and a few rows
            page, y = document.new_page(), top
        page.text(MARGIN, y, "Resolution within deadline (deferred queues)", 11, bold=True)
        y = _chart(page, _resolution_bars(report), RESOLUTION_LEGEND, y - 16)
        rows = [partial(_resolution_row, p=p) for p in report.periods]
        page, y = _table(document, page, y, _resolution_head, rows)
    if not report.periods:
        page.text(MARGIN, y, "No actuals in this window.", 9)
    return document.render()
