// Roster Gantt: one row per agent, a bar per shift with its break and lunch blocks.
//
// The time axis shows each local day of the window side by side, each cut to the same
// wall-clock span (earliest shift start to latest shift end), so night hours take no room.
// Days are separated by a gap and alternate their background, so a shift ending at the
// span's end never touches the next day's shift starting at the span's start.

import { fmt, localDay, localMinutes, localTime, svg, tip, weekday } from "./svg.js";

const LABEL_W = 132;
const HOURS_W = 52;
const ROW_H = 17;
const HEAD_H = 20;
const DAY_GAP = 6; // px between the day columns of a multi-day Gantt

/** Wall-clock minutes of an instant relative to the local day `dayKey` (may exceed 1440). */
function minutesInto(ms, dayKey, zone) {
  const minutes = localMinutes(ms, zone);
  return localDay(ms, zone) === dayKey ? minutes : minutes + 1440;
}

/** The shared wall-clock span [from, to) in minutes, rounded out to whole hours. */
export function daySpan(agents, zone) {
  let from = Infinity;
  let to = -Infinity;
  for (const agent of agents) {
    for (const shift of agent.shifts) {
      const day = localDay(shift.start, zone);
      from = Math.min(from, localMinutes(shift.start, zone));
      to = Math.max(to, minutesInto(shift.end, day, zone));
    }
  }
  if (!Number.isFinite(from)) return { from: 8 * 60, to: 18 * 60 };
  return { from: Math.floor(from / 60) * 60, to: Math.max(Math.ceil(to / 60) * 60, from + 60) };
}

/** Map an instant to x, or null when its local day is not shown. */
function axis(days, span, zone, x0, x1) {
  const column = (x1 - x0) / Math.max(days.length, 1);
  const gap = days.length > 1 ? DAY_GAP : 0;
  const width = column - gap; // drawable width of one day
  const pos = new Map(days.map((d, i) => [d, x0 + i * column + gap / 2]));
  const scale = width / (span.to - span.from);
  return {
    width,
    column,
    gap,
    pos,
    x(ms, dayKey = localDay(ms, zone)) {
      const left = pos.get(dayKey);
      if (left === undefined) return null;
      const m = Math.min(Math.max(minutesInto(ms, dayKey, zone), span.from), span.to);
      return left + (m - span.from) * scale;
    },
  };
}

/** "Sun 22": weekday and day of month of a local day key. */
function dayTitle(day) {
  return `${weekday(day)} ${Number(day.slice(8, 10))}`;
}

function dayBands(days, ax, height) {
  const group = svg("g", { class: "day-bands" });
  days.forEach((day, i) => {
    if (i % 2) {
      group.append(svg("rect", {
        x: ax.pos.get(day) - ax.gap / 2, y: HEAD_H, width: ax.column, height: height - HEAD_H, class: "day-band",
      }));
    }
  });
  return group;
}

function header(days, span, ax, zone, height) {
  const group = svg("g", { class: "axis x" });
  const stepMin = days.length > 1 ? 360 : 60;
  for (const day of days) {
    const left = ax.pos.get(day);
    const edge = left - ax.gap / 2;
    group.append(svg("line", { x1: edge, x2: edge, y1: 0, y2: height, class: "day-sep" }));
    if (days.length > 1) {
      group.append(svg("text", { x: left + 3, y: 12, class: "day-label", "data-day": day }, [dayTitle(day)]));
    }
    for (let m = Math.ceil(span.from / stepMin) * stepMin; m < span.to; m += stepMin) {
      const px = left + ((m - span.from) / (span.to - span.from)) * ax.width;
      group.append(svg("line", { x1: px, x2: px, y1: HEAD_H - 4, y2: height, class: "grid" }));
      if (days.length === 1 || px - left > 40) { // multi-day: keep clear of the day label
        const label = `${String(Math.floor(m / 60) % 24).padStart(2, "0")}${days.length > 1 ? "" : ":00"}`;
        group.append(svg("text", { x: px, y: 12, "text-anchor": "middle" }, [label]));
      }
    }
  }
  return group;
}

