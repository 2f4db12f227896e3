// The planner's only contact with the service: calls to the public /v1 API and the mapping
// of its (columnar) JSON bodies to the view models the charts draw. A script calling the same
// endpoints gets the same numbers.

import { addDays, zonedInstant } from "./svg.js";

const JSON_TYPES = ["application/json", "application/problem+json"];

/** An API error carrying the RFC 9457 problem body (and its `errors` list, if any). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem ?? {};
    this.errors = Array.isArray(problem?.errors) ? problem.errors : [];
  }
}

async function request(method, url, { body, headers = {} } = {}) {
  const init = { method, headers: { Accept: "application/json", ...headers } };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["Content-Type"] = "application/json";
  }
  const response = await fetch(url, init);
  const type = (response.headers.get("Content-Type") ?? "").split(";")[0].trim();
  const payload = JSON_TYPES.includes(type) ? await response.json() : null;
  if (!response.ok) throw new ApiError(response.status, payload);
  return { status: response.status, body: payload, location: response.headers.get("Location") };
}

const get = async (url) => (await request("GET", url)).body;

/** Every item of a paged list endpoint ({total, limit, offset, items}). */
async function listAll(url, pageSize = 200) {
  const items = [];
  for (let offset = 0; ; offset += pageSize) {
    const sep = url.includes("?") ? "&" : "?";
    const page = await get(`${url}${sep}limit=${pageSize}&offset=${offset}`);
    items.push(...page.items);
    if (items.length >= page.total || page.items.length === 0) return items;
  }
}

/** The newest item of a paged list ordered by id (the last one), or null. */
async function newest(url) {
  const sep = url.includes("?") ? "&" : "?";
  const head = await get(`${url}${sep}limit=1&offset=0`);
  if (!head.total) return null;
  const tail = await get(`${url}${sep}limit=1&offset=${head.total - 1}`);
  return tail.items[0] ?? null;
}

const ms = (iso) => Date.parse(iso);

// ---- sites and queues -------------------------------------------------------------------

/** Every queue of every site, as [{queue, site}]. */
export async function listQueues() {
  const sites = await listAll("/v1/sites");
  const perSite = await Promise.all(sites.map(async (site) =>
    (await listAll(`/v1/sites/${site.id}/queues`)).map((queue) => ({ queue, site }))));
  return perSite.flat();
}

// ---- history imports --------------------------------------------------------------------

/**
 * Upload an ACD CSV for a queue. Returns {ok, summary, errors}; a 422 problem+json becomes
 * ok=false with its `errors` rows, a dry run's report problems likewise.
 */
export async function uploadHistory(queue, file, dryRun) {
  const form = new FormData();
  form.append("file", file, file.name);
  const url = `/v1/queues/${queue.id}/history-imports${dryRun ? "?dry_run=true" : ""}`;
  try {
    const report = (await request("POST", url, { body: form })).body;
    return importResult(report);
  } catch (error) {
    if (error instanceof ApiError && error.errors.length) {
      return { ok: false, summary: error.message, errors: error.errors };
    }
    throw error;
  }
}

function importResult(report) {
  const problems = report.problems ?? [];
  if (!report.valid) {
    return { ok: false, summary: `${problems.length} problem(s), nothing stored`, errors: problems };
  }
  const what = report.dry_run ? `${report.rows} rows valid (dry run, nothing stored)`
    : report.already_imported ? `already imported (import ${report.id})`
      : `${report.rows} rows: ${report.inserted} new, ${report.updated} updated, ${report.unchanged} unchanged`;
  const warnings = report.warnings ?? [];
  return { ok: true, summary: warnings.length ? `${what}; ${warnings.length} warning(s)` : what, errors: warnings };
}

// ---- jobs -------------------------------------------------------------------------------

export const getJob = (id) => get(`/v1/jobs/${id}`);

export async function cancelJob(id) {
  return (await request("DELETE", `/v1/jobs/${id}`)).body;
}

