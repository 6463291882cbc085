"""The DPO's whole task in Chromium, in Finnish and Swedish, at 1366 and 390 px (issue 17
item 1): a request arrives through the public form -> the DPO opens it from the desk, finds
and links the person, verifies -> fulfils -> downloads the answer package (a ZIP of that
person's data) -> the request is still found among the done ones; another request extended,
a third rejected. Each page is shot at both widths; at 390 px none may scroll sideways.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from rekisteri.catalogue import Role, Source
from rekisteri.domain.drafts import ContactPointDraft, PersonDraft
from rekisteri.domain.register import ContactKind, PersonKind, Provenance
from rekisteri.domain.requests import ReceivedHow
from rekisteri.entrypoints.api.app import create_app
from rekisteri.entrypoints.web import formats
from rekisteri.services.access import accounts
from rekisteri.services.register import customers
from rekisteri.services.rights import requests
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.clock import FakeClock
from tests.support.live_server import serve
from tests.support.second_factor import give_code

pytestmark = pytest.mark.browser
Shot = Callable[[Page, str], Path]
PASSWORD = "a long enough password"
WIDE, NARROW = 1366, 390

# The words the walk looks for, in each language (from the page catalogues).
WORDS = {
    "fi": {
        "desk": "Tietosuojavastaavan työpöytä", "find": "Hae", "verify": "Tarkista",
        "fulfil": "Toteuta pyyntö", "download": "Lataa vastauspaketti", "show": "Näytä",
        "done": "Käsitellyt", "search": "Viite tai pyytäjä", "go": "Hae pyyntöjä",
        "extend": "Jatka", "new_due": "Uusi eräpäivä", "reason": "Henkilölle kerrottu syy",
        "reject": "Epää pyyntö", "reasons": "Perustelut", "fulfilled": "toteutettu",
        "rejected": "evätty", "verified": "Henkilöllisyys on tarkistettu.",
        "person": "Kenen pyyntö: asiakasnumero tai henkilötunnus",
        "find_first": "Hae ensin henkilö (asiakasnumero tai henkilötunnus)",
        "how": "Miten henkilöllisyys tarkistettiin", "web_form": "verkkolomake",
        "customer": "asiakas",
    },
    "sv": {
        "desk": "Dataskyddsombudets skrivbord", "find": "Sök", "verify": "Kontrollera",
        "fulfil": "Verkställ begäran", "download": "Hämta svarspaketet", "show": "Visa",
        "done": "Behandlade", "search": "Referens eller den som begär", "go": "Sök begäranden",
        "extend": "Förläng", "new_due": "Nytt förfallodatum",
        "reason": "Skäl som personen fått veta", "reject": "Avslå begäran", "reasons": "Skäl",
        "fulfilled": "verkställd", "rejected": "avslagen",
        "verified": "Identiteten har kontrollerats.",
        "person": "Vems begäran: kundnummer eller personbeteckning",
        "find_first": "Sök först personen (kundnummer eller personbeteckning)",
        "how": "Hur identiteten kontrollerades", "web_form": "webbformuläret", "customer": "kund",
    },
}  # fmt: skip


@pytest.fixture
def plain_http(register: RegisterApp) -> Iterator[str]:
    """The app over plain http on 127.0.0.1, so the session cookie is not marked Secure."""
    settings = register.settings.model_copy(update={"session_cookie_secure": False})
    with serve(create_app(dataclasses.replace(register, settings=settings))) as url:
        yield url


def _setup(register: RegisterApp) -> tuple[str, list[str]]:
    """Aino in the register, the DPO's account, and two more requests from the public form
    (to extend and to reject). Returns Aino's customer number and those references."""
    with register.unit_of_work(Actor("test")) as uow:
        draft = PersonDraft(
            PersonKind.NATURAL, first_names="Aino", last_name="Muuttaja",
            personal_identity_code="131052-308T",
            contact_points=(ContactPointDraft(ContactKind.EMAIL, "aino@example.fi"),),
        )  # fmt: skip
        number = customers.register_person(uow, draft, Provenance.of(Source.ORDER, uow.now()))
        accounts.add_user(uow, "olli.dpo", Role.DPO, password=PASSWORD)
        others = [
            requests.new_request(
                uow, None, kind, ReceivedHow.WEB_FORM,
                Provenance(Source.CUSTOMER_CONTACT, uow.now(), "self-service request form"),
                details={"name": name, "contact": f"{name.split()[0].lower()}@example.fi"},
            ).reference
            for kind, name in (("erasure", "Eero Esimerkki"), ("objection", "Outi Outolainen"))
        ]  # fmt: skip
    return number.customer_number, others


