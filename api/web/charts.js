// Interval charts of the planner page, drawn as plain SVG.
//
// Every chart takes a normalised view model (see client.js) and returns an <svg> element.
// Interval charts use one equal-width column per interval (closed hours are not drawn), tag
// each column with data-interval="<index>" and carry data-intervals="<count>" on the <svg>.

import { fmt, linear, localDay, localMinutes, localTime, niceTicks, pct, svg, tip, weekday } from "./svg.js";

const MARGIN = { top: 10, right: 12, bottom: 24, left: 44 };

/** Frame of an interval chart: x maps an interval index to its column's left edge. */
function frame(width, height, count, margin = MARGIN) {
  const x0 = margin.left;
  const x1 = width - margin.right;
  const column = count > 0 ? (x1 - x0) / count : 0;
  return {
    width, height, margin, x0, x1, column,
    y0: height - margin.bottom,
    y1: margin.top,
    x: (i) => x0 + i * column,
  };
}

function root(width, height, label, attrs = {}) {
  return svg("svg", {
    viewBox: `0 0 ${width} ${height}`, width, height, role: "img", "aria-label": label,
    class: "chart", ...attrs,
  });
}

/** Horizontal grid lines and labels of a y axis from 0 to `max`. */
function yAxis(f, y, max, format = (v) => fmt(v), left = true, integer = false) {
  const group = svg("g", { class: "axis y" });
  for (const tick of niceTicks(max, 4, integer)) {
    const py = y(tick);
    if (py < f.y1 - 0.5) continue;
    group.append(svg("line", { x1: f.x0, x2: f.x1, y1: py, y2: py, class: "grid" }));
    const tx = left ? f.x0 - 4 : f.x1 + 4;
    group.append(svg("text", { x: tx, y: py + 3, "text-anchor": left ? "end" : "start" },
      [format(tick)]));
  }
  return group;
}

/** Day separators with weekday labels, or clock labels every two hours for a single day. */
function xAxis(f, starts, zone) {
  const group = svg("g", { class: "axis x" });
  const days = starts.map((ms) => localDay(ms, zone));
  const single = new Set(days).size <= 1;
  starts.forEach((ms, i) => {
    const px = f.x(i);
    if (!single && (i === 0 || days[i] !== days[i - 1])) {
      group.append(svg("line", { x1: px, x2: px, y1: f.y1, y2: f.y0 + 4, class: "day-sep" }));
      group.append(svg("text", { x: px + 3, y: f.y0 + 15 }, [weekday(days[i])]));
    } else if (single && localMinutes(ms, zone) % 120 === 0) {
      group.append(svg("line", { x1: px, x2: px, y1: f.y0, y2: f.y0 + 4, class: "tick" }));
      group.append(svg("text", { x: px, y: f.y0 + 15, "text-anchor": "middle" },
        [localTime(ms, zone)]));
    }
  });
  group.append(svg("line", { x1: f.x0, x2: f.x1, y1: f.y0, y2: f.y0, class: "baseline" }));
  return group;
}

/** Polyline path through the defined values (gaps where a value is null). */
function linePath(values, f, y) {
  let d = "";
  let pen = false;
  values.forEach((v, i) => {
    if (v === null) { pen = false; return; }
    const px = f.x(i) + f.column / 2;
    d += `${pen ? "L" : "M"}${px.toFixed(1)},${y(v).toFixed(1)}`;
    pen = true;
  });
  return d;
}

/** Closed band between `lo` and `hi` values, split where either is missing. */
function bandPath(lo, hi, f, y) {
  const runs = [];
  let run = [];
  lo.forEach((l, i) => {
    if (l === null || hi[i] === null) { if (run.length) runs.push(run); run = []; return; }
    run.push(i);
  });
  if (run.length) runs.push(run);
  return runs.map((idx) => {
    const top = idx.map((i) => `${(f.x(i) + f.column / 2).toFixed(1)},${y(hi[i]).toFixed(1)}`);
    const bottom = idx.slice().reverse()
      .map((i) => `${(f.x(i) + f.column / 2).toFixed(1)},${y(lo[i]).toFixed(1)}`);
    return `M${top.join("L")}L${bottom.join("L")}Z`;
  }).join("");
}

/** Transparent full-height columns carrying data-interval and a tooltip. */
function hitColumns(f, points, describe) {
  const group = svg("g", { class: "hits" });
  points.forEach((p, i) => {
    group.append(svg("rect", {
      x: f.x(i), y: f.y1, width: Math.max(f.column, 0.5), height: f.y0 - f.y1,
      class: "hit", "data-interval": i,
    }, [tip(describe(p))]));
  });
  return group;
}

