"""The DPO's record of processing in a real browser (Chromium via Playwright): reached from the
console's menu after login, readable at 1366 and 390 px wide in Finnish and Swedish (nothing
wider than the window), with its PDF link. Screenshots go to test-artifacts/."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from rekisteri.catalogue import Role
from rekisteri.entrypoints.api.app import create_app
from rekisteri.services.access import accounts
from rekisteri.services.access.disclosures import add_recipient
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.live_server import serve
from tests.support.second_factor import give_code

pytestmark = pytest.mark.browser
Shot = Callable[[Page, str], Path]
PASSWORD = "a long enough password"
TITLES = {"fi": "Seloste käsittelytoimista", "sv": "Register över behandling"}


@pytest.fixture
def plain_http(register: RegisterApp) -> Iterator[str]:
    """The app over plain http on 127.0.0.1, so the session cookie is not marked Secure."""
    settings = register.settings.model_copy(update={"session_cookie_secure": False})
    with serve(create_app(dataclasses.replace(register, settings=settings))) as url:
        yield url


def test_the_dpo_reads_the_record_at_two_widths_in_fi_and_sv(
    register: RegisterApp, plain_http: str, page: Page, shot: Shot
) -> None:
    with register.unit_of_work(Actor("test")) as uow:
        accounts.add_user(uow, "olli.dpo", Role.DPO, password=PASSWORD)
        add_recipient(uow, "Pilvipalvelu Inc", "service_provider", "US",
                      ["service_delivery"], safeguard="scc")  # fmt: skip
    url = plain_http
    page.goto(f"{url}/console/dpo")
    page.get_by_label("Käyttäjätunnus / Användarnamn / User ID").fill("olli.dpo")
    page.get_by_label("Salasana / Lösenord / Password").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu / Logga in / Log in").click()
    give_code(page, register, "olli.dpo")  # the DPO's second factor
    expect(page).to_have_url(f"{url}/console/dpo")
    page.goto(f"{url}/console/dpo?lang=fi")  # the browser asks for English by itself
    page.get_by_role("link", name=TITLES["fi"]).click()
    expect(page).to_have_url(f"{url}/console/ropa?lang=fi")
    for lang, title in TITLES.items():
        for width in (1366, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{url}/console/ropa?lang={lang}")
            expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
            expect(page.locator("#transfers")).to_contain_text("Pilvipalvelu Inc")
            expect(page.locator("a[href*='/console/ropa.pdf']")).to_be_visible()
            wider = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert wider <= 0, (lang, width, wider)
            shot(page, f"{lang}-{width}")
