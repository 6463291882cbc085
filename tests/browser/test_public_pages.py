"""The public pages in a real browser: the statement in Swedish, the language switch, keyboard."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from rekisteri.catalogue import catalogue, label

pytestmark = pytest.mark.browser
Shot = Callable[[Page, str], Path]


def test_the_privacy_statement_in_swedish_shows_every_category(
    page: Page, site: str, shot: Shot
) -> None:
    page.goto(f"{site}/privacy?lang=sv")
    assert page.locator("html").get_attribute("lang") == "sv"
    expect(page.get_by_role("heading", level=1)).to_have_text("Dataskyddsbeskrivning")
    content = page.locator("section#content")
    for category in catalogue.categories():
        expect(content.locator("dt", has_text=label(category, "sv")).first).to_be_visible()
    expect(page.get_by_role("heading", level=2)).to_have_count(11)
    expect(page.locator(".updated")).to_contain_text("1.11.2026")
    # The table of contents leads to each section.
    page.get_by_role("navigation", name="Innehåll").get_by_role("link", name="Kakor").click()
    assert page.url.endswith("#cookies")
    shot(page, "sv")


def test_the_language_switch_goes_fi_sv_en_and_the_page_follows(
    page: Page, site: str, shot: Shot
) -> None:
    page.goto(f"{site}/privacy?lang=fi")
    switch = page.get_by_role("navigation", name="Kieli")
    expect(switch.get_by_role("link", name="Suomi")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tietosuojaseloste")
    shot(page, "fi")

    switch.get_by_role("link", name="Svenska").click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dataskyddsbeskrivning")
    assert page.url.endswith("/privacy?lang=sv")

    page.get_by_role("navigation", name="Språk").get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacy statement")
    english = page.get_by_role("navigation", name="Language")
    expect(english.get_by_role("link", name="English")).to_have_attribute("aria-current", "page")
    # The language stays with the visitor through the site's own links.
    page.get_by_role("link", name="Home").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    shot(page, "en-home")


def _focused(page: Page) -> str:
    return str(
        page.evaluate(
            "() => { const e = document.activeElement;"
            " return (e.closest('nav') ? e.closest('nav').getAttribute('aria-label') + ': ' : '')"
            " + e.textContent.trim(); }"
        )
    )


def test_the_keyboard_reaches_the_skip_link_and_the_language_switch(
    page: Page, site: str, shot: Shot
) -> None:
    page.goto(f"{site}/?lang=fi")
    page.keyboard.press("Tab")
    assert _focused(page) == "Siirry sisältöön"
    skip = page.get_by_role("link", name="Siirry sisältöön")
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0, "the skip link shows when it has focus"
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "focus is visible"

    reached = []
    for _ in range(6):
        page.keyboard.press("Tab")
        reached.append(_focused(page))
        if reached[-1] == "Kieli: Svenska":
            break
    assert reached[-1] == "Kieli: Svenska", reached
    shot(page, "focus-on-switch")
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("heading", level=1)).to_contain_text("kundregister")


def test_reading_the_public_pages_leaves_no_cookie_in_the_browser(page: Page, site: str) -> None:
    for path in ("/", "/privacy?lang=sv", "/tietosuoja", "/dataskydd?lang=en"):
        page.goto(f"{site}{path}")
    page.get_by_role("link", name="Privacy statement").first.click()
    assert page.context.cookies() == []
