// Site roster view (GET /v1/site-rosters/{id}): the queues of a site rostered together.
// Per live queue: agents covering it vs its requirement per open interval; per deferred queue
// (e-mail): work processed and the backlog curve (work-minutes waiting); the agents with their
// skills on a Gantt whose blocks are coloured by the queue each interval is allocated to.
// "Start site roster" forecasts the week of any queue without a forecast and computes the live
// queues' requirements (as "Start roster" does for one queue), posts a site roster job
// (POST /v1/site-roster-jobs) and shows its result;
// "Publish as the site's schedule" publishes the shown one (POST /v1/site-rosters/{id}/publications).

import { callApi, jobEnd, requirementFor, weekForecast } from "./client.js";
import { addDays, clear, fmt, html, linear, niceTicks, pct, svg, tip, weekday } from "./svg.js";

const PALETTE = ["#2b6cb0", "#dd6b20", "#38a169", "#805ad5", "#d53f8c", "#319795", "#b7791f", "#718096"];
const IDLE = "#cbd5e0";

/** View model of a site roster body: open slots of the week in order, queues, agents. */
export function siteRosterModel(roster) {
  const grid = roster.report.interval_min;
  const slots = [];
  (roster.report.opening_hours ?? []).forEach((w, d) => {
    if (w) for (let m = w[0]; m < w[1]; m += grid) slots.push([d, m / grid]);
  });
  const at = (rows, [d, t]) => rows?.[d]?.[t] ?? 0;
  const colour = Object.fromEntries(roster.queues.map((q, i) => [q.id, PALETTE[i % PALETTE.length]]));
  const name = Object.fromEntries(roster.queues.map((q) => [q.id, q.name || q.id]));
  const cov = roster.cost.coverage;
  const live = roster.queues.filter((q) => q.channel !== "deferred").map((q) => ({
    id: q.id, name: name[q.id], channel: q.channel, colour: colour[q.id],
    required: slots.map((s) => at(roster.cost.requirement[q.id], s)),
    covered: slots.map((s) => at(cov[q.id], s)),
  }));
  const deferred = roster.queues.filter((q) => q.channel === "deferred").map((q) => ({
    id: q.id, name: name[q.id], colour: colour[q.id], deadline: q.deadline_minutes,
    processed: slots.map((s) => at(cov[q.id], s)),
    backlog: roster.cost.backlog.work_minutes[q.id] ?? [],
  }));
  const agents = roster.schedule.map((a) => ({
    id: a.agent, skills: a.skills, label: `${a.agent} (${a.skills.map((s) => name[s] ?? s).join(", ")})`,
    shifts: a.shifts,
  }));
  return {
    id: roster.id, weekStart: roster.week_start, grid, slots, live, deferred, agents, colour, name,
    report: roster.report, whatIf: roster.what_if, share: roster.cost.within_deadline_share,
  };
}

/** Day boundaries (slot index where each open day starts) with the weekday label. */
function dayStarts(model) {
  const out = [];
  model.slots.forEach(([d], i) => { if (i === 0 || model.slots[i - 1][0] !== d) out.push([i, d]); });
  return out;
}

function frame(model, id, label, max, width, height) {
  const left = 40, right = 8, top = 10, bottom = 20;
  const x = linear(0, Math.max(model.slots.length, 1), left, width - right);
  const y = linear(0, niceTicks(max).at(-1), height - bottom, top);
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", id, role: "img",
    "aria-label": label, "data-slots": model.slots.length });
  for (const v of niceTicks(max)) {
    chart.append(svg("text", { x: left - 4, y: y(v) + 4, "text-anchor": "end", class: "axis-label" }, [fmt(v)]));
  }
  for (const [i, d] of dayStarts(model)) {
    chart.append(svg("line", { x1: x(i), x2: x(i), y1: top, y2: height - bottom, class: "grid" }),
      svg("text", { x: x(i) + 2, y: height - 6, class: "axis-label" }, [weekday(addDays(model.weekStart, d))]));
  }
  return { chart, x, y };
}

/** Agents allocated to a live queue (bars) against its requirement (step line). */
export function coverageChart(model, queue, width = 600, height = 160) {
  const max = Math.max(1, ...queue.required, ...queue.covered);
  const { chart, x, y } = frame(model, `site-coverage-${queue.id}`, `Coverage of ${queue.name}`, max, width, height);
  chart.dataset.queue = queue.id;
  queue.covered.forEach((c, i) => {
    const short = c < queue.required[i] - 1e-6;
    chart.append(svg("rect", { x: x(i), y: y(c), width: Math.max(1, x(i + 1) - x(i) - 1), height: y(0) - y(c),
      fill: queue.colour, class: `bar site-covered ${short ? "under" : "met"}`, opacity: short ? 0.55 : 0.9 },
    [tip(`${fmt(c, 2)} of ${queue.required[i]} agents`)]));
  });
  const steps = queue.required.map((r, i) => `M${x(i).toFixed(1)},${y(r).toFixed(1)}H${x(i + 1).toFixed(1)}`);
  chart.append(svg("path", { d: steps.join(""), class: "line required", fill: "none", stroke: "#1a202c" }));
  return chart;
}

