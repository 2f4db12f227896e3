"""The planner's SVG renderers in a real headless Chromium, on hand-computed view models.

Each test imports the packaged ES modules into a blank page, renders a chart from a view model
built here, and checks what was drawn against figures computed independently in Python.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.planner_fake import harness_page

pytestmark = pytest.mark.browser

BERLIN = ZoneInfo("Europe/Berlin")
# Monday 23 March 2026; clocks go forward on Sunday 29 March (a 92-quarter-hour day).
WEEK = [datetime(2026, 3, 23 + d, tzinfo=BERLIN).date() for d in range(7)]


def ms(instant: datetime) -> int:
    return int(instant.timestamp() * 1000)


def quarter_hours() -> list[datetime]:
    """Every UTC quarter-hour of the local week (24/7 queue): 6 x 96 + 92 intervals."""
    start = datetime(2026, 3, 23, tzinfo=BERLIN).astimezone(UTC)
    end = datetime(2026, 3, 30, tzinfo=BERLIN).astimezone(UTC)
    count = int((end - start) / timedelta(minutes=15))
    return [start + timedelta(minutes=15 * i) for i in range(count)]


def coverage_points() -> list[dict[str, Any]]:
    points = []
    for i, start in enumerate(quarter_hours()):
        required = 2 + (i * 7) % 9
        scheduled = max(required + (i % 5) - 2, 0)
        points.append(
            {
                "start": ms(start),
                "required": required,
                "scheduled": scheduled,
                "sl": 0.6 + (i % 7) * 0.05,
                "asa_s": 5.0 + i % 40,
                "abandon": 0.01 * (i % 6),
            }
        )
    return points


@pytest.fixture(scope="module")
def page(chromium: Any) -> Iterator[Any]:
    yield from harness_page(chromium)


def render(page: Any, module: str, call: str, *args: Any) -> None:
    """Render ``call(*args)`` from the packaged ``module`` as the page's only content."""
    page.evaluate(
        """async ([module, call, args]) => {
             const m = await import(`/static/planner/${module}`);
             document.body.replaceChildren(m[call](...args));
           }""",
        [module, call, list(args)],
    )


def render_service_chart(page: Any, points: list[dict[str, Any]]) -> None:
    """The service chart of ``points`` (Berlin time) against SL 80 %, ASA 30 s, abandon 3 %."""
    targets = {"sl": 0.8, "asa_s": 30.0, "abandon": 0.03}
    render(
        page,
        "charts.js",
        "serviceChart",
        {"zone": "Europe/Berlin", "points": points, "targets": targets},
    )


def test_net_staffing_draws_one_bar_per_interval_with_its_status(page: Any) -> None:
    points = coverage_points()
    render(page, "charts.js", "netStaffingChart", {"zone": "Europe/Berlin", "points": points})
    assert len(points) == 6 * 96 + 92
    assert page.locator("#staffing-svg").get_attribute("data-intervals") == str(len(points))
    assert page.locator("rect.bar[data-interval]").count() == len(points)
    for status, wanted in (
        ("under", sum(p["scheduled"] < p["required"] for p in points)),
        ("over", sum(p["scheduled"] > p["required"] for p in points)),
        ("met", sum(p["scheduled"] == p["required"] for p in points)),
    ):
        assert page.locator(f"rect.bar[data-status={status}]").count() == wanted, status
    # one net bar per interval that is not exactly met
    assert page.locator("rect.net-bar").count() == sum(
        p["scheduled"] != p["required"] for p in points
    )
    # a day separator per local day
    assert page.locator("#staffing-svg line.day-sep").count() == 7


def test_bar_heights_follow_scheduled_agents(page: Any) -> None:
    points = coverage_points()[:96]
    render(page, "charts.js", "netStaffingChart", {"zone": "Europe/Berlin", "points": points})
    heights = page.eval_on_selector_all(
        "rect.bar", "rs => rs.map(r => [Number(r.dataset.scheduled), r.height.baseVal.value])"
    )
    per_agent = [h / s for s, h in heights if s > 0]
    assert per_agent == pytest.approx([per_agent[0]] * len(per_agent), rel=1e-5)  # from zero
    assert all(h == 0 for s, h in heights if s == 0)


