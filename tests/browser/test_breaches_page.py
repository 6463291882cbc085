"""The DPO's breach page in Chromium: the deadline and the time left, "overdue" after 72 hours,
readable at 1366 and 390 px wide in Finnish and Swedish (nothing wider than the window)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from rekisteri.catalogue import Role
from rekisteri.entrypoints.api.app import create_app
from rekisteri.services.access import accounts
from rekisteri.services.breaches import records
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.clock import FakeClock
from tests.support.live_server import serve
from tests.support.second_factor import give_code

pytestmark = pytest.mark.browser
Shot = Callable[[Page, str], Path]
PASSWORD = "a long enough password"
DPO = Actor("olli.dpo", Role.DPO)


@pytest.fixture
def plain_http(register: RegisterApp) -> Iterator[str]:
    settings = register.settings.model_copy(update={"session_cookie_secure": False})
    with serve(create_app(dataclasses.replace(register, settings=settings))) as url:
        yield url


def _breaches(register: RegisterApp, clock: FakeClock) -> tuple[str, str]:
    with register.unit_of_work(Actor("test")) as uow:
        accounts.add_user(uow, "olli.dpo", Role.DPO, password=PASSWORD)
    with register.unit_of_work(DPO) as uow:
        late = records.open_breach(
            uow, summary="lost laptop", kind="confidentiality",
            aware_at=clock() - dt.timedelta(hours=75), noticed_by="IT",
        )  # fmt: skip
        fresh = records.open_breach(
            uow, summary="wrong recipient", kind="availability",
            aware_at=clock() - dt.timedelta(hours=30, minutes=55), noticed_by="billing",
        )  # fmt: skip
    return late, fresh


@pytest.mark.parametrize(
    ("lang", "title", "overdue", "left"),
    [
        ("fi", "Henkilötietojen tietoturvaloukkaukset", "myöhässä", "41 t 05 min"),
        ("sv", "Personuppgiftsincidenter", "försenad", "41 h 05 min"),
    ],
)
def test_the_breach_page_counts_down_at_both_widths(
    browser: Browser,
    plain_http: str,
    register: RegisterApp,
    clock: FakeClock,
    shot: Shot,
    lang: str,
    title: str,
    overdue: str,
    left: str,
) -> None:
    late, fresh = _breaches(register, clock)
    for width in (1366, 390):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        target = f"/console/breaches?lang={lang}"
        page.goto(f"{plain_http}{target}")
        page.get_by_label("Käyttäjätunnus / Användarnamn / User ID").fill("olli.dpo")
        page.get_by_label("Salasana / Lösenord / Password").fill(PASSWORD)
        page.get_by_role("button", name="Kirjaudu / Logga in / Log in").click()
        give_code(page, register, "olli.dpo")  # the DPO's second factor
        expect(page).to_have_url(f"{plain_http}/console/breaches")
        page.goto(f"{plain_http}{target}")  # the login keeps the path, not the language
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        late_row = page.locator(f'tr[data-reference="{late}"]')
        expect(late_row).to_have_attribute("data-state", "overdue")
        expect(late_row.locator("td.left")).to_contain_text(overdue)
        expect(page.locator(f'tr[data-reference="{fresh}"] td.left')).to_have_text(left)
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, f"{lang} at {width} px: the page is {wide} px wide"
        shot(page, f"{lang}-{width}")
        context.close()
