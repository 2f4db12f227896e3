// Closing the loop (issue #24): the service report (GET /v1/reports/service: goal vs actual
// vs planned SL per day / week / month, met or missed, why) and the intraday view of today
// (GET /v1/queues/{id}/intraday: actuals so far, day-ahead forecast, reforecast, requirement
// vs rostered agents, predicted SL, proposals). Both are read on demand from their forms.

import * as client from "./client.js";
import { clientRollup } from "./clients.js";
import { addDays, clear, fmt, html, linear, localDay, localTime, pct, svg, tip, zonedInstant } from "./svg.js";

export const FACTORS = ["volume", "handle_time", "staffing", "attendance", "model_gap"];
const FACTOR_LABEL = {
  volume: "volume", handle_time: "handle time", staffing: "staffing", attendance: "attendance",
  model_gap: "model gap",
};
const $ = (id) => document.getElementById(id);

// ---- service report ---------------------------------------------------------------------

/** View model of a service report body: periods with their missed intervals counted. */
export function serviceReportModel(report) {
  const missedBy = new Map();
  for (const m of report.missed_intervals ?? []) {
    const day = localDay(Date.parse(m.interval_start), report.zone);
    const period = [...report.periods].reverse().find((p) => p.period <= day);
    if (period) missedBy.set(period.period, (missedBy.get(period.period) ?? 0) + 1);
  }
  const periods = report.periods.map((p) => ({ ...p, missedIntervals: missedBy.get(p.period) ?? 0 }));
  return {
    queue: report.queue, queueIds: report.queue_ids, grain: report.grain, zone: report.zone,
    client: report.client ?? null, clientId: report.client_id ?? null,
    goal: report.goal, basis: report.sl_basis, model: report.model, periods,
    missed: periods.filter((p) => p.met === false).length,
    // deferred queues (e-mail, tickets): resolution within deadline instead of (or beside) SL
    resolutionBasis: report.resolution_basis ?? null,
    hasCalls: !report.resolution_basis || periods.some((p) => p.service_level !== null && p.service_level !== undefined),
  };
}

/** Actual SL bars (red: missed), the goal as a dashed line and planned SL dots per period. */
export function serviceLevelChart(model, width = 900, height = 220) {
  const { periods } = model;
  const left = 44, right = 10, top = 12, bottom = 24;
  const column = (width - left - right) / Math.max(periods.length, 1);
  const x = (i) => left + i * column;
  const y = linear(0, 1, height - bottom, top);
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", id: "service-report-svg",
    role: "img", "aria-label": "Actual vs goal vs planned service level", "data-periods": periods.length });
  for (const v of [0, 0.5, 1]) {
    chart.append(svg("line", { x1: left, x2: width - right, y1: y(v), y2: y(v), class: v ? "grid" : "baseline" }),
      svg("text", { x: left - 4, y: y(v) + 3, "text-anchor": "end", class: "axis-label" }, [pct(v, 0)]));
  }
  const bar = Math.min(column * 0.7, 48);
  periods.forEach((p, i) => {
    const sl = Math.max(0, Math.min(1, p.service_level));
    chart.append(svg("rect", {
      x: x(i) + (column - bar) / 2, y: y(sl), width: bar, height: y(0) - y(sl),
      class: `bar ${p.met ? "met" : "under"}`, "data-period": p.period, "data-met": String(p.met),
    }, [tip(`${p.period}\nactual ${pct(p.service_level)} · planned ${pct(p.planned_sl)} · goal ${pct(p.goal_sl)}`
      + `\n${fmt(p.offered)} calls offered${p.met ? "" : `\nmissed${p.missedIntervals ? ` (${p.missedIntervals} planned intervals below goal)` : ""}`}`)]));
    if (p.planned_sl !== null && p.planned_sl !== undefined) {
      chart.append(svg("circle", { cx: x(i) + column / 2, cy: y(p.planned_sl), r: 3.5, class: "planned-dot",
        "data-period": p.period }));
    }
    if (i % Math.ceil(periods.length / 12) === 0) {
      chart.append(svg("text", { x: x(i) + column / 2, y: height - 8, "text-anchor": "middle", class: "axis-label" },
        [model.grain === "month" ? p.period.slice(0, 7) : p.period.slice(5)]));
    }
  });
  const goal = periods.map((p, i) => `${i ? "L" : "M"}${x(i).toFixed(1)},${y(p.goal_sl).toFixed(1)}H${(x(i) + column).toFixed(1)}`);
  chart.append(svg("path", { d: goal.join(""), class: "target goal-line" }, [tip(`goal ${pct(model.goal.service_level)}`)]));
  return chart;
}

