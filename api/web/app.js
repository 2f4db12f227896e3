// Planner page controller: state, data loading through client.js, rendering, actions.

import * as client from "./client.js";
import { capacityChart, forecastChart, netStaffingChart, serviceChart } from "./charts.js";
import { installActuals, syncActualsQueues } from "./actuals.js";
import { installClients, syncClientQueues } from "./clients.js";
import { ganttChart } from "./gantt.js";
import { hrModel, hrRequest, renderHr } from "./hr.js";
import { GAP_TIP, renderRosterReport, statusText } from "./report.js";
import { installSchedule } from "./schedule.js";
import { installSignIn } from "./signin.js";
import { installSite } from "./site.js";
import { clear, dayLabel, fmt, html, localDay, pct, weekday, weekdayName, weekStartOf } from "./svg.js";
import { errorsTable, scenarioTable, totalsTable, warningsList } from "./tables.js";

const $ = (id) => document.getElementById(id);
const state = {
  queues: [],       // [{queue, site}]
  current: null,    // {queue, site}
  day: "week",      // "week" or a local day key
  forecast: null, newestWeek: null, roster: null, comparison: null, capacity: null,
  job: null,
};

function setMessage(text, isError = false) {
  $("message").textContent = text;
  $("message").classList.toggle("error", isError);
}

function placeholder(node, text) {
  clear(node).append(html("div", { class: "empty" }, [text]));
}

/** A lasting notice above the KPIs (what the page did on its own, with warnings). */
function setNotice(text, warnings = [], kind = "") {
  const box = $("notice");
  box.hidden = !text;
  box.dataset.kind = kind;
  clear(box);
  if (!text) return;
  box.append(html("span", {}, [text]));
  if (warnings.length) box.append(warningsList(warnings, "notice-warnings"));
}

// ---- window (week or one day) -----------------------------------------------------------

function zone() {
  return state.current?.site.zone ?? "UTC";
}

/** The site's first weekday: 0 = Monday ... 6 = Sunday. */
function startDay() {
  return client.weekStartDay(state.current?.site);
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
  const first = startDay();
  $("week-hint").textContent = state.current
    ? `${weekdayName(first).slice(0, 3)}–${weekdayName((first + 6) % 7).slice(0, 3)}` : "";
  $("week-hint").title = state.current ? `this site's weeks start on ${weekdayName(first)}` : "";
}

// ---- panels -----------------------------------------------------------------------------

function noForecastText() {
  const week = $("week-input").value;
  if (!state.newestWeek) return "No forecast for this queue yet: “Start roster” makes one.";
  return `No forecast for the week of ${dayLabel(week)} yet (this queue's newest forecast is`
    + ` for the week of ${dayLabel(state.newestWeek)}).`;
}

function renderForecast() {
  const box = $("forecast-chart");
  const fc = state.forecast;
  const warnings = clear($("forecast-warnings"));
  if (!fc || !fc.points.length) {
    $("forecast-meta").textContent = "";
    return placeholder(box, noForecastText());
  }
  $("forecast-meta").textContent = [`#${fc.id}`, fc.method, fc.accuracy.detail].filter(Boolean).join(" · ");
  if (fc.warnings.length) warnings.append(warningsList(fc.warnings, "forecast-warning-list"));
  clear(box).append(forecastChart({ zone: zone(), points: inWindow(fc.points), coverage: fc.coverage }));
}

/** Why simulated misses and "intervals under" can disagree, with both counts. */
function serviceNote(points, goal) {
  const misses = points.filter((p) => p.sl !== null && p.sl < goal.service_level - 1e-9).length;
  const under = points.filter((p) => p.scheduled < p.required).length;
  const note = clear($("service-note"));
  note.dataset.misses = misses;
  note.dataset.under = under;
  note.append(
    html("i", { class: "key miss" }), ` ${misses} interval(s) miss the SL target in the simulation · `,
    html("i", { class: "key under" }), ` ${under} under the Erlang requirement (“Intervals under”) · `,
    html("i", { class: "key target" }), " target. They can differ: the simulation replays random calls"
      + " through the rostered agents (a queue carries over into the next interval; one agent short"
      + " can still meet the target).",
  );
}

