"""The printable team schedule of a published week (docs/schedule.md, "Printable team
schedule"): one table per team, an agent per row and a day per column with the shift and its
break and lunch in the site's local wall-clock time. A team is the agents sharing a contract
(the service has no team field): a print run per contract, or ``team`` for one of them."""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

from sqlmodel import Session, col, select

from api.convert.publish import Published
from api.schemas import minute_to_hhmm
from api.tables import Agent, Contract

STYLE = """
body { font: 11px/1.35 system-ui, sans-serif; margin: 1.5em; color: #1b2631; }
h1 { font-size: 16px; margin: 0 0 .3em; } h2 { font-size: 13px; margin: 1.2em 0 .3em; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #aab7b8; padding: 3px 5px; vertical-align: top; text-align: left; }
th { background: #eaeded; } td.off { color: #909497; } small { color: #566573; }
@page { size: A4 landscape; margin: 10mm; }
@media print { body { margin: 0; } section { break-after: page; } }
"""


def agent_teams(session: Session, site_id: int) -> dict[str, str]:
    """The team (contract label, else code) of each agent of the site, by agent code."""
    query = select(Agent.code, Contract.code, Contract.label).join(
        Contract, col(Agent.contract_id) == Contract.id
    )
    rows = session.exec(query.where(col(Agent.site_id) == site_id)).all()
    return {code: (label or contract) for code, contract, label in rows}


def _cell(shift: dict[str, Any] | None) -> str:
    if shift is None:
        return '<td class="off">off</td>'
    acts = "".join(f"<br><small>{escape(a['kind'])} {minute_to_hhmm(a['start'])}-"
                   f"{minute_to_hhmm(a['end'])}</small>" for a in shift["activities"])  # fmt: skip
    return f"<td>{minute_to_hhmm(shift['start'])}-{minute_to_hhmm(shift['end'])}{acts}</td>"


def _table(team: str, agents: list[str], shifts: dict[tuple[str, int], Any], days: str) -> str:
    rows = "".join(
        f"<tr><th>{escape(a)}</th>" + "".join(_cell(shifts.get((a, d))) for d in range(7))
        + "</tr>" for a in agents
    )  # fmt: skip
    head = f"<thead><tr><th>Agent</th>{days}</tr></thead>"
    heading = f"<h2>{escape(team)} ({len(agents)} agents)</h2>"
    return f"<section>{heading}<table>{head}<tbody>{rows}</tbody></table></section>"


def team_schedule_html(p: Published, teams: dict[str, str], team: str | None = None) -> str:
    """The published week as printable HTML, a table per team (only ``team`` if given)."""
    week = p.publication.week_start
    shifts = {(s["agent"], int(s["day"])): s for s in p.shifts}
    by_team: dict[str, list[str]] = {}
    for agent in sorted({a for a, _ in shifts} | set(teams)):
        by_team.setdefault(teams.get(agent, "(no contract)"), []).append(agent)
    if team is not None:
        by_team = {k: v for k, v in by_team.items() if k == team}
    dates = [week + dt.timedelta(days=d) for d in range(7)]
    days = "".join(f"<th>{d:%a %d %b}</th>" for d in dates)
    body = "".join(_table(name, agents, shifts, days) for name, agents in sorted(by_team.items()))
    title = f"{p.site.name}: schedule of the week of {week}"
    pub = p.publication
    stamp = f"version {pub.version}, published {pub.published_at:%Y-%m-%d %H:%M} UTC"
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>'
            f"{escape(title)}</title><style>{STYLE}</style></head><body><h1>{escape(title)}</h1>"
            f"<p><small>{escape(stamp)}; times: {escape(p.site.zone)}</small></p>{body}"
            "</body></html>")  # fmt: skip
