"""The access package as files: JSON (machine-readable), CSV of readings, HTML and PDF.

The JSON holds everything but the readings themselves (their monthly totals are in it); its
shape is published as a JSON Schema (docs/access-package.schema.json). The readings go to the
CSV in Datahub's customer-portal columns (docs/access-package.md), so the file loads wherever
Datahub's own export does. Both are written from columns, not reading by reading.

The HTML report is a Jinja2 template in the person's language, every code in words, euros,
Finnish or Swedish dates and Helsinki times (showing.py); the PDF is that same HTML rendered by
WeasyPrint as tagged PDF/UA, so the two never say different things and a screen reader can
read the PDF.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import polars as pl
from jinja2 import Environment, PackageLoader, select_autoescape

from rekisteri.adapters.datahub_writer import to_datahub_rows
from rekisteri.adapters.private_files import Keep, private_directory, write_private
from rekisteri.adapters.reports import chart, showing
from rekisteri.domain import rights_words
from rekisteri.domain.access_package import AccessPackage, Section, monthly_totals
from rekisteri.domain.consumption import DATAHUB_HEADER
from rekisteri.domain.vocabulary import Purpose, Role, label

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
    """Readings as CSV text in Datahub's customer-portal columns (header line first; ";" between
    fields, kWh with a decimal comma, empty: the meter sent no value)."""
    head = ";".join(DATAHUB_HEADER) + "\n"
    if readings.is_empty():
        return head
    return head + to_datahub_rows(readings).decode()


def write_readings_csv(readings: pl.DataFrame, out: io.TextIOBase | Any) -> int:
    """Write the readings as CSV to a text file; returns how many."""
    out.write(readings_csv(readings))
    return readings.height


# A section of more records than this is shown a record a line under one legend of its
# labels: ten years of invoices and payments as "label: value" records took WeasyPrint six
# seconds of the three the PDF may take (bench/bench_rights.py), as lines half a second.
LONG_LIST = 24

# Sections shown in their own parts of the document, not among the categories' records.
OWN_PARTS = frozenset(
    {"audit_entry", "attribute_change", "reading_correction", "kept_after_erasure"}
)


def _sites(package: AccessPackage, lang: str) -> list[dict[str, Any]]:
    """Each metering point the person held: its periods, monthly totals and chart."""
    out = []
    for gsrn in dict.fromkeys(p.gsrn for p in package.periods):
        periods = [p for p in package.periods if p.gsrn == gsrn]
        monthly = monthly_totals(package.readings, gsrn)
        out.append(
            {
                "gsrn": gsrn,
                "periods": periods,
                "monthly": monthly,
                # The monthly table a year at a time, side by side, so it stays short.
                "years": [
                    (y, [m for m in monthly if m.month.startswith(y)])
                    for y in dict.fromkeys(m.month[:4] for m in monthly)
                ],
                "chart": chart.site_chart(monthly, periods, lang),
            }
        )
    return out


def to_html(package: AccessPackage) -> str:
    template = _env.get_template("access_report.html")
    lang = package.lang.value
    by_key = {s.key: s for s in package.sections}
    shown = [s for s in package.sections if s.key not in OWN_PARTS and s.rows]
    empty = sorted({s.title for s in package.sections if s.key not in OWN_PARTS and not s.rows})

    def record(section: Section, row: dict[str, Any]) -> list[tuple[str, str]]:
        return showing.record(section.key, section.columns, row, lang)

    def line(section: Section, row: dict[str, Any]) -> list[str]:
        return showing.line_of(section.key, section.columns, row, lang)

    return template.render(
        p=package,
        info=package.information,
        lang=lang,
        w=lambda key: rights_words.word(key, lang),
        day=lambda d: showing.day(d, lang),
        moment=lambda t: showing.moment(t, lang),
        month=lambda m: showing.month(m, lang),
        kwh=lambda v: showing.kwh(v, lang),
        purpose=lambda v: label(Purpose(v), lang) if v else rights_words.word("no_purpose", lang),
        role=lambda v: label(Role(v), lang) if v else rights_words.word("by_register", lang),
        record=record,
        line=line,
        headings=lambda section: showing.headings(section.columns),
        long=LONG_LIST,
        shown=shown,
        empty=empty,
        sites=_sites(package, lang),
        changes=by_key.get("attribute_change"),
        corrected=by_key.get("reading_correction"),
        kept=by_key.get("kept_after_erasure"),
    )


def to_pdf(package: AccessPackage, html: str | None = None) -> bytes:
    from weasyprint import HTML  # imported here: loading it takes a moment

    # PDF/UA: tagged (a structure tree a screen reader follows), the document's language and
    # title set from the HTML's lang and <title>.
    pdf: bytes = HTML(string=html or to_html(package)).write_pdf(pdf_variant="pdf/ua-1")
    return pdf


def render(package: AccessPackage, *, pdf: bool = True) -> dict[str, bytes]:
    """The package's files by name (JSON, readings CSV, HTML, PDF), each rendered once: the
    files `request fulfil` writes and the ZIP sealed for the person's download are these."""
    stem = f"access-{package.customer_number}-{package.generated_at:%Y%m%d}"
    html = to_html(package)
    files = {
        f"{stem}.json": to_json(package),
        f"{stem}-readings.csv": readings_csv(package.readings).encode(),
        f"{stem}.html": html.encode(),
    }
    if pdf:
        files[f"{stem}.pdf"] = to_pdf(package, html)
    return files


def _format(name: str) -> str:
    if name.endswith("-readings.csv"):
        return "csv"
    return name.rsplit(".", 1)[1]


def write_files(
    package: AccessPackage,
    directory: Path,
    *,
    keep: Keep,
    pdf: bool = True,
    rendered: dict[str, bytes] | None = None,
) -> dict[str, Path]:
    """Write the package's files (never over one of `keep`); returns them by format."""
    private_directory(directory)
    files: dict[str, Path] = {}
    for name, content in (rendered or render(package, pdf=pdf)).items():
        files[_format(name)] = directory / name
        write_private(files[_format(name)], content, keep=keep)
    return files