def test_daily_totals_respect_the_dst_day_and_sum_to_the_week(page: Any) -> None:
    points = coverage_points()
    render(page, "tables.js", "totalsTable", points, "Europe/Berlin", 15)
    rows = page.eval_on_selector_all(
        "#totals-table tbody tr",
        "trs => trs.map(tr => [tr.dataset.day, ...[...tr.cells].map(c => c.textContent)])",
    )
    assert [r[0] for r in rows] == [d.isoformat() for d in WEEK]
    by_day: dict[str, list[dict[str, Any]]] = {}
    for p, start in zip(points, quarter_hours(), strict=True):
        by_day.setdefault(start.astimezone(BERLIN).date().isoformat(), []).append(p)
    for row in rows:
        day = by_day[row[0]]
        required_h = sum(p["required"] for p in day) / 4
        scheduled_h = sum(p["scheduled"] for p in day) / 4
        assert float(row[2].replace(",", "")) == pytest.approx(required_h, abs=0.0501)
        assert float(row[3].replace(",", "")) == pytest.approx(scheduled_h, abs=0.0501)
        under = sum(p["scheduled"] < p["required"] for p in day)
        assert row[6] == f"{under}/{len(day)}"
    assert rows[-1][6].endswith("/92")  # Sunday 29 March: clocks forward, 23 hours
    week = page.eval_on_selector_all("#totals-table tfoot td", "tds => tds.map(t => t.textContent)")
    assert float(week[0].replace(",", "")) == pytest.approx(
        sum(p["required"] for p in points) / 4, abs=0.0501
    )
    assert week[4].endswith(f"/{len(points)}")


def test_forecast_chart_draws_band_lines_and_interval_columns(page: Any) -> None:
    points = [
        {
            "start": p["start"],
            "calls": 10.0 + i % 13,
            "lo": 8.0 + i % 13,
            "hi": 13.0 + i % 13,
            "actual": None if i > 300 else 9.0 + i % 11,
        }
        for i, p in enumerate(coverage_points())
    ]
    render(
        page,
        "charts.js",
        "forecastChart",
        {"zone": "Europe/Berlin", "points": points, "coverage": 0.8},
    )
    assert page.locator("#forecast-svg rect.hit[data-interval]").count() == len(points)
    band = page.locator("#forecast-svg path.band").get_attribute("d")
    assert band.count("Z") == 1 and band.count("L") == 2 * len(points) - 1
    actual = page.locator("#forecast-svg path.actual").get_attribute("d")
    assert actual.count("M") == 1 and actual.count("L") == 300  # stops where actuals end
    assert "80% band" in page.locator("#forecast-svg .legend").text_content()


def test_service_chart_marks_intervals_missing_each_target(page: Any) -> None:
    points = coverage_points()[:96]
    render_service_chart(page, points)
    assert page.locator("#service-svg rect.hit[data-interval]").count() == 96
    for key, bad in (
        ("sl", lambda p: p["sl"] < 0.8 - 1e-9),
        ("asa_s", lambda p: p["asa_s"] > 30.0 + 1e-9),
        ("abandon", lambda p: p["abandon"] > 0.03 + 1e-9),
    ):
        misses = page.locator(f"#service-svg g[data-metric={key}] rect.miss").count()
        assert misses == sum(bad(p) for p in points), key
    # a single day is labelled by clock time every two hours
    labels = page.eval_on_selector_all(
        "#service-svg .axis.x text", "ts => ts.map(t => t.textContent)"
    )
    assert labels == [f"{h:02d}:00" for h in range(0, 24, 2)]


def agents_model() -> dict[str, Any]:
    def at(day: int, hour: float) -> int:
        local = datetime(2026, 3, 23 + day, tzinfo=BERLIN) + timedelta(hours=hour)
        return ms(local.astimezone(UTC))

    def shift(day: int, begin: float, hours: float) -> dict[str, Any]:
        return {
            "start": at(day, begin),
            "end": at(day, begin + hours),
            "activities": [
                {"kind": "break", "start": at(day, begin + 2), "end": at(day, begin + 2.25)},
                {"kind": "lunch", "start": at(day, begin + 4), "end": at(day, begin + 4.5)},
            ],
        }

    agents = [
        {"id": "a1", "name": "Ada", "shifts": [shift(d, 8, 8.5) for d in range(5)]},
        {"id": "a2", "name": "Bo", "shifts": [shift(d, 11.5, 8.5) for d in (0, 2, 4, 5)]},
        {"id": "a3", "name": "Cy", "shifts": [shift(6, 9, 6.5)]},
        {"id": "a4", "name": "Di (off)", "shifts": []},
    ]
    return {"zone": "Europe/Berlin", "agents": agents}


