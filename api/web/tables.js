// HTML tables of the planner page: daily/weekly staffing totals, scenario comparison,
// import errors.

import { addDays, dayLabel, fmt, html, localDay, num, pct } from "./svg.js";

/**
 * Daily and weekly agent-hour totals of required vs scheduled staffing.
 * @returns {{day: string, required_h: number, scheduled_h: number, under_h: number,
 *   intervals_under: number, intervals: number}[]}
 */
export function dailyTotals(points, zone, intervalMin) {
  const hours = intervalMin / 60;
  const byDay = new Map();
  for (const p of points) {
    const day = localDay(p.start, zone);
    const t = byDay.get(day) ?? { day, required_h: 0, scheduled_h: 0, under_h: 0, intervals_under: 0, intervals: 0 };
    t.required_h += p.required * hours;
    t.scheduled_h += p.scheduled * hours;
    t.under_h += Math.max(p.required - p.scheduled, 0) * hours;
    t.intervals_under += p.scheduled < p.required ? 1 : 0;
    t.intervals += 1;
    byDay.set(day, t);
  }
  return [...byDay.values()];
}

function sumTotals(days) {
  const total = { day: "Week", required_h: 0, scheduled_h: 0, under_h: 0, intervals_under: 0, intervals: 0 };
  for (const d of days) for (const k of Object.keys(total)) if (k !== "day") total[k] += d[k];
  return total;
}

function totalsRow(t, label, attrs) {
  const net = t.scheduled_h - t.required_h;
  return html("tr", attrs, [
    html("th", { scope: "row" }, [label]),
    html("td", {}, [fmt(t.required_h, 1)]),
    html("td", {}, [fmt(t.scheduled_h, 1)]),
    html("td", { class: net < 0 ? "under" : net > 0 ? "over" : "" }, [`${net > 0 ? "+" : ""}${fmt(net, 1)}`]),
    html("td", { class: t.under_h > 0 ? "under" : "" }, [fmt(t.under_h, 1)]),
    html("td", {}, [`${t.intervals_under}/${t.intervals}`]),
  ]);
}

/** The net staffing totals table: one row per local day plus the weekly total. */
export function totalsTable(points, zone, intervalMin) {
  const days = dailyTotals(points, zone, intervalMin);
  const head = html("tr", {}, ["Day", "Req h", "Sched h", "Net h", "Short h", "Int. under"]
    .map((h) => html("th", { scope: "col" }, [h])));
  const body = days.map((d) => totalsRow(d, dayLabel(d.day), { "data-day": d.day }));
  return html("table", { id: "totals-table", class: "totals" }, [
    html("thead", {}, [head]),
    html("tbody", {}, body),
    html("tfoot", {}, [totalsRow(sumTotals(days), "Week", { "data-day": "week" })]),
  ]);
}

const FORMATS = {
  pct: (v) => pct(v),
  int: (v) => fmt(v, 0),
  dec1: (v) => fmt(v, 1),
  dec2: (v) => fmt(v, 2),
  signed1: (v) => (num(v) === null ? "–" : `${v > 0 ? "+" : ""}${fmt(v, 1)}`),
  text: (v) => (v === null || v === undefined ? "–" : String(v)),
};

function bestIndex(rows, column) {
  if (!column.better) return -1;
  const values = rows.map((r) => num(r.values[column.key]));
  let best = -1;
  values.forEach((v, i) => {
    if (v === null) return;
    const b = best < 0 ? null : values[best];
    if (b === null || (column.better === "higher" ? v > b : v < b)) best = i;
  });
  return best;
}

/**
 * Scenario comparison: one row per scenario, one column per metric; the best value of each
 * column is highlighted.
 * @param {{columns: {key: string, label: string, format: string, better: ?string}[],
 *   rows: {id: string, name: string, values: Object<string, any>}[]}} model
 */
export function scenarioTable(model) {
  const { columns, rows } = model;
  const best = columns.map((c) => bestIndex(rows, c));
  const head = html("tr", {}, [html("th", { scope: "col" }, ["Scenario"]),
    ...columns.map((c) => html("th", { scope: "col" }, [c.label]))]);
  const body = rows.map((r, i) => html("tr", { "data-scenario": r.id }, [
    html("th", { scope: "row" }, [r.name]),
    ...columns.map((c, k) => html("td", { class: best[k] === i && rows.length > 1 ? "best" : "" },
      [(FORMATS[c.format] ?? FORMATS.text)(r.values[c.key])])),
  ]));
  return html("table", { id: "scenario-table", class: "scenarios" }, [
    html("thead", {}, [head]), html("tbody", {}, body),
  ]);
}

/** Row errors of a rejected import (problem+json `errors`), or the warnings of a stored one. */
export function errorsTable(errors, limit = 50, id = "errors-table") {
  const head = html("tr", {}, ["Row", "Field", "Code", "Message"].map((h) => html("th", { scope: "col" }, [h])));
  const body = errors.slice(0, limit).map((e) => html("tr", { class: "import-error" }, [
    html("td", {}, [e.row === null || e.row === undefined ? "–" : String(e.row)]),
    html("td", {}, [e.field ?? "–"]),
    html("td", {}, [html("code", {}, [e.code ?? ""])]),
    html("td", {}, [e.message ?? ""]),
  ]));
  const more = errors.length > limit
    ? [html("caption", {}, [`first ${limit} of ${errors.length} problems`])] : [];
  return html("table", { id, class: "errors" }, [...more, html("thead", {}, [head]), html("tbody", {}, body)]);
}

/** Structural warnings of a roster or forecast: one item per warning, day and hours when given. */
export function warningsList(warnings, id) {
  return html("ul", { id, class: "warnings" }, warnings.map((w) => {
    const where = [w.date ? dayLabel(w.date) : null, num(w.hours_short) !== null ? `${fmt(w.hours_short, 1)} h short` : null]
      .filter(Boolean).join(", ");
    return html("li", { "data-code": w.code ?? "", title: w.cause ?? w.code ?? "" }, [
      where ? html("b", {}, [`${where}: `]) : null, w.message ?? w.code ?? "",
    ]);
  }));
}

/** Broken hard rules of a roster (`report.violations`), the first `limit` of them. */
export function violationsTable(violations, weekStart, limit = 20) {
  const day = (d) => (d === null || d === undefined ? "week" : dayLabel(addDays(weekStart, d)));
  const head = html("tr", {}, ["Agent", "Day", "Rule", "Message"].map((h) => html("th", { scope: "col" }, [h])));
  const body = violations.slice(0, limit).map((v) => html("tr", { class: "violation" }, [
    html("td", {}, [v.agent ?? "–"]), html("td", {}, [day(v.day)]),
    html("td", {}, [html("code", {}, [v.rule ?? ""])]), html("td", {}, [v.message ?? ""]),
  ]));
  const more = violations.length > limit ? [html("caption", {}, [`first ${limit} of ${violations.length}`])] : [];
  return html("table", { id: "violations-table", class: "errors violations" }, [...more, html("thead", {}, [head]), html("tbody", {}, body)]);
}
