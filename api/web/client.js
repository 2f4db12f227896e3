// The planner's only contact with the service: calls to the public /v1 API and the mapping
// of its (columnar) JSON bodies to the view models the charts draw. A script calling the same
// endpoints gets the same numbers.

import { addDays, weekStartOf, zonedInstant } from "./svg.js";

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

// ---- access token ------------------------------------------------------------------------
// The token lives in the tab's sessionStorage only (never a cookie or a URL the server logs)
// and goes out as `Authorization: Bearer <token>` on every call. A 401 asks the page's
// sign-in handler for a token (one prompt shared by every request waiting on it), then the
// request is sent again. A service that does not require tokens never answers 401, so the
// page works the same without one.

export const TOKEN_KEY = "staffwise.token";
let signInHandler = null;
let pendingSignIn = null;

export function getToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function setToken(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
}

/** `handler(rejected: boolean, problem)` resolves once a token is stored (see app.js). */
export function onSignIn(handler) {
  signInHandler = handler;
}

function signIn(rejected, problem) {
  if (!pendingSignIn) {
    pendingSignIn = Promise.resolve(signInHandler(rejected, problem))
      .finally(() => { pendingSignIn = null; });
  }
  return pendingSignIn;
}

async function send(method, url, { body, headers = {} }, token) {
  const init = { method, headers: { Accept: "application/json", ...headers } };
  if (token) init.headers.Authorization = `Bearer ${token}`;
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["Content-Type"] = "application/json";
  }
  return fetch(url, init);
}

/** The JSON body of a response (null when it is not JSON). */
async function jsonOf(response) {
  const type = (response.headers.get("Content-Type") ?? "").split(";")[0].trim();
  return JSON_TYPES.includes(type) ? response.json() : null;
}

const MAX_RATE_RETRIES = 5;

/** Seconds to wait after a 429 (its Retry-After, 1 to 30 s). */
function retryAfter(response) {
  const seconds = Number(response.headers.get("Retry-After"));
  return Number.isFinite(seconds) ? Math.min(Math.max(seconds, 1), 30) : 1;
}

/**
 * `attempt(token)` (a fetch) sent again after a 401 once the page has signed in, and after a
 * 429 once its Retry-After has passed; the last response.
 */
async function authorized(attempt) {
  for (let limited = 0; ;) {
    const token = getToken();
    const response = await attempt(token);
    if (response.status === 401 && signInHandler) {
      // signed in meanwhile by another request's prompt: just send again
      if (!getToken() || getToken() === token) await signIn(Boolean(token), await jsonOf(response));
      continue;
    }
    if (response.status === 429 && limited < MAX_RATE_RETRIES) { // rate limited: wait, send again
      limited += 1;
      await new Promise((resolve) => { setTimeout(resolve, retryAfter(response) * 1000); });
      continue;
    }
    return response;
  }
}

async function request(method, url, options = {}) {
  const response = await authorized((token) => send(method, url, options, token));
  const payload = await jsonOf(response);
  if (!response.ok) throw new ApiError(response.status, payload);
  return { status: response.status, body: payload, location: response.headers.get("Location") };
}

/**
 * A file answer (CSV, HTML, PDF) of `url` as a Blob, with the page's token; a 401 asks the
 * page to sign in and fetches again, as every JSON call does (the report and hiring-calendar
 * buttons used to fail there with the 401).
 */
export async function fetchFile(url, accept) {
  const response = await authorized((token) => fetch(url, {
    headers: token ? { Accept: accept, Authorization: `Bearer ${token}` } : { Accept: accept },
  }));
  if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => null));
  return response.blob();
}

const get = async (url) => (await request("GET", url)).body;

/** Any JSON call of the API (the schedule panel): its body; a problem answer throws ApiError. */
export const callApi = async (method, url, body) => (
  await request(method, url, body === undefined ? {} : { body })).body;

