// The planner's only contact with the service: calls to the public /v1 API and the mapping
// of its (columnar) JSON bodies to the view models the charts draw. A script calling the same
// endpoints gets the same numbers.

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

/** POST a job-creating request: the 202 body is the job (or the Location names it). */
async function submitJob(url, body) {
  const response = await request("POST", url, {
    body, headers: { "Idempotency-Key": crypto.randomUUID() },
  });
  if (response.body && response.body.status) return response.body;
  return get(response.location);
}
