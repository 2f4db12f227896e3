"""The service report as CSV and as a print-ready HTML page (inline SVG charts, no CDN)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from html import escape
from zoneinfo import ZoneInfo

from actuals.report import RESOLUTION_COLUMNS  # deferred queues (docs/actuals.md)
from api.schemas.actuals import ServicePeriod, ServiceReportRead

FACTORS = ("volume", "handle_time", "staffing", "attendance", "model_gap")
COLOURS = {"volume": "#c0392b", "handle_time": "#d68910", "staffing": "#2471a3",
           "attendance": "#7d3c98", "model_gap": "#909497"}  # fmt: skip
CSV_COLUMNS = (
    "period", "offered", "answered", "abandoned", "service_level", "goal_sl", "planned_sl",
    "met", "asa_s", "abandon_rate", "aht_s", "forecast_calls", "forecast_wape", "forecast_bias",
    "sl_trend", "forecast_coverage", "forecast_pi_level", "forecast_lead_days",
    *RESOLUTION_COLUMNS,
)  # fmt: skip
ATTRIBUTION_COLUMNS = ("baseline_sl", "modelled_sl", *FACTORS, "total")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def report_csv(report: ServiceReportRead) -> str:
    """One row per period; attribution columns prefixed ``attr_`` (empty without a plan)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*CSV_COLUMNS, *(f"attr_{c}" for c in ATTRIBUTION_COLUMNS)])
    for p in report.periods:
        parts = p.attribution or {}
        writer.writerow([_cell(getattr(p, c)) for c in CSV_COLUMNS]
                        + [_cell(parts.get(c)) for c in ATTRIBUTION_COLUMNS])  # fmt: skip
    return out.getvalue()


def _pct(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.1f} %"


def _svg(width: float, height: float, label: str, body: list[str]) -> str:
    head = f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}"'
    return f'{head} role="img" aria-label="{escape(label)}">{"".join(body)}</svg>'


def _bar(x: float, y: float, width: float, height: float, fill: str, title: str) -> str:
    box = f'x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}"'
    return f'<rect {box} fill="{fill}"><title>{escape(title)}</title></rect>'


Bar = tuple[str, float | None, float | None, bool | None, float | None]


def sl_chart(periods: list[ServicePeriod], goal: float, width: int = 720, height: int = 220) -> str:
    """Bars: actual SL per period (red: missed); dashed line: goal; dots: planned SL."""
    bars: list[Bar] = [(p.period, p.service_level, goal, p.met, p.planned_sl) for p in periods]
    return share_chart(bars, "service level per period", width, height)


def resolution_chart(periods: list[ServicePeriod], width: int = 720, height: int = 220) -> str:
    """Bars: share resolved within deadline per period (red: below target); dashed: target."""
    bars: list[Bar] = [(p.period, p.resolution_share, p.resolution_target, p.resolution_met,
                        None) for p in periods]  # fmt: skip
    return share_chart(bars, "share resolved within deadline per period", width, height)


def share_chart(bars: list[Bar], label: str, width: int = 720, height: int = 220) -> str:
    """Bars (period, actual, target, met, planned) of a share: red where missed (grey where
    met or not judged), the target a dashed green step, planned a dot; no bar where None."""
    if not bars:
        return ""
    left, bottom, top = 44, 20, 10
    step = (width - left - 10) / len(bars)

    def y(value: float) -> float:
        return top + (height - top - bottom) * (1.0 - max(0.0, min(1.0, value)))

    shapes: list[str] = []
    targets: list[str] = []
    for i, (period, actual, target, met, planned) in enumerate(bars):
        x = left + i * step
        if target is not None:
            targets.append(f"{'L' if targets else 'M'}{x:.1f},{y(target):.1f}H{x + step:.1f}")
        if actual is None:
            continue
        title = f"{period}: actual {_pct(actual)}, target {_pct(target)}, planned {_pct(planned)}"
        bar = min(step * 0.7, 48.0)
        colour = "#c0392b" if met is False else "#5d6d7e"
        shapes.append(_bar(x + (step - bar) / 2, y(actual), bar, y(0) - y(actual), colour, title))
        if planned is not None:
            centre = f'cx="{x + step / 2:.1f}" cy="{y(planned):.1f}"'
            shapes.append(f'<circle {centre} r="3.5" fill="#f4d03f" stroke="#000"/>')
    shapes.append(f'<path d="{"".join(targets)}" fill="none" stroke="#1e8449" '
                  'stroke-width="2" stroke-dasharray="6 3"/>')  # fmt: skip
    for tick in (0.0, 0.5, 1.0):
        shapes.append(f'<text x="2" y="{y(tick) + 4:.1f}" font-size="10">{_pct(tick)}</text>')
    return _svg(width, height, label, shapes)


