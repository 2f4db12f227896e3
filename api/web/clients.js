// Clients panel (issue #24): who the centre reports to (GET/POST/PATCH /v1/clients), their
// service targets (SL X % in Y s, optional ASA and abandonment ceilings) and the queues they
// own (one client per queue at most). The API's 4xx problems are shown beside the field they
// name. A client can be picked in the service report form (`client_id=`: all its queues
// against its targets); `clientRollup` is the report's client line.

import * as client from "./client.js";
import { clear, fmt, html, pct } from "./svg.js";

const $ = (id) => document.getElementById(id);
const view = { clients: [], queues: [] }; // queues: [{queue, site}] of the page

// the form's inputs by the API field they send (a problem's `field` starts with one of these)
const FIELDS = [
  ["name", "client-name"], ["targets.service_level", "client-sl"],
  ["targets.answer_within_s", "client-within"], ["targets.max_asa_s", "client-asa"],
  ["targets.max_abandon_rate", "client-abandon"], ["queue_ids", "client-queue"],
];

/** "SL 80% in 20 s · ASA ≤ 30 s · abandonment ≤ 5%" (the ceilings only when set). */
export function targetsText(t) {
  const parts = [`SL ${pct(t.service_level, 0)} in ${fmt(t.answer_within_s)} s`];
  if (t.max_asa_s !== null && t.max_asa_s !== undefined) parts.push(`ASA ≤ ${fmt(t.max_asa_s)} s`);
  if (t.max_abandon_rate !== null && t.max_abandon_rate !== undefined) parts.push(`abandonment ≤ ${pct(t.max_abandon_rate)}`);
  return parts.join(" · ");
}

function queueLabel(id) {
  const found = view.queues.find(({ queue }) => queue.id === id);
  return found ? `${found.site.name} · ${found.queue.name}` : `queue ${id}`;
}

/**
 * The report's client line: the client, its queues, its targets and in how many periods each
 * target held (the API's `met` needs all of them). Empty for a report on queues.
 */
export function clientRollup(model) {
  if (!model.client) return null;
  const g = model.goal;
  const n = model.periods.length;
  const held = (ok) => `${model.periods.filter(ok).length} of ${n}`;
  const counts = [`SL ${held((p) => p.service_level >= g.service_level - 1e-12)}`];
  if (g.max_asa_s !== null && g.max_asa_s !== undefined) counts.push(`ASA ${held((p) => (p.asa_s ?? 0) <= g.max_asa_s)}`);
  if (g.max_abandon_rate !== null && g.max_abandon_rate !== undefined) {
    counts.push(`abandonment ${held((p) => p.abandon_rate <= g.max_abandon_rate)}`);
  }
  return html("p", { id: "service-report-client", "data-client": model.clientId }, [
    html("strong", {}, [`Client ${model.client}`]), ` · queues: ${model.queueIds.map(queueLabel).join(", ")}`,
    " · targets: ", html("b", { id: "service-report-targets" }, [targetsText(g)]),
    ` · target held per ${model.grain}: ${counts.join(", ")}`,
  ]);
}

// ---- the clients table ------------------------------------------------------------------

function queueItem(c, id) {
  const label = queueLabel(id);
  const button = html("button", { type: "button", class: "link", "data-unassign": id,
    "aria-label": `Unassign ${label} from ${c.name}` }, ["×"]);
  button.addEventListener("click", guard(() => setQueues(c, c.queue_ids.filter((q) => q !== id), null)));
  return html("li", { "data-queue": id }, [label, " ", button]);
}

function clientRow(c) {
  const edit = html("button", { type: "button", "data-edit": c.id }, ["Edit"]);
  edit.addEventListener("click", () => { choose(c.id); $("client-name").focus(); });
  const report = html("button", { type: "button", "data-report": c.id, disabled: c.queue_ids.length ? null : "" }, ["Report"]);
  report.addEventListener("click", () => openReport(c.id));
  const queues = c.queue_ids.length ? html("ul", { class: "client-queues" }, c.queue_ids.map((id) => queueItem(c, id)))
    : html("span", { class: "hint" }, ["no queue yet"]);
  return html("tr", { "data-client": c.id }, [
    html("th", { scope: "row" }, [c.name]), html("td", { class: "text" }, [targetsText(c.targets)]),
    html("td", { class: "text" }, [queues]), html("td", { class: "text" }, [edit, " ", report]),
  ]);
}

function renderTable() {
  const box = clear($("clients-view"));
  if (!view.clients.length) {
    box.append(html("div", { class: "empty" }, ["No client yet: create one with the form above."]));
    return;
  }
  const head = ["client", "targets", "queues", ""].map((h) => html("th", { scope: "col", class: "text" }, [h]));
  box.append(html("table", { id: "clients-table" }, [
    html("thead", {}, [html("tr", {}, head)]), html("tbody", {}, view.clients.map(clientRow)),
  ]));
}

/** Options of a client select: `first` (value "") then every client. */
function fillClientSelect(select, first) {
  const kept = select.value;
  clear(select).append(html("option", { value: "" }, [first]));
  for (const c of view.clients) select.append(html("option", { value: c.id }, [c.name]));
  select.value = view.clients.some((c) => String(c.id) === kept) ? kept : "";
}

function renderSelects() {
  fillClientSelect($("client-choice"), "new client");
  const report = $("report-client");
  if (report) {
    fillClientSelect(report, "none: the queues chosen");
    $("report-queues").disabled = Boolean(report.value);
  }
  const queue = $("client-queue");
  const kept = queue.value;
  clear(queue);
  for (const { queue: q } of view.queues) {
    const owner = view.clients.find((c) => c.queue_ids.includes(q.id));
    queue.append(html("option", { value: q.id }, [`${queueLabel(q.id)}${owner ? ` (${owner.name})` : ""}`]));
  }
  if (kept) queue.value = kept;
  fillForm(chosen());
}