def _both_widths(page: Page, shot: Shot, name: str) -> None:
    """Shoot the page wide, then narrow: at 390 px nothing may scroll sideways."""
    shot(page, f"{name}-{WIDE}")
    page.set_viewport_size({"width": NARROW, "height": 900})
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= NARROW, f"{name} at {NARROW} px: the page is {wide} px wide"
    shot(page, f"{name}-{NARROW}")
    page.set_viewport_size({"width": WIDE, "height": 900})


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_the_dpo_handles_requests_from_arrival_to_the_answer_package(
    browser: Browser,
    plain_http: str,
    register: RegisterApp,
    clock: FakeClock,
    shot: Shot,
    lang: str,
) -> None:
    w = WORDS[lang]
    number, (to_extend, to_reject) = _setup(register)
    context = browser.new_context(viewport={"width": WIDE, "height": 900}, accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()

    # A request arrives through the public form.
    page.goto(f"{plain_http}/request?lang={lang}")
    page.locator('input[name="kind"][value="access"]').check()
    page.locator("#name").fill("Aino Muuttaja")
    page.locator("#contact").fill("aino@example.fi")
    clock.advance(seconds=30)
    page.locator("main form button[type=submit]").click()
    receipt = page.get_by_role("status").inner_text()
    reference = receipt[receipt.index("R20") :].strip()

    # The DPO logs in to the desk; the request is there, its reference a link.
    page.goto(f"{plain_http}/console/dpo?lang={lang}")
    page.get_by_label("Käyttäjätunnus / Användarnamn / User ID").fill("olli.dpo")
    page.get_by_label("Salasana / Lösenord / Password").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu / Logga in / Log in").click()
    give_code(page, register, "olli.dpo")  # the DPO's second factor
    page.goto(f"{plain_http}/console/dpo?lang={lang}")
    expect(page.get_by_role("heading", level=1)).to_have_text(w["desk"])
    row = page.locator(f'tr[data-reference="{reference}"]')
    expect(row).to_contain_text("Aino Muuttaja")
    _both_widths(page, shot, f"{lang}-desk")
    row.get_by_role("link", name=reference).click()

    # The request: who wrote, how to answer, how it came; find the person and verify.
    expect(page.locator("#requester")).to_contain_text("aino@example.fi")
    expect(page.locator("#request-facts")).to_contain_text(w["web_form"])
    _both_widths(page, shot, f"{lang}-request-received")
    page.get_by_label(w["find_first"]).fill("131052-308T")
    page.get_by_role("button", name=w["find"], exact=True).click()
    expect(page.locator("#found")).to_contain_text(f"Aino Muuttaja, {w['customer']} {number}")
    expect(page.get_by_label(w["person"])).to_have_value(number)
    page.get_by_label(w["how"]).select_option("identity_document")
    page.get_by_role("button", name=w["verify"], exact=True).click()
    expect(page.locator("#done")).to_have_text(w["verified"])
    expect(page.locator("#linked-person")).to_contain_text(
        f"Aino Muuttaja, {w['customer']} {number}"
    )

    # Fulfil, then download the answer package: that person's data, from the register.
    page.get_by_role("button", name=w["fulfil"]).click()
    expect(page.locator("#state")).to_have_text(w["fulfilled"])
    _both_widths(page, shot, f"{lang}-request-fulfilled")
    with page.expect_download() as got:
        page.get_by_role("button", name=w["download"]).click()
    download = got.value
    assert download.suggested_filename == f"answer-{reference}.zip"
    content = Path(download.path()).read_bytes()
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        names = zf.namelist()
        report = json.loads(zf.read(next(n for n in names if n.endswith(".json"))))
    assert report["customer_number"] == number and report["name"] == "Aino Muuttaja"
    assert any(n.endswith(".pdf") for n in names)

    # Fulfilled, it is among the done requests: found by the requester's name.
    page.goto(f"{plain_http}/console/dpo?lang={lang}")
    expect(page.locator(f'tr[data-reference="{reference}"]')).to_have_count(0)
    page.get_by_label(w["show"], exact=True).select_option("done")
    page.get_by_label(w["search"]).fill("muuttaja")
    page.get_by_role("button", name=w["go"]).click()
    expect(page.locator(f'tr[data-reference="{reference}"]')).to_contain_text(number)
    _both_widths(page, shot, f"{lang}-desk-done")

    # Another request: the deadline extended, with the reason the person was told.
    page.goto(f"{plain_http}/console/dpo/requests/{to_extend}?lang={lang}")
    with register.reading(Actor("test")) as uow:
        new_due = requests.load(uow, to_extend).due_on + dt.timedelta(days=30)
    page.get_by_label(w["new_due"]).fill(new_due.isoformat())
    page.get_by_label(w["reason"]).fill("paljon aineistoa")
    page.get_by_role("button", name=w["extend"], exact=True).click()
    expect(page.locator("#extension")).to_contain_text(formats.format_date(new_due, lang))
    expect(page.locator("#extension")).to_contain_text("paljon aineistoa")
    expect(page.locator("#due")).to_contain_text(formats.format_date(new_due, lang))

    # A third: rejected, with reasons; it too stays findable.
    page.goto(f"{plain_http}/console/dpo/requests/{to_reject}?lang={lang}")
    page.get_by_label(w["reasons"], exact=True).fill("henkilöllisyyttä ei voitu todentaa")
    page.get_by_role("button", name=w["reject"]).click()
    expect(page.locator("#state")).to_have_text(w["rejected"])
    expect(page.locator("#rejection")).to_contain_text("henkilöllisyyttä ei voitu todentaa")
    _both_widths(page, shot, f"{lang}-request-rejected")
    page.goto(f"{plain_http}/console/dpo?lang={lang}&show=done")
    expect(page.locator(f'tr[data-reference="{to_reject}"]')).to_contain_text("Outi Outolainen")
    context.close()