function legend(f, items) {
  const group = svg("g", { class: "legend" });
  let px = f.x0 + 6;
  for (const [cls, label] of items) {
    group.append(svg("rect", { x: px, y: f.y1 + 2, width: 10, height: 8, class: `key ${cls}` }));
    group.append(svg("text", { x: px + 14, y: f.y1 + 10 }, [label]));
    px += 22 + label.length * 6;
  }
  return group;
}

/**
 * Forecast vs actual calls per interval with the prediction band.
 * @param {{zone: string, points: {start: number, calls: number, lo: ?number, hi: ?number,
 *   actual: ?number}[], coverage: ?number}} model
 */
export function forecastChart(model, width = 600, height = 240) {
  const { points, zone } = model;
  const f = frame(width, height, points.length);
  const max = Math.max(1, ...points.flatMap((p) => [p.calls, p.hi, p.actual].filter((v) => v !== null)));
  const y = linear(0, niceTicks(max).at(-1), f.y0, f.y1);
  const chart = root(width, height, "Forecast vs actual calls", {
    id: "forecast-svg", "data-intervals": points.length,
  });
  const band = model.coverage ? `${Math.round(model.coverage * 100)}% band` : "prediction band";
  chart.append(
    yAxis(f, y, max), xAxis(f, points.map((p) => p.start), zone),
    svg("path", { d: bandPath(points.map((p) => p.lo), points.map((p) => p.hi), f, y), class: "band" }),
    svg("path", { d: linePath(points.map((p) => p.calls), f, y), class: "line forecast" }),
    svg("path", { d: linePath(points.map((p) => p.actual), f, y), class: "line actual" }),
    hitColumns(f, points, (p) => `${localTime(p.start, zone)} ${localDay(p.start, zone)}\n`
      + `forecast ${fmt(p.calls, 1)} (${fmt(p.lo, 1)}–${fmt(p.hi, 1)})\nactual ${fmt(p.actual)}`),
    legend(f, [["forecast", "forecast"], ["actual", "actual"], ["band", band]]),
  );
  return chart;
}

/** Over/under status of an interval: under when scheduled < required. */
export function staffingStatus(required, scheduled) {
  if (scheduled < required) return "under";
  return scheduled > required ? "over" : "met";
}

/**
 * Required vs scheduled agents per interval (bars coloured over/under, required as a step
 * line) above a strip of net staffing (scheduled - required).
 * @param {{zone: string, points: {start: number, required: number, scheduled: number}[]}} model
 */
export function netStaffingChart(model, width = 600, height = 260) {
  const { points, zone } = model;
  const netHeight = 54;
  const f = frame(width, height - netHeight, points.length);
  const max = Math.max(1, ...points.flatMap((p) => [p.required, p.scheduled]));
  const y = linear(0, niceTicks(max, 4, true).at(-1), f.y0, f.y1); // whole agents
  const chart = root(width, height, "Required vs scheduled agents", {
    id: "staffing-svg", "data-intervals": points.length,
  });
  const bars = svg("g", { class: "bars" });
  points.forEach((p, i) => {
    const status = staffingStatus(p.required, p.scheduled);
    bars.append(svg("rect", {
      x: f.x(i), y: y(p.scheduled), width: Math.max(f.column - 0.3, 0.4),
      height: f.y0 - y(p.scheduled), class: `bar ${status}`, "data-interval": i,
      "data-status": status, "data-required": p.required, "data-scheduled": p.scheduled,
    }, [tip(`${localTime(p.start, zone)} ${localDay(p.start, zone)}\nrequired ${fmt(p.required)}`
      + `\nscheduled ${fmt(p.scheduled)}\nnet ${fmt(p.scheduled - p.required)}`)]));
  });
  const step = points.map((p, i) => `${i ? "L" : "M"}${f.x(i).toFixed(1)},${y(p.required).toFixed(1)}`
    + `H${(f.x(i) + f.column).toFixed(1)}`).join("");
  chart.append(
    yAxis(f, y, max, (v) => fmt(v), true, true), bars, svg("path", { d: step, class: "line required" }),
    xAxis(f, points.map((p) => p.start), zone), netStrip(points, f, netHeight),
    legend(f, [["met", "scheduled = required"], ["under", "under"], ["over", "over"], ["required", "required"]]),
  );
  return chart;
}