def attribution_bars(parts: dict[str, float], width: int = 240, scale: float = 1.0) -> str:
    """Horizontal bars, one per factor: left of the axis SL lost, right SL gained; the value
    in SL points at the right."""
    chart = width - 44
    mid, rows = chart / 2, []
    for i, name in enumerate(FACTORS):
        value = parts.get(name, 0.0)
        length = min(mid, abs(value) * mid / scale)
        x = mid - length if value < 0 else mid
        title = f"{name}: {100 * value:+.1f} points"
        rows.append(_bar(x, i * 14, length, 11, COLOURS[name], title))
        rows.append(f'<text x="{width - 2}" y="{i * 14 + 10}" font-size="10" '
                    f'text-anchor="end">{100 * value:+.1f}</text>')  # fmt: skip
    height = 14 * len(FACTORS)
    rows.append(f'<line x1="{mid}" y1="0" x2="{mid}" y2="{height}" stroke="#000"/>')
    return _svg(width, height, "attribution of the service-level gap", rows)


STYLE = """
body { font: 12px/1.4 system-ui, sans-serif; margin: 1.5em; color: #1b2631; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border-bottom: 1px solid #d5d8dc; padding: 3px 6px; text-align: right;
         white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
.missed { color: #c0392b; font-weight: 600; } .met { color: #1e8449; }
.legend span { display: inline-block; margin-right: 1em; }
.legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; }
@media print { body { margin: 0; } section { break-inside: avoid; } }
"""


def _row(p: ServicePeriod, scale: float) -> str:
    verdict = f'<td class="{"missed" if p.met is False else "met"}">{verdict_word(p.met)}</td>'
    cells = [escape(p.period), f"{p.offered:,.0f}", _pct(p.service_level), _pct(p.planned_sl),
             _pct(p.goal_sl), "" if p.asa_s is None else f"{p.asa_s:.0f} s",
             _pct(p.abandon_rate), "" if p.aht_s is None else f"{p.aht_s:.0f} s",
             f"{p.forecast_calls:,.0f}" if p.forecast_calls is not None else "",
             _pct(p.forecast_bias), _pct(p.forecast_coverage)]  # fmt: skip
    bars = attribution_bars(p.attribution, scale=scale) if p.attribution else ""
    return "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + verdict + f"<td>{bars}</td></tr>"


def _legend() -> str:
    items = "".join(
        f'<span><i style="background:{COLOURS[n]}"></i>{n.replace("_", " ")}</span>'
        for n in FACTORS
    )
    return f'<p class="legend">{items}</p>'


def report_days(report: ServiceReportRead) -> str:
    """The report's local days: first to last (the window's end is exclusive)."""
    zone = ZoneInfo(report.zone)
    first = report.start.astimezone(zone).date()
    last = (report.end - timedelta(seconds=1)).astimezone(zone).date()
    return f"{first:%Y-%m-%d} to {last:%Y-%m-%d}"


def _count(value: float | None) -> str:
    return "" if value is None else f"{value:,.0f}"


def verdict_word(met: bool | None) -> str:
    return "not judged" if met is None else ("met" if met else "missed")


RESOLUTION_HEAD = ("period", "items", "resolved", "within deadline", "share", "target", "",
                   "trend", "backlog")  # fmt: skip


def resolution_cells(p: ServicePeriod) -> list[str]:
    """A period's resolution-within-deadline cells (``RESOLUTION_HEAD``)."""
    trend = "" if p.resolution_trend is None else f"{100 * p.resolution_trend:+.1f} pt"
    return [p.period, _count(p.items), _count(p.resolved), _count(p.resolved_within_deadline),
            _pct(p.resolution_share), _pct(p.resolution_target),
            verdict_word(p.resolution_met), trend, _count(p.backlog)]  # fmt: skip


