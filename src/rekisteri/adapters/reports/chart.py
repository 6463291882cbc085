"""The access report's consumption chart: one inline SVG per metering point, monthly kWh bars
with a value axis, its unit, month labels, and the person's move-in and move-out days marked.

No scripts, so it prints the same in the PDF; it scales to the page's width (viewBox), so it
never runs past the page's edge.
"""

from __future__ import annotations

import datetime as dt
import math
from xml.sax.saxutils import escape

from markupsafe import Markup

from rekisteri.adapters.reports import showing
from rekisteri.domain import rights_words
from rekisteri.domain.access_package import MonthlyTotal, SitePeriod

WIDTH, HEIGHT = 720, 250
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 26, 40


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


def _months(first: str, last: str) -> list[str]:
    y, m = (int(x) for x in first.split("-"))
    ly, lm = (int(x) for x in last.split("-"))
    out = []
    while (y, m) <= (ly, lm):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def site_chart(monthly: list[MonthlyTotal], periods: list[SitePeriod], lang: str) -> Markup:
    """Monthly kWh of one metering point as bars, every month of the span on the axis (a month
    without readings is an empty slot, not left out), with the moves marked."""
    if not monthly:
        return Markup('<p class="empty">{}</p>').format(rights_words.word("no_readings", lang))
    months = _months(monthly[0].month, monthly[-1].month)
    value = {m.month: m.kwh for m in monthly}
    top, step = _nice_top(max(m.kwh for m in monthly))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(months)
    axis = rights_words.word("axis_kwh", lang)
    title = escape(f"{rights_words.word('monthly_table', lang)} ({axis})")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" role="img" aria-label="{title}" font-family="DejaVu Sans">',
        f"<title>{title}</title>",
        f'<text x="4" y="14" font-size="11">{escape(axis)}</text>',
    ]
    ticks = round(top / step)
    for i in range(ticks + 1):
        v = step * i
        y = TOP + plot_h - plot_h * v / top
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            f'stroke="#ddd" stroke-width="0.6"/>'
            f'<text x="{LEFT - 4}" y="{y + 3:.1f}" font-size="9" text-anchor="end">'
            f"{escape(showing.kwh(v, lang))}</text>"
        )
    for i, m in enumerate(months):
        x = LEFT + i * slot
        if m in value:
            # A month that nets below zero (a correction, own production) draws no bar:
            # the monthly table beside the chart gives its figure.
            h = plot_h * max(value[m], 0) / top
            parts.append(
                f'<rect x="{x + slot * 0.1:.1f}" y="{TOP + plot_h - h:.1f}" '
                f'width="{max(slot * 0.8, 0.5):.1f}" height="{h:.1f}" fill="#2b6cb0"/>'
            )
        every = 1 if len(months) <= 14 else (3 if len(months) <= 36 else 12)
        if i % every == 0 or (every == 12 and m.endswith("-01")):
            if every == 12 and not m.endswith("-01") and i != 0:
                continue
            parts.append(
                f'<text x="{x + slot / 2:.1f}" y="{HEIGHT - BOTTOM + 13}" font-size="9" '
                f'text-anchor="middle">{escape(showing.month(m, lang))}</text>'
            )
    parts.append(
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" '
        f'stroke="#333"/><line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" '
        f'stroke="#333"/>'
    )
    for p in periods:
        marks = [(p.moved_in, "moved_in")] + ([(p.moved_out, "moved_out")] if p.moved_out else [])
        for when, key in marks:
            at = _x_of(when, months, slot)
            if at is None:
                continue
            words = f"{rights_words.word(key, lang)} {showing.day(when, lang)}"
            parts.append(
                f'<line x1="{at:.1f}" y1="{TOP}" x2="{at:.1f}" y2="{TOP + plot_h}" '
                f'stroke="#c53030" stroke-dasharray="4 3"/><text x="{at:.1f}" y="{HEIGHT - 8}" '
                f'font-size="9" fill="#c53030" '
                f'text-anchor="{"start" if key == "moved_in" else "end"}">{escape(words)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - numbers and escaped words only


def _x_of(when: dt.date, months: list[str], slot: float) -> float | None:
    """Where a day falls on the month axis (None: outside the chart's span)."""
    key = f"{when.year:04d}-{when.month:02d}"
    if key not in months:
        return None
    days = (
        dt.date(when.year + when.month // 12, when.month % 12 + 1, 1) - when.replace(day=1)
    ).days
    return LEFT + (months.index(key) + (when.day - 1) / days) * slot
