"""The person page people read (issue 17, item 3) in Chromium: on a phone (390 px) nothing
scrolls sideways, and on a desktop (1366 px) the same page; fi and sv, with screenshots of
both widths in test-artifacts/."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from rekisteri.catalogue import Role
from rekisteri.demo.customers import generate
from rekisteri.entrypoints.api.app import create_app
from rekisteri.services.unit_of_work import RegisterApp
from tests.e2e.test_no_raw_code import _covering
from tests.support.clock import FakeClock
from tests.support.live_server import serve
from tests.support.staff import tokens_per_role

pytestmark = pytest.mark.browser
Shot = Callable[[Page, str], Path]
WIDTHS = (1366, 390)
# What sticks out of the viewport outside a box that scrolls on its own (for the message).
WIDEST = """[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > innerWidth + 1 && !e.closest('.table-scroll'))
  .slice(0, 12)
  .map(e => e.tagName + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right))"""


@pytest.fixture
def demo_site(register: RegisterApp, clock: FakeClock) -> Iterator[tuple[str, str, list[str]]]:
    """The app over a demo register: its URL, a customer service token, and customer numbers
    of persons who between them have data in every section of the page."""
    clock.set(dt.datetime(2026, 3, 20, 10, 0, tzinfo=dt.UTC))
    generate(register, 120, seed=1)
    token = tokens_per_role(register)[Role.CUSTOMER_SERVICE]
    persons, _ = _covering(register)
    with serve(create_app(register)) as url:
        yield url, token, persons


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_the_person_page_fits_a_phone(
    browser: Browser, demo_site: tuple[str, str, list[str]], lang: str, shot: Shot
) -> None:
    url, token, persons = demo_site
    for width in WIDTHS:
        context = browser.new_context(
            viewport={"width": width, "height": 900},
            extra_http_headers={"Authorization": f"Bearer {token}"},
        )
        page = context.new_page()
        try:
            for n, number in enumerate(persons):
                page.goto(f"{url}/console/persons/{number}?lang={lang}")
                expect(page.locator("h1")).to_contain_text(number)
                # The summary comes first: who, contracts in force, open requests, marketing.
                expect(page.locator("main h2").first).to_have_attribute("id", "summary-title")
                if n == 0:
                    shot(page, f"{lang}-{width}")
                wide = page.evaluate("document.documentElement.scrollWidth")
                if wide > width:
                    pytest.fail(
                        f"{number} in {lang}: {wide} px at {width}: {page.evaluate(WIDEST)}"
                    )
        finally:
            context.close()