def resolution_text(report: ServiceReportRead) -> str:
    """The deferred queues' target in words ("" without deferred queues)."""
    if report.resolution_basis is None:
        return ""
    target, deadline = report.goal.get("resolution_target"), report.goal.get("deadline_minutes")
    within = "their deadline" if deadline is None else f"{deadline:g} open minutes"
    if target is None and any(p.resolution_target is not None for p in report.periods):
        head = f"Resolution target: each queue's share within {within}, weighted by items."
    elif target is None:
        head = "No resolution target: the share is reported, met/missed not judged."
    else:
        head = f"Resolution target: {_pct(target)} of items resolved within {within}."
    judged = [p.resolution_met for p in report.periods if p.resolution_met is not None]
    if judged:
        head += f" {judged.count(False)} of {len(judged)} judged periods below it."
    return f"{head} Resolution basis: {report.resolution_basis}."


def _resolution_section(report: ServiceReportRead) -> str:
    if report.resolution_basis is None:
        return ""
    head = "".join(f"<th>{n}</th>" for n in RESOLUTION_HEAD)
    rows = "".join(
        "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in resolution_cells(p)[:6])
        + f'<td class="{"missed" if p.resolution_met is False else "met"}">'
        + f"{verdict_word(p.resolution_met)}</td>"
        + "".join(f"<td>{escape(c)}</td>" for c in resolution_cells(p)[7:]) + "</tr>"
        for p in report.periods
    )  # fmt: skip
    return f"""<section><h2>Resolution within deadline (deferred queues)</h2>
{resolution_chart(report.periods)}
<p class="legend"><span>bars: share of items resolved within the deadline (red: below
target)</span><span>dashed line: target</span></p>
<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></section>
"""


def _service_section(report: ServiceReportRead) -> str:
    goal = report.goal
    scale = max(
        [abs(v) for p in report.periods if p.attribution for v in p.attribution.values()] + [0.01]
    )
    names = ("period", "offered", "actual SL", "planned SL", "goal", "ASA", "abandoned", "AHT",
             "forecast", "bias", "in PI", "goal", "why (SL points)")  # fmt: skip
    head = "".join(f"<th>{n}</th>" for n in names)
    rows = "".join(_row(p, scale) for p in report.periods)
    chart = sl_chart(report.periods, goal["service_level"] or 0)
    return f"""<section><h2>Actual vs goal vs planned</h2>{chart}
<p class="legend"><span>bars: actual (red: missed)</span><span>dashed line: goal</span>
<span>dots: planned (predicted for the roster)</span></p></section>
<section><h2>Per period</h2>{_legend()}
<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>
<p>Why: Shapley decomposition of actual SL minus the SL of the plan met as required (volume
above forecast, handle time above plan, staffing planned below requirement, attendance below
the roster), each from the queueing model with the actual inputs; model gap = what the model
does not explain. The parts sum to the total.</p></section>
"""


def has_calls(report: ServiceReportRead) -> bool:
    """Whether the report has live queues' figures (a deferred-only report has no SL)."""
    return report.resolution_basis is None or any(
        p.service_level is not None for p in report.periods
    )


def report_html(report: ServiceReportRead) -> str:
    """A print-ready page: header with goal and SL basis, SL chart, the period table with
    attribution bars (SL points lost or gained per factor); for deferred queues the share
    resolved within deadline against the target (chart and table) instead of or beside it."""
    goal = report.goal
    subject = report.queue if report.client is None else f"{report.client} ({report.queue})"
    title = f"Service report: {subject} ({report.grain})"
    missed = sum(1 for p in report.periods if p.met is False)
    calls = has_calls(report)
    sl_goal = (
        f"Goal: {_pct(goal.get('service_level'))} answered within "
        f"{goal.get('answer_within_s'):g} s. Service level basis: {escape(report.sl_basis)}. "
        f"Model: {escape(report.model)}."
        if calls else "Deferred queues only: no service level in seconds."
    )  # fmt: skip
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>
<style>{STYLE}</style></head><body>
<h1>{escape(title)}</h1>
<p>{report_days(report)} ({escape(report.zone)}).
{sl_goal} {escape(resolution_text(report))}
{missed} of {len(report.periods)} periods missed the goal.</p>
{_service_section(report) if calls else ""}{_resolution_section(report)}</body></html>
"""
