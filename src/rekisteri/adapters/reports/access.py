"""The access package as files: JSON (machine-readable), CSV of readings, HTML and PDF.

The JSON holds everything but the readings themselves (their monthly totals are in it); the
readings go to the CSV, one line per reading: gsrn, start_utc (ISO 8601, Z), wh (empty: the
meter sent no value), quality. Both are written from columns, not reading by reading.

The HTML report is a Jinja2 template in the person's language; the PDF is that same HTML
rendered by WeasyPrint, so the two never say different things.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import polars as pl
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from rekisteri.adapters.private_files import Keep, open_private, private_directory, write_private
from rekisteri.domain import rights_words
from rekisteri.domain.access_package import AccessPackage, MonthlyTotal, readings_table

_env = Environment(
    loader=PackageLoader("rekisteri.adapters.reports", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def to_json(package: AccessPackage) -> bytes:
    return json.dumps(package.as_dict(), ensure_ascii=False, indent=1, default=_plain).encode()


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return None  # ciphertext never leaves as bytes; the opened value is given instead
    return str(value)


def readings_csv(readings: pl.DataFrame) -> str:
    """Readings as CSV text, with a header line."""
    return readings_table(readings).write_csv(line_terminator="\n")


def write_readings_csv(readings: pl.DataFrame, out: io.TextIOBase | Any) -> int:
    """Write the readings as CSV to a text file; returns how many."""
    out.write(readings_csv(readings))
    return readings.height


def consumption_chart(monthly: list[MonthlyTotal], lang: str) -> Markup:
    """An inline SVG bar chart of monthly kWh (no scripts, so it prints the same in the PDF)."""
    if not monthly:
        return Markup('<p class="empty">{}</p>').format(rights_words.word("no_readings", lang))
    width, height, pad = 720, 220, 30
    top = max(m.kwh for m in monthly) or 1.0
    bar = (width - 2 * pad) / len(monthly)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="{rights_words.word("kwh_per_month", lang)}">'
    ]
    for i, m in enumerate(monthly):
        h = (height - 2 * pad) * m.kwh / top
        x, y = pad + i * bar, height - pad - h
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(bar - 2, 1):.1f}" height="{h:.1f}" '
            f'fill="#2b6cb0"><title>{m.month}: {m.kwh:.0f} kWh</title></rect>'
        )
        if len(monthly) <= 24 or i % 12 == 0:
            parts.append(
                f'<text x="{x:.1f}" y="{height - pad + 12}" font-size="8">{m.month}</text>'
            )
    parts.append(f'<text x="{pad}" y="{pad - 10}" font-size="10">{top:.0f} kWh</text></svg>')
    return Markup("".join(parts))  # noqa: S704 - built from numbers and month labels only


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dict):
        return ", ".join(str(v) for v in value.values() if v is not None)
    return str(value)


def to_html(package: AccessPackage) -> str:
    template = _env.get_template("access_report.html")
    lang = package.lang.value
    return template.render(
        p=package,
        lang=lang,
        w=lambda key: rights_words.word(key, lang),
        cell=_cell,
        chart=consumption_chart(package.monthly, lang),
    )


def to_pdf(package: AccessPackage, html: str | None = None) -> bytes:
    from weasyprint import HTML  # imported here: loading it takes a moment

    pdf: bytes = HTML(string=html or to_html(package)).write_pdf()
    return pdf


def write_files(
    package: AccessPackage, directory: Path, *, keep: Keep, pdf: bool = True
) -> dict[str, Path]:
    """Write the package's files (never over one of `keep`); returns them by format."""
    private_directory(directory)
    stem = f"access-{package.customer_number}-{package.generated_at:%Y%m%d}"
    files = {
        "json": directory / f"{stem}.json",
        "csv": directory / f"{stem}-readings.csv",
        "html": directory / f"{stem}.html",
    }
    write_private(files["json"], to_json(package), keep=keep)
    with open_private(files["csv"], keep=keep) as fh:
        write_readings_csv(package.readings, fh)
    html = to_html(package)
    write_private(files["html"], html, keep=keep)
    if pdf:
        files["pdf"] = directory / f"{stem}.pdf"
        write_private(files["pdf"], to_pdf(package, html), keep=keep)
    return files
