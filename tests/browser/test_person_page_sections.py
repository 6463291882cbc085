"""The person page people read (issue 17, item 3) in Chromium, for a demo customer who moved
from one site to another: the sections in the order a person working a case uses them, the long
ones folded with their count, the consumption chart with a series per site named by its address,
and every column of an invoice under its label. fi and sv at 1366 and 390 px, with screenshots
in test-artifacts/."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import func, select

from rekisteri.adapters.schema.register import (
    contact_log,
    contract,
    invoice,
    metering_point,
    person,
    site,
)
from rekisteri.catalogue import Lang, Role, Source, catalogue
from rekisteri.demo.customers import generate
from rekisteri.domain.change_words import ENDED
from rekisteri.domain.drafts import ContractDraft, SiteDraft
from rekisteri.domain.field_words import field_label
from rekisteri.domain.register import ContractKind, EndReason, Provenance
from rekisteri.domain.value_words import column_value_word
from rekisteri.entrypoints.api.app import create_app
from rekisteri.entrypoints.web import formats
from rekisteri.entrypoints.web.i18n import translations
from rekisteri.services.register import customers
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support import consumption as c
from tests.support.clock import FakeClock
from tests.support.live_server import serve
from tests.support.staff import tokens_per_role

pytestmark = pytest.mark.browser
Shot = Callable[[Page, str], Path]
MOVE_DAY = dt.date(2026, 2, 1)
NEW_SITE = SiteDraft("Muuttajankatu 5", "06100", "Porvoo")
# The page's parts, in the order staff use them (the h2 of each, by id).
ORDER = [
    "summary",
    "identity",
    "sites",
    "consumption",
    "consents",
    "billing",
    "contacts",
    "requests-and-disclosures",
    "history",
]
FOLDED = ["invoices", "payments", "contact_log", "consent-history", "changes"]


@dataclass(frozen=True)
class Moved:
    url: str
    token: str
    number: str
    old_site: str  # the old site's address as the chart's legend names it
    invoice: dict[str, object]  # the person's latest invoice, as stored


@pytest.fixture
def moved(register: RegisterApp, clock: FakeClock, tmp_path: Path) -> Iterator[Moved]:
    """A demo customer with invoices and contact log entries moves on 1.2.2026 to a new site;
    readings of both sites cover January to mid-March (each site's own months are theirs)."""
    clock.set(dt.datetime(2026, 3, 20, 10, 0, tzinfo=dt.UTC))
    generate(register, 40, seed=1)
    token = tokens_per_role(register)[Role.CUSTOMER_SERVICE]
    with register.unit_of_work(Actor("test")) as uow:
        logged = select(contact_log.c.person_id)
        pid, _ = uow.execute(
            select(invoice.c.person_id, func.count())
            .where(invoice.c.person_id.in_(logged))
            .group_by(invoice.c.person_id)
            .order_by(func.count().desc(), invoice.c.person_id)
        ).first() or (None, 0)
        assert pid is not None, "the demo has a customer with invoices and contact log entries"
        old = uow.execute(
            select(contract.c.id, contract.c.site_id, metering_point.c.gsrn)
            .join(metering_point, metering_point.c.site_id == contract.c.site_id)
            .where(contract.c.person_id == pid, contract.c.end_date.is_(None))
        ).first()
        assert old is not None
        moving = Provenance.of(Source.CUSTOMER_CONTACT, uow.now(), "moving notice by phone")
        customers.end_contract(uow, old.id, MOVE_DAY, EndReason.MOVED_OUT, moving)
        new_gsrn = c.new_gsrn()
        new_site = dataclasses.replace(NEW_SITE, metering_points=(new_gsrn,))
        site_id = customers.add_site(uow, new_site, moving)
        draft = ContractDraft(site_id, ContractKind.SALES, "Pörssisähkö", MOVE_DAY)
        customers.add_contract(uow, pid, draft, moving)
        number = uow.execute(select(person.c.customer_number).where(person.c.id == pid)).scalar()
        address = uow.execute(
            select(site.c.street, site.c.post_office).where(site.c.id == old.site_id)
        ).one()
        latest = uow.execute(
            select(invoice).where(invoice.c.person_id == pid).order_by(invoice.c.issued_on.desc())
        ).first()
        assert latest is not None
    start, hours = c.utc(2025, 12, 31, 22), 24 * 74
    path = c.write(
        tmp_path / "readings.csv",
        c.readings(old.gsrn, start, hours, 3600, wh=lambda i: 400 + i % 7 * 50),
        c.readings(new_gsrn, start, hours, 3600, wh=lambda i: 900 + i % 5 * 100),
    )
    c.run_import(register, path)
    with serve(create_app(register)) as url:
        yield Moved(url, token, str(number), f"{address[0]}, {address[1]}", dict(latest._mapping))


def _words(lang: str) -> Callable[[str], str]:
    gettext: Callable[[str], str] = translations(Lang(lang)).gettext
    return gettext


def _h2_order(page: Page) -> list[str]:
    ids = page.locator("main h2").evaluate_all("hs => hs.map(h => h.id)")
    return [i.removesuffix("-title") for i in ids]


def _check_folded(page: Page, name: str) -> None:
    """Folded by default, its count in the line that opens it."""
    folded = page.locator(f"details#{name}-list")
    expect(folded).to_have_count(1)
    assert folded.evaluate("d => d.open") is False, name
    rows = folded.locator("tbody tr").count()
    assert rows > 0, name
    summary = folded.locator("summary")
    expect(summary).to_contain_text(f"({rows})")
    expect(folded.locator("table")).not_to_be_visible()


def _check_chart(page: Page, moved: Moved, lang: str) -> None:
    _ = _words(lang)
    labels = [moved.old_site, f"{NEW_SITE.street}, {NEW_SITE.post_office}"]
    chart = page.get_by_role("img", name=_("Electricity consumption, kWh"))
    series = chart.locator("g.series")
    expect(series).to_have_count(2)  # one per site
    assert [s.locator("title").first.text_content() for s in series.all()] == labels
    expect(page.locator("ul.chart-legend li")).to_have_text(labels)
    # Each site's bars in a colour of its own: January at the old site, February and March
    # at the new one.
    fills = [
        set(s.locator("rect.bar").evaluate_all("rs => rs.map(r => r.getAttribute('fill'))"))
        for s in series.all()
    ]
    assert len(fills[0]) == len(fills[1]) == 1 and fills[0] != fills[1]
    expect(series.nth(0).locator("rect.bar")).to_have_count(1)
    expect(series.nth(1).locator("rect.bar")).to_have_count(2)
    expect(chart.locator("text.unit")).to_have_text(_("kWh per month"))
    moves = chart.locator("text.move-label")
    day = formats.format_date(MOVE_DAY, lang)
    expect(moves).to_contain_text([f"{_('moved out')} {day}", f"{_('moved in')} {day}"])
    figures = page.locator("#consumption-figures thead th")
    expect(figures).to_have_text(
        [_("Period"), *(f"{x}, kWh" for x in labels), f"{_('Total')}, kWh"]
    )


def _check_invoice(page: Page, moved: Moved, lang: str) -> None:
    """The latest invoice's every stored column under its label, amounts in euros, d.M.yyyy."""
    page.locator("details#invoices-list summary").click()
    number = str(moved.invoice["invoice_number"])
    row = page.locator("details#invoices-list tbody tr", has_text=number)
    expect(row).to_have_count(1)
    columns = catalogue["invoice.invoice"].columns
    stored = {k: moved.invoice[k] for k in columns if moved.invoice[k] not in (None, "")}
    pairs = row.locator("dl.pairs > div")
    expect(pairs.locator("dt")).to_have_text([field_label(k, lang) for k in stored])
    labels, values = (
        pairs.locator("dt").all_text_contents(),
        pairs.locator("dd").all_text_contents(),
    )
    shown = dict(zip(labels, values, strict=True))
    amount = int(str(stored["amount_cents"]))
    assert shown[field_label("amount_cents", lang)] == formats.format_euros(amount, lang)
    issued = stored["issued_on"]
    assert isinstance(issued, dt.date)
    assert shown[field_label("issued_on", lang)] == f"{issued.day}.{issued.month}.{issued.year}"
    status = str(stored["status"])
    assert shown[field_label("status", lang)] == column_value_word(
        "invoice", "status", status, lang
    )
    page.locator("details#invoices-list summary").click()  # folded again for the screenshots


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_the_person_page_reads_in_the_order_staff_work(
    browser: Browser, moved: Moved, lang: str, shot: Shot
) -> None:
    _ = _words(lang)
    for width in (1366, 390):
        context = browser.new_context(
            viewport={"width": width, "height": 900},
            extra_http_headers={"Authorization": f"Bearer {moved.token}"},
        )
        page = context.new_page()
        try:
            page.goto(f"{moved.url}/console/persons/{moved.number}?lang={lang}")
            assert _h2_order(page) == ORDER
            for name in FOLDED:
                _check_folded(page, name)
            _check_chart(page, moved, lang)
            if width == 1366:
                _check_invoice(page, moved, lang)
                # The contract's end in the change history, in words (not "moved_out").
                page.locator("details#changes-list summary").click()
                ended = ENDED.in_(lang).format(
                    day=formats.format_date(MOVE_DAY, lang),
                    why=column_value_word("contract", "end_reason", "moved_out", lang),
                )
                expect(page.locator("details#changes-list tbody")).to_contain_text(ended)
                page.locator("details#changes-list summary").click()
            shot(page, f"{lang}-{width}")
            height = page.evaluate("document.documentElement.scrollHeight")
            print(f"{lang} {width} px: the page is {height} px tall")  # for the report
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= width, f"{wide} px wide at {width}"
        finally:
            context.close()
