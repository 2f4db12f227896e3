// Planner page controller: state, data loading through client.js, rendering, actions.

import * as client from "./client.js";
import { capacityChart, forecastChart, netStaffingChart, serviceChart } from "./charts.js";
import { ganttChart } from "./gantt.js";
import { clear, dayLabel, fmt, html, localDay, mondayOf, pct, weekday } from "./svg.js";
import { errorsTable, scenarioTable, totalsTable } from "./tables.js";

const POLL_MS = 500;
const $ = (id) => document.getElementById(id);

const state = {
  queues: [],       // [{queue, site}]
  current: null,    // {queue, site}
  day: "week",      // "week" or a local day key
  forecast: null, roster: null, comparison: null, capacity: null,
  job: null,
};

function setMessage(text, isError = false) {
  $("message").textContent = text;
  $("message").classList.toggle("error", isError);
}

function placeholder(node, text) {
  clear(node).append(html("div", { class: "empty" }, [text]));
}

// ---- window (week or one day) -----------------------------------------------------------

function zone() {
  return state.current?.site.zone ?? "UTC";
}

function weekDays() {
  const starts = state.roster?.coverage.points.map((p) => p.start)
    ?? state.forecast?.points.map((p) => p.start) ?? [];
  return [...new Set(starts.map((ms) => localDay(ms, zone())))];
}

function inWindow(points) {
  if (state.day === "week") return points;
  return points.filter((p) => localDay(p.start, zone()) === state.day);
}

function renderDayChips() {
  const chips = clear($("day-chips"));
  const days = weekDays();
  if (days.length && state.day !== "week" && !days.includes(state.day)) state.day = "week";
  for (const key of ["week", ...days]) {
    const button = html("button", {
      type: "button", "data-day": key, "aria-pressed": String(state.day === key),
      title: key === "week" ? "whole week" : dayLabel(key),
    }, [key === "week" ? "Week" : weekday(key)]);
    button.addEventListener("click", () => { state.day = key; renderAll(); });
    chips.append(button);
  }
}

// ---- panels -----------------------------------------------------------------------------

function renderForecast() {
  const box = $("forecast-chart");
  const fc = state.forecast;
  if (!fc || !fc.points.length) {
    $("forecast-meta").textContent = "";
    return placeholder(box, "No forecast for this queue yet.");
  }
  const acc = fc.accuracy;
  $("forecast-meta").textContent = [fc.method, acc.detail]
    .filter(Boolean).join(" · ");
  clear(box).append(forecastChart({ zone: zone(), points: inWindow(fc.points), coverage: fc.coverage }));
}

function renderStaffing() {
  const cov = state.roster?.coverage;
  if (!cov || !cov.points.length) {
    for (const id of ["staffing-chart", "service-chart", "totals"]) {
      placeholder($(id), "No roster for this week yet: press “Start roster”.");
    }
    $("staffing-meta").textContent = "";
    $("service-meta").textContent = "";
    return;
  }
  const points = inWindow(cov.points);
  const under = points.filter((p) => p.scheduled < p.required).length;
  $("staffing-meta").textContent = `${points.length} intervals · ${under} under`;
  clear($("staffing-chart")).append(netStaffingChart({ zone: zone(), points }));
  const goal = state.current.queue.goal;
  const sim = state.roster.simulated;
  if (!sim) {
    $("service-meta").textContent = "";
    placeholder($("service-chart"), `Simulated service KPIs unavailable: ${state.roster.simulationError ?? "no data"}`);
    clear($("totals")).append(totalsTable(cov.points, zone(), cov.interval_min));
    return;
  }
  $("service-meta").textContent = `simulated${sim?.replications ? ` (${sim.replications} replications)` : ""}`
    + ` · target ${pct(goal.service_level, 0)} in ${fmt(goal.answer_within_s)} s`;
  clear($("service-chart")).append(serviceChart({
    zone: zone(), points,
    targets: { sl: goal.service_level, asa_s: goal.max_asa_s, abandon: goal.max_abandon_rate },
  }));
  clear($("totals")).append(totalsTable(cov.points, zone(), cov.interval_min));
}

function renderGantt() {
  const roster = state.roster;
  if (!roster) {
    $("roster-meta").textContent = "";
    return placeholder($("gantt"), "No roster for this week yet.");
  }
  const r = roster.report;
  $("roster-meta").textContent = `#${roster.id} · ${roster.agents.length} agents · ${r.status}`
    + ` · objective ${fmt(r.objective, 1)} · bound ${fmt(r.bound, 1)} · gap ${pct(r.gap, 2)}`;
  const days = state.day === "week" ? weekDays() : [state.day];
  clear($("gantt")).append(ganttChart({ zone: zone(), agents: roster.agents }, days));
}

function renderScenarios() {
  const cmp = state.comparison;
  if (!cmp || !cmp.rows.length) {
    $("scenario-meta").textContent = "";
    return placeholder($("scenarios"), "No scenario run yet: use “What-if…”.");
  }
  $("scenario-meta").textContent = cmp.label;
  clear($("scenarios")).append(scenarioTable(cmp));
}

