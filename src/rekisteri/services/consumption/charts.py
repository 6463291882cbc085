"""The consumption chart of the staff person page: the person's own consumption of the last 60
days (by day) or two years (by month), one series per metering point with its moves.

The figures come from the one attribution (attribution.py); the drawing is the access report's
own drawer (adapters/reports/chart.py), so the page and the access document draw consumption
the same way. Which words name a series (a site's address, or words saying it is withheld) is
the caller's: it knows what the reader's role may see of the site.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from markupsafe import Markup

from rekisteri.adapters.reports.chart import ChartWords as ChartWords
from rekisteri.adapters.reports.chart import Move as Move
from rekisteri.adapters.reports.chart import Series as Series
from rekisteri.adapters.reports.chart import series_chart
from rekisteri.domain.consumption import HELSINKI
from rekisteri.services.consumption import attribution
from rekisteri.services.unit_of_work import UnitOfWork

By = Literal["day", "month"]
SPAN = {"day": dt.timedelta(days=60), "month": dt.timedelta(days=730)}


@dataclass(frozen=True)
class PointSeries:
    """One metering point's kWh by period, its site (for the label) and the person's moves."""

    site_id: int
    gsrn: str
    kwh: dict[str, float]
    moves: list[Move]


def _day(epoch: int) -> dt.date:
    return dt.datetime.fromtimestamp(epoch, HELSINKI).date()


def point_series(uow: UnitOfWork, person_id: int, by: By) -> list[PointSeries]:
    """The person's metering points with readings in the chart's span, in the order of the
    attribution; a move is marked where the person's period at a point begins, and where it
    ended (a period still running, or ending later, has no move-out yet)."""
    end = uow.now()
    found = attribution.totals_by_point(uow, person_id, end - SPAN[by], end, by)
    now = int(end.timestamp())
    moves: dict[str, list[Move]] = {}
    for w in attribution.attributed_points(uow, person_id):
        marks = moves.setdefault(w.gsrn, [])
        marks.append(Move(_day(w.period.start), leaving=False))
        if w.period.end <= now:
            marks.append(Move(_day(w.period.end), leaving=True))
    return [
        PointSeries(p.site_id, p.gsrn, {t.period: t.wh / 1000 for t in p.totals}, moves[p.gsrn])
        for p in found
    ]


def draw(series: Sequence[Series], words: ChartWords, lang: str) -> Markup:
    """The chart as SVG with its legend (every text escaped); empty for no figures."""
    return series_chart(series, words, lang)