/** One bar per factor (left: SL points lost, right: gained), `scale` the largest |part|. */
export function attributionBars(parts, scale, period, width = 240) {
  const chartWidth = width - 110;
  const mid = 70 + chartWidth / 2;
  const node = svg("svg", { viewBox: `0 0 ${width} ${FACTORS.length * 13}`, width, height: FACTORS.length * 13,
    class: "chart attribution", "data-period": period, role: "img", "aria-label": `Why ${period} differed` });
  FACTORS.forEach((name, i) => {
    const value = parts[name] ?? 0;
    const length = Math.min(chartWidth / 2, (Math.abs(value) * chartWidth) / 2 / scale);
    node.append(
      svg("text", { x: 66, y: i * 13 + 9, "text-anchor": "end" }, [FACTOR_LABEL[name]]),
      svg("rect", { x: value < 0 ? mid - length : mid, y: i * 13 + 1, width: length, height: 10,
        class: `attr ${name}`, "data-factor": name, "data-value": value },
      [tip(`${FACTOR_LABEL[name]}: ${(value * 100).toFixed(1)} SL points`)]),
      svg("text", { x: width - 2, y: i * 13 + 9, "text-anchor": "end" }, [`${value >= 0 ? "+" : ""}${(value * 100).toFixed(1)}`]),
    );
  });
  node.append(svg("line", { x1: mid, x2: mid, y1: 0, y2: FACTORS.length * 13, class: "baseline" }));
  return node;
}

/** The met / missed table; a missed period with an attribution gets its bars. */
export function serviceTable(model) {
  const scale = Math.max(0.01, ...model.periods.flatMap((p) => (p.attribution ? FACTORS.map((f) => Math.abs(p.attribution[f] ?? 0)) : [])));
  const head = ["period", "offered", "actual SL", "planned SL", "goal", "ASA s", "abandoned", "AHT s",
    "forecast WAPE", "trend", "", "why (SL points, planned → actual)"];
  const rows = model.periods.map((p) => html("tr", { "data-period": p.period, "data-met": String(p.met) }, [
    html("th", { scope: "row" }, [p.period]), html("td", {}, [fmt(p.offered)]),
    html("td", { class: p.met ? "" : "under" }, [pct(p.service_level)]), html("td", {}, [pct(p.planned_sl)]),
    html("td", {}, [pct(p.goal_sl, 0)]), html("td", {}, [fmt(p.asa_s)]), html("td", {}, [pct(p.abandon_rate)]),
    html("td", {}, [fmt(p.aht_s)]), html("td", {}, [pct(p.forecast_wape)]),
    html("td", {}, [p.sl_trend === null || p.sl_trend === undefined ? "–" : `${p.sl_trend >= 0 ? "+" : ""}${(p.sl_trend * 100).toFixed(1)}`]),
    html("td", { class: p.met ? "met" : "under" }, [p.met ? "met" : `missed${p.missedIntervals ? ` (${p.missedIntervals} int.)` : ""}`]),
    html("td", { class: "text" }, [!p.met && p.attribution ? attributionBars(p.attribution, scale, p.period) : ""]),
  ]));
  return html("table", { id: "service-report-table", class: "service-report" }, [
    html("thead", {}, [html("tr", {}, head.map((h) => html("th", { scope: "col" }, [h])))]),
    html("tbody", {}, rows),
  ]);
}