function renderCapacity() {
  const plan = state.capacity;
  if (!plan || !plan.weeks.length) {
    $("capacity-meta").textContent = "";
    return placeholder($("capacity-chart"), "No capacity plan for this queue yet.");
  }
  $("capacity-meta").textContent = `${plan.weeks.length} weeks · ${plan.classes.length} hiring classes`;
  clear($("capacity-chart")).append(capacityChart(plan));
}

function kpi(label, value, tone = "") {
  return html("div", { class: `kpi ${tone}`, "data-kpi": label }, [
    html("div", { class: "label" }, [label]), html("div", { class: "value" }, [value]),
  ]);
}

function renderKpis() {
  const box = clear($("kpis"));
  const fc = state.forecast;
  const cov = state.roster?.coverage;
  const hours = (cov?.interval_min ?? 15) / 60;
  const points = cov ? inWindow(cov.points) : [];
  const req = points.reduce((s, p) => s + p.required * hours, 0);
  const sched = points.reduce((s, p) => s + p.scheduled * hours, 0);
  const under = points.filter((p) => p.scheduled < p.required).length;
  const sl = state.roster?.simulated?.sl ?? null;
  const goal = state.current?.queue.goal;
  box.append(
    kpi("Forecast calls", fc ? fmt(inWindow(fc.points).reduce((s, p) => s + (p.calls ?? 0), 0)) : "–"),
    kpi("Backtest WAPE", fc?.accuracy.label?.replace("WAPE ", "") ?? "–"),
    kpi("Required agent-h", cov ? fmt(req, 1) : "–"),
    kpi("Scheduled agent-h", cov ? fmt(sched, 1) : "–"),
    kpi("Net agent-h", cov ? `${sched >= req ? "+" : ""}${fmt(sched - req, 1)}` : "–", cov ? (sched < req ? "bad" : "good") : ""),
    kpi("Intervals under", cov ? `${under}/${points.length}` : "–", cov ? (under ? "bad" : "good") : ""),
    kpi("Simulated SL (week)", pct(sl), sl === null || !goal ? "" : sl < goal.service_level ? "bad" : "good"),
    kpi("Roster gap", state.roster ? pct(state.roster.report.gap, 2) : "–"),
  );
}

function renderAll() {
  renderDayChips();
  renderKpis();
  renderForecast();
  renderStaffing();
  renderGantt();
  renderScenarios();
  renderCapacity();
  document.body.dataset.ready = "true";
}

// ---- loading ----------------------------------------------------------------------------

async function loadQueue() {
  const { queue, site } = state.current;
  const week = $("week-input").value || null;
  const forecast = await client.latestForecast(queue, site, week).catch(reportError);
  const rosterWeek = week ?? (forecast ? client.localWeek(new Date(forecast.points[0].start).toISOString(), site.zone) : null);
  const [roster, comparison, capacity] = await Promise.all([
    client.unless404(client.latestRoster(queue, site, rosterWeek)).catch(reportError),
    client.unless404(client.latestComparison()).catch(reportError),
    client.unless404(client.latestCapacityPlan()).catch(reportError),
  ]);
  Object.assign(state, { forecast, roster, comparison, capacity });
  if (!week && rosterWeek) $("week-input").value = rosterWeek;
  renderAll();
}

function reportError(error) {
  setMessage(error.message ?? String(error), true);
  return null;
}

async function loadQueues() {
  state.queues = await client.listQueues();
  const select = clear($("queue-select"));
  state.queues.forEach(({ queue, site }, i) => {
    select.append(html("option", { value: i }, [`${site.name} · ${queue.name}`]));
  });
  if (!state.queues.length) {
    setMessage("No site or queue yet: create one through the API (see docs/planner.md).", true);
    renderAll();
    return;
  }
  state.current = state.queues[0];
  await loadQueue();
}

// ---- actions ----------------------------------------------------------------------------

function showImport(summary, errors, ok) {
  $("import-panel").hidden = false;
  $("import-panel").classList.toggle("ok", ok);
  $("import-summary").textContent = summary;
  const box = clear($("import-errors"));
  if (errors.length) box.append(errorsTable(errors));
}

async function uploadCsv(file) {
  setMessage(`Uploading ${file.name}…`);
  const result = await client.uploadHistory(state.current.queue, file, $("dry-run").checked);
  if (result.errors.length || !result.ok) {
    showImport(`${file.name}: ${result.summary}`, result.errors, false);
    setMessage(`${file.name} rejected: ${result.errors.length} problem(s)`, true);
    return;
  }
  showImport(`${file.name}: ${result.summary}`, [], true);
  setMessage(`${file.name} imported`);
  await loadQueue();
}