/** A random UUID v4 (crypto.randomUUID needs a secure context; plain http on a LAN is not). */
export function randomUuid() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** POST a job-creating request: the 202 body is the job (or the Location names it). */
async function submitJob(url, body) {
  const response = await request("POST", url, {
    body, headers: { "Idempotency-Key": randomUuid() },
  });
  if (response.body && response.body.status) return response.body;
  return get(response.location);
}

// ---- forecasts, actuals and requirements ------------------------------------------------

function accuracyOf(forecast) {
  const b = forecast.accuracy?.backtest ?? null;
  if (!b) return { label: null, detail: null };
  const label = `WAPE ${(b.wape * 100).toFixed(1)}%`;
  const detail = `${label} · MASE ${b.mase?.toFixed(2) ?? "–"} · bias ${((b.bias ?? 0) * 100).toFixed(1)}%`
    + ` · band hit ${((b.coverage ?? 0) * 100).toFixed(0)}% (${b.n_origins ?? "?"} origins)`;
  return { label, detail };
}

/** Forecast view model: points with calls, band and (where history exists) actual calls. */
export function forecastModel(forecast, history) {
  const f = forecast.intervals;
  const actual = new Map();
  if (history) history.interval_start.forEach((t, i) => actual.set(ms(t), history.offered[i]));
  const points = f.interval_start.map((t, i) => ({
    start: ms(t), calls: f.calls[i], lo: f.calls_lo[i], hi: f.calls_hi[i],
    actual: actual.get(ms(t)) ?? null,
  }));
  return {
    id: forecast.id, method: forecast.method, coverage: forecast.accuracy?.coverage ?? null,
    accuracy: accuracyOf(forecast), points,
  };
}

/** The newest forecast of a queue covering `week` (a local Monday "YYYY-MM-DD"), or null. */
export async function findForecast(queue, site, week) {
  const items = await listAll(`/v1/queues/${queue.id}/forecasts`);
  const wanted = items.filter((f) => !week || localWeek(f.start, site.zone) === week);
  const chosen = wanted.at(-1);
  return chosen ? get(`/v1/forecasts/${chosen.id}`) : null;
}

