"""The service report as CSV and as a print-ready HTML page (inline SVG charts, no CDN)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from html import escape
from zoneinfo import ZoneInfo

from api.schemas.actuals import ServicePeriod, ServiceReportRead

FACTORS = ("volume", "handle_time", "staffing", "attendance", "model_gap")
COLOURS = {"volume": "#c0392b", "handle_time": "#d68910", "staffing": "#2471a3",
           "attendance": "#7d3c98", "model_gap": "#909497"}  # fmt: skip
CSV_COLUMNS = (
    "period", "offered", "answered", "abandoned", "service_level", "goal_sl", "planned_sl",
    "met", "asa_s", "abandon_rate", "aht_s", "forecast_calls", "forecast_wape", "forecast_bias",
    "sl_trend", "forecast_coverage", "forecast_pi_level", "forecast_lead_days",
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


def sl_chart(periods: list[ServicePeriod], goal: float, width: int = 720, height: int = 220) -> str:
    """Bars: actual SL per period (red: missed); dashed line: goal; dots: planned SL."""
    if not periods:
        return ""
    left, bottom, top = 44, 20, 10
    step = (width - left - 10) / len(periods)

    def y(value: float) -> float:
        return top + (height - top - bottom) * (1.0 - max(0.0, min(1.0, value)))

    goal_y = f"{y(goal):.1f}"
    shapes = [
        f'<line x1="{left}" y1="{goal_y}" x2="{width - 10}" y2="{goal_y}" '
        'stroke="#1e8449" stroke-width="2" stroke-dasharray="6 3"/>'
    ]
    for i, p in enumerate(periods):
        x = left + i * step
        colour = "#5d6d7e" if p.met else "#c0392b"
        sl = p.service_level
        title = f"{p.period}: actual {_pct(sl)}, planned {_pct(p.planned_sl)}"
        bar = min(step * 0.7, 48.0)
        shapes.append(_bar(x + (step - bar) / 2, y(sl), bar, y(0) - y(sl), colour, title))
        if p.planned_sl is not None:
            centre = f'cx="{x + step / 2:.1f}" cy="{y(p.planned_sl):.1f}"'
            shapes.append(f'<circle {centre} r="3.5" fill="#f4d03f" stroke="#000"/>')
    for tick in (0.0, 0.5, 1.0):
        shapes.append(f'<text x="2" y="{y(tick) + 4:.1f}" font-size="10">{_pct(tick)}</text>')
    return _svg(width, height, "service level per period", shapes)


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
    verdict = '<td class="met">met</td>' if p.met else '<td class="missed">missed</td>'
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


def report_html(report: ServiceReportRead) -> str:
    """A print-ready page: header with goal and SL basis, SL chart, the period table with
    attribution bars (SL points lost or gained per factor)."""
    goal = report.goal
    scale = max(
        [abs(v) for p in report.periods if p.attribution for v in p.attribution.values()] + [0.01]
    )
    subject = report.queue if report.client is None else f"{report.client} ({report.queue})"
    title = f"Service report: {subject} ({report.grain})"
    names = ("period", "offered", "actual SL", "planned SL", "goal", "ASA", "abandoned", "AHT",
             "forecast", "bias", "in PI", "goal", "why (SL points)")  # fmt: skip
    head = "".join(f"<th>{n}</th>" for n in names)
    rows = "".join(_row(p, scale) for p in report.periods)
    missed = sum(1 for p in report.periods if not p.met)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>
<style>{STYLE}</style></head><body>
<h1>{escape(title)}</h1>
<p>{report_days(report)} ({escape(report.zone)}).
Goal: {_pct(goal.get("service_level"))} answered within {goal.get("answer_within_s"):g} s.
Service level basis: {escape(report.sl_basis)}. Model: {escape(report.model)}.
{missed} of {len(report.periods)} periods missed the goal.</p>
<section><h2>Actual vs goal vs planned</h2>{sl_chart(report.periods, goal["service_level"] or 0)}
<p class="legend"><span>bars: actual (red: missed)</span><span>dashed line: goal</span>
<span>dots: planned (predicted for the roster)</span></p></section>
<section><h2>Per period</h2>{_legend()}
<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>
<p>Why: Shapley decomposition of actual SL minus the SL of the plan met as required (volume
above forecast, handle time above plan, staffing planned below requirement, attendance below
the roster), each from the queueing model with the actual inputs; model gap = what the model
does not explain. The parts sum to the total.</p></section>
</body></html>
"""