/** The report view into `node`: summary line, chart, legend and table; for deferred queues
 * the share resolved within deadline against the target (no SL in seconds for them). */
export function renderServiceReport(node, model) {
  clear(node);
  const g = model.goal;
  const goal = model.hasCalls ? `the goal (${pct(g.service_level, 0)} in ${fmt(g.answer_within_s)} s) · SL basis: ${model.basis}`
    : "the resolution target · deferred queues only: no service level in seconds";
  node.append(
    html("p", { id: "service-report-summary" }, [`${model.client && !model.hasCalls ? `Client ${model.client}: ` : ""}`
      + `${model.queue} · ${model.missed} of ${model.periods.length} ${model.grain}s missed ${goal}`]),
    (model.hasCalls && clientRollup(model)) || "", // its SL / ASA / abandonment counts: calls only
    ...(model.hasCalls ? [serviceLevelChart(model),
      html("p", { class: "chart-note" }, [html("i", { class: "key under" }), " missed · ",
        html("i", { class: "key met-key" }), " met · dots: planned (predicted for the roster) · dashed: goal. "
        + "Why: Shapley parts of actual minus planned-as-required SL; model gap is what the queueing model does not explain."]),
      serviceTable(model)] : []),
    ...(model.resolutionBasis ? resolutionSection(model) : []),
  );
}

// ---- resolution within deadline (deferred queues) ----------------------------------------

const verdict = (met) => (met === null || met === undefined ? "not judged" : met ? "met" : "missed");
const points = (v) => (v === null || v === undefined ? "–" : `${v >= 0 ? "+" : ""}${(v * 100).toFixed(1)} pt`);

/** One period's share resolved within deadline as a bar (red below target), the target a tick. */
export function shareBar(p, width = 160) {
  const node = svg("svg", { viewBox: `0 0 ${width} 12`, width, height: 12, class: "chart share",
    "data-period": p.period, role: "img", "aria-label": `Share resolved within deadline, ${p.period}` });
  if (p.resolution_share !== null && p.resolution_share !== undefined) {
    node.append(svg("rect", { x: 0, y: 1, width: Math.min(1, p.resolution_share) * width, height: 10,
      class: `bar ${p.resolution_met === false ? "under" : "met"}`, "data-share": p.resolution_share },
    [tip(`${p.period}: ${pct(p.resolution_share)} within deadline · target ${pct(p.resolution_target)}`)]));
  }
  if (p.resolution_target !== null && p.resolution_target !== undefined) {
    const x = p.resolution_target * width;
    node.append(svg("line", { x1: x, x2: x, y1: 0, y2: 12, class: "target", "data-target": p.resolution_target }));
  }
  return node;
}

/** Per period: items arrived, resolved, within deadline, share vs target, verdict, trend, backlog. */
export function resolutionSection(model) {
  const head = ["period", "items", "resolved", "within deadline", "share", "target", "", "trend", "backlog", "share vs target"];
  const rows = model.periods.map((p) => html("tr", { "data-period": p.period, "data-met": String(p.resolution_met) }, [
    html("th", { scope: "row" }, [p.period]), html("td", {}, [fmt(p.items)]), html("td", {}, [fmt(p.resolved)]),
    html("td", {}, [fmt(p.resolved_within_deadline)]),
    html("td", { class: p.resolution_met === false ? "under" : "" }, [pct(p.resolution_share)]),
    html("td", {}, [pct(p.resolution_target, 0)]),
    html("td", { class: p.resolution_met === false ? "under" : "met" }, [verdict(p.resolution_met)]),
    html("td", {}, [points(p.resolution_trend)]), html("td", {}, [fmt(p.backlog)]),
    html("td", { class: "text" }, [shareBar(p)]),
  ]));
  return [
    html("h3", { id: "resolution-head" }, [`Resolution within deadline · ${model.periods.filter((p) => p.resolution_met === false).length}`
      + ` of ${model.periods.filter((p) => p.resolution_met === true || p.resolution_met === false).length} judged ${model.grain}s below target`]),
    html("p", { class: "chart-note", id: "resolution-basis" }, [model.resolutionBasis
      + (model.goal.resolution_target === null || model.goal.resolution_target === undefined ? ""
        : ` · target ${pct(model.goal.resolution_target, 0)}`)
      + (model.goal.deadline_minutes ? ` within ${fmt(model.goal.deadline_minutes)} open minutes` : "")]),
    html("table", { id: "resolution-table", class: "service-report" }, [
      html("thead", {}, [html("tr", {}, head.map((h) => html("th", { scope: "col" }, [h])))]),
      html("tbody", {}, rows),
    ]),
  ];
}