/** Local Monday of the week holding an instant (ISO string). */
function localWeek(iso, zone) {
  const day = new Intl.DateTimeFormat("en-CA", { timeZone: zone }).format(new Date(iso));
  const date = new Date(`${day}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
  return date.toISOString().slice(0, 10);
}

export async function latestForecast(queue, site, week) {
  const forecast = await findForecast(queue, site, week);
  if (!forecast) return null;
  const history = await get(`/v1/queues/${queue.id}/history`);
  return forecastModel(forecast, history);
}

/** Start a forecast job for `week` (null: the week after the history) and wait for it. */
export async function startForecastJob(queue, week, coverage = 0.8) {
  return submitJob(`/v1/queues/${queue.id}/forecasts`, { week_start: week, weeks: 1, coverage });
}

export const getForecast = (url) => get(url);

/** The requirement computed from a forecast (newest), creating it when there is none. */
export async function requirementFor(queue, forecastId) {
  const items = await listAll(`/v1/queues/${queue.id}/requirements`);
  const found = items.filter((r) => r.forecast_id === forecastId).at(-1);
  if (found) return get(`/v1/requirements/${found.id}`);
  return (await request("POST", "/v1/requirements", { body: { forecast_id: forecastId } })).body;
}

export { localWeek };

// ---- capacity plans ---------------------------------------------------------------------

/** Capacity view model: need vs productive FTE per week, classes grouped by start week. */
export function capacityModel(plan) {
  const w = plan.weekly;
  const weeks = w.week.map((week, i) => ({
    week: String(week), label: String(w.label?.[i] ?? week),
    required: w.need_fte[i], available: w.productive_fte[i],
  }));
  const h = plan.hires;
  const byWeek = new Map();
  (h.class_week ?? []).forEach((week, i) => {
    const c = byWeek.get(week) ?? {
      label: String(h.class_label?.[i] ?? `week ${week}`), start_week: String(week),
      start_label: String(h.class_label?.[i] ?? week),
      productive_week: h.first_productive_week ? String(h.first_productive_week[i]) : null,
      productive_label: null, size: 0, contracts: [],
    };
    c.size += h.size[i];
    c.contracts.push(`${h.size[i]} ${h.contract[i]}`);
    byWeek.set(week, c);
  });
  const labels = new Map(weeks.map((x) => [x.week, x.label]));
  const classes = [...byWeek.values()].map((c, k) => ({
    ...c, label: `Class ${k + 1}`, productive_label: labels.get(c.productive_week) ?? null,
  }));
  return { id: plan.id, name: plan.name, weeks, classes };
}

export async function latestCapacityPlan() {
  const newestPlan = await newest("/v1/capacity-plans");
  return newestPlan ? capacityModel(await get(`/v1/capacity-plans/${newestPlan.id}`)) : null;
}

// ---- rosters ----------------------------------------------------------------------------

/** Agents of a site by code (roster schedules name agents by code). */
async function siteAgents(site) {
  const agents = await listAll(`/v1/sites/${site.id}/agents`);
  return new Map(agents.map((a) => [a.code, a]));
}

/** A shift of the schedule (local minutes of day `day` of the week) as instants. */
function shiftModel(shift, weekStart, zone) {
  const day = addDays(weekStart, shift.day);
  const at = (minutes) => zonedInstant(day, minutes, zone);
  return {
    start: at(shift.start), end: at(shift.end),
    activities: shift.activities.map((a) => ({ kind: a.kind, start: at(a.start), end: at(a.end) })),
  };
}

/** Per-interval simulated SL / ASA / abandonment keyed by interval start (ms). */
function simulatedByInterval(simulated) {
  const byStart = new Map();
  if (!simulated) return byStart;
  const t = simulated.intervals;
  t.interval_start.forEach((iso, i) => byStart.set(ms(iso), {
    sl: t.service_level[i], asa_s: t.asa_s[i], abandon: t.abandon_rate[i],
  }));
  return byStart;
}

/**
 * Roster view model: coverage points (required vs staffed, simulated service per interval),
 * one Gantt row per scheduled agent, KPIs and the solver report.
 */
export function rosterModel(roster, site, agentsByCode, simulated) {
  const c = roster.coverage;
  const service = simulatedByInterval(simulated);
  const points = c.interval_start.map((iso, i) => {
    const kpi = service.get(ms(iso)) ?? { sl: null, asa_s: null, abandon: null };
    return { start: ms(iso), required: c.required[i], scheduled: c.staffed[i], unmet: c.unmet[i], ...kpi };
  });
  const agents = roster.schedule.map((item) => {
    const known = agentsByCode.get(item.agent);
    return {
      id: item.agent, name: known?.name ? `${known.name} (${item.agent})` : item.agent,
      contract: item.contract, paid_h: item.paid_minutes / 60,
      shifts: item.shifts.map((s) => shiftModel(s, roster.week_start, site.zone)),
    };
  });
  const r = roster.report;
  const overall = simulated?.overall ?? null;
  return {
    id: roster.id, week_start: roster.week_start, kpis: roster.kpis,
    coverage: { points, interval_min: intervalOf(points) }, agents,
    simulated: overall ? {
      sl: overall.service_level?.mean ?? null, asa_s: overall.asa_s?.mean ?? null,
      abandon: overall.abandon_rate?.mean ?? null, replications: simulated.config?.replications ?? null,
    } : null,
    report: { status: r.status, objective: r.objective, bound: r.best_bound, gap: r.gap, seconds: r.seconds },
  };
}

function intervalOf(points) {
  return points.length > 1 ? Math.round((points[1].start - points[0].start) / 60000) : 15;
}

/** Read a roster, its agents and its simulated KPIs per interval; build the view model. */
export async function getRoster(url, site) {
  const roster = await get(url);
  let simulationError = null;
  const [agents, simulated] = await Promise.all([
    siteAgents(site),
    get(`/v1/rosters/${roster.id}/simulated-kpis`).catch((error) => {
      simulationError = error.message ?? String(error);
      return null;
    }),
  ]);
  return { ...rosterModel(roster, site, agents, simulated), simulationError };
}

/** The newest roster of the site for `week` (any week when null), or null. */
export async function latestRoster(_queue, site, week) {
  const items = await listAll(`/v1/rosters?site_id=${site.id}`);
  const chosen = items.filter((r) => !week || r.week_start === week).at(-1);
  return chosen ? getRoster(`/v1/rosters/${chosen.id}`, site) : null;
}

/** Start a roster job for a stored requirement and local week (202 + job). */
export async function startRosterJob(_site, requirement, week, timeLimitS) {
  return submitJob("/v1/roster-jobs", {
    requirement_id: requirement.id, week_start: week, time_limit_s: timeLimitS,
  });
}

export const getHistory = (queue) => get(`/v1/queues/${queue.id}/history`);

// ---- scenarios and comparisons ----------------------------------------------------------

/** `promise`'s value, or null when the resource answers 404. */
export async function unless404(promise) {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

const COMPARISON_COLUMNS = [
  { key: "calls", label: "Calls", format: "int", better: null },
  { key: "required_agent_hours", label: "Req. agent-h", format: "dec1", better: null },
  { key: "fte_paid", label: "Paid FTE", format: "dec1", better: null },
  { key: "fte_paid_vs_base", label: "Δ FTE", format: "signed1", better: null },
  { key: "cost", label: "Cost", format: "int", better: null },
  { key: "service_level", label: "SL", format: "pct", better: "higher" },
  { key: "asa_s", label: "ASA s", format: "dec1", better: "lower" },
  { key: "abandon_rate", label: "Abandon", format: "pct", better: "lower" },
  { key: "under_staffed_hours", label: "Under h", format: "dec1", better: "lower" },
];

/** Comparison view model: the API's table (one row per plan, base first). */
export function comparisonModel(comparison) {
  const t = comparison.table;
  const rows = t.scenario.map((name, i) => ({
    id: String(i), name: i === 0 ? name : `${name} v${t.version[i]}`,
    values: Object.fromEntries(COMPARISON_COLUMNS.map((c) => [c.key, t[c.key]?.[i] ?? null])),
  }));
  return { id: comparison.id, label: `comparison ${comparison.id} · forecast ${comparison.forecast_id}`,
    columns: COMPARISON_COLUMNS, rows };
}

export async function getComparison(url) {
  return comparisonModel(await get(url));
}

/** The newest succeeded comparison job's result (there is no comparison list endpoint). */
export async function latestComparison() {
  const job = await newest("/v1/jobs?kind=comparison&status=succeeded");
  return job?.result_url ? getComparison(job.result_url) : null;
}

/** The what-if form as the API's ScenarioChanges. */
export function scenarioChanges(change, queue) {
  const changes = {};
  if (change.volume_factor !== null && change.volume_factor !== 1) changes.volume = [{ multiplier: change.volume_factor }];
  if (change.aht_factor !== null && change.aht_factor !== 1) changes.aht = [{ change_pct: (change.aht_factor - 1) * 100 }];
  if (change.shrinkage !== null) changes.shrinkage = change.shrinkage;
  if (change.service_level !== null) changes.goal = { ...queue.goal, service_level: change.service_level };
  return changes;
}

/**
 * Store the what-if as a scenario of the queue, then compare the newest version of each of
 * the queue's scenarios (at most `keep`) against the base plan of the forecast.
 */
export async function startWhatIf(queue, forecastId, change, keep = 6) {
  await request("POST", `/v1/queues/${queue.id}/scenarios`, {
    body: { name: change.name, changes: scenarioChanges(change, queue) },
  });
  const all = await listAll(`/v1/queues/${queue.id}/scenarios`);
  const newestByName = new Map();
  for (const s of all) newestByName.set(s.name, s);
  const ids = [...newestByName.values()].sort((a, b) => a.id - b.id).slice(-keep).map((s) => s.id);
  return submitJob("/v1/comparisons", { forecast_id: forecastId, scenario_ids: ids });
}