/** Every item of a paged list endpoint ({total, limit, offset, items}). */
export async function listAll(url, pageSize = 200) {
  const items = [];
  for (let offset = 0; ; offset += pageSize) {
    const sep = url.includes("?") ? "&" : "?";
    const page = await get(`${url}${sep}limit=${pageSize}&offset=${offset}`);
    items.push(...page.items);
    if (items.length >= page.total || page.items.length === 0) return items;
  }
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
 * Upload an ACD CSV for a queue (`dateFormat`: the strftime order of numeric dates, e.g.
 * "%d/%m/%Y", or empty). Returns {ok, summary, errors, warnings}; a 422 problem+json becomes
 * ok=false with its `errors` rows, a dry run's report problems likewise. A large file is
 * imported by a job (202): then {job} is returned, and `importOfJob` reads its report.
 */
export async function uploadHistory(queue, file, dryRun, dateFormat = "") {
  const form = new FormData();
  form.append("file", file, file.name);
  const query = new URLSearchParams();
  if (dryRun) query.set("dry_run", "true");
  if (dateFormat) query.set("date_format", dateFormat);
  const url = `/v1/queues/${queue.id}/history-imports${String(query) ? `?${query}` : ""}`;
  try {
    const response = await request("POST", url, { body: form });
    if (response.status === 202) return { job: response.body?.status ? response.body : await get(response.location) };
    return importResult(response.body);
  } catch (error) {
    if (error instanceof ApiError && error.errors.length) {
      return { ok: false, summary: error.message, errors: error.errors, warnings: [] };
    }
    throw error;
  }
}

/** The import report of a finished `history_import` job. */
export async function importOfJob(job) {
  return importResult(await get(job.result_url));
}

/** {ok, summary, errors, warnings}: `errors` refuse the file, `warnings` come with a stored one. */
function importResult(report) {
  const problems = report.problems ?? [];
  const warnings = report.warnings ?? [];
  if (!report.valid) {
    return { ok: false, summary: `${problems.length} problem(s), nothing stored`, errors: problems, warnings };
  }
  const what = report.dry_run ? `${report.rows} rows valid (dry run, nothing stored)`
    : report.already_imported ? `already imported (import ${report.id})`
      : `${report.rows} rows: ${report.inserted} new, ${report.updated} updated, ${report.unchanged} unchanged`;
  const summary = warnings.length ? `${what}; ${warnings.length} warning(s)` : what;
  return { ok: true, summary, errors: [], warnings };
}

// ---- jobs -------------------------------------------------------------------------------

export const getJob = (id) => get(`/v1/jobs/${id}`);

/** Job states after which a job never changes again (the service's `FINISHED`). */
export const JOB_ENDS = Object.freeze(["succeeded", "failed", "cancelled", "interrupted"]);
export const JOB_POLL_MS = 500;

/**
 * Poll `job` every `pollMs` until it reaches one of `JOB_ENDS` and return that last state
 * (the caller decides what a failed, cancelled or interrupted job means to it); `onProgress`
 * sees every state read, the first and the last included.
 */
export async function jobEnd(job, onProgress = () => {}, pollMs = JOB_POLL_MS) {
  onProgress(job);
  while (!JOB_ENDS.includes(job.status)) {
    await new Promise((resolve) => { setTimeout(resolve, pollMs); });
    job = await getJob(job.id);
    onProgress(job);
  }
  return job;
}

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
    accuracy: accuracyOf(forecast), points, warnings: forecast.warnings ?? [],
  };
}

/** The site's first day of the week: 0 = Monday ... 6 = Sunday (Monday when absent). */
export const weekStartDay = (site) => site?.week_start_day ?? 0;

/**
 * The newest forecast of a queue covering `week` (the local first day of a site week,
 * "YYYY-MM-DD"; any week when null), or null; `newestWeek` names the week of the queue's
 * newest forecast either way.
 */
export async function findForecast(queue, site, week) {
  const items = await listAll(`/v1/queues/${queue.id}/forecasts`);
  const weekOf = (f) => localWeek(f.start, site.zone, weekStartDay(site));
  const chosen = items.filter((f) => !week || weekOf(f) === week).at(-1);
  const newestWeek = items.length ? weekOf(items.at(-1)) : null;
  return { forecast: chosen ? await get(`/v1/forecasts/${chosen.id}`) : null, newestWeek };
}

/** First local day of the site week (`startDay`: 0 = Monday) holding an instant (ISO string). */
function localWeek(iso, zone, startDay = 0) {
  const day = new Intl.DateTimeFormat("en-CA", { timeZone: zone }).format(new Date(iso));
  return weekStartOf(day, startDay);
}

/** {forecast: view model or null, newestWeek} for a queue and week (null: its newest). */
export async function latestForecast(queue, site, week) {
  const { forecast, newestWeek } = await findForecast(queue, site, week);
  if (!forecast) return { forecast: null, newestWeek };
  const history = await historyFor(queue, forecast);
  return { forecast: forecastModel(forecast, history), newestWeek };
}

/** Start a forecast job for `week` (null: the week after the history) and wait for it. */
export async function startForecastJob(queue, week, coverage = 0.8) {
  return submitJob(`/v1/queues/${queue.id}/forecasts`, { week_start: week, weeks: 1, coverage });
}