/** Query of the report form: queue ids or a client (clients.js fills it), window, grain. */
function reportQuery() {
  const ids = [...$("report-queues").selectedOptions].map((o) => Number(o.value));
  const clientId = Number($("report-client")?.value) || null;
  return { queueIds: clientId ? [] : ids, clientId, start: $("report-start").value, end: $("report-end").value, grain: $("report-grain").value };
}

function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = html("a", { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * Show the print-ready HTML in `win` (a window opened by the click, so no pop-up blocker).
 * The page's Content-Security-Policy (style-src 'self') is inherited by blob: and about:blank
 * documents, so the report's <style> and style attributes are applied through the CSSOM
 * (a constructed style sheet, element.style), which the policy allows.
 */
export function showHtml(win, text) {
  const css = [...text.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/gi)].map((m) => m[1]);
  const body = text.replace(/<style[^>]*>[\s\S]*?<\/style>/gi, "").replace(/\sstyle="([^"]*)"/g, ' data-sw-style="$1"');
  const parsed = new DOMParser().parseFromString(body, "text/html");
  const doc = win.document;
  doc.replaceChild(doc.importNode(parsed.documentElement, true), doc.documentElement);
  doc.querySelectorAll("[data-sw-style]").forEach((el) => {
    el.style.cssText = el.dataset.swStyle;
    el.removeAttribute("data-sw-style");
  });
  const sheet = new win.CSSStyleSheet();
  sheet.replaceSync(css.join("\n"));
  doc.adoptedStyleSheets = [sheet];
}

// ---- intraday -----------------------------------------------------------------------------

/** View model of an intraday body: one point per interval of the day's roster. */
export function intradayModel(body, zone) {
  const t = body.intervals;
  const m0 = body.observed_intervals;
  const points = t.interval_start.map((iso, i) => ({
    start: Date.parse(iso), dayAhead: t.day_ahead_calls[i], actual: t.actual_calls[i],
    reforecast: i >= m0 ? t.calls[i] : null, required: t.required[i], rostered: t.rostered[i],
    sl: i >= m0 ? t.predicted_sl[i] : null, observed: i < m0,
  }));
  return {
    zone, day: body.day, observed: m0, ratio: body.ratio_so_far, restSl: body.rest_of_day_sl,
    goal: body.goal_sl, shapes: body.shapes, points, proposals: body.proposals ?? [],
  };
}

function intervalFrame(points, id, label, max, width, height) {
  const left = 44, right = 10, top = 18, bottom = 22;
  const column = (width - left - right) / Math.max(points.length, 1);
  const x = (i) => left + i * column;
  const y = linear(0, max, height - bottom, top);
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", id, role: "img", "aria-label": label,
    "data-intervals": points.length });
  return { chart, x, y, column, left, right, width, height, bottom, top };
}

function pathOf(f, values) {
  let d = "";
  let pen = false;
  values.forEach((v, i) => {
    if (v === null || v === undefined) { pen = false; return; }
    d += `${pen ? "L" : "M"}${(f.x(i) + f.column / 2).toFixed(1)},${f.y(v).toFixed(1)}`;
    pen = true;
  });
  return d;
}