function netStrip(points, f, netHeight) {
  const group = svg("g", { class: "net", transform: `translate(0, ${f.height + 4})` });
  const nets = points.map((p) => p.scheduled - p.required);
  const extent = Math.max(1, ...nets.map(Math.abs));
  const mid = (netHeight - 10) / 2;
  const y = linear(0, extent, mid, 2);
  nets.forEach((net, i) => {
    if (net === 0) return;
    const top = net > 0 ? y(net) : mid;
    group.append(svg("rect", {
      x: f.x(i), y: top, width: Math.max(f.column - 0.3, 0.4), height: Math.abs(y(net) - mid),
      class: `net-bar ${net > 0 ? "over" : "under"}`,
    }));
  });
  group.append(
    svg("line", { x1: f.x0, x2: f.x1, y1: mid, y2: mid, class: "baseline" }),
    svg("text", { x: f.x0 - 4, y: 8, "text-anchor": "end" }, [`+${fmt(extent)}`]),
    svg("text", { x: f.x0 - 4, y: mid + 3, "text-anchor": "end" }, ["net"]),
    svg("text", { x: f.x0 - 4, y: netHeight - 10, "text-anchor": "end" }, [`−${fmt(extent)}`]),
  );
  return group;
}

/** "2.5%": a fraction as a percentage with at most one decimal. */
const pctShort = (v) => `${Number((v * 100).toFixed(1))}%`;

/** Axis top and ticks of a service strip: SL always 0-100 %, the others a nice scale that
 *  holds the data and the target (abandonment at least 0-2 %, never above 100 %). */
export function stripScale(key, values, target) {
  if (key === "sl") return { top: 1, ticks: [0, 0.5, 1] };
  const floor = key === "abandon" ? 0.02 : 1;
  const high = Math.max(floor, target ?? 0, ...values.filter((v) => v !== null)) * 1.05;
  let ticks = niceTicks(high, 2);
  if (key === "abandon" && ticks.at(-1) > 1) ticks = [0, 0.5, 1];
  return { top: ticks.at(-1), ticks };
}

/**
 * Predicted service level, ASA and abandonment per interval of the roster, as three strips
 * sharing one time axis, each with its own axis (SL 0-100 %) and its target dashed and
 * labelled; intervals missing a target are ticked red at the strip's foot.
 * @param {{zone: string, targets: {sl: ?number, asa_s: ?number, abandon: ?number},
 *   points: {start: number, sl: ?number, asa_s: ?number, abandon: ?number}[]}} model
 */
export function serviceChart(model, width = 600, height = 280) {
  const { points, zone, targets } = model;
  const chart = root(width, height, "Predicted service per interval", {
    id: "service-svg", "data-intervals": points.length,
  });
  const strips = [
    ["sl", "SL", (v) => pct(v, 0), targets.sl, "below"],
    ["asa_s", "ASA s", (v) => fmt(v), targets.asa_s, "above"],
    ["abandon", "Abandon", pctShort, targets.abandon, "above"],
  ];
  const stripHeight = (height - 18) / strips.length;
  let bottom = 0;
  strips.forEach(([key, label, format, target, badSide], s) => {
    bottom = (s + 1) * stripHeight - 4;
    const margin = { top: 8 + s * stripHeight, right: 12, bottom: height - bottom, left: 44 };
    const f = frame(width, height, points.length, margin);
    const values = points.map((p) => p[key]);
    const scale = stripScale(key, values, target);
    const y = linear(0, scale.top, f.y0, f.y1);
    chart.append(stripBody(f, y, values, { label, ticks: scale.ticks, format, target, badSide, key }));
  });
  const axisFrame = frame(width, height, points.length, { ...MARGIN, top: 8, bottom: height - bottom });
  chart.append(xAxis(axisFrame, points.map((p) => p.start), zone));
  chart.append(hitColumns(axisFrame, points, (p) => `${localTime(p.start, zone)} ${localDay(p.start, zone)}`
    + `\nSL ${pct(p.sl)}\nASA ${fmt(p.asa_s)} s\nabandon ${pct(p.abandon)}`
    + (p.required === undefined ? "" : `\nagents ${fmt(p.scheduled)} scheduled / ${fmt(p.required)} required`)));
  return chart;
}