function renderStaffing() {
  const cov = state.roster?.coverage;
  if (!cov || !cov.points.length) {
    for (const id of ["staffing-chart", "service-chart", "totals"]) {
      placeholder($(id), "No roster for this week yet: press “Start roster”.");
    }
    $("staffing-meta").textContent = "";
    $("service-meta").textContent = "";
    clear($("service-note"));
    return;
  }
  const points = inWindow(cov.points);
  const under = points.filter((p) => p.scheduled < p.required).length;
  $("staffing-meta").textContent = `${points.length} intervals · ${under} under`;
  clear($("staffing-chart")).append(netStaffingChart({ zone: zone(), points }));
  clear($("totals")).append(totalsTable(cov.points, zone(), cov.interval_min));
  const goal = state.current.queue.goal;
  const sim = state.roster.simulated;
  if (!sim) {
    $("service-meta").textContent = "";
    clear($("service-note"));
    placeholder($("service-chart"), `Simulated service KPIs unavailable: ${state.roster.simulationError ?? "no data"}`);
    return;
  }
  $("service-meta").textContent = `simulated${sim.replications ? ` (${sim.replications} replications)` : ""}`
    + ` · target ${pct(goal.service_level, 0)} in ${fmt(goal.answer_within_s)} s`;
  clear($("service-chart")).append(serviceChart({
    zone: zone(), points,
    targets: { sl: goal.service_level, asa_s: goal.max_asa_s, abandon: goal.max_abandon_rate },
  }));
  serviceNote(points, goal);
}

function renderGantt() {
  const roster = state.roster;
  if (!roster) {
    $("roster-meta").textContent = "";
    return placeholder($("gantt"), "No roster for this week yet.");
  }
  const r = roster.report;
  $("roster-meta").textContent = `#${roster.id} · ${roster.agents.length} agents · ${statusText(r)}`
    + ` · cost ${fmt(r.objective, 1)} · gap to best possible ${pct(r.gap, 2)}`;
  $("roster-meta").title = GAP_TIP;
  const days = state.day === "week" ? weekDays() : [state.day];
  clear($("gantt")).append(ganttChart({ zone: zone(), agents: roster.agents }, days));
}

function renderScenarios() {
  const cmp = state.comparison;
  if (cmp?.denied) return placeholder($("scenarios"), cmp.denied);
  if (!cmp || !cmp.rows.length) {
    $("scenario-meta").textContent = "";
    return placeholder($("scenarios"), "No scenario run for this queue yet: use “What-if…”.");
  }
  $("scenario-meta").textContent = cmp.label;
  clear($("scenarios")).append(scenarioTable(cmp));
}

function renderCapacity() {
  const plan = state.capacity;
  renderHr($("hr-view"), plan?.source ? hrModel(plan.source) : null);
  if (plan?.denied) return placeholder($("capacity-chart"), plan.denied);
  if (!plan || !plan.weeks.length) {
    $("capacity-meta").textContent = "";
    return placeholder($("capacity-chart"), "No capacity plan for this queue yet.");
  }
  const scope = plan.scope !== "queue" ? "from weekly need hours (no queue)"
    : (plan.source?.need ? "from this queue's history" : "from this queue's requirement");
  $("capacity-meta").textContent = `${plan.name} · ${scope} · ${plan.weeks.length} weeks`
    + ` · ${plan.classes.length} hiring classes`;
  $("capacity-meta").dataset.scope = plan.scope;
  clear($("capacity-chart")).append(capacityChart(plan));
}