def test_gantt_draws_one_row_per_agent_with_shifts_breaks_and_lunches(page: Any) -> None:
    model = agents_model()
    days = [d.isoformat() for d in WEEK]
    render(page, "gantt.js", "ganttChart", model, days)
    assert page.locator("#gantt-svg g.gantt-row[data-agent]").count() == 4
    for agent in model["agents"]:
        row = page.locator(f'g.gantt-row[data-agent="{agent["id"]}"]')
        assert row.locator("g.shift").count() == len(agent["shifts"])
        assert row.locator('rect[data-activity="break"]').count() == len(agent["shifts"])
        assert row.locator('rect[data-activity="lunch"]').count() == len(agent["shifts"])
    hours = page.eval_on_selector_all("text.agent-hours", "ts => ts.map(t => t.textContent)")
    assert hours == ["40.0 h", "32.0 h", "6.0 h", "0.0 h"]  # paid: shift minus unpaid lunch


def test_gantt_blocks_sit_inside_their_shift_and_scale_with_time(page: Any) -> None:
    render(page, "gantt.js", "ganttChart", agents_model(), ["2026-03-23"])
    boxes = page.eval_on_selector_all(
        'g.gantt-row[data-agent="a1"] rect.shift-bar, g.gantt-row[data-agent="a1"] rect.activity',
        "rs => rs.map(r => [r.x.baseVal.value, r.width.baseVal.value])",
    )
    (sx, sw), (bx, bw), (lx, lw) = boxes
    assert sx < bx < bx + bw < lx < lx + lw < sx + sw
    assert sw / lw == pytest.approx(8.5 / 0.5, rel=1e-6)  # same minutes-to-pixels scale
    assert (bx - sx) / sw == pytest.approx(2 / 8.5, rel=1e-6)
    # day view: one Gantt day, agents without a shift that day keep their row
    assert page.locator("g.gantt-row").count() == 4
    assert page.locator('g.gantt-row[data-agent="a3"] g.shift').count() == 0


def test_scenario_table_highlights_the_best_value_per_column(page: Any) -> None:
    model = {
        "columns": [
            {"key": "sl", "label": "SL", "format": "pct", "better": "higher"},
            {"key": "fte", "label": "FTE", "format": "dec1", "better": "lower"},
            {"key": "note", "label": "Note", "format": "text", "better": None},
        ],
        "rows": [
            {"id": "1", "name": "Baseline", "values": {"sl": 0.81, "fte": 40.5, "note": "x"}},
            {"id": "2", "name": "Volume +10%", "values": {"sl": 0.74, "fte": 44.0, "note": None}},
            {"id": "3", "name": "AHT -5%", "values": {"sl": 0.86, "fte": 41.0, "note": "y"}},
        ],
    }
    render(page, "tables.js", "scenarioTable", model)
    assert page.locator("#scenario-table tbody tr[data-scenario]").count() == 3
    best = page.eval_on_selector_all(
        "td.best", "tds => tds.map(td => [td.parentElement.dataset.scenario, td.textContent])"
    )
    assert best == [["1", "40.5"], ["3", "86.0%"]]
    assert page.locator('tr[data-scenario="2"] td').nth(2).text_content() == "–"