function timeAxis(f, points, zone, max, format) {
  const every = Math.max(1, Math.ceil(points.length / 10));
  points.forEach((p, i) => {
    if (i % every === 0) {
      f.chart.append(svg("text", { x: f.x(i), y: f.height - 8, class: "axis-label" }, [localTime(p.start, zone)]));
    }
  });
  for (const v of [0, max / 2, max]) {
    f.chart.append(svg("line", { x1: f.left, x2: f.width - f.right, y1: f.y(v), y2: f.y(v), class: v ? "grid" : "baseline" }),
      svg("text", { x: f.left - 4, y: f.y(v) + 3, "text-anchor": "end", class: "axis-label" }, [format(v)]));
  }
}

function keys(f, items) {
  let px = f.left + 4;
  for (const [cls, label] of items) {
    f.chart.append(svg("rect", { x: px, y: 2, width: 10, height: 8, class: `key ${cls}` }),
      svg("text", { x: px + 13, y: 10, class: "legend-text" }, [label]));
    px += 24 + label.length * 5.5;
  }
}

/** Calls: day-ahead forecast, actual so far, reforecast of the rest; `now` marked. */
export function intradayCallsChart(model, width = 420, height = 220) {
  const { points, zone } = model;
  const max = Math.max(1, ...points.flatMap((p) => [p.dayAhead, p.actual ?? 0, p.reforecast ?? 0])) * 1.1;
  const f = intervalFrame(points, "intraday-calls-svg", "Calls today: actual, day-ahead, reforecast", max, width, height);
  timeAxis(f, points, zone, max, (v) => fmt(v));
  const now = f.x(model.observed);
  f.chart.append(
    svg("line", { x1: now, x2: now, y1: f.top, y2: f.height - f.bottom, class: "now-line" }),
    svg("path", { d: pathOf(f, points.map((p) => p.dayAhead)), class: "line forecast", "data-series": "day_ahead" }),
    svg("path", { d: pathOf(f, points.map((p) => p.actual)), class: "line actual", "data-series": "actual" }),
    svg("path", { d: pathOf(f, points.map((p, i) => (i === model.observed - 1 ? p.actual : p.reforecast))),
      class: "line reforecast", "data-series": "reforecast" }),
  );
  points.forEach((p, i) => f.chart.append(svg("rect", { x: f.x(i), y: f.top, width: Math.max(f.column, 0.5),
    height: f.height - f.bottom - f.top, class: "hit", "data-interval": i, "data-observed": String(p.observed) },
  [tip(`${localTime(p.start, zone)}\nday-ahead ${fmt(p.dayAhead, 1)}\n`
    + (p.observed ? `actual ${fmt(p.actual)}` : `reforecast ${fmt(p.reforecast, 1)}`))])));
  keys(f, [["actual", "actual"], ["forecast", "day-ahead"], ["reforecast", "reforecast"]]);
  return f.chart;
}

/** Rostered agents (bars, red where below the requirement) vs required agents (step). */
export function intradayStaffChart(model, width = 420, height = 220) {
  const { points, zone } = model;
  const max = Math.max(1, ...points.flatMap((p) => [p.required, p.rostered])) * 1.15;
  const f = intervalFrame(points, "intraday-staff-svg", "Required vs rostered agents", max, width, height);
  timeAxis(f, points, zone, max, (v) => fmt(v, 1));
  points.forEach((p, i) => {
    const short = p.rostered < p.required - 1e-9;
    f.chart.append(svg("rect", { x: f.x(i) + 0.5, y: f.y(p.rostered), width: Math.max(f.column - 1, 0.5),
      height: f.y(0) - f.y(p.rostered), class: `bar capacity ${short ? "under" : "met"}`, "data-interval": i },
    [tip(`${localTime(p.start, zone)}\nrostered ${fmt(p.rostered, 1)} · required ${fmt(p.required)}`)]));
  });
  const step = points.map((p, i) => `${i ? "L" : "M"}${f.x(i).toFixed(1)},${f.y(p.required).toFixed(1)}H${(f.x(i) + f.column).toFixed(1)}`);
  f.chart.append(svg("path", { d: step.join(""), class: "line required" }));
  keys(f, [["met", "rostered"], ["under", "below required"], ["required", "required"]]);
  return f.chart;
}

