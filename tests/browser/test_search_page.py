"""The console's search in a real browser (issue 17 item 2): customer service finds the two
Jani Virtanens and tells them apart, finds a person by the supply address they moved to and by
postal code and post office, sees a protected person's address withheld and nobody by that
address; billing is shown no relationship (the catalogue's readers). At 1366 px and at 390 px,
where the page never scrolls sideways. Screenshots in test-artifacts/."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from rekisteri.catalogue import Role
from rekisteri.catalogue.protection import PROTECTED_WORDS
from rekisteri.entrypoints.api.app import create_app
from rekisteri.services.access import accounts
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.integration.test_search_keys import Town, town  # noqa: F401 - the fixture
from tests.support.live_server import serve
from tests.support.protected import make_protected

pytestmark = pytest.mark.browser
Shot = Callable[[Page, str], Path]
PASSWORD = "a long enough password"
WIDE, NARROW = 1366, 390
FIELD = "Nimi, asiakasnumero, henkilötunnus, osoite, puhelin, sähköposti tai mittauspiste"


@pytest.fixture
def plain_http(register: RegisterApp) -> Iterator[str]:
    """The app over plain http on 127.0.0.1, so the session cookie is not marked Secure."""
    settings = register.settings.model_copy(update={"session_cookie_secure": False})
    with serve(create_app(dataclasses.replace(register, settings=settings))) as url:
        yield url


def _log_in(page: Page, url: str, username: str) -> None:
    page.goto(f"{url}/console?lang=fi")
    page.get_by_label("Käyttäjätunnus / Användarnamn / User ID").fill(username)
    page.get_by_label("Salasana / Lösenord / Password").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu / Logga in / Log in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.goto(f"{url}/console?lang=fi")  # the search form keeps the language
    expect(page.get_by_role("heading", level=1)).to_have_text("Etsi henkilö")


def _search(page: Page, query: str) -> None:
    page.get_by_label(FIELD).fill(query)
    page.get_by_role("button", name="Haku", exact=True).click()


def _fits(page: Page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= width, f"the page is {wide} px wide at {width} px"


def test_search_tells_namesakes_apart_and_keeps_protected_addresses(
    page: Page,
    plain_http: str,
    register: RegisterApp,
    town: Town,  # noqa: F811 - the fixture imported above
    shot: Shot,
) -> None:
    protected = make_protected(register)
    with register.unit_of_work(Actor("test")) as uow:
        accounts.add_user(uow, "maija.cs", Role.CUSTOMER_SERVICE, password=PASSWORD)
        accounts.add_user(uow, "bertta.bi", Role.BILLING, password=PASSWORD)
    _log_in(page, plain_http, "maija.cs")
    for width in (WIDE, NARROW):
        page.set_viewport_size({"width": width, "height": 900})
        _search(page, "Virtanen, Jani")
        expect(page.get_by_role("status")).to_have_text("2 löytyi nimellä")
        rows = page.locator("table.results tbody tr")
        expect(rows).to_have_count(2)
        expect(rows.nth(0)).to_contain_text("1991")  # "Virtanen, Jani" before "Virtanen, Jani P"
        expect(rows.nth(0)).to_contain_text("Mannerheimintie 55, 00100 Helsinki")
        expect(rows.nth(0)).to_contain_text("mahdollinen asiakas")
        expect(rows.nth(1)).to_contain_text("1980")
        expect(rows.nth(1)).to_contain_text("Rantatie 12, 13166 Parainen")
        expect(rows.nth(1)).to_contain_text(town.numbers[town.jani_1980])
        _fits(page, width)
        shot(page, f"namesakes-{width}")

        _search(page, "13166 Parainen")
        expect(page.get_by_role("status")).to_have_text("1 löytyi postinumerolla ja -toimipaikalla")
        _search(page, "Turvala")
        expect(page.locator("table.results tbody tr")).to_contain_text(PROTECTED_WORDS.fi)
        _search(page, "Piilotie 41")  # the protected person's supply address
        expect(page.get_by_role("status")).to_contain_text("Ketään ei löytynyt")
        _fits(page, width)
        shot(page, f"protected-{width}")
    _search(page, "Rantatie 12")
    page.get_by_role("link", name="Virtanen, Jani Petteri").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Jani Petteri Virtanen")
    assert protected.person_id

    page.context.clear_cookies()
    _log_in(page, plain_http, "bertta.bi")
    _search(page, "Jani Virtanen")
    expect(page.locator("table.results tbody tr")).to_have_count(2)
    expect(page.locator("table.results thead")).not_to_contain_text("Asiakkuus")
    expect(page.locator("table.results")).not_to_contain_text("mahdollinen asiakas")
    _fits(page, NARROW)
    shot(page, f"billing-{NARROW}")