def test_capacity_chart_marks_weeks_and_hiring_classes(page: Any) -> None:
    weeks: list[dict[str, Any]] = [
        {
            "week": str(w),
            "label": (datetime(2026, 1, 5) + timedelta(weeks=w)).date().isoformat(),
            "required": 40 + w,
            "available": 44 - (w % 9),
        }
        for w in range(26)
    ]
    classes = [
        {
            "label": "Class 1",
            "start_week": weeks[4]["week"],
            "productive_week": weeks[10]["week"],
            "size": 6,
        },
        {"label": "Class 2", "start_week": weeks[14]["week"], "productive_week": None, "size": 4},
    ]
    render(page, "charts.js", "capacityChart", {"weeks": weeks, "classes": classes})
    assert page.locator("#capacity-svg rect.capacity[data-week]").count() == 26
    short = sum(w["available"] < w["required"] for w in weeks)
    assert page.locator("#capacity-svg rect.capacity.under").count() == short
    assert page.locator("#capacity-svg g[data-hiring-class]").count() == 2
    assert page.locator("#capacity-svg line.ramp").count() == 1
    labels = page.eval_on_selector_all("text.hire-label", "ts => ts.map(t => t.textContent)")
    assert labels == ["Class 1 +6", "Class 2 +4"]


def test_import_errors_table_lists_problem_rows(page: Any) -> None:
    errors = [
        {"row": 3, "field": "offered", "code": "negative", "message": "offered must be >= 0"},
        {"row": None, "field": "interval_start", "code": "missing_column", "message": "missing"},
    ]
    render(page, "tables.js", "errorsTable", errors)
    cells = page.eval_on_selector_all(
        "#errors-table tbody tr", "trs => trs.map(tr => [...tr.cells].map(c => c.textContent))"
    )
    assert cells == [
        ["3", "offered", "negative", "offered must be >= 0"],
        ["–", "interval_start", "missing_column", "missing"],
    ]


def strip_ticks(page: Any, metric: str) -> list[tuple[str, float]]:
    return page.eval_on_selector_all(
        f"#service-svg g[data-metric={metric}] text.tick-label",
        "ts => ts.map(t => [t.textContent, t.y.baseVal[0].value])",
    )


def test_service_axes_read_0_to_100_percent_with_the_targets_labelled(page: Any) -> None:
    points = [p | {"abandon": 0.004 * (i % 5)} for i, p in enumerate(coverage_points()[:96])]
    render_service_chart(page, points)
    sl = strip_ticks(page, "sl")
    assert [label for label, _ in sl] == ["0%", "50%", "100%"]  # never a scale above 100 %
    assert page.get_attribute("g[data-metric=sl]", "data-top") == "1"
    labels = page.eval_on_selector_all("text.target-label", "ts => ts.map(t => t.textContent)")
    assert labels == ["target 80%", "target 30", "target 3%"]
    # the SL target line sits at 80 % of the way from the 0 % tick to the 100 % tick
    y0, y50, y100 = page.eval_on_selector_all(
        "g[data-metric=sl] line.baseline, g[data-metric=sl] line.grid",
        "ls => ls.map(l => l.y1.baseVal.value)",
    )
    assert (y0 - y50) == pytest.approx(y50 - y100)
    target_y = page.eval_on_selector("g[data-metric=sl] line.target", "l => l.y1.baseVal.value")
    assert (y0 - target_y) / (y0 - y100) == pytest.approx(0.8, abs=0.01)
    # abandonment: a scale holding the data (max 1.6 %) and the target (3 %), not 0-100 %
    top = float(page.get_attribute("g[data-metric=abandon]", "data-top") or "nan")
    assert 0.03 <= top <= 0.1
    assert [label for label, _ in strip_ticks(page, "abandon")][-1] == f"{top * 100:g}%"


def test_gantt_keeps_shifts_of_adjacent_days_apart(page: Any) -> None:
    """Two days whose shifts fill the whole shown span: Monday's bar ends visibly before
    Tuesday's starts, with a day separator between them."""
    model = agents_model()
    model["agents"] = [model["agents"][0]]  # 08:00-16:30 on Mon-Fri, the whole span
    render(page, "gantt.js", "ganttChart", model, [d.isoformat() for d in WEEK[:2]])
    bars = page.eval_on_selector_all(
        "rect.shift-bar", "rs => rs.map(r => [r.x.baseVal.value, r.width.baseVal.value])"
    )
    (x_mon, w_mon), (x_tue, _) = bars
    separators = page.eval_on_selector_all(
        "#gantt-svg line.day-sep", "ls => ls.map(l => l.x1.baseVal.value)"
    )
    assert x_tue - (x_mon + w_mon) >= 4
    assert any(x_mon + w_mon < x < x_tue for x in separators)
    labels = page.eval_on_selector_all("text.day-label", "ts => ts.map(t => t.textContent)")
    assert labels == ["Mon 23", "Tue 24"]


