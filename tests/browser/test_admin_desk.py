"""The administrator's desk in a real browser (issue 17 item 5a): log in with the second
factor, add an account (its password shown once), lock it and unlock it, change its role,
revoke a token; at 1366 px and at 390 px, where the page never scrolls sideways. Screenshots
in test-artifacts/."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from rekisteri.catalogue import Role
from rekisteri.services.access import accounts
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.browser.test_search_page import NARROW, PASSWORD, WIDE, _fits, plain_http  # noqa: F401
from tests.support.second_factor import give_code

pytestmark = pytest.mark.browser
Shot = Callable[[Page, str], Path]


def test_the_administrator_manages_accounts_and_tokens(
    page: Page,
    plain_http: str,  # noqa: F811 - the fixture imported above
    register: RegisterApp,
    shot: Shot,
) -> None:
    with register.unit_of_work(Actor("test")) as uow:
        accounts.add_user(uow, "ylla.pitaja", Role.ADMINISTRATOR, password=PASSWORD)
        accounts.add_user(uow, "bertta.bi", Role.BILLING, password=PASSWORD)
        accounts.issue_token(uow, "bertta.bi", "laskutusintegraatio", None, 30)
    page.goto(f"{plain_http}/console/admin?lang=fi")
    page.get_by_label("Käyttäjätunnus / Användarnamn / User ID").fill("ylla.pitaja")
    page.get_by_label("Salasana / Lösenord / Password").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu / Logga in / Log in").click()
    give_code(page, register, "ylla.pitaja")
    page.goto(f"{plain_http}/console/admin?lang=fi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ylläpito")
    for width in (WIDE, NARROW):
        page.set_viewport_size({"width": width, "height": 900})
        _fits(page, width)
        shot(page, f"desk-{width}")

    page.set_viewport_size({"width": WIDE, "height": 900})
    page.get_by_label("Käyttäjätunnus", exact=True).fill("maija.cs")
    page.get_by_label("Rooli", exact=True).select_option("customer_service")
    page.get_by_role("button", name="Lisää tunnus").click()
    expect(page.get_by_role("status")).to_contain_text("Tunnus maija.cs luotiin")
    row = page.locator("tr", has_text="maija.cs")
    row.get_by_role("button", name="Lukitse").click()
    expect(page.locator("tr", has_text="maija.cs")).to_contain_text("ylläpitäjä on lukinnut")
    page.locator("tr", has_text="maija.cs").get_by_role("button", name="Avaa lukitus").click()
    expect(page.locator("tr", has_text="maija.cs")).to_contain_text("voi kirjautua")
    # Another role for maija.cs: chosen in her row, not offered in one's own row.
    page.locator("tr", has_text="maija.cs").get_by_label(
        "Käyttäjän maija.cs uusi rooli"
    ).select_option("billing")
    page.locator("tr", has_text="maija.cs").get_by_role("button", name="Vaihda rooli").click()
    expect(page.locator("tr", has_text="maija.cs").locator("td").first).to_have_text("laskutus")
    expect(page.locator("tr", has_text="ylla.pitaja").get_by_role("combobox")).to_have_count(0)
    for width in (WIDE, NARROW):
        page.set_viewport_size({"width": width, "height": 900})
        _fits(page, width)
        shot(page, f"role-{width}")
    page.set_viewport_size({"width": WIDE, "height": 900})
    token = page.locator("tr", has_text="laskutusintegraatio")
    token.get_by_role("button", name="Mitätöi").click()
    expect(page.locator("tr", has_text="laskutusintegraatio")).to_contain_text("mitätöity")
    page.set_viewport_size({"width": NARROW, "height": 900})
    _fits(page, NARROW)
    shot(page, f"after-{NARROW}")
