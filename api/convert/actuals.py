"""Actuals at the API edge: stored rows <-> the actuals core (imports, plan, service report).

The plan of an interval is the newest roster (``source = roster_job``) of the queue's
requirements that covers it: its coverage row gives the forecast calls and handle time the
roster was built on, the requirement (``required``, scheduled agents) and the roster
(``staffed``); shrinkage is the requirement's.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlmodel import Session, col, select

from actuals.attribution import QueueModel
from actuals.calls import staffed_per_interval
from actuals.report import PLAN_COLUMNS, Goal, Grain, QueueActuals, ServiceReport, queues_report
from actuals.types import ACTUAL_COLUMNS, DEFERRED_COLUMNS, SlBasis
from api.convert.goals import is_deferred
from api.convert.schedule_source import publication_of, scheduled_coverage
from api.convert.site_plan import plan_rank, site_plan_frame, site_plans, site_requirement
from api.errors import invalid
from api.history import UpsertCounts, upsert_rows
from api.schemas.actuals import MissedInterval, ServicePeriod, ServiceReportRead
from api.tables import (
    ActualImport,
    ActualInterval,
    AttendanceSpan,
    Forecast,
    Queue,
    Requirement,
    Roster,
    Site,
)

INTERVAL_FIELDS = (*ACTUAL_COLUMNS[1:], *DEFERRED_COLUMNS)


RESOLUTION_BASIS = (
    "deferred queues: items resolved within their queue's deadline / items resolved in the "
    "period (counted by the source system); no SL, ASA or abandonment for them"
)


def _value(value: Any) -> Any:
    if isinstance(value, float | np.floating):
        return None if np.isnan(value) else float(value)
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): _value(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _upsert(session: Session, model: Any, queue_id: int, records: list[dict[str, Any]],
            keys: tuple[str, ...], import_id: int | None) -> UpsertCounts:  # fmt: skip
    """Insert or update ``records`` by their natural key (queue + ``keys``)."""
    span = keys[-1] if model is ActualInterval else "start"
    return upsert_rows(session, model, queue_id, records, keys, span, import_id)


def find_actual_import(session: Session, queue_id: int, kind: str, sha: str) -> ActualImport | None:
    query = select(ActualImport).where(
        col(ActualImport.queue_id) == queue_id,
        col(ActualImport.kind) == kind,
        col(ActualImport.file_sha256) == sha,
    )
    return session.exec(query).first()


def store_actuals(session: Session, queue_id: int, kind: str, frame: pd.DataFrame, sha: str,
                  filename: str | None) -> tuple[ActualImport, bool]:  # fmt: skip
    """Add a validated frame to the session's transaction, idempotent by file hash; the
    caller commits. Returns the import row and whether it is new."""
    earlier = find_actual_import(session, queue_id, kind, sha)
    if earlier is not None:
        return earlier, False
    when = "interval_start" if kind == "intervals" else "start"
    instants = frame[when]
    row = ActualImport(
        queue_id=queue_id, kind=kind, file_sha256=sha, filename=filename, rows=len(frame),
        inserted=0, updated=0, unchanged=0,
        first_instant=instants.min().to_pydatetime() if len(frame) else None,
        last_instant=instants.max().to_pydatetime() if len(frame) else None,
    )  # fmt: skip
    session.add(row)
    session.flush()
    if kind == "intervals":
        counts = _upsert(session, ActualInterval, queue_id, _records(frame),
                         ("interval_start",), row.id)  # fmt: skip
    else:
        counts = _upsert(session, AttendanceSpan, queue_id, _records(frame),
                         ("agent", "start"), row.id)  # fmt: skip
    row.inserted, row.updated, row.unchanged = counts.inserted, counts.updated, counts.unchanged
    session.add(row)
    return row, True


def load_actuals(session: Session, queue: Queue, start: datetime, end: datetime) -> pd.DataFrame:
    """Stored interval actuals of ``[start, end)`` (``INTERVAL_FIELDS``, sorted); where an
    interval has no ``agents_staffed`` and attendance spans overlap the window, the agents
    staffed are counted from the spans."""
    query = (
        select(ActualInterval)
        .where(
            col(ActualInterval.queue_id) == queue.id,
            col(ActualInterval.interval_start) >= start,
            col(ActualInterval.interval_start) < end,
        )
        .order_by(col(ActualInterval.interval_start))
    )
    rows = session.exec(query).all()
    frame = pd.DataFrame(
        {"interval_start": pd.to_datetime([r.interval_start for r in rows], utc=True)}
    )
    for name in INTERVAL_FIELDS:
        frame[name] = np.array([getattr(r, name) for r in rows], dtype=float)
    spans = load_attendance(session, queue, start, end)
    if len(spans) and len(frame):
        counted = staffed_per_interval(
            spans, frame["interval_start"], interval_min=queue.interval_min
        )
        frame["agents_staffed"] = frame["agents_staffed"].fillna(pd.Series(counted))
    return frame


def load_attendance(session: Session, queue: Queue, start: datetime, end: datetime) -> pd.DataFrame:
    query = select(AttendanceSpan).where(
        col(AttendanceSpan.queue_id) == queue.id,
        col(AttendanceSpan.end) > start,
        col(AttendanceSpan.start) < end,
    )
    rows = session.exec(query).all()
    return pd.DataFrame({
        "agent": [r.agent for r in rows],
        "start": pd.to_datetime([r.start for r in rows], utc=True),
        "end": pd.to_datetime([r.end for r in rows], utc=True),
    })  # fmt: skip


def load_plan(
    session: Session, queue: Queue, start: datetime, end: datetime
) -> tuple[pd.DataFrame, float]:
    """Plan frame (``actuals.report.PLAN_COLUMNS``) of the window and the shrinkage used: per
    interval the plan agents were given: the newest published roster job or site roster
    covering it (:mod:`api.convert.site_plan`), else the newest of either, with the staffing
    of the version agents were given (``api.convert.schedule_source``)."""
    query = (
        select(Roster, Requirement)
        .where(col(Roster.requirement_id) == Requirement.id)
        .where(col(Requirement.queue_id) == queue.id, col(Roster.source) == "roster_job")
        .order_by(col(Roster.id))
    )
    plans: list[tuple[tuple[int, int, float], pd.DataFrame, float]] = []
    for roster, requirement in session.exec(query).all():
        cover = scheduled_coverage(session, roster)  # the published version's staffing
        starts = pd.to_datetime(cover["interval_start"], utc=True)
        frame = pd.DataFrame({
            "interval_start": starts, "calls": cover["calls"], "aht_s": cover["aht_s"],
            "required": cover["required"], "rostered": cover["staffed"],
            **forecast_bounds(session.get(Forecast, requirement.forecast_id), starts),
        })  # fmt: skip
        published = publication_of(session, roster)
        rank = plan_rank(None if published is None else published.id, roster.created_at)
        plans.append((rank, frame, float(requirement.summary.get("shrinkage", queue.shrinkage))))
    for site_roster, publication_id in site_plans(session, queue):
        source = site_requirement(session, queue, site_roster)
        site_frame = (
            None if source is None else site_plan_frame(session, queue, site_roster, source)
        )
        if site_frame is None or source is None:
            continue
        bounds = forecast_bounds(session.get(Forecast, source.forecast_id),
                                 pd.DatetimeIndex(site_frame["interval_start"]))  # fmt: skip
        rank = plan_rank(publication_id, site_roster.created_at)
        shrinkage = float(source.summary.get("shrinkage", queue.shrinkage))
        plans.append((rank, site_frame.assign(**bounds), shrinkage))
    if not plans:
        return pd.DataFrame(columns=list(PLAN_COLUMNS)), queue.shrinkage
    plans.sort(key=lambda p: p[0])  # the plan agents were given last: it wins where they overlap
    plan = pd.concat([p[1] for p in plans]).drop_duplicates("interval_start", keep="last")
    window = (plan["interval_start"] >= start) & (plan["interval_start"] < end)
    return plan[window].sort_values("interval_start").reset_index(drop=True), plans[-1][2]


def forecast_bounds(forecast: Forecast | None, starts: pd.DatetimeIndex) -> dict[str, Any]:
    """The prediction interval (``calls_lo``, ``calls_hi``), its nominal level and the lead
    time in days of the forecast a roster was built on, at the roster's ``starts`` (NaN where
    the forecast has none)."""
    nan = np.full(len(starts), np.nan)
    if forecast is None or "calls_lo" not in forecast.intervals:
        return {"calls_lo": nan, "calls_hi": nan, "pi_level": nan, "lead_days": nan}
    table = pd.DataFrame({
        "calls_lo": np.asarray(forecast.intervals["calls_lo"], dtype=float),
        "calls_hi": np.asarray(forecast.intervals["calls_hi"], dtype=float),
    }, index=pd.to_datetime(forecast.intervals["interval_start"], utc=True))  # fmt: skip
    table = table[~table.index.duplicated()].reindex(starts)
    level = (forecast.accuracy or {}).get("coverage")
    made = pd.Timestamp(forecast.created_at)
    return {
        "calls_lo": table["calls_lo"].to_numpy(), "calls_hi": table["calls_hi"].to_numpy(),
        "pi_level": np.full(len(starts), np.nan if level is None else float(level)),
        "lead_days": ((starts - made) / pd.Timedelta(days=1)).to_numpy(float),
    }  # fmt: skip


def queue_goal(queue: Queue) -> Goal:
    return Goal(queue.service_level, queue.answer_within_s, queue.max_asa_s, queue.max_abandon_rate)


def queue_actuals(
    session: Session, queue: Queue, window: tuple[datetime, datetime], basis: SlBasis
) -> QueueActuals:
    """A queue's stored actuals and plan over ``window``, labelled by its id."""
    actual = load_actuals(session, queue, *window)
    plan, shrinkage = load_plan(session, queue, *window)
    model = QueueModel(
        kind="erlang_a" if queue.model == "erlang_a" else "erlang_c",
        interval_min=queue.interval_min, answer_within_s=queue.answer_within_s,
        patience_s=queue.patience_s, measure=basis.model_measure,
    )  # fmt: skip
    return QueueActuals(actual, plan, model, shrinkage, str(queue.id), is_deferred(queue),
                        queue.resolution_target)  # fmt: skip