function stripBody(f, y, values, { label, ticks, format, target, badSide, key }) {
  const group = svg("g", { class: `strip ${key}`, "data-metric": key, "data-top": ticks.at(-1) });
  for (const tick of ticks) {
    group.append(
      svg("line", { x1: f.x0, x2: f.x1, y1: y(tick), y2: y(tick), class: tick === 0 ? "baseline" : "grid" }),
      svg("text", { x: f.x0 - 4, y: y(tick) + 3, "text-anchor": "end", class: "tick-label" }, [format(tick)]),
    );
  }
  group.append(
    svg("path", { d: linePath(values, f, y), class: `line metric ${key}` }),
    svg("text", { x: f.x0 + 4, y: f.y1 + 9, class: "strip-label" }, [label]),
  );
  if (target !== null && target !== undefined) {
    group.append(
      svg("line", { x1: f.x0, x2: f.x1, y1: y(target), y2: y(target), class: "target" }, [tip(`target ${format(target)}`)]),
      svg("text", { x: f.x1 - 2, y: y(target) - 2, "text-anchor": "end", class: "target-label" },
        [`target ${format(target)}`]),
    );
    values.forEach((v, i) => {
      const miss = v !== null && (badSide === "below" ? v < target - 1e-9 : v > target + 1e-9);
      if (miss) {
        group.append(svg("rect", {
          x: f.x(i), y: f.y0 - 3, width: Math.max(f.column, 0.5), height: 3, class: "miss",
        }));
      }
    });
  }
  return group;
}

/**
 * Capacity plan: available FTE bars and required FTE line per week, hiring classes marked
 * where their hires start (and where they become productive when known).
 * @param {{weeks: {week: string, label: string, required: number, available: number}[],
 *   classes: {label: string, start_week: string, productive_week: ?string, size: number}[]}} model
 */
export function capacityChart(model, width = 600, height = 240) {
  const { weeks, classes } = model;
  const f = frame(width, height, weeks.length, { ...MARGIN, top: 26 });
  const max = Math.max(1, ...weeks.flatMap((w) => [w.required, w.available]));
  const y = linear(0, niceTicks(max).at(-1), f.y0, f.y1);
  const chart = root(width, height, "Capacity plan", { id: "capacity-svg", "data-weeks": weeks.length });
  chart.append(yAxis(f, y, max, (v) => fmt(v)));
  const index = new Map(weeks.map((w, i) => [w.week, i]));
  weeks.forEach((w, i) => {
    const short = w.available < w.required - 1e-9;
    chart.append(svg("rect", {
      x: f.x(i) + f.column * 0.15, y: y(w.available), width: f.column * 0.7,
      height: f.y0 - y(w.available), class: `bar capacity ${short ? "under" : "met"}`, "data-week": w.week,
    }, [tip(`week ${w.label}\nrequired ${fmt(w.required, 1)} FTE\navailable ${fmt(w.available, 1)} FTE`)]));
    if (i % Math.ceil(weeks.length / 12) === 0) {
      chart.append(svg("text", { x: f.x(i) + f.column / 2, y: f.y0 + 14, "text-anchor": "middle", class: "axis-label" },
        [/^\d{4}-\d{2}-\d{2}$/.test(w.label) ? w.label.slice(5) : w.label]));
    }
  });
  // required FTE as a step per week (visible for a one-week plan too)
  const steps = weeks.map((w, i) => `M${f.x(i).toFixed(1)},${y(w.required).toFixed(1)}H${(f.x(i) + f.column).toFixed(1)}`);
  chart.append(svg("path", { d: steps.join(""), class: "line required" }));
  classes.forEach((c, k) => chart.append(classMarker(c, k, f, index)));
  chart.append(legend({ ...f, y1: 2 }, [["met", "available FTE"], ["required", "required FTE"], ["hire", "hiring class"]]));
  return chart;
}

function classMarker(c, k, f, index) {
  const group = svg("g", { class: "hiring-class", "data-hiring-class": k });
  const start = index.get(c.start_week);
  if (start === undefined) return group;
  const px = f.x(start) + f.column / 2;
  group.append(
    svg("line", { x1: px, x2: px, y1: f.y1, y2: f.y0, class: "hire-line" }),
    svg("path", { d: `M${px - 5},${f.y1 - 2}L${px + 5},${f.y1 - 2}L${px},${f.y1 + 6}Z`, class: "hire" }),
    svg("text", { x: px + 6, y: f.y1 + 8 + (k % 2) * 11, class: "hire-label" }, [`${c.label} +${fmt(c.size)}`]),
    tip(`${c.label}: ${fmt(c.size)} hires start week ${c.start_label ?? c.start_week}`
      + (c.productive_label ? `, productive from ${c.productive_label}` : "")),
  );
  const ready = index.get(c.productive_week);
  if (ready !== undefined) {
    group.append(svg("line", { x1: px, x2: f.x(ready) + f.column / 2, y1: f.y1 + 2, y2: f.y1 + 2, class: "ramp" }));
  }
  return group;
}