function kpi(label, value, tone = "", title = "") {
  return html("div", { class: `kpi ${tone}`, "data-kpi": label, title: title || null }, [
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
    kpi("Intervals under", cov ? `${under}/${points.length}` : "–", cov ? (under ? "bad" : "good") : "",
      "intervals with fewer scheduled agents than the Erlang requirement"),
    kpi("Simulated SL (week)", pct(sl), sl === null || !goal ? "" : sl < goal.service_level ? "bad" : "good",
      "service level of the whole week in the discrete-event simulation of the rostered agents"),
    kpi("Gap to best possible", state.roster ? pct(state.roster.report.gap, 2) : "–", "", GAP_TIP),
  );
}

function renderAll() {
  // an e-mail queue's what-if can change its deadline ("SL target": the share within it)
  const email = state.current?.queue?.channel === "email";
  $("whatif-deadline-label").hidden = !email;
  $("whatif-sl").previousSibling.textContent = email ? "Share in deadline " : "SL target ";
  renderDayChips();
  renderRosterReport(state.roster);
  renderKpis();
  renderForecast();
  renderStaffing();
  renderGantt();
  renderScenarios();
  renderCapacity();
  document.body.dataset.ready = "true";
}

// ---- loading ----------------------------------------------------------------------------

function reportError(error) {
  setMessage(error.message ?? String(error), true);
  return null;
}

/** A panel's data: null when missing (404), a `denied` note when the token may not read it. */
async function panelData(promise) {
  try {
    return await client.unless404(promise);
  } catch (error) {
    if (error instanceof client.ApiError && error.status === 403) {
      return { denied: `Not available to this sign-in: ${error.message}` };
    }
    return reportError(error);
  }
}

const weekOfInstant = (ms, site) => client.localWeek(new Date(ms).toISOString(), site.zone, client.weekStartDay(site));

async function loadQueue() {
  document.body.dataset.ready = "false"; // true again once everything is drawn
  const { queue, site } = state.current;
  syncActualsQueues(state.queues, state.current);
  const week = $("week-input").value || null;
  const found = await client.latestForecast(queue, site, week).catch(reportError);
  const forecast = found?.forecast ?? null;
  const rosterWeek = week ?? (forecast ? weekOfInstant(forecast.points[0].start, site) : null);
  const [roster, comparison, capacity] = await Promise.all([
    panelData(client.latestRoster(queue, site, rosterWeek)),
    panelData(client.latestComparison(queue)),
    panelData(client.latestCapacityPlan(queue)),
  ]);
  Object.assign(state, {
    forecast, newestWeek: found?.newestWeek ?? null, roster: roster?.denied ? null : roster, comparison, capacity,
  });
  if (!week && rosterWeek) $("week-input").value = rosterWeek;
  renderAll();
}

async function loadQueues() {
  state.queues = await client.listQueues();
  syncClientQueues(state.queues); // the clients panel names queues by site and name
  const select = clear($("queue-select"));
  state.queues.forEach(({ queue, site }, i) => {
    select.append(html("option", { value: i, "data-queue": queue.id }, [`${site.name} · ${queue.name}`]));
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

function showImport(summary, rows, ok) {
  $("import-panel").hidden = false;
  $("import-panel").classList.toggle("ok", ok);
  $("import-summary").textContent = summary;
  const box = clear($("import-errors"));
  if (rows.length) box.append(errorsTable(rows, 50, ok ? "import-warnings-table" : "errors-table"));
}

async function uploadCsv(file) {
  setMessage(`Uploading ${file.name}…`);
  let result = await client.uploadHistory(state.current.queue, file, $("dry-run").checked, $("date-format").value);
  if (result.job) result = await client.importOfJob(await pollJob(result.job)); // a large file: a job
  if (result.errors.length || !result.ok) {
    const ambiguous = result.errors.some((e) => e.code === "ambiguous_date_order");
    const hint = ambiguous ? " (choose the file's date order under “dates” and upload it again)" : "";
    showImport(`${file.name}: ${result.summary}${hint}`, result.errors, false);
    setMessage(`${file.name} rejected: ${result.errors.length} problem(s)${hint}`, true);
    return;
  }
  showImport(`${file.name}: ${result.summary}`, result.warnings, true);
  const n = result.warnings.length;
  setMessage(`${file.name} imported${n ? ` with ${n} warning(s): see the import report` : ""}`);
  await loadQueue();
}

function showJob(job) {
  state.job = job;
  $("job-status").dataset.status = job.status;
  $("job-status").dataset.jobId = job.id;
  $("job-state").textContent = `Job ${job.id} ${job.kind}: ${job.status}`;
  $("job-state").title = job.message ?? "";
  if (job.message) setMessage(`${job.kind}: ${job.message}`, job.message.startsWith("INVALID"));
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
  job = await client.jobEnd(job, showJob);
  const stoppedWithResult = job.status === "cancelled" && job.result_url;
  if (job.status !== "succeeded" && !stoppedWithResult) {
    const problems = job.errors ?? [];
    if (problems.length) showImport(`Job ${job.id} ${job.status}`, problems, false);
    throw new Error(`job ${job.id} ${job.status}${job.error ? `: ${job.error}` : ""}`);
  }
  return job;
}

/** The forecast of the chosen week; when there is none, a forecast job runs first and says so. */
async function ensureForecast(queue, site, week) {
  const which = week ? `the week of ${dayLabel(week)}` : "the week after the history";
  const found = await client.weekForecast(queue, site, week, pollJob, () => setNotice(
    `No forecast for ${which} yet: forecasting it first, then rostering…`, [], "forecasting"));
  if (!found.made) return found.forecast;
  const made = found.forecast;
  const warnings = made.warnings ?? [];
  setNotice(`“Start roster” made forecast #${made.id} (${made.method}) first, because none existed for ${which}`
    + `${warnings.length ? `. Check its ${warnings.length} warning(s) before using the roster:` : "."}`,
  warnings, "forecast-made");
  return made;
}

async function startRoster() {
  const { queue, site } = state.current;
  const week = $("week-input").value || null;
  setNotice("");
  const forecast = await ensureForecast(queue, site, week);
  const weekStart = client.localWeek(forecast.start ?? forecast.intervals.interval_start[0], site.zone, startDay());
  state.forecast = client.forecastModel(forecast, await client.historyFor(queue, forecast));
  $("week-input").value = weekStart;
  const requirement = await client.requirementFor(queue, forecast.id);
  setMessage(`Roster job submitted for the week of ${weekStart}…`);
  const limit = Number($("time-limit").value);
  const job = await pollJob(await client.startRosterJob(site, requirement, weekStart, limit));
  state.roster = await client.getRoster(job.result_url, site);
  const r = state.roster.report;
  const how = job.status === "cancelled" ? "stopped early, best roster kept" : statusText(r);
  const warned = r.warnings.length ? ` · ${r.warnings.length} warning(s): see above` : "";
  setMessage(`Roster ${state.roster.id} ready (${how})${warned}.`, r.status === "INVALID");
  renderAll();
}

async function runWhatIf(event) {
  event.preventDefault();
  const number = (id) => ($(id).value === "" ? null : Number($(id).value));
  const change = {
    name: $("whatif-name").value || "what-if", volume_factor: number("whatif-volume"),
    aht_factor: number("whatif-aht"), shrinkage: number("whatif-shrinkage"), service_level: number("whatif-sl"),
    deadline_minutes: state.current.queue.channel === "email" ? number("whatif-deadline") : null,
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

async function runHiringPlan(event) {
  event.preventDefault();
  const number = (id) => Number($(id).value);
  const { queue } = state.current;
  const body = hrRequest(queue, {
    weeks: number("hr-weeks"), staff: number("hr-staff"), hours: number("hr-hours"),
    attrition: number("hr-attrition"), training: number("hr-training"), lead: number("hr-lead"),
    classMax: number("hr-class-max"), hireCost: number("hr-hire-cost"),
    shortCost: number("hr-short-cost"), basis: $("hr-basis").value,
  });
  setMessage("Hiring plan submitted: long-range forecast, need, plan…");
  await pollJob(await client.startCapacityPlan(body));
  state.capacity = await client.latestCapacityPlan(queue);
  setMessage(`Hiring plan “${body.name}” ready.`);
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
  $("hr-form").addEventListener("submit", guarded(runHiringPlan));
  $("import-close").addEventListener("click", () => { $("import-panel").hidden = true; });
  $("queue-select").addEventListener("change", guarded(async (event) => {
    // another queue: its own newest forecast week, roster, scenarios and capacity plan
    state.current = state.queues[Number(event.target.value)];
    state.day = "week";
    $("week-input").value = "";
    $("import-panel").hidden = true; // it reported an upload to the other queue
    setNotice("");
    await loadQueue();
  }));
  $("week-input").addEventListener("change", guarded(async (event) => {
    if (event.target.value) event.target.value = weekStartOf(event.target.value, startDay());
    await loadQueue();
  }));
}

installSignIn();
wire();
installSite(() => ({
  site: state.current?.site, week: $("week-input").value, limit: Number($("time-limit").value),
}));
installActuals(() => state.current);
installSchedule();
installClients();
guarded(loadQueues)();
