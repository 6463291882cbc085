"""The one consumption chart drawer: kWh bars by month or by day, one series per metering point
(stacked, each in its own colour), a value axis with its unit, period labels, and the person's
move-in and move-out days marked.

The access report draws one chart per metering point (`site_chart`); the staff person page
draws all of a person's sites in one chart with a legend naming each site (`series_chart`,
reached through services/consumption/charts.py). No scripts, so it prints the same in the PDF;
it scales to its box's width (viewBox), so it never runs past the page's edge. Colours are SVG
attributes, not inline styles (the pages' content security policy allows no inline style).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from markupsafe import Markup

from rekisteri.adapters.reports import showing
from rekisteri.domain import rights_words
from rekisteri.domain.access_package import MonthlyTotal, SitePeriod

WIDTH, HEIGHT = 720, 262
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 26, 64
# Series colours: each has at least 3:1 contrast against white (WCAG 1.4.11), and the legend,
# each bar's title and the figures' table name the series in words (colour is never alone).
PALETTE = ("#2b6cb0", "#c05621", "#2f855a", "#6b46c1", "#975a16", "#4a5568")
MOVE_COLOUR = "#c53030"


@dataclass(frozen=True)
class Move:
    on: dt.date  # the day in Helsinki
    leaving: bool  # a move-out (its label reads left of its line, a move-in's right)


@dataclass(frozen=True)
class Series:
    """One metering point's kWh by period ("2026-01" a month, "2026-01-31" a day), with the
    label the legend gives it and its moves."""

    label: str
    kwh: Mapping[str, float]
    moves: Sequence[Move] = ()


@dataclass(frozen=True)
class ChartWords:
    title: str  # the chart's accessible name
    axis: str  # the unit and period of the value axis: "kWh per month"
    moved_in: str
    moved_out: str
    # How the page writes a day and a month ("2026-01"); None: as the access document does.
    day: Callable[[dt.date], str] | None = None
    month: Callable[[str], str] | None = None


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def _nice_top(top: float) -> tuple[float, float]:
    """A round axis maximum at or above `top` and its tick step (1, 2 or 5 times a power of
    ten), so the axis reads 0, 200, 400... and not 0, 173, 346."""
    if top <= 0:
        return 1.0, 0.25
    power = 10 ** math.floor(math.log10(top))
    for f in (1, 2, 5, 10):
        step = f * power / 4
        if step * 4 >= top:
            return step * 4, step
    return 10 * power, 2.5 * power


def _start(period: str) -> dt.date:
    return dt.date.fromisoformat(period if len(period) == 10 else f"{period}-01")


def _span(first: str, last: str) -> list[str]:
    """Every month (or day) from first to last: a period without readings is an empty slot on
    the axis, not left out."""
    if len(first) == 10:
        day, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
        return [(day + dt.timedelta(days=n)).isoformat() for n in range((end - day).days + 1)]
    y, m = (int(x) for x in first.split("-"))
    ly, lm = (int(x) for x in last.split("-"))
    out = []
    while (y, m) <= (ly, lm):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _day_words(day: dt.date, words: ChartWords, lang: str) -> str:
    return words.day(day) if words.day else showing.day(day, lang)


def _period_words(period: str, words: ChartWords, lang: str) -> str:
    if len(period) == 10:
        return _day_words(_start(period), words, lang)
    return words.month(period) if words.month else showing.month(period, lang)


def _label_every(periods: list[str]) -> int:
    n = len(periods)
    if len(periods[0]) == 10:  # days: about eight labels
        return max(1, math.ceil(n / 8))
    return 1 if n <= 14 else (3 if n <= 36 else 12)


def _x_of(when: dt.date, periods: list[str], slot: float) -> float | None:
    """Where a day falls on the axis (None: outside the chart's span): a month's slot is
    divided by its days, a day's slot begins the day."""
    if len(periods[0]) == 10:
        key = when.isoformat()
        return LEFT + periods.index(key) * slot if key in periods else None
    key = f"{when.year:04d}-{when.month:02d}"
    if key not in periods:
        return None
    days = (
        dt.date(when.year + when.month // 12, when.month % 12 + 1, 1) - when.replace(day=1)
    ).days
    return LEFT + (periods.index(key) + (when.day - 1) / days) * slot


def series_chart(
    series: Sequence[Series], words: ChartWords, lang: str, *, legend: bool = True
) -> Markup:
    """The series stacked by period, as SVG, with a legend naming each series (its colour
    beside its label) when `legend`; an empty string when no series has a figure."""
    keys = sorted({p for s in series for p in s.kwh})
    if not keys:
        return Markup("")
    periods = _span(keys[0], keys[-1])
    stacked = [sum(max(s.kwh.get(p, 0.0), 0.0) for s in series) for p in periods]
    top, step = _nice_top(max(stacked))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(periods)
    title = escape(words.title)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" role="img" aria-label={quoteattr(words.title)} font-family="DejaVu Sans">',
        f"<title>{title}</title>",
        f'<text class="unit" x="4" y="14" font-size="11">{escape(words.axis)}</text>',
    ]
    for i in range(round(top / step) + 1):
        v = step * i
        y = TOP + plot_h - plot_h * v / top
        parts.append(
            f'<line class="grid" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            f'stroke="#ddd" stroke-width="0.6"/>'
            f'<text class="axis" x="{LEFT - 4}" y="{y + 3:.1f}" font-size="9" text-anchor="end">'
            f"{escape(showing.kwh_tick(v, lang))}</text>"
        )
    base = [0.0] * len(periods)  # the stack's height so far in each slot
    for n, s in enumerate(series):
        named = f"<title>{escape(s.label)}</title>" if s.label else ""
        parts.append(f'<g class="series" data-series="{n}">{named}')
        for i, p in enumerate(periods):
            # A period that nets below zero (a correction, own production) draws no bar: the
            # figures' table beside the chart gives its value.
            value = s.kwh.get(p)
            if value is None or value <= 0:
                continue
            h = plot_h * value / top
            y = TOP + plot_h - plot_h * base[i] / top - h
            base[i] += value
            tip = f"{_period_words(p, words, lang)}: {showing.kwh(value, lang)} kWh"
            tip = f"{s.label}, {tip}" if s.label else tip
            parts.append(
                f'<rect class="bar" x="{LEFT + i * slot + slot * 0.1:.1f}" y="{y:.1f}" '
                f'width="{max(slot * 0.8, 0.5):.1f}" height="{h:.1f}" fill="{colour(n)}">'
                f"<title>{escape(tip)}</title></rect>"
            )
        parts.append("</g>")
    every = _label_every(periods)
    for i, p in enumerate(periods):
        if every == 12 and not p.endswith("-01") and i != 0:
            continue  # years of months: January's label only
        if every != 12 and i % every:
            continue
        parts.append(
            f'<text class="axis" x="{LEFT + i * slot + slot / 2:.1f}" '
            f'y="{HEIGHT - BOTTOM + 13}" font-size="9" text-anchor="middle">'
            f"{escape(_period_words(p, words, lang))}</text>"
        )
    parts.append(
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" '
        f'stroke="#333"/><line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" '
        f'stroke="#333"/>'
    )
    moves = sorted((m for s in series for m in s.moves), key=lambda m: (m.on, not m.leaving))
    shown = 0
    for move in moves:
        at = _x_of(move.on, periods, slot)
        if at is None:
            continue
        what = words.moved_out if move.leaving else words.moved_in
        text = f"{what} {_day_words(move.on, words, lang)}"
        # Two rows of move labels under the period labels: a move-out and the next day's
        # move-in (a move between two sites) do not write over each other.
        parts.append(
            f'<line class="move" x1="{at:.1f}" y1="{TOP}" x2="{at:.1f}" y2="{TOP + plot_h}" '
            f'stroke="{MOVE_COLOUR}" stroke-dasharray="4 3"/>'
            f'<text class="move-label" x="{at:.1f}" y="{HEIGHT - BOTTOM + 30 + 14 * (shown % 2)}" '
            f'font-size="9" fill="{MOVE_COLOUR}" '
            f'text-anchor="{"end" if move.leaving else "start"}">{escape(text)}</text>'
        )
        shown += 1
    parts.append("</svg>")
    if legend:
        parts.append('<ul class="chart-legend">')
        for n, s in enumerate(series):
            parts.append(
                f'<li data-series="{n}"><svg class="swatch" width="12" height="12" '
                f'aria-hidden="true"><rect width="12" height="12" fill="{colour(n)}"/></svg> '
                f"{escape(s.label)}</li>"
            )
        parts.append("</ul>")
    return Markup("".join(parts))  # noqa: S704 - numbers and escaped words only


def site_chart(monthly: list[MonthlyTotal], periods: list[SitePeriod], lang: str) -> Markup:
    """The access report's chart of one metering point: monthly kWh bars, every month of the
    span on the axis, with the person's moves there marked."""
    if not monthly:
        return Markup('<p class="empty">{}</p>').format(rights_words.word("no_readings", lang))
    axis = rights_words.word("axis_kwh", lang)
    words = ChartWords(
        f"{rights_words.word('monthly_table', lang)} ({axis})",
        axis,
        rights_words.word("moved_in", lang),
        rights_words.word("moved_out", lang),
    )
    moves = [Move(p.moved_in, False) for p in periods] + [
        Move(p.moved_out, True) for p in periods if p.moved_out
    ]
    series = Series("", {m.month: m.kwh for m in monthly}, moves)
    return series_chart([series], words, lang, legend=False)
