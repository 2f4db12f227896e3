"""The service report as a PDF (``actuals.pdf``): A4 landscape, a header with the goal and
the SL basis, the SL chart (goal line, actual bars, planned marks), then the period table
with one attribution bar chart per period, continued on further pages as needed."""

from __future__ import annotations

from actuals.pdf import Colour, Document, Page
from api.convert.actuals_html import FACTORS, report_days
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


def _pct(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.1f} %"


def _seconds(value: float | None) -> str:
    return "" if value is None else f"{value:.0f} s"


def _cells(p: ServicePeriod) -> list[str]:
    forecast = "" if p.forecast_calls is None else f"{p.forecast_calls:,.0f}"
    return [p.period, f"{p.offered:,.0f}", _pct(p.service_level), _pct(p.planned_sl),
            _pct(p.goal_sl), _seconds(p.asa_s), _pct(p.abandon_rate), _seconds(p.aht_s),
            forecast, _pct(p.forecast_wape), _pct(p.forecast_bias),
            _pct(p.forecast_coverage), "met" if p.met else "missed"]  # fmt: skip


def _header(page: Page, report: ServiceReportRead, top: float) -> float:
    goal = report.goal
    subject = report.queue if report.client is None else f"{report.client} ({report.queue})"
    page.text(MARGIN, top, f"Service report: {subject}", 16, bold=True)
    missed = sum(1 for p in report.periods if not p.met)
    target = f"Goal: {_pct(goal.get('service_level'))} answered within "
    target += f"{goal.get('answer_within_s') or 0:g} s"
    if goal.get("max_asa_s") is not None:
        target += f", ASA at most {goal['max_asa_s']:g} s"
    if goal.get("max_abandon_rate") is not None:
        target += f", abandonment at most {_pct(goal['max_abandon_rate'])}"
    lines = [f"{report_days(report)} ({report.zone}), per {report.grain}. {target}.",
             f"Service level basis: {report.sl_basis}. Model: {report.model}.",
             f"{missed} of {len(report.periods)} periods missed the goal."]  # fmt: skip
    for i, line in enumerate(lines):
        page.text(MARGIN, top - 18 - 12 * i, line, 9)
    return top - 18 - 12 * len(lines) - 8


def _chart(page: Page, report: ServiceReportRead, top: float, height: float = 150.0) -> float:
    """Actual SL bars (red: missed), the goal as a dashed green line, planned SL marks."""
    left, right, bottom = MARGIN + 34, LANDSCAPE[0] - MARGIN, top - height
    periods = report.periods

    def y(value: float) -> float:
        return bottom + height * max(0.0, min(1.0, value))

    for tick in (0.0, 0.5, 1.0):
        page.text(left - 4, y(tick) - 3, _pct(tick), 7, align="right")
        page.line(left, y(tick), right, y(tick), colour=LIGHT)
    step = (right - left) / max(1, len(periods))
    bar = min(step * 0.7, 36.0)
    label_every = max(1, int(len(periods) * 40 / (right - left)) + 1)
    for i, p in enumerate(periods):
        x = left + i * step + (step - bar) / 2
        page.rect(x, bottom, bar, y(p.service_level) - bottom, GREY if p.met else RED)
        if p.planned_sl is not None:
            mark = y(p.planned_sl)
            page.rect(x + bar / 2 - 2.5, mark - 2.5, 5, 5, YELLOW)
        if i % label_every == 0:
            page.text(x + bar / 2, bottom - 9, p.period[5:], 6, align="center")
    goal = y(float(report.goal.get("service_level") or 0.0))
    page.line(left, goal, right, goal, width=1.5, colour=GREEN, dash=(6, 3))
    legend = "bars: actual SL (red: missed)   dashed line: goal   squares: planned SL"
    page.text(left, bottom - 20, legend + " (predicted for the roster)", 7)
    return bottom - 36


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


def _row(page: Page, p: ServicePeriod, y: float, scale: float) -> None:
    x = MARGIN
    for (_name, width, right), cell in zip(COLUMNS, _cells(p), strict=False):
        colour = (GREEN if p.met else RED) if cell in ("met", "missed") else (0.0, 0.0, 0.0)
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


def report_pdf(report: ServiceReportRead) -> bytes:
    """The report as PDF bytes: header, chart, legend, then the table over as many pages as
    it takes (its head repeated on each)."""
    document = Document(title=f"Service report: {report.client or report.queue}",
                        size=LANDSCAPE)  # fmt: skip
    page = document.new_page()
    top = LANDSCAPE[1] - MARGIN
    y = _legend(page, _chart(page, report, _header(page, report, top) - 10))
    y = _table_head(page, y)
    scale = max([abs(v) for p in report.periods if p.attribution
                 for k, v in p.attribution.items() if k in FACTORS] + [0.01])  # fmt: skip
    for p in report.periods:
        if y < MARGIN:
            page = document.new_page()
            y = _table_head(page, top)
        _row(page, p, y, scale)
        y -= ROW
    if not report.periods:
        page.text(MARGIN, y, "No actuals in this window.", 9)
    return document.render()