/** The form and the report's client picker, shown or hidden. */
function usable(yes) {
  for (const node of [$("client-form"), $("report-client")?.closest("label")]) if (node) node.hidden = !yes;
}

/** Clients belong to no site: a token bound to sites may not read them (403). */
function denied(error) {
  usable(false);
  $("clients-meta").textContent = "not available to this sign-in";
  clear($("clients-view")).append(html("div", { class: "empty", id: "clients-denied" }, [
    `Clients belong to no site, so a sign-in limited to some sites cannot see them (${error.message}).`
    + " Sign in with a token for every site to manage clients and report to them."]));
}

async function reload() {
  try {
    view.clients = await client.listAll("/v1/clients");
  } catch (error) {
    if (error.status === 403) return denied(error);
    throw error;
  }
  usable(true);
  renderTable();
  renderSelects();
  $("clients-meta").textContent = `${view.clients.length} client(s)`;
}

// ---- the form: create, edit targets, assign a queue -------------------------------------

function chosen() {
  return view.clients.find((c) => String(c.id) === $("client-choice").value) ?? null;
}

function fillForm(c) {
  const t = c?.targets;
  const percent = (v) => (v === null || v === undefined ? "" : String(Number((v * 100).toFixed(2))));
  $("client-name").value = c?.name ?? "";
  $("client-sl").value = t ? percent(t.service_level) : "80";
  $("client-within").value = t ? String(t.answer_within_s) : "20";
  $("client-asa").value = t?.max_asa_s ?? "";
  $("client-abandon").value = percent(t?.max_abandon_rate);
  $("client-save").textContent = c ? "Save targets" : "Create client";
  $("client-assign").disabled = !c;
}

function choose(id) {
  $("client-choice").value = String(id);
  clearErrors();
  fillForm(chosen());
}

function formTargets() {
  const value = (id) => ($(id).value === "" ? null : Number($(id).value));
  const share = (id) => (value(id) === null ? null : value(id) / 100);
  return {
    service_level: share("client-sl"), answer_within_s: value("client-within"),
    max_asa_s: value("client-asa"), max_abandon_rate: share("client-abandon"),
  };
}

function say(text, isError = false) {
  $("client-message").textContent = text;
  $("client-message").classList.toggle("error", isError);
}

function clearErrors() {
  for (const [, id] of FIELDS) {
    $(id).removeAttribute("aria-invalid");
    $(`${id}-error`).textContent = "";
  }
  say("");
}

/** Each problem beside the field it names; one naming no field (a 409) beside `fallback`. */
function showProblem(error, fallback) {
  const problems = error.errors?.length ? error.errors : [{ field: null, message: error.message ?? String(error) }];
  for (const p of problems) {
    const id = FIELDS.find(([field]) => p.field === field || p.field?.startsWith(`${field}.`))?.[1] ?? fallback;
    if (!id) { say(p.message, true); continue; }
    $(id).setAttribute("aria-invalid", "true");
    const slot = $(`${id}-error`);
    slot.textContent = [slot.textContent, p.message].filter(Boolean).join("; ");
  }
  if (error.status) say(`Refused (${error.status}): ${error.message}`, true);
}

async function save(event) {
  event.preventDefault();
  clearErrors();
  const c = chosen();
  const body = { name: $("client-name").value.trim(), targets: formTargets() };
  try {
    const saved = c ? await client.callApi("PATCH", `/v1/clients/${c.id}`, body)
      : await client.callApi("POST", "/v1/clients", { ...body, queue_ids: [] });
    await reload();
    choose(saved.id);
    say(c ? `Targets of ${saved.name} saved.` : `Client ${saved.name} created: assign its queues.`);
  } catch (error) {
    const named = error.status === 409 && !/belongs to/.test(error.message);
    showProblem(error, named ? "client-name" : null);
  }
}

/** Replace a client's queues; a refusal shows beside the queue picker. */
async function setQueues(c, queueIds, done) {
  clearErrors();
  try {
    await client.callApi("PATCH", `/v1/clients/${c.id}`, { queue_ids: queueIds });
    await reload();
    say(done ?? `${c.name} now owns ${queueIds.length} queue(s).`);
  } catch (error) {
    showProblem(error, "client-queue");
  }
}

async function assign() {
  const c = chosen();
  const id = Number($("client-queue").value);
  if (!c || !id) return;
  if (c.queue_ids.includes(id)) { say(`${queueLabel(id)} already belongs to ${c.name}.`); return; }
  await setQueues(c, [...c.queue_ids, id], `${queueLabel(id)} assigned to ${c.name}.`);
}

/** Report on a client: choose it in the report form and show its report. */
function openReport(id) {
  $("report-client").value = String(id);
  $("report-queues").disabled = true;
  $("report-form").requestSubmit();
  $("panel-report").scrollIntoView({ block: "start" });
}

function guard(action) {
  return (...args) => action(...args).catch((error) => say(error.message ?? String(error), true));
}

/** The page's queues changed (after loading): labels and the queue picker follow. */
export async function syncClientQueues(queues) {
  view.queues = queues;
  await guard(reload)();
}

export function installClients() {
  $("client-form").addEventListener("submit", guard(save));
  $("client-choice").addEventListener("change", () => { clearErrors(); fillForm(chosen()); });
  $("client-assign").addEventListener("click", guard(assign));
  $("clients-reload").addEventListener("click", guard(reload));
  $("report-client")?.addEventListener("change", (event) => {
    $("report-queues").disabled = Boolean(event.target.value);
  });
}
