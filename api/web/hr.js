// HR view of a capacity plan built from a queue's history (POST /v1/capacity-plans with
// queue_id): the need's band vs available FTE per week, classes with their recruiting, start
// and productive weeks, leavers expected, why the plan stays short, attrition risk, and the
// hiring calendar as CSV (GET /v1/capacity-plans/{id}/hr.csv).

import { fetchFile } from "./client.js";
import { clear, fmt, html, linear, niceTicks, svg, tip } from "./svg.js";

/**
 * HR view model of a capacity plan body, or null when the plan has no long-range need.
 * FTE are the plan's paid FTE (need hours / (FTE hours x (1 - shrinkage))), as in the
 * capacity chart.
 */
export function hrModel(plan) {
  if (!plan?.need) return null;
  const w = plan.weekly;
  const n = plan.need;
  const weeks = w.week.map((week, i) => {
    const perHour = w.need_hours[i] > 0 ? w.need_fte[i] / w.need_hours[i]
      : (w.productive_hours[i] > 0 ? w.productive_fte[i] / w.productive_hours[i] : 0);
    return {
      week: String(week), label: String(w.label[i]), need: w.need_fte[i],
      lo: n.need_hours_lo[i] * perHour, hi: n.need_hours_hi[i] * perHour,
      available: w.productive_fte[i], leavers: w.expected_leavers[i], hires: w.hires[i],
    };
  });
  const h = plan.hires;
  const label = (week) => (week >= 0 && week < weeks.length ? weeks[week].label : `after ${weeks.at(-1)?.label}`);
  const classes = (h.class_week ?? []).map((week, i) => ({
    start: label(week), contract: h.contract[i], size: h.size[i],
    recruiting: label(h.recruiting_start_week[i]), productive: label(h.first_productive_week[i]),
  }));
  return {
    id: plan.id, basis: plan.forecast?.basis ?? "p50", method: plan.forecast?.method ?? "",
    weeks, classes, reasons: (plan.reasons ?? []).map((r) => r.message),
    shortWeeks: plan.shortfall?.weeks?.length ?? 0, shortFteWeeks: plan.shortfall?.fte_weeks ?? 0,
    risk: plan.risk?.scenarios ?? null,
  };
}

/** Need band (area), need (step line) and available FTE (bars) per week. */
export function needBandChart(model, width = 600, height = 220) {
  const { weeks } = model;
  const left = 44, right = 8, top = 12, bottom = 24;
  const column = (width - left - right) / Math.max(weeks.length, 1);
  const x = (i) => left + i * column;
  const max = Math.max(1, ...weeks.flatMap((w) => [w.hi, w.available]));
  const y = linear(0, niceTicks(max).at(-1), height - bottom, top);
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", id: "hr-band-svg",
    role: "img", "aria-label": "Need band and available FTE", "data-weeks": weeks.length });
  for (const v of niceTicks(max)) {
    chart.append(svg("text", { x: left - 4, y: y(v) + 4, "text-anchor": "end", class: "axis-label" }, [fmt(v)]));
  }
  const upper = weeks.map((w, i) => `${x(i).toFixed(1)},${y(w.hi).toFixed(1)} ${(x(i) + column).toFixed(1)},${y(w.hi).toFixed(1)}`);
  const lower = weeks.map((w, i) => `${(x(i) + column).toFixed(1)},${y(w.lo).toFixed(1)} ${x(i).toFixed(1)},${y(w.lo).toFixed(1)}`).reverse();
  chart.append(svg("polygon", { points: [...upper, ...lower].join(" "), class: "band need-band" }));
  weeks.forEach((w, i) => {
    const short = w.available < w.need - 1e-9;
    chart.append(svg("rect", {
      x: x(i) + column * 0.25, y: y(w.available), width: column * 0.5, height: y(0) - y(w.available),
      class: `bar capacity ${short ? "under" : "met"}`, "data-week": w.week,
    }, [tip(`week ${w.label}\nneed ${fmt(w.need, 1)} FTE (${fmt(w.lo, 1)}-${fmt(w.hi, 1)})\n`
      + `available ${fmt(w.available, 1)} FTE\nleavers ${fmt(w.leavers, 1)}, hires ${fmt(w.hires)}`)]));
    if (i % Math.ceil(weeks.length / 10) === 0) {
      chart.append(svg("text", { x: x(i) + column / 2, y: height - 8, "text-anchor": "middle", class: "axis-label" },
        [w.label.length === 10 ? w.label.slice(5) : w.label]));
    }
  });
  const steps = weeks.map((w, i) => `M${x(i).toFixed(1)},${y(w.need).toFixed(1)}H${(x(i) + column).toFixed(1)}`);
  chart.append(svg("path", { d: steps.join(""), class: "line required" }));
  return chart;
}

