"""The retention run's page in a real browser (issue 17 item 5b): the DPO previews the run and
approves the preview; at 1366 px and 390 px without sideways scrolling. Screenshots in
test-artifacts/."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from rekisteri.catalogue import Role
from rekisteri.services.access import accounts
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.browser.test_search_page import NARROW, PASSWORD, WIDE, _fits, plain_http  # noqa: F401
from tests.e2e.test_retention_desk_web import PURGED, _objecting_prospect
from tests.support.clock import FakeClock
from tests.support.people import make_customer
from tests.support.second_factor import give_code

pytestmark = pytest.mark.browser
Shot = Callable[[Page, str], Path]


def test_the_dpo_previews_and_approves_the_retention_run(
    page: Page,
    plain_http: str,  # noqa: F811 - the fixture imported above
    register: RegisterApp,
    clock: FakeClock,
    shot: Shot,
) -> None:
    _objecting_prospect(register, "Poistuva")
    # A customer who left: contact data, a recording and its audio kept elsewhere go too.
    make_customer(register, ended_on=dt.date(2025, 12, 31))
    clock.advance(days=400)
    with register.unit_of_work(Actor("test")) as uow:
        accounts.add_user(uow, "olli.dpo", Role.DPO, password=PASSWORD)
    page.goto(f"{plain_http}/console/retention?lang=fi")
    page.get_by_label("Käyttäjätunnus / Användarnamn / User ID").fill("olli.dpo")
    page.get_by_label("Salasana / Lösenord / Password").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu / Logga in / Log in").click()
    give_code(page, register, "olli.dpo")
    page.goto(f"{plain_http}/console/retention?lang=fi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Säilytysaikojen ajo")
    page.get_by_role("button", name="Esikatsele ajoa").click()
    expect(page.get_by_role("heading", level=2)).to_contain_text("Esikatselu")
    expect(page.locator("dl.counts")).to_contain_text(PURGED)
    expect(page.locator("dl.counts")).to_contain_text("Puhelutallenteet ja niiden tallennusaika")
    page.get_by_text("Äänitiedostot, jotka hävitetään siellä, missä niitä säilytetään").click()
    expect(page.locator("ul.files")).to_contain_text("recordings/")
    for width in (WIDE, NARROW):
        page.set_viewport_size({"width": width, "height": 900})
        _fits(page, width)
        shot(page, f"preview-{width}")
    page.get_by_role("button", name="Hyväksy ja aja esikatsellun mukaisesti").click()
    expect(page.get_by_role("heading", level=2)).to_contain_text("Ajo")
    _fits(page, NARROW)
    shot(page, f"run-{NARROW}")