export const getForecast = (url) => get(url);

/**
 * The forecast of `queue` for `week` (the site-local week start; null: the newest), made first
 * when there is none: `onMissing()` is told, a forecast job runs and `wait(job)` waits for it
 * (it returns the job's last state or throws). Returns `{ forecast, made }`.
 */
export async function weekForecast(queue, site, week, wait, onMissing = () => {}) {
  const { forecast } = await findForecast(queue, site, week);
  if (forecast) return { forecast, made: false };
  onMissing();
  const job = await wait(await startForecastJob(queue, week));
  return { forecast: await getForecast(job.result_url), made: true };
}

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
  return { id: plan.id, name: plan.name, weeks, classes, source: plan };
}

/**
 * The queue's newest capacity plan: made from one of its requirements or its history
 * (``queue_id``), else the newest plan
 * made from weekly need hours (tied to no queue; `scope` says which). Plans of other queues
 * are never shown.
 */
export async function latestCapacityPlan(queue) {
  const [jobs, requirements] = await Promise.all([
    listAll("/v1/jobs?kind=capacity_plan&status=succeeded"),
    listAll(`/v1/queues/${queue.id}/requirements`),
  ]);
  const mine = new Set(requirements.map((r) => r.id));
  const done = jobs.filter((j) => j.result_url);
  const own = done.filter((j) => mine.has(j.params?.requirement_id) || j.params?.queue_id === queue.id).at(-1);
  const chosen = own ?? done.filter((j) => j.params?.requirement_id == null && j.params?.queue_id == null).at(-1);
  if (!chosen) return null;
  return { ...capacityModel(await get(chosen.result_url)), scope: own ? "queue" : "need_hours" };
}

/** Start a capacity-plan job (``POST /v1/capacity-plans``); answers the job. */
export async function startCapacityPlan(body) {
  return (await request("POST", "/v1/capacity-plans", { body })).body;
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
  const overall = simulated?.overall ?? null;
  return {
    id: roster.id, week_start: roster.week_start, kpis: roster.kpis,
    coverage: { points, interval_min: intervalOf(points) }, agents,
    simulated: overall ? {
      sl: overall.service_level?.mean ?? null, asa_s: overall.asa_s?.mean ?? null,
      abandon: overall.abandon_rate?.mean ?? null, replications: simulated.config?.replications ?? null,
    } : null,
    report: reportModel(roster.report),
  };
}

