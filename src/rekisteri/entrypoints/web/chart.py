"""The consumption chart of a person's page: an inline SVG drawn on the server (no JavaScript).

Bars are the person's own attributed consumption per day or month; dashed lines mark the move
dates (a contract's start or end). The numbers behind the bars are also given as a table on the
page, for screen readers and for anyone who wants the figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from rekisteri.catalogue import Lang
from rekisteri.entrypoints.web import formats

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 12, 16, 40


@dataclass(frozen=True)
class Bar:
    period: str  # 2025-01-31 or 2025-01 (Helsinki calendar)
    kwh: float


@dataclass(frozen=True)
class Move:
    on: dt.date
    label: str  # "moved in" / "moved out", in the page's language
    leaving: bool = False  # a move-out: its label goes left of the line, a move-in's right


def _start_of(period: str) -> dt.date:
    return dt.date.fromisoformat(period if len(period) == 10 else f"{period}-01")


def period_label(period: str, lang: Lang | str) -> str:
    """31.1.2025 for a day, 1/2025 for a month."""
    if len(period) == 10:
        return formats.format_date(dt.date.fromisoformat(period), lang)
    year, month = period.split("-")
    return f"{int(month)}/{year}"


def _nice_top(value: float) -> float:
    """A round number at or above `value` for the top of the scale."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return float(step * magnitude)
    return float(10 * magnitude)


def consumption_svg(bars: Sequence[Bar], moves: Sequence[Move], lang: Lang, title: str) -> Markup:
    """The chart as SVG markup (every text escaped), or an empty string for no data."""
    if not bars:
        return Markup("")
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = _nice_top(max(b.kwh for b in bars))
    slot = plot_w / len(bars)
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'xmlns="http://www.w3.org/2000/svg" aria-labelledby="chart-title">',
        f'<title id="chart-title">{escape(title)}</title>',
    ]
    digits = 1 if top < 10 else 0
    for i in range(6):  # the scale: six lines with their kWh
        value = top * i / 5
        y = TOP + plot_h - plot_h * i / 5
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="axis" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(formats.format_number(value, lang, digits))}</text>"
        )
    label_every = max(1, len(bars) // 8)
    for i, bar in enumerate(bars):
        h = plot_h * bar.kwh / top
        x = LEFT + i * slot + slot * 0.1
        words = f"{period_label(bar.period, lang)}: {formats.format_number(bar.kwh, lang, 1)} kWh"
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{TOP + plot_h - h:.1f}" '
            f'width="{max(slot * 0.8, 1):.1f}" height="{h:.1f}">'
            f"<title>{escape(words)}</title></rect>"
        )
        if i % label_every == 0:
            parts.append(
                f'<text class="axis" x="{LEFT + i * slot + slot / 2:.1f}" '
                f'y="{HEIGHT - BOTTOM + 16}" '
                f'text-anchor="middle">{escape(period_label(bar.period, lang))}</text>'
            )
    first, last = _start_of(bars[0].period), _start_of(bars[-1].period)
    shown = [m for m in moves if first <= m.on <= last]
    for n, move in enumerate(shown):
        # Where the move falls among the bars: the bar whose period holds the date.
        index = sum(1 for b in bars if _start_of(b.period) <= move.on) - 1
        x = LEFT + index * slot + slot / 2
        text = f"{move.label} {formats.format_date(move.on, lang)}"
        # A move-out's label reads left of its line, a move-in's right, alternating in height:
        # a move-out and the next day's move-in do not write over each other.
        anchor, dx = ("end", -4) if move.leaving else ("start", 4)
        parts.append(
            f'<line class="move" x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{TOP + plot_h}"/>'
            f'<text class="move-label" x="{x + dx:.1f}" y="{TOP + 12 + 14 * (n % 2)}" '
            f'text-anchor="{anchor}">{escape(text)}</text>'
        )
    parts.append("</svg>")
    # Every text put in above went through html.escape; the rest is our own markup.
    return Markup("".join(parts))  # noqa: S704