/** Predicted SL of the unobserved intervals with the rostered agents, against the goal. */
export function intradaySlChart(model, width = 420, height = 220) {
  const { points, zone } = model;
  const f = intervalFrame(points, "intraday-sl-svg", "Predicted service level for the rest of the day", 1, width, height);
  timeAxis(f, points, zone, 1, (v) => pct(v, 0));
  points.forEach((p, i) => {
    if (p.sl === null) return;
    f.chart.append(svg("rect", { x: f.x(i), y: f.top, width: Math.max(f.column, 0.5), height: f.height - f.bottom - f.top,
      class: "hit", "data-interval": i }, [tip(`${localTime(p.start, zone)}\npredicted SL ${pct(p.sl)}`)]));
    if (p.sl < model.goal - 1e-9) {
      f.chart.append(svg("rect", { x: f.x(i), y: f.height - f.bottom - 3, width: Math.max(f.column, 0.5), height: 3, class: "miss" }));
    }
  });
  f.chart.append(
    svg("line", { x1: f.left, x2: f.width - f.right, y1: f.y(model.goal), y2: f.y(model.goal), class: "target" }),
    svg("text", { x: f.width - f.right, y: f.y(model.goal) - 3, "text-anchor": "end", class: "target-label" },
      [`goal ${pct(model.goal, 0)}`]),
    svg("path", { d: pathOf(f, points.map((p) => p.sl)), class: "line metric sl", "data-series": "predicted_sl" }),
  );
  keys(f, [["sl-key", "predicted SL (rostered agents)"]]);
  return f.chart;
}

const KIND_LABEL = {
  overtime: "overtime", early_release: "early release (VTO)", move_activity: "move break/lunch",
  cross_queue: "from another queue",
};

/** Proposals with their predicted effect on the rest-of-day SL. */
export function proposalsTable(model) {
  const head = ["kind", "agent", "change", "paid min", "calls within goal", "rest-of-day SL", "Δ SL"];
  const rows = model.proposals.map((p, i) => html("tr", { "data-proposal": i, "data-kind": p.kind }, [
    html("td", { class: "text" }, [KIND_LABEL[p.kind] ?? p.kind]), html("td", { class: "text" }, [p.agent]),
    html("td", { class: "text" }, [p.description]), html("td", {}, [`${p.paid_min > 0 ? "+" : ""}${p.paid_min}`]),
    html("td", {}, [`${p.answered_within_gain >= 0 ? "+" : ""}${fmt(p.answered_within_gain, 1)}`]),
    html("td", {}, [pct(p.rest_sl)]),
    html("td", { class: p.rest_sl < model.restSl ? "under" : "" }, [`${p.rest_sl >= model.restSl ? "+" : ""}${((p.rest_sl - model.restSl) * 100).toFixed(1)} pt`]),
  ]));
  return html("table", { id: "intraday-proposals", class: "proposals" }, [
    html("thead", {}, [html("tr", {}, head.map((h, i) => html("th", { scope: "col", class: i < 3 ? "text" : null }, [h])))]),
    html("tbody", {}, rows),
  ]);
}

/** The intraday view into `node`. */
export function renderIntraday(node, model) {
  clear(node);
  const tone = model.restSl < model.goal ? "under" : "met";
  node.append(
    html("p", { id: "intraday-summary" }, [`${model.day}: ${model.observed} of ${model.points.length} intervals observed`
      + ` · actual/forecast so far ${fmt(model.ratio, 2)} · ${model.shapes} day shape(s) · rest of day predicted `,
    html("b", { class: tone, id: "intraday-rest-sl" }, [pct(model.restSl)]), ` vs goal ${pct(model.goal, 0)}`]),
    html("div", { class: "intraday-charts" }, [intradayCallsChart(model), intradayStaffChart(model), intradaySlChart(model)]),
    model.proposals.length ? proposalsTable(model)
      : html("p", { class: "empty", id: "intraday-no-proposals" }, ["No change of the roster helps the rest of the day within its rules."]),
  );
}