/** Work-minutes waiting at the end of each open interval of a deferred queue. */
export function backlogChart(model, queue, width = 600, height = 160) {
  const max = Math.max(1, ...queue.backlog);
  const { chart, x, y } = frame(model, `site-backlog-${queue.id}`, `Backlog of ${queue.name}`, max, width, height);
  chart.dataset.queue = queue.id;
  const points = queue.backlog.map((v, i) => `${x(i + 1).toFixed(1)},${y(v).toFixed(1)}`);
  chart.append(svg("polyline", { points: points.join(" "), class: "line backlog", fill: "none",
    stroke: queue.colour, "stroke-width": 2 }, [tip(`backlog of ${queue.name} (work-minutes)`)]));
  return chart;
}

/** One row per agent (label: its skills); blocks coloured by the queue allocated. */
export function skillGantt(model, width = 1000) {
  const rowH = 18, labelW = 220, head = 16;
  const index = new Map(model.slots.map(([d, t], i) => [`${d}:${t}`, i]));
  const x = linear(0, Math.max(model.slots.length, 1), labelW, width - 4);
  const height = head + model.agents.length * rowH + 4;
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, width, height, id: "site-gantt-svg",
    class: "chart gantt", role: "img", "aria-label": "Site roster Gantt with skills",
    "data-agents": model.agents.length });
  for (const [i, d] of dayStarts(model)) {
    chart.append(svg("text", { x: x(i) + 2, y: 12, class: "axis-label" }, [weekday(addDays(model.weekStart, d))]),
      svg("line", { x1: x(i), x2: x(i), y1: head, y2: height, class: "grid" }));
  }
  const slotX = (day, minute) => x(index.get(`${day}:${Math.floor(minute / model.grid)}`) ?? 0);
  model.agents.forEach((agent, r) => {
    const rowY = head + r * rowH;
    const row = svg("g", { class: "site-gantt-row", "data-agent": agent.id, "data-skills": agent.skills.join(" ") });
    row.append(svg("text", { x: 4, y: rowY + rowH - 5, class: "agent-name" }, [agent.label]));
    for (const shift of agent.shifts) {
      for (const b of shift.allocation ?? []) {
        const x0 = slotX(shift.day, b.start), x1 = slotX(shift.day, b.end - model.grid) + (x(1) - x(0));
        row.append(svg("rect", { x: x0, y: rowY + 3, width: Math.max(1, x1 - x0), height: rowH - 6,
          fill: model.colour[b.queue] ?? IDLE, class: "site-block", "data-queue": b.queue },
        [tip(`${agent.id}: ${model.name[b.queue] ?? b.queue} ${fmt(100 * b.share)} % of the time`)]));
      }
    }
    chart.append(row);
  });
  return chart;
}

function summary(model) {
  const r = model.report;
  const bound = r.bound === null ? "no LP bound" : `LP bound ${fmt(r.bound, 2)} · gap ${pct(r.gap, 2)}`;
  const parts = [`Site roster #${model.id} · week of ${model.weekStart} · ${r.status}`,
    `cost ${fmt(r.objective, 2)}`, bound];
  if (model.deferred.length) parts.push(`deferred work within deadline ${pct(model.share, 1)}`);
  return parts.join(" · ");
}

function whatIfLine(w) {
  const trained = Object.entries(w.cross_training).map(([q, agents]) => `${agents.join(", ")} → queue ${q}`);
  return `What-if cross-training (${trained.join("; ")}): cost ${fmt(w.base_cost, 2)} → ${fmt(w.cost, 2)},`
    + ` gain ${fmt(w.gain, 2)} (${pct(w.gain_share, 1)}); base roster #${w.base_site_roster_id}`;
}

function legend(model) {
  return html("div", { class: "gantt-legend" }, [...Object.entries(model.name).map(([id, n]) =>
    html("span", {}, [html("i", { class: "key", style: `background:${model.colour[id]}` }), ` ${n} `])),
  html("span", {}, [html("i", { class: "key", style: `background:${IDLE}` }), " idle"])]);
}

/** The whole site roster view into `node`. */
export function renderSiteRoster(node, roster) {
  clear(node);
  if (!roster) return;
  const model = siteRosterModel(roster);
  node.dataset.siteRoster = String(model.id);
  node.append(html("p", { id: "site-summary" }, [summary(model)]));
  if (model.whatIf) node.append(html("p", { id: "site-whatif" }, [whatIfLine(model.whatIf)]));
  for (const q of model.live) {
    node.append(html("h3", {}, [`${q.name} (${q.channel}): agents vs requirement`]), coverageChart(model, q));
  }
  for (const q of model.deferred) {
    node.append(html("h3", {}, [`${q.name} backlog (work-minutes), deadline ${q.deadline} open min`]),
      backlogChart(model, q));
  }
  node.append(html("h3", {}, ["Agents, skills and allocation"]), legend(model),
    html("div", { class: "gantt-box" }, [skillGantt(model)]));
}

/** A JSON call through the page's client (sign-in on 401, retry on 429, problem details). */
const call = (method, url, body) => callApi(method, url, body);

