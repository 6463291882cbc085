"""The register of recipients and the segments in a real browser (issue 17 items 5c and 5d):
the DPO adds a group company; marketing builds a segment and sees its counts; each page at
1366 px and at 390 px without sideways scrolling. Screenshots in test-artifacts/."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from rekisteri.catalogue import Role
from rekisteri.services.access import accounts
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.browser.test_search_page import NARROW, PASSWORD, WIDE, _fits, plain_http  # noqa: F401
from tests.support.registered import add_person
from tests.support.second_factor import give_code

pytestmark = pytest.mark.browser
Shot = Callable[[Page, str], Path]


def _log_in(page: Page, url: str, register: RegisterApp, name: str, target: str) -> None:
    page.goto(f"{url}{target}?lang=fi")
    page.get_by_label("Käyttäjätunnus / Användarnamn / User ID").fill(name)
    page.get_by_label("Salasana / Lösenord / Password").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu / Logga in / Log in").click()
    if name.endswith(".dpo"):
        give_code(page, register, name)
    page.goto(f"{url}{target}?lang=fi")


def _both_widths(page: Page, shot: Shot, name: str) -> None:
    for width in (WIDE, NARROW):
        page.set_viewport_size({"width": width, "height": 900})
        _fits(page, width)
        shot(page, f"{name}-{width}")
    page.set_viewport_size({"width": WIDE, "height": 900})


def test_recipients_and_segments_pages(
    page: Page,
    plain_http: str,  # noqa: F811 - the fixture imported above
    register: RegisterApp,
    shot: Shot,
) -> None:
    add_person(register, 0)
    with register.unit_of_work(Actor("test")) as uow:
        accounts.add_user(uow, "olli.dpo", Role.DPO, password=PASSWORD)
        accounts.add_user(uow, "mari.mk", Role.MARKETING, password=PASSWORD)
    _log_in(page, plain_http, register, "olli.dpo", "/console/recipients")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vastaanottajat")
    page.get_by_label("Nimi", exact=True).fill("Sisaryhtiö Oy")
    page.get_by_label("Laji", exact=True).select_option("subsidiary")
    page.get_by_label("markkinointi ja etämyynti", exact=True).check()
    page.get_by_role("button", name="Lisää vastaanottaja").click()
    expect(page.locator("table.data")).to_contain_text("Sisaryhtiö Oy")
    expect(page.locator("table.data")).to_contain_text("konserniyhtiö")
    _both_widths(page, shot, "recipients")

    page.context.clear_cookies()
    _log_in(page, plain_http, register, "mari.mk", "/console/segments")
    expect(page.get_by_role("heading", level=1)).to_have_text("Segmentit")
    page.get_by_label("Nimi", exact=True).fill("yksityiset")
    page.get_by_label("Säännöt, yksi riville: KENTTÄ=ARVO").fill("person_kind=natural")
    page.get_by_role("button", name="Tallenna segmentti").click()
    expect(page.get_by_role("heading", level=2, name="yksityiset")).to_be_visible()
    expect(page.locator("dl.counts").first).to_contain_text("Segmentissä tänään")
    _both_widths(page, shot, "segments")
