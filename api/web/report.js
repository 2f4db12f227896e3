// The roster's status line: status in planner words (INVALID in red with its violation
// count), its warnings and broken rules; and the wording of "gap to best possible".

import { clear, dayLabel, pct } from "./svg.js";
import { violationsTable, warningsList } from "./tables.js";

const $ = (id) => document.getElementById(id);

export const GAP_TIP = "Gap to best possible: at most this share of the roster's cost (or of the running"
  + " solve's best so far) could be saved by the best roster the rules allow, as proven by the"
  + " solver's bound. 0% means no better roster exists under these rules.";
const STATUS_TIP = {
  OPTIMAL: "OPTIMAL: no roster the rules allow is cheaper. It says nothing about service: see the warnings.",
  FEASIBLE: "FEASIBLE: a valid roster, stopped before it was proven the best (see the gap to best possible).",
  INVALID: "INVALID: this roster breaks hard rules (listed below); do not publish it.",
};

export function statusText(report) {
  const n = report.violations.length;
  return report.status === "INVALID" ? `INVALID: ${n} rule violation${n === 1 ? "" : "s"}` : String(report.status);
}

/** The status in planner words. */
function statusWords(r) {
  if (r.status === "INVALID") return "breaks hard rules: do not publish it";
  if (r.status === "OPTIMAL") return "the cheapest roster the rules allow";
  if (r.status === "FEASIBLE") return `valid; the best possible roster could be at most ${pct(r.gap, 1)} cheaper`;
  return "";
}

/** Roster status (red when INVALID, with the count), its warnings and broken rules. */
export function renderRosterReport(roster) {
  const r = roster?.report;
  $("roster-report").hidden = !r;
  if (!r) return;
  const invalid = r.status === "INVALID";
  const badge = $("roster-status");
  badge.textContent = statusText(r);
  badge.dataset.status = r.status;
  badge.className = `badge ${invalid ? "bad" : r.warnings.length ? "warn" : "good"}`;
  badge.title = (STATUS_TIP[r.status] ?? "solver status")
    + (r.solver_status !== r.status ? ` (solver status ${r.solver_status})` : "");
  $("roster-report-label").textContent = `Roster #${roster.id}, week of ${dayLabel(roster.week_start)}:`;
  $("roster-status-words").textContent = statusWords(r);
  const warnings = clear($("roster-warnings-box"));
  if (r.warnings.length) warnings.append(warningsList(r.warnings, "roster-warnings"));
  const details = $("roster-violations");
  details.hidden = !r.violations.length;
  clear($("roster-violations-table"));
  if (r.violations.length) $("roster-violations-table").append(violationsTable(r.violations, roster.week_start));
}