function shiftBar(shift, ax, rowY, zone) {
  const day = localDay(shift.start, zone);
  const x1 = ax.x(shift.start, day);
  const x2 = ax.x(shift.end, day);
  if (x1 === null) return null;
  const group = svg("g", { class: "shift", "data-shift": day });
  group.append(svg("rect", {
    x: x1, y: rowY + 3, width: Math.max(x2 - x1, 1), height: ROW_H - 6, rx: 2, class: "shift-bar",
  }, [tip(`${localTime(shift.start, zone)}–${localTime(shift.end, zone)} ${day}`)]));
  for (const act of shift.activities) {
    const a1 = ax.x(act.start, day);
    const a2 = ax.x(act.end, day);
    group.append(svg("rect", {
      x: a1, y: rowY + 3, width: Math.max(a2 - a1, 1.5), height: ROW_H - 6,
      class: `activity act-${act.kind}`, "data-activity": act.kind,
    }, [tip(`${act.kind} ${localTime(act.start, zone)}–${localTime(act.end, zone)}`)]));
  }
  return group;
}

/** Paid hours of an agent in the window: shift length minus lunch (unpaid) blocks. */
export function paidHours(agent, days, zone) {
  let minutes = 0;
  for (const shift of agent.shifts) {
    if (!days.includes(localDay(shift.start, zone))) continue;
    minutes += (shift.end - shift.start) / 60000;
    for (const act of shift.activities) {
      if (act.kind === "lunch") minutes -= (act.end - act.start) / 60000;
    }
  }
  return minutes / 60;
}

/** Paid hours shown on a row: the API's weekly figure when given, else computed. */
function rowHours(agent, days, zone) {
  return days.length > 1 && typeof agent.paid_h === "number" ? agent.paid_h : paidHours(agent, days, zone);
}

/**
 * The Gantt of a roster for the local days `days`.
 * @param {{zone: string, agents: {id: string, name: string, shifts: {start: number,
 *   end: number, activities: {kind: string, start: number, end: number}[]}[]}[]}} model
 * @param {string[]} days local day keys to show
 */
export function ganttChart(model, days, width = 1200) {
  const { agents, zone } = model;
  const height = HEAD_H + agents.length * ROW_H + 4;
  const span = daySpan(agents.map((a) => ({
    ...a, shifts: a.shifts.filter((s) => days.includes(localDay(s.start, zone))),
  })), zone);
  const ax = axis(days, span, zone, LABEL_W, width - HOURS_W);
  const chart = svg("svg", {
    viewBox: `0 0 ${width} ${height}`, width, height, id: "gantt-svg", class: "chart gantt",
    role: "img", "aria-label": "Roster Gantt", "data-agents": agents.length, "data-days": days.length,
  });
  agents.forEach((agent, r) => {
    const rowY = HEAD_H + r * ROW_H;
    chart.append(svg("rect", { x: 0, y: rowY, width, height: ROW_H, class: r % 2 ? "stripe odd" : "stripe" }));
  });
  chart.append(dayBands(days, ax, height), header(days, span, ax, zone, height));
  agents.forEach((agent, r) => {
    const rowY = HEAD_H + r * ROW_H;
    const row = svg("g", { class: "gantt-row", "data-agent": agent.id });
    row.append(
      svg("text", { x: 4, y: rowY + ROW_H - 5, class: "agent-name" }, [agent.name]),
      svg("text", { x: width - 4, y: rowY + ROW_H - 5, "text-anchor": "end", class: "agent-hours" },
        [`${fmt(rowHours(agent, days, zone), 1)} h`]),
    );
    for (const shift of agent.shifts) {
      const bar = shiftBar(shift, ax, rowY, zone);
      if (bar) row.append(bar);
    }
    chart.append(row);
  });
  return chart;
}