function table(id, header, rows) {
  return html("table", { id, class: "data" }, [
    html("thead", {}, [html("tr", {}, header.map((h) => html("th", {}, [h])))]),
    html("tbody", {}, rows.map((r) => html("tr", {}, r.map((c) => html("td", {}, [String(c)]))))),
  ]);
}

async function downloadCalendar(planId, button) {
  let blob;
  try {
    blob = await fetchFile(`/v1/capacity-plans/${planId}/hr.csv`, "text/csv");
  } catch (error) {
    button.textContent = `Hiring calendar: error ${error.status ?? error.message}`;
    return;
  }
  const url = URL.createObjectURL(blob);
  const link = html("a", { href: url, download: `hiring-plan-${planId}.csv` });
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}

/**
 * The body of ``POST /v1/capacity-plans`` for `queue` from the form's values (numbers as
 * typed; attrition in % a month): one hireable contract "FT", today's staff at one year of
 * tenure, surplus at a tenth of the shortage cost.
 */
export function hrRequest(queue, v) {
  return {
    name: `Hiring ${queue.name} ${v.weeks} weeks ${v.basis.toUpperCase()}`,
    queue_id: queue.id, horizon_weeks: v.weeks, need_basis: v.basis,
    contracts: [{ name: "FT", weekly_hours: v.hours, hire_cost: v.hireCost }],
    cohorts: v.staff > 0 ? [{ contract: "FT", tenure_weeks: 52, headcount: v.staff }] : [],
    attrition: { monthly_rate: v.attrition / 100 },
    hiring: { lead_time_weeks: v.lead, training_weeks: v.training, class_size_max: v.classMax },
    costs: { under_per_hour: v.shortCost, over_per_hour: v.shortCost / 10 },
    fte_hours: v.hours, time_limit_s: 10,
  };
}

/** The HR view into `node` (emptied when the plan has no long-range need). */
export function renderHr(node, model) {
  clear(node);
  if (!model) return;
  const leavers = model.weeks.reduce((s, w) => s + w.leavers, 0);
  const button = html("button", { type: "button", id: "hr-csv" }, ["Hiring calendar (CSV)"]);
  button.addEventListener("click", () => downloadCalendar(model.id, button));
  node.append(
    html("h3", {}, [`HR view: need ${model.basis.toUpperCase()} (${model.method}) · `
      + `${fmt(leavers, 1)} leavers expected · short ${model.shortWeeks} weeks, ${fmt(model.shortFteWeeks, 1)} FTE-weeks`]),
    needBandChart(model), button,
    table("hr-classes", ["class starts", "contract", "hires", "recruiting from", "productive from"],
      model.classes.map((c) => [c.start, c.contract, c.size, c.recruiting, c.productive])),
  );
  if (model.reasons.length) {
    node.append(html("ul", { id: "hr-reasons" }, model.reasons.map((r) => html("li", {}, [r]))));
  }
  if (model.risk) {
    const r = model.risk;
    node.append(table("hr-risk", ["scenario", "leavers", "weeks short", "FTE-weeks short", "weeks below need high"],
      r.scenario.map((s, i) => [s, fmt(r.leavers[i], 1), r.weeks_short[i], fmt(r.short_fte_weeks[i], 1),
        r.weeks_short_of_need_hi[i]])));
  }
}