/** The solver report as shown: INVALID when rules are broken, with violations and warnings. */
export function reportModel(r) {
  const violations = r.violations ?? [];
  const status = violations.length && r.status !== "INVALID" ? "INVALID" : r.status;
  return {
    status, solver_status: r.solver_status ?? r.status, objective: r.objective,
    bound: r.best_bound, gap: r.gap, seconds: r.seconds, violations, warnings: r.warnings ?? [],
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

/** The newest roster of the queue (one of its requirements) for `week` (any when null), or null. */
export async function latestRoster(queue, site, week) {
  const [items, requirements] = await Promise.all([
    listAll(`/v1/rosters?site_id=${site.id}`), listAll(`/v1/queues/${queue.id}/requirements`),
  ]);
  const mine = new Set(requirements.map((r) => r.id));
  const chosen = items.filter((r) => mine.has(r.requirement_id) && (!week || r.week_start === week)).at(-1);
  return chosen ? getRoster(`/v1/rosters/${chosen.id}`, site) : null;
}

/** Start a roster job for a stored requirement and local week (202 + job). */
export async function startRosterJob(_site, requirement, week, timeLimitS) {
  return submitJob("/v1/roster-jobs", {
    requirement_id: requirement.id, week_start: week, time_limit_s: timeLimitS,
  });
}

/**
 * The queue's actual intervals over a forecast's span only (`from`/`to`; history reads are
 * paged by time range), every page followed through `next_cursor`.
 */
export async function historyFor(queue, forecast) {
  const starts = forecast.intervals.interval_start;
  if (!starts.length) return null;
  const range = new URLSearchParams({
    from: new Date(ms(starts[0])).toISOString(), to: new Date(ms(starts.at(-1)) + 1000).toISOString(),
  });
  const merged = { interval_start: [], offered: [] };
  for (let cursor = null; ;) {
    const page = await get(`/v1/queues/${queue.id}/history?${range}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    merged.interval_start.push(...page.interval_start);
    merged.offered.push(...page.offered);
    cursor = page.next_cursor ?? null;
    if (!cursor || !page.interval_start.length) return merged;
  }
}

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

/** An e-mail (deferred) queue's comparison: work, the agents its deadline target needs and the
 *  share within deadline, at that staffing and at the base plan's. */
const DEFERRED_COLUMNS = [
  { key: "calls", label: "Items", format: "int", better: null },
  { key: "deferred_work_hours", label: "Work h", format: "dec1", better: null },
  { key: "deferred_deadline_minutes", label: "Deadline (open min)", format: "int", better: null },
  { key: "deferred_required_agents", label: "Agents on work", format: "dec1", better: null },
  { key: "fte_paid", label: "Paid FTE", format: "dec1", better: null },
  { key: "fte_paid_vs_base", label: "Δ FTE", format: "signed1", better: null },
  { key: "cost", label: "Cost", format: "int", better: null },
  { key: "service_level", label: "In deadline", format: "pct", better: "higher" },
  { key: "deferred_share_at_base_plan", label: "In deadline, base staffing", format: "pct", better: "higher" },
  { key: "deferred_max_backlog_hours", label: "Max backlog h", format: "dec1", better: "lower" },
];

/** Comparison view model: the API's table (one row per plan, base first); an e-mail queue's
 *  table (deferred columns) gets its own columns. */
export function comparisonModel(comparison) {
  const t = comparison.table;
  const columns = t.deferred_required_agents ? DEFERRED_COLUMNS : COMPARISON_COLUMNS;
  const rows = t.scenario.map((name, i) => ({
    id: String(i), name: i === 0 ? name : `${name} v${t.version[i]}`,
    values: Object.fromEntries(columns.map((c) => [c.key, t[c.key]?.[i] ?? null])),
  }));
  return { id: comparison.id, label: `comparison ${comparison.id} · forecast ${comparison.forecast_id}`,
    columns, rows };
}

export async function getComparison(url) {
  return comparisonModel(await get(url));
}

/** The newest succeeded comparison of one of the queue's forecasts (there is no comparison
 *  list endpoint: the comparison jobs name their forecast in `params`). */
export async function latestComparison(queue) {
  const [jobs, forecasts] = await Promise.all([
    listAll("/v1/jobs?kind=comparison&status=succeeded"), listAll(`/v1/queues/${queue.id}/forecasts`),
  ]);
  const mine = new Set(forecasts.map((f) => f.id));
  const job = jobs.filter((j) => j.result_url && mine.has(j.params?.forecast_id)).at(-1);
  return job ? getComparison(job.result_url) : null;
}

/** The what-if form as the API's ScenarioChanges. */
export function scenarioChanges(change, queue) {
  const changes = {};
  if (change.volume_factor !== null && change.volume_factor !== 1) changes.volume = [{ multiplier: change.volume_factor }];
  if (change.aht_factor !== null && change.aht_factor !== 1) changes.aht = [{ change_pct: (change.aht_factor - 1) * 100 }];
  if (change.shrinkage !== null) changes.shrinkage = change.shrinkage;
  if (change.service_level !== null) changes.goal = { ...queue.goal, service_level: change.service_level };
  if (change.deadline_minutes) changes.deadline_minutes = change.deadline_minutes;
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

// ---- actuals: service report and intraday -----------------------------------------------

function reportParams({ queueIds, clientId, start, end, grain }, format = "json") {
  const query = new URLSearchParams();
  if (clientId) query.set("client_id", String(clientId)); // a client: its queues, its targets
  else for (const id of queueIds) query.append("queue_id", String(id));
  query.set("start", start);
  query.set("end", end);
  query.set("grain", grain);
  if (format !== "json") query.set("format", format);
  return query;
}

/** `GET /v1/reports/service` as JSON: {queueIds or clientId, start, end (inclusive), grain}. */
export async function getServiceReport(q) {
  return get(`/v1/reports/service?${reportParams(q)}`);
}

/**
 * The report as a Blob (`format` "csv" or "html"), fetched with the Authorization header
 * (the token never goes into a URL); a refused request throws its problem as an ApiError.
 */
export async function serviceReportFile(q, format) {
  const accept = { csv: "text/csv", pdf: "application/pdf" }[format] ?? "text/html";
  return fetchFile(`/v1/reports/service?${reportParams(q, format)}`, accept);
}

/** `GET /v1/queues/{id}/intraday` for a local day, observing intervals ended by `nowIso`. */
export async function getIntraday(queue, day, nowIso = null) {
  const query = new URLSearchParams({ day });
  if (nowIso) query.set("now", nowIso);
  return get(`/v1/queues/${queue.id}/intraday?${query}`);
}
