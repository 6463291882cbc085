"""A long list in the access report (years of monthly invoices) is a record a line under one
legend of its labels, every value in its column's place; the PDF still fits A4, is tagged and
speaks the person's language (issue 18: the PDF of ten years of invoices stays under its
three seconds, bench/bench_rights.py). Both databases."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from rekisteri.adapters.reports import access, showing
from rekisteri.catalogue import Lang
from rekisteri.domain import rights_words
from rekisteri.services.billing.invoices import import_invoice_file
from rekisteri.services.rights import package
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.integration.test_access_document import _check_pdf
from tests.support import finvoice
from tests.support.people import make_customer

DPO = Actor("tietosuoja.dpo")
MONTHS = 30  # more than a short list (access.LONG_LIST)


def test_thirty_invoices_are_lines_under_one_legend_and_the_pdf_fits(
    register: RegisterApp, tmp_path: Path
) -> None:
    assert access.LONG_LIST < MONTHS
    c = make_customer(register)
    messages = [
        finvoice.message(
            f"20240{i:03d}",
            customer=c.customer_number,
            issued=f"{2024 + i // 12}{i % 12 + 1:02d}05",
            due=f"{2024 + i // 12}{i % 12 + 1:02d}19",
            amount=f"{40 + i},{i:02d}",
        )
        for i in range(MONTHS)
    ]
    with register.unit_of_work(Actor("billing")) as uow:
        import_invoice_file(uow, finvoice.write(tmp_path / "batch.xml", *messages))
    with register.reading(DPO) as uow:
        built = package.build(uow, c.person_id, lang=Lang.FI)
    section = next(s for s in built.sections if s.key == "invoice")
    assert len(section.rows) >= MONTHS  # with the customer's own invoices
    html = unescape(access.to_html(built))
    labels = showing.headings(section.columns)
    legend = f"{rights_words.word('each_line', 'fi')}</span>: {' · '.join(labels)}"
    assert legend in html
    part = html.split(legend, 1)[1]
    lines = re.findall(r'<p class="line">(.*?)</p>', part)[: len(section.rows)]
    assert len(lines) == len(section.rows)
    for line, row in zip(lines, section.rows, strict=True):
        values = line.split(" · ")
        assert len(values) == len(labels), line
        number = labels.index(next(h for n, h in section.columns if n == "invoice_number"))
        assert values[number] == row["invoice_number"]
        assert "€" in line  # amounts in euros, not cents
    text = _check_pdf(access.to_pdf(built), Lang.FI)
    assert rights_words.word("each_line", "fi") in text