def _report_site(session: Session, queues: list[Queue], same_goal: bool = True) -> Site:
    """The one zone, week and goal the queues of one report share (else 422); a client's
    queues (``same_goal`` False) share the answered-within threshold only."""
    sites = [session.get(Site, q.site_id) for q in queues]
    first = sites[0]
    assert first is not None
    if any(s is None or (s.zone, s.week_start_day) != (first.zone, first.week_start_day)
           for s in sites):  # fmt: skip
        raise invalid("queue_id", "mixed_sites", "the queues of one report share a zone and week")
    goals = {(q.service_level if same_goal else 0, q.answer_within_s)
             for q in queues if not is_deferred(q)}  # deferred queues have no SL goal  # fmt: skip
    if len(goals) > 1:
        raise invalid("queue_id", "mixed_goals", "the queues of one report share their SL goal")
    return first


def as_utc(value: datetime) -> datetime:
    """A query instant; one without an offset is UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _number(value: Any) -> float | None:
    number = float(value)
    return None if np.isnan(number) else number


def period_records(report: ServiceReport) -> list[dict[str, Any]]:
    """Rows of ``report.periods`` for the API: attribution columns nested, NaN -> None."""
    out = []
    for row in report.periods.to_dict("records"):
        record: dict[str, Any] = {"attribution": None}
        attribution = {str(k)[5:]: float(v) for k, v in row.items() if str(k).startswith("attr_")}
        if attribution and not any(np.isnan(v) for v in attribution.values()):
            record["attribution"] = attribution
        for key, value in row.items():
            if str(key).startswith("attr_"):
                continue
            if key == "period":
                record[str(key)] = str(value)
            elif key in ("met", "resolution_met"):  # None: not judged
                record[str(key)] = None if value is None or value != value else bool(value)
            else:
                record[str(key)] = _number(value)
        out.append(record)
    return out


def missed_records(report: ServiceReport) -> list[dict[str, Any]]:
    skip = ("queue", "interval_start", "measured_sl")
    names = [c for c in report.missed.columns if c not in skip]
    return [
        {"queue_id": int(row["queue"]), "interval_start": row["interval_start"],
         "measured_sl": float(row["measured_sl"]),
         "attribution": {str(n): float(row[n]) for n in names}}
        for row in report.missed.to_dict("records")
    ]  # fmt: skip


def report_window(zone: str, first: date, last: date) -> tuple[datetime, datetime]:
    """Local days ``first`` to ``last`` (inclusive) as a UTC window ``[start, end)``."""
    start = pd.Timestamp(first).tz_localize(zone).tz_convert("UTC").to_pydatetime()
    after = pd.Timestamp(last + timedelta(days=1)).tz_localize(zone).tz_convert("UTC")
    return start, after.to_pydatetime()


def lead_queue(queues: list[Queue]) -> Queue:
    """The queue whose goal and answered-within threshold a report of ``queues`` uses: the
    first live one (deferred queues have no SL goal), else the first."""
    return next((q for q in queues if not is_deferred(q)), queues[0])


def deferred_goal(queues: list[Queue]) -> dict[str, float | None]:
    """The deferred queues' ``resolution_target`` and ``deadline_minutes`` where they share
    one (else None; per period the target is weighted by items: ``actuals.report``)."""
    deferred = [q for q in queues if is_deferred(q)]
    out: dict[str, float | None] = {}
    for name in ("resolution_target", "deadline_minutes"):
        values = {getattr(q, name) for q in deferred}
        out[name] = float(next(iter(values))) if len(values) == 1 and None not in values else None
    return out


def service_report_read(
    session: Session,
    queues: list[Queue],
    days: tuple[date, date],
    grain: Grain,
    basis: SlBasis,
    client: tuple[int, str, Goal] | None = None,
) -> ServiceReportRead:
    """The service report of ``queues`` (one, or several sharing zone and goal) over local
    days ``days`` (inclusive), for the API and the CLI alike; with ``client`` (id, name,
    targets) the client's queues against the client's targets."""
    site = _report_site(session, queues, same_goal=client is None)
    window = report_window(site.zone, *days)
    parts = [queue_actuals(session, q, window, basis) for q in queues]
    target = queue_goal(lead_queue(queues)) if client is None else client[2]
    report = queues_report(parts, goal=target, basis=basis, zone=site.zone,
                           grain=grain, week_start_day=site.week_start_day)  # fmt: skip
    goal, model = report.goal, report.model
    patience = "" if model.patience_s is None else f" (patience {model.patience_s:g} s)"
    return ServiceReportRead(
        queue_id=int(parts[0].label), queue_ids=[int(p.label) for p in parts],
        queue=", ".join(q.name for q in queues), zone=site.zone, grain=grain,
        client_id=None if client is None else client[0],
        client=None if client is None else client[1],
        start=window[0], end=window[1], sl_basis=basis.describe(),
        resolution_basis=RESOLUTION_BASIS if any(map(is_deferred, queues)) else None,
        model=model.kind + patience,
        goal={"service_level": goal.service_level, "answer_within_s": goal.answer_within_s,
              "max_asa_s": goal.max_asa_s, "max_abandon_rate": goal.max_abandon_rate,
              **deferred_goal(queues)},
        periods=[ServicePeriod(**r) for r in period_records(report)],
        missed_intervals=[MissedInterval(**r) for r in missed_records(report)],
    )  # fmt: skip
