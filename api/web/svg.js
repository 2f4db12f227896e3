// Small SVG and formatting helpers shared by the planner charts (no dependencies).

const SVG_NS = "http://www.w3.org/2000/svg";

/** Create an SVG element with attributes and optional children (strings become text). */
export function svg(tag, attrs = {}, children = []) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value !== undefined && value !== null) node.setAttribute(key, String(value));
  }
  for (const child of children) {
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

/** Create an HTML element with attributes and children (strings become text). */
export function html(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null) continue;
    if (key === "class") node.className = String(value);
    else node.setAttribute(key, String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(typeof child === "string" || typeof child === "number" ? String(child) : child);
  }
  return node;
}

/** A native tooltip for an SVG element. */
export function tip(text) {
  return svg("title", {}, [text]);
}

/** Linear scale from [d0, d1] to [r0, r1]; a degenerate domain maps to r0. */
export function linear(d0, d1, r0, r1) {
  const span = d1 - d0;
  return (value) => (span === 0 ? r0 : r0 + ((value - d0) / span) * (r1 - r0));
}

/** "Nice" ticks covering [0, max] (about `count` of them); whole numbers when `integer`. */
export function niceTicks(max, count = 4, integer = false) {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const nice = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw);
  const step = integer ? Math.max(1, Math.round(nice)) : nice;
  const ticks = [];
  for (let v = 0; v < max + step * 0.999; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** Finite number or null. */
export function num(value) {
  const n = typeof value === "string" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) ? n : null;
}

/** Format a number with a fixed number of decimals, or an en dash when missing. */
export function fmt(value, digits = 0) {
  const n = num(value);
  return n === null ? "–" : n.toLocaleString("en-GB", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** Format a fraction in [0, 1] as a percentage, or an en dash when missing. */
export function pct(value, digits = 1) {
  const n = num(value);
  return n === null ? "–" : `${(n * 100).toFixed(digits)}%`;
}

const formatters = new Map();

function formatter(zone, options) {
  const key = `${zone}|${JSON.stringify(options)}`;
  if (!formatters.has(key)) {
    formatters.set(key, new Intl.DateTimeFormat("en-GB", { timeZone: zone, ...options }));
  }
  return formatters.get(key);
}

/** Local calendar day "YYYY-MM-DD" of an instant (ms since epoch) in an IANA zone. */
export function localDay(ms, zone) {
  const parts = formatter(zone, { year: "numeric", month: "2-digit", day: "2-digit" })
    .formatToParts(new Date(ms));
  const get = (type) => parts.find((p) => p.type === type).value;
  return `${get("year")}-${get("month")}-${get("day")}`;
}

/** Local wall-clock "HH:MM" of an instant in an IANA zone. */
export function localTime(ms, zone) {
  return formatter(zone, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
    .format(new Date(ms));
}

/** Local minutes since midnight of an instant in an IANA zone. */
export function localMinutes(ms, zone) {
  const [h, m] = localTime(ms, zone).split(":").map(Number);
  return h * 60 + m;
}

/** "Mon 23 Nov" label of a local day key. */
export function dayLabel(dayKey) {
  const date = new Date(`${dayKey}T12:00:00Z`);
  return formatter("UTC", { weekday: "short", day: "numeric", month: "short" }).format(date);
}

/** Short weekday of a local day key ("Mon"). */
export function weekday(dayKey) {
  return formatter("UTC", { weekday: "short" }).format(new Date(`${dayKey}T12:00:00Z`));
}

/** Remove every child of a node. */
export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
  return node;
}

/** Offset (ms) of an IANA zone from UTC at an instant. */
function zoneOffset(ms, zone) {
  const parts = formatter(zone, {
    year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
    second: "2-digit", hourCycle: "h23",
  }).formatToParts(new Date(ms));
  const v = (type) => Number(parts.find((p) => p.type === type).value);
  const wall = Date.UTC(v("year"), v("month") - 1, v("day"), v("hour"), v("minute"), v("second"));
  return wall - Math.floor(ms / 1000) * 1000;
}

/** The instant (ms) of local wall-clock `minutes` after midnight of `dayKey` in `zone`. */
export function zonedInstant(dayKey, minutes, zone) {
  const [y, m, d] = dayKey.split("-").map(Number);
  const wall = Date.UTC(y, m - 1, d, 0, minutes);
  const first = wall - zoneOffset(wall, zone);
  return wall - zoneOffset(first, zone);
}

/** Local day key `offset` days after `dayKey`. */
export function addDays(dayKey, offset) {
  const date = new Date(`${dayKey}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + offset);
  return date.toISOString().slice(0, 10);
}

/** Weekday index of a local day key: 0 = Monday ... 6 = Sunday. */
export function weekdayIndex(dayKey) {
  return (new Date(`${dayKey}T12:00:00Z`).getUTCDay() + 6) % 7;
}

/**
 * The first day of the site week holding the local day key; `startDay` is the site's
 * `week_start_day` (0 = Monday ... 6 = Sunday; Monday when absent).
 */
export function weekStartOf(dayKey, startDay = 0) {
  return addDays(dayKey, -((weekdayIndex(dayKey) - (startDay ?? 0) + 7) % 7));
}

/** The Monday of the week holding the local day key (a Monday-first site week). */
export function mondayOf(dayKey) {
  return weekStartOf(dayKey, 0);
}

const WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/** "Sunday" for 6: the name of a `week_start_day`. */
export function weekdayName(index) {
  return WEEKDAY_NAMES[index ?? 0] ?? WEEKDAY_NAMES[0];
}