function showJob(job) {
  state.job = job;
  $("job-status").dataset.status = job.status;
  $("job-status").dataset.jobId = job.id;
  $("job-state").textContent = `Job ${job.id} ${job.kind}: ${job.status}`;
  $("job-state").title = job.message ?? "";
  if (job.message) setMessage(`${job.kind}: ${job.message}`);
  $("job-progress").value = job.progress ?? 0;
  $("job-objective").textContent = fmt(job.objective, 1);
  $("job-bound").textContent = fmt(job.best_bound, 1);
  $("job-gap").textContent = pct(job.gap, 2);
  $("job-seconds").textContent = job.seconds === null ? "–" : `${fmt(job.seconds, 1)} s`;
  const running = job.status === "queued" || job.status === "running";
  $("roster-button").disabled = running;
  $("cancel-button").hidden = !running;
}

async function pollJob(job) {
  showJob(job);
  while (job.status === "queued" || job.status === "running") {
    await new Promise((resolve) => { setTimeout(resolve, POLL_MS); });
    job = await client.getJob(job.id);
    showJob(job);
  }
  const stoppedWithResult = job.status === "cancelled" && job.result_url;
  if (job.status !== "succeeded" && !stoppedWithResult) {
    const problems = job.errors ?? [];
    if (problems.length) showImport(`Job ${job.id} ${job.status}`, problems, false);
    throw new Error(`job ${job.id} ${job.status}${job.error ? `: ${job.error}` : ""}`);
  }
  return job;
}

/** The forecast of the chosen week, running a forecast job first when there is none. */
async function ensureForecast(queue, site, week) {
  const found = await client.findForecast(queue, site, week);
  if (found) return found;
  setMessage("No forecast for this week yet: forecasting first…");
  const job = await pollJob(await client.startForecastJob(queue, week));
  return client.getForecast(job.result_url);
}

async function startRoster() {
  const { queue, site } = state.current;
  const week = $("week-input").value || null;
  const forecast = await ensureForecast(queue, site, week);
  const weekStart = client.localWeek(forecast.intervals.interval_start[0], site.zone);
  state.forecast = client.forecastModel(forecast, await client.getHistory(queue));
  $("week-input").value = weekStart;
  const requirement = await client.requirementFor(queue, forecast.id);
  setMessage(`Roster job submitted for the week of ${weekStart}…`);
  const limit = Number($("time-limit").value);
  const job = await pollJob(await client.startRosterJob(site, requirement, weekStart, limit));
  state.roster = await client.getRoster(job.result_url, site);
  const how = job.status === "cancelled" ? "stopped early, best roster kept" : state.roster.report.status;
  setMessage(`Roster ${state.roster.id} ready (${how}).`);
  renderAll();
}

async function runWhatIf(event) {
  event.preventDefault();
  const number = (id) => ($(id).value === "" ? null : Number($(id).value));
  const change = {
    name: $("whatif-name").value || "what-if", volume_factor: number("whatif-volume"),
    aht_factor: number("whatif-aht"), shrinkage: number("whatif-shrinkage"), service_level: number("whatif-sl"),
  };
  $("whatif-form").hidden = true;
  $("whatif-button").setAttribute("aria-expanded", "false");
  setMessage("What-if submitted…");
  if (!state.forecast) throw new Error("run a forecast first (Start roster does it)");
  const job = await pollJob(await client.startWhatIf(state.current.queue, state.forecast.id, change));
  state.comparison = await client.getComparison(job.result_url);
  setMessage(`What-if “${change.name}” done.`);
  renderAll();
}

/** Run an action; show its failure (and the problem rows of a 422, if any). */
function guarded(action) {
  return (...args) => action(...args).catch((error) => {
    setMessage(error.message ?? String(error), true);
    if (error.errors?.length) showImport(`Rejected: ${error.message}`, error.errors, false);
  });
}

function wire() {
  $("csv-input").addEventListener("change", guarded(async (event) => {
    const [file] = event.target.files;
    event.target.value = "";
    if (file) await uploadCsv(file);
  }));
  $("roster-button").addEventListener("click", guarded(startRoster));
  $("cancel-button").addEventListener("click", guarded(async () => {
    if (state.job) showJob(await client.cancelJob(state.job.id));
  }));
  $("whatif-button").addEventListener("click", () => {
    const form = $("whatif-form");
    form.hidden = !form.hidden;
    $("whatif-button").setAttribute("aria-expanded", String(!form.hidden));
  });
  $("whatif-form").addEventListener("submit", guarded(runWhatIf));
  $("import-close").addEventListener("click", () => { $("import-panel").hidden = true; });
  $("queue-select").addEventListener("change", guarded(async (event) => {
    state.current = state.queues[Number(event.target.value)];
    state.day = "week";
    await loadQueue();
  }));
  $("week-input").addEventListener("change", guarded(async (event) => {
    if (event.target.value) event.target.value = mondayOf(event.target.value);
    await loadQueue();
  }));
}

wire();
guarded(loadQueues)();