def test_gantt_of_many_agents_shows_and_prints_whole(page: Any) -> None:
    """No scroll box: 60 agents take their full height on screen and in print."""
    model = agents_model()
    model["agents"] = [dict(model["agents"][0], id=f"a{i}", name=f"Agent {i}") for i in range(60)]
    page.evaluate(
        """async ([model, days]) => {
             const m = await import("/static/planner/gantt.js");
             const box = document.createElement("div");
             box.className = "gantt-box";
             box.append(m.ganttChart(model, days));
             const panel = document.createElement("article");
             panel.className = "panel wide";
             panel.append(box);
             document.body.replaceChildren(panel);
           }""",
        [model, [d.isoformat() for d in WEEK]],
    )
    for media in ("screen", "print"):
        page.emulate_media(media=media)
        box = page.eval_on_selector(
            ".gantt-box",
            "b => [b.clientHeight, b.scrollHeight, b.querySelector('svg').getBoundingClientRect()"
            ".height, getComputedStyle(b).overflowY]",
        )
        client_h, scroll_h, svg_h, overflow = box
        assert overflow == "visible", media
        assert client_h >= svg_h - 1 and scroll_h <= client_h + 1, (media, box)
        assert svg_h > 60 * 15  # every row drawn at a readable height
    page.emulate_media(media="screen")


def test_gantt_draws_a_night_shift_in_the_column_of_the_day_it_starts(page: Any) -> None:
    """A 22:00-06:00 shift (issue 25's overnight shifts) belongs to the day it starts: drawn
    in that day's column on a span running past midnight, its 01:00 break inside it at 3/8 of
    its length. On the night clocks go forward (Sat 28 -> Sun 29 March) the same wall-clock
    shift is drawn 22:00-06:00 but is 7 paid hours."""

    def at(day: int, hour: float) -> int:  # wall-clock arithmetic, as agents_model's
        local = datetime(2026, 3, 23 + day, tzinfo=BERLIN) + timedelta(hours=hour)
        return ms(local.astimezone(UTC))

    def night(day: int) -> dict[str, Any]:
        brk = {"kind": "break", "start": at(day, 25), "end": at(day, 25.25)}
        return {"start": at(day, 22), "end": at(day, 30), "activities": [brk]}

    model = {"zone": "Europe/Berlin",
             "agents": [{"id": "n1", "name": "Night", "shifts": [night(0), night(5)]}]}  # fmt: skip
    render(page, "gantt.js", "ganttChart", model, ["2026-03-23"])
    (sx, sw), (bx, bw) = page.eval_on_selector_all(
        "rect.shift-bar, rect.activity",
        "rs => rs.map(r => [r.x.baseVal.value, r.width.baseVal.value])",
    )
    assert sw / bw == pytest.approx(8 / 0.25, rel=1e-6)
    assert (bx - sx) / sw == pytest.approx(3 / 8, rel=1e-6)
    labels = page.eval_on_selector_all("g.axis text", "ts => ts.map(t => t.textContent)")
    assert labels[0] == "22:00" and labels[-1] == "05:00"  # the span runs past midnight
    assert page.text_content("text.agent-hours") == "8.0 h"
    render(page, "gantt.js", "ganttChart", model, ["2026-03-28"])
    (sx2, sw2), _ = page.eval_on_selector_all(
        "rect.shift-bar, rect.activity",
        "rs => rs.map(r => [r.x.baseVal.value, r.width.baseVal.value])",
    )
    assert (sx2, sw2) == pytest.approx((sx, sw))  # the same wall-clock bar
    assert page.text_content("text.agent-hours") == "7.0 h"  # one hour fewer that night
    # in the week view the shift sits in Monday's and Saturday's columns only
    render(page, "gantt.js", "ganttChart", model, [d.isoformat() for d in WEEK])
    days = page.eval_on_selector_all("g.shift", "gs => gs.map(g => g.dataset.shift)")
    assert days == ["2026-03-23", "2026-03-28"]
