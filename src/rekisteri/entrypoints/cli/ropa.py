"""`rekisteri ropa [--lang fi|sv|en] [--format html|pdf|json] [--out FILE]`: the record of
processing activities (GDPR Art. 30(1)), for the DPO.

The record is built from the catalogue, the settings and the recipient register
(services/ropa/record.py); this module only chooses the form. The HTML is the console page's
template as a standalone document, the PDF that document rendered by WeasyPrint, the JSON the
same words keyed by what they are. It reads no person's data.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path

import typer

from rekisteri.catalogue import Lang
from rekisteri.entrypoints.cli.common import dpo, fail, register, register_errors
from rekisteri.entrypoints.web.templating import render_document
from rekisteri.services import exports
from rekisteri.services.ropa.record import pdf_of, record_of


class Format(StrEnum):
    HTML = "html"
    PDF = "pdf"
    JSON = "json"


def install(app: typer.Typer) -> None:
    @app.command()
    def ropa(
        lang: Lang = typer.Option(Lang.FI, "--lang", help="fi, sv or en"),
        fmt: Format = typer.Option(Format.HTML, "--format", help="html, pdf or json"),
        out: Path | None = typer.Option(
            None, "--out", help="the file to write (owner-readable only); default: standard output"
        ),
    ) -> None:
        """The record of processing activities (GDPR Art. 30), generated from the catalogue,
        the settings and the recipient register: HTML, PDF or JSON (the DPO's login)."""
        reg = register()
        dpo(reg)
        record = record_of(reg, lang)
        data: bytes | str
        if fmt is Format.JSON:
            data = json.dumps(record.as_json(), ensure_ascii=False, indent=2) + "\n"
        else:
            data = render_document("ropa_document.html", record.lang, {"record": record})
            if fmt is Format.PDF:
                data = pdf_of(data)
        if out is not None:
            with register_errors():
                exports.write_file(out, data, settings=reg.settings)
            return
        if isinstance(data, bytes):
            if sys.stdout.isatty():
                fail("a PDF is not written to a terminal: give --out FILE or redirect the output")
            sys.stdout.buffer.write(data)
        else:
            sys.stdout.write(data)
