// Schedule panel: a roster's versions as the planner edits them (docs/schedule.md): load a
// roster, edit a shift (move, resize, delete), see the rules an edit breaks, lock an agent,
// re-optimise the rest (a job), publish, and open an agent's published week.

import * as client from "./client.js";
import { clear, html } from "./svg.js";

const $ = (id) => document.getElementById(id);
const view = { roster: null, version: null, siteId: null };

const hhmm = (m) =>
  m > 1440 ? `${hhmm(m - 1440)}+1` : `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
const minutes = (text) => {
  const [h, m] = text.split(":").map(Number);
  return h * 60 + m;
};

function say(text, isError = false) {
  $("schedule-message").textContent = text;
  $("schedule-message").classList.toggle("error", isError);
}

function shiftsTable(version) {
  const agents = [...new Set(version.shifts.map((s) => s.agent))].sort();
  const cell = (agent, day) => {
    const s = version.shifts.find((x) => x.agent === agent && x.day === day);
    return html("td", {}, [s ? `${hhmm(s.start)}-${hhmm(s.end)}` : "–"]);
  };
  const days = [0, 1, 2, 3, 4, 5, 6];
  const head = html("tr", {}, [html("th", {}, ["agent"]), ...days.map((d) => html("th", {}, [`day ${d}`]))]);
  const rows = agents.map((a) => html("tr", { "data-agent": a }, [html("th", {}, [a]), ...days.map((d) => cell(a, d))]));
  return html("table", { id: "schedule-shifts" }, [html("thead", {}, [head]), html("tbody", {}, rows)]);
}

function violationsList(version) {
  if (version.valid) return html("p", { id: "schedule-valid", class: "hint" }, ["Valid: every rule holds."]);
  const items = version.violations.map((v) => html("li", {}, [`${v.agent} day ${v.day ?? "–"}: ${v.rule} (${v.message})`]));
  return html("div", { id: "schedule-violations" }, [html("strong", { class: "error" }, ["Broken rules"]), html("ul", {}, items)]);
}

function render() {
  const v = view.version;
  const cost = v.kpis?.cost === undefined ? "" : ` · cost ${v.kpis.cost.toFixed(2)}`;
  $("schedule-meta").textContent = `roster #${view.roster} · version ${v.number} (${v.kind})`
    + `${v.published ? " · published" : ""}${v.valid ? "" : " · INVALID draft"}${cost}`;
  clear($("schedule-view")).append(violationsList(v), shiftsTable(v));
}

async function load(number = null) {
  const id = Number($("schedule-roster").value);
  const list = await client.callApi("GET", `/v1/rosters/${id}/versions`);
  view.roster = id;
  view.version = await client.callApi("GET", `/v1/rosters/${id}/versions/${number ?? list.current}`);
  view.siteId = (await client.callApi("GET", `/v1/rosters/${id}`)).site_id;
  render();
}

function editBody() {
  const op = $("schedule-op").value;
  const edit = { op, agent: $("schedule-agent").value.trim(), day: Number($("schedule-day").value) };
  if (op === "move") edit.start = minutes($("schedule-start").value);
  if (op === "resize") {
    if ($("schedule-start").value) edit.start = minutes($("schedule-start").value);
    if ($("schedule-end").value) edit.end = minutes($("schedule-end").value);
  }
  return { version: view.version.number, edit };
}

async function saveEdit(event) {
  event.preventDefault();
  view.version = await client.callApi("POST", `/v1/rosters/${view.roster}/edits`, editBody());
  render();
  say(view.version.valid ? `Version ${view.version.number} saved.`
    : `Version ${view.version.number} saved as an invalid draft: it cannot be published.`, !view.version.valid);
}

async function lockAgent() {
  const agent = $("schedule-agent").value.trim();
  await client.callApi("POST", `/v1/rosters/${view.roster}/locks`, { agent });
  say(`${agent} locked: re-optimising keeps that agent's week.`);
}

async function reoptimise() {
  say("Re-optimising the rest…");
  const body = { version: view.version.number, time_limit_s: Number($("schedule-limit").value) };
  const job = await client.jobEnd(await client.callApi("POST", `/v1/rosters/${view.roster}/reoptimise`, body));
  if (job.status !== "succeeded") throw new Error(`re-optimisation ${job.status}: ${job.error ?? job.message}`);
  await load();
  say(`Re-optimised: ${job.message}`);
}

async function publish() {
  const made = await client.callApi("POST", `/v1/rosters/${view.roster}/publications`, { version: view.version.number });
  await load(view.version.number);
  say(`Version ${made.version} published for the week of ${made.week_start}.`);
}

async function agentView() {
  const code = $("schedule-agent").value.trim();
  const week = await client.callApi("GET", `/v1/published-schedules/${view.siteId}/agents/${encodeURIComponent(code)}`);
  const items = week.shifts.map((s) => html("li", {}, [
    `${s.date} ${s.start.slice(11, 16)}-${s.end.slice(11, 16)}`,
    ...s.activities.map((a) => ` · ${a.kind} ${a.start.slice(11, 16)}`),
  ]));
  clear($("schedule-agent-view")).append(
    html("strong", {}, [`${week.agent}: published week of ${week.week_start} (${week.zone}), version ${week.version}`]),
    html("ul", {}, items),
  );
}

function guard(action) {
  return (...args) => action(...args).catch((error) => say(error.message ?? String(error), true));
}

export function installSchedule() {
  $("schedule-load").addEventListener("click", guard(() => load()));
  $("schedule-form").addEventListener("submit", guard(saveEdit));
  $("schedule-lock").addEventListener("click", guard(lockAgent));
  $("schedule-reoptimise").addEventListener("click", guard(reoptimise));
  $("schedule-publish").addEventListener("click", guard(publish));
  $("schedule-agent-button").addEventListener("click", guard(agentView));
}