/** The site's newest site roster (of `week` when given), or null. */
export async function latestSiteRoster(site, week) {
  const list = await call("GET", `/v1/site-rosters?site_id=${site.id}&limit=1000`);
  const item = list.items.filter((r) => !week || r.week_start === week).at(-1);
  return item ? call("GET", `/v1/site-rosters/${item.id}`) : null;
}

/** Poll a job until it ends; its last state, or an error when it did not succeed. */
async function finished(job, onProgress = () => {}) {
  job = await jobEnd(job, onProgress);
  if (job.status !== "succeeded") throw new Error(`job ${job.id} ${job.status}: ${job.error ?? job.message}`);
  return job;
}

/**
 * What a site roster of `week` reads from each queue of the site, made first when missing (as
 * “Start roster” does for one queue): the week's forecast (a forecast job) and, for a live
 * queue, its requirement (an e-mail queue is planned from its forecast). Returns the names of
 * the queues forecast here.
 */
export async function prepareQueues(site, week, say = () => {}) {
  const queues = (await call("GET", `/v1/sites/${site.id}/queues?limit=1000`)).items;
  const made = [];
  for (const queue of queues) {
    const { forecast, made: forecastHere } = await weekForecast(queue, site, week, finished,
      () => say(`No forecast of ${queue.name} for the week of ${week} yet: forecasting it first…`));
    if (forecastHere) made.push(queue.name);
    if (queue.channel !== "email") await requirementFor(queue, forecast.id);
  }
  return made;
}

/** Post a site roster job (`extra`: e.g. `cross_training`), wait for it, return the roster. */
export async function runSiteRoster(site, week, timeLimitS, onProgress = () => {}, extra = {}) {
  const body = { site_id: site.id, week_start: week, time_limit_s: timeLimitS, ...extra };
  const job = await finished(await call("POST", "/v1/site-roster-jobs", body), onProgress);
  return call("GET", job.result_url);
}

/** The cross-training what-if form under a shown roster: give a queue to N more agents. */
function whatIfForm(roster, run) {
  const select = html("select", { id: "site-whatif-queue", "aria-label": "Queue to train agents on" },
    roster.queues.map((q) => html("option", { value: q.id }, [q.name || q.id])));
  const count = html("input", { id: "site-whatif-agents", type: "number", min: 1, max: 1000, value: 1,
    "aria-label": "Agents to train" });
  const form = html("form", { id: "site-whatif-form", class: "whatif" }, [
    html("strong", {}, ["What-if: cross-train"]), html("label", {}, [" give ", select]),
    html("label", {}, [" to ", count, " more agents "]),
    html("button", { type: "submit" }, ["Compare"]),
  ]);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run({ cross_training: [{ queue_id: Number(select.value), agents: Number(count.value) }] });
  });
  return form;
}

/** Publish the shown site roster as the site's schedule for its week (a what-if, or a roster
 *  breaking rules, is not offered: the API refuses both with a 409). */
function publishButton(roster, say) {
  const button = html("button", { type: "button", id: "site-publish-button" }, ["Publish as the site's schedule"]);
  button.addEventListener("click", async () => {
    try {
      const made = await call("POST", `/v1/site-rosters/${roster.id}/publications`);
      const moved = made.changes === null ? "first publication of the week"
        : `${made.changes.length} shift changes since the previous publication`;
      say(`Site roster #${roster.id} published for the week of ${made.week_start} (${moved}).`);
    } catch (error) {
      say(error.message);
    }
  });
  return button;
}

/**
 * Wire the site panel (read on demand, so that the queue view loads nothing more):
 * `current()` gives {site, week, limit} of the planner's selection.
 */
export function installSite(current) {
  const view = document.getElementById("site-view");
  const meta = document.getElementById("site-meta");
  const show = (roster) => {
    renderSiteRoster(view, roster);
    meta.textContent = roster ? "" : "no site roster for this week yet: “Start site roster” plans every queue of the site";
    if (!roster) return;
    view.append(whatIfForm(roster, solve));
    if (!roster.what_if && !(roster.report.violations ?? []).length) {
      view.append(publishButton(roster, (text) => { meta.textContent = text; }));
    }
  };
  const solve = async (extra = {}) => {
    const { site, week, limit } = current();
    if (!site || !week) return;
    try {
      const made = await prepareQueues(site, week, (text) => { meta.textContent = text; });
      meta.textContent = "site roster job running…";
      const roster = await runSiteRoster(site, week, limit, (job) => { meta.textContent = job.message; }, extra);
      show(roster);
      if (made.length) meta.textContent = `Forecast first for the week (none existed): ${made.join(", ")}.`;
    } catch (error) {
      meta.textContent = error.message;
    }
  };
  document.getElementById("site-latest-button")?.addEventListener("click", async () => {
    const { site, week } = current();
    if (!view || !site) return;
    try {
      show(await latestSiteRoster(site, week || null));
    } catch (error) {
      meta.textContent = error.message;
    }
  });
  document.getElementById("site-roster-button")?.addEventListener("click", () => solve());
}
