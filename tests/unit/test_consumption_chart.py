"""The one consumption chart drawer (adapters/reports/chart.py): series stacked per period,
every period of the span on the axis, a legend naming each series, moves where they fall."""

from __future__ import annotations

import datetime as dt
import re

from rekisteri.adapters.reports.chart import LEFT, ChartWords, Move, Series, series_chart

WORDS = ChartWords("Consumption", "kWh per month", "moved in", "moved out")


def _rects(svg: str) -> list[dict[str, float]]:
    found = re.findall(
        r'<rect class="bar" x="([\d.]+)" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"', svg
    )
    return [{"x": float(x), "y": float(y), "h": float(h)} for x, y, h in found]


def test_series_stack_in_their_order_with_a_legend() -> None:
    home = Series("Kotikatu 1 <A>", {"2026-01": 100.0})
    cottage = Series("Mökkitie 2", {"2026-01": 300.0})
    svg = str(series_chart([home, cottage], WORDS, "fi"))
    first, second = _rects(svg)
    assert first["x"] == second["x"]  # one slot
    assert abs(second["y"] + second["h"] - first["y"]) < 0.2  # the second sits on the first
    assert abs(second["h"] - 3 * first["h"]) < 0.2
    legend = re.findall(r'<li data-series="\d">.*?</svg> (.*?)</li>', svg)
    assert legend == ["Kotikatu 1 &lt;A&gt;", "Mökkitie 2"]  # escaped
    assert svg.count('<g class="series"') == 2


def test_every_month_of_the_span_is_on_the_axis_and_moves_are_marked() -> None:
    moved = Series(
        "Uusi", {"2026-01": 50.0, "2026-03": 80.0}, [Move(dt.date(2026, 3, 1), leaving=False)]
    )
    svg = str(series_chart([moved], WORDS, "fi"))
    assert re.findall(
        r'class="axis" x="[\d.]+" y="[\d.]+" font-size="9" text-anchor="middle">(.*?)<', svg
    ) == [
        "1/2026",
        "2/2026",
        "3/2026",
    ]  # February without readings is an empty slot, not left out
    assert len(_rects(svg)) == 2
    assert "moved in 1.3.2026" in svg


def test_a_move_on_a_day_chart_marks_the_start_of_its_day() -> None:
    days = {f"2026-01-{d:02d}": 10.0 for d in range(1, 11)}
    svg = str(
        series_chart([Series("A", days, [Move(dt.date(2026, 1, 3), leaving=True)])], WORDS, "fi")
    )
    slot = (720 - LEFT - 12) / 10
    x = float(re.findall(r'<line class="move" x1="([\d.]+)"', svg)[0])
    assert abs(x - (LEFT + 2 * slot)) < 0.1
    assert "moved out 3.1.2026" in svg


def test_no_figures_draw_nothing() -> None:
    assert str(series_chart([Series("A", {})], WORDS, "fi")) == ""
