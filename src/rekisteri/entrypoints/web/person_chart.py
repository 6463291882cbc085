"""The person page's consumption chart: a series per metering point, each named by its site's
address as the reader's role sees it, drawn by the access document's own drawer (through
services/consumption/charts.py), with the figures as a table of a column per site."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rekisteri.catalogue import Lang
from rekisteri.entrypoints.web import formats
from rekisteri.entrypoints.web.i18n import translations
from rekisteri.entrypoints.web.staff import cell
from rekisteri.services.consumption import attribution, charts, measured
from rekisteri.services.unit_of_work import UnitOfWork


def _series_labels(points: list[charts.PointSeries], view: dict[str, Any], lang: Lang) -> list[str]:
    """Each series named by its site's address as the role sees it in the view: the
    protection's words for a person with a turvakielto, words saying the address is withheld
    when the role may not read it; a site's second metering point gets its number."""
    gettext = translations(lang).gettext
    sites = {s.get("id"): s for s in view.get("sites", [])}
    labels: list[str] = []
    for n, point in enumerate(points, start=1):
        address = sites.get(point.site_id, {}).get("address")
        if address is None:
            label = gettext("Consumption site %(n)s (the address is not shown to your role)") % {
                "n": n
            }
        elif isinstance(address, dict) and address.get("street"):
            label = ", ".join(str(address[k]) for k in ("street", "post_office") if address.get(k))
        else:  # the protection's mark (turvakielto), in the page's words
            label = cell(address, lang, "address", "site")
        labels.append(label if label not in labels else f"{label} ({labels.count(label) + 1})")
    return labels


def _period_words(period: str, lang: Lang) -> str:
    """31.1.2026 for a day, 1/2026 for a month."""
    if len(period) == 10:
        return formats.format_date(dt.date.fromisoformat(period), lang)
    year, month = period.split("-")
    return f"{int(month)}/{year}"


def chart(
    uow: UnitOfWork, person_id: int, by: str, lang: Lang, view: dict[str, Any]
) -> dict[str, Any]:
    """A series per metering point (the access document's drawer), the figures as a table with
    a column per site, and the total and night share of the person's own consumption."""
    gettext = translations(lang).gettext
    span: charts.By = "day" if by == "day" else "month"
    points = charts.point_series(uow, person_id, span)
    labels = _series_labels(points, view, lang)
    words = charts.ChartWords(
        gettext("Electricity consumption, kWh"),
        gettext("kWh per day") if span == "day" else gettext("kWh per month"),
        gettext("moved in"),
        gettext("moved out"),
        day=lambda day: formats.format_date(day, lang),
        month=lambda month: _period_words(month, lang),
    )
    series = [charts.Series(label, p.kwh, p.moves) for label, p in zip(labels, points, strict=True)]
    end = uow.now()
    found = attribution.summary(uow, person_id, end - charts.SPAN[span], end, by=span)
    periods = sorted({k for p in points for k in p.kwh})
    return {
        "svg": charts.draw(series, words, lang.value),
        "labels": labels,
        "rows": [
            {
                "period": _period_words(k, lang),
                "kwh": [p.kwh.get(k) for p in points],
                "total": sum(p.kwh.get(k, 0.0) for p in points),
            }
            for k in periods
        ],
        "total_kwh": found.total_wh / 1000,
        "night_share": found.night_share,
        "by": by,
        "measured": _measured(uow, person_id, lang),
    }


def _measured(uow: UnitOfWork, person_id: int, lang: Lang) -> dict[str, Any] | None:
    """The archive's consumption run for the last 12 whole months, in the page's words: it
    covers months the database may no longer keep."""
    found = measured.of_person(uow, person_id)
    if found is None:
        return None
    last = found.end - dt.timedelta(days=1)
    return {
        "first": f"{found.first.month}/{found.first.year}",
        "last": f"{last.month}/{last.year}",
        "kwh": found.kwh,
        "months": found.months,
        "night_share": found.night_share,
        "peak_hour": formats.format_datetime(found.peak_hour, lang) if found.peak_hour else None,
        "peak_kwh": found.peak_kwh,
        "computed_at": formats.format_datetime(found.computed_at, lang),
    }