// ---- wiring -----------------------------------------------------------------------------

/** Fill the report's queue list (the shown queue selected) and default dates once. */
export function syncActualsQueues(queues, current) {
  const select = $("report-queues");
  if (!select) return;
  clear(select);
  queues.forEach(({ queue, site }) => select.append(html("option", {
    value: queue.id, selected: queue.id === current?.queue.id ? "" : null,
  }, [`${site.name} · ${queue.name}`])));
  const today = current ? localDay(Date.now(), current.site.zone) : new Date().toISOString().slice(0, 10);
  if (!$("report-end").value) $("report-end").value = addDays(today, -1);
  if (!$("report-start").value) $("report-start").value = addDays(today, -28);
  if (!$("intraday-day").value) $("intraday-day").value = today;
}

function failed(node, error) {
  clear(node).append(html("div", { class: "empty error" }, [error.message ?? String(error)]));
}

/** Wire the report and intraday forms; `current()` gives {queue, site} of the page. */
export function installActuals(current) {
  $("report-form")?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const node = $("report-view");
    try {
      renderServiceReport(node, serviceReportModel(await client.getServiceReport(reportQuery())));
    } catch (error) { failed(node, error); }
  });
  const download = (format) => async () => {
    const q = reportQuery();
    try {
      saveBlob(await client.serviceReportFile(q, format), `service-${q.clientId ? `client-${q.clientId}` : q.queueIds.join("-")}-${q.start}-${q.end}-${q.grain}.${format}`);
    } catch (error) { failed($("report-view"), error); }
  };
  $("report-csv")?.addEventListener("click", download("csv"));
  if ($("report-html") && !$("report-pdf")) { // the client-ready PDF (api/convert/report_pdf.py)
    const pdf = html("button", { id: "report-pdf", type: "button" }, ["PDF"]);
    $("report-html").after(pdf);
    pdf.addEventListener("click", download("pdf"));
  }
  $("report-html")?.addEventListener("click", async () => {
    const win = window.open("", "_blank"); // opened by the click itself: no pop-up blocker
    try {
      const text = await (await client.serviceReportFile(reportQuery(), "html")).text();
      if (win) showHtml(win, text);
    } catch (error) {
      win?.close();
      failed($("report-view"), error);
    }
  });
  $("intraday-form")?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const node = $("intraday-view");
    const { queue, site } = current() ?? {};
    if (!queue) return;
    const day = $("intraday-day").value;
    const [h, m] = ($("intraday-now").value || "").split(":").map(Number);
    const now = Number.isFinite(h) ? new Date(zonedInstant(day, h * 60 + (m || 0), site.zone)).toISOString() : null;
    try {
      renderIntraday(node, intradayModel(await client.getIntraday(queue, day, now), site.zone));
      node.dataset.loads = String(Number(node.dataset.loads || 0) + 1);
      const meta = $("intraday-meta");
      if (meta) meta.textContent = `updated ${localTime(Date.now(), site.zone)}`;
    } catch (error) { failed(node, error); }
  });
  installIntradayRefresh($("intraday-form"));
}

export const INTRADAY_REFRESH_S = 60;

/**
 * Refresh the intraday view by itself every `seconds` while its box is ticked (the default),
 * once it has been shown, with "Now" empty (the live day: every stored actual) and the page
 * visible: new actuals, the reforecast and the proposals come without a click.
 */
export function installIntradayRefresh(form, seconds = INTRADAY_REFRESH_S) {
  if (!form) return null;
  const box = html("input", { id: "intraday-auto", type: "checkbox", checked: "" });
  form.insertBefore(html("label", {}, [box, ` refresh every ${seconds} s`]), form.querySelector("button"));
  return setInterval(() => {
    const shown = $("intraday-view")?.childElementCount > 0;
    if (box.checked && shown && !$("intraday-now").value && document.visibilityState !== "hidden") {
      form.requestSubmit();
    }
  }, seconds * 1000);
}
