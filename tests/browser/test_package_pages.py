"""The person's access package pages in a real browser, in Finnish and Swedish, wide (1366 px)
and on a phone (390 px): the link opened, the code sent to a real SMTP server, a wrong code,
the download, and the page a second visit gets. Screenshots into test-artifacts/."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from rekisteri.domain.register import MotherTongue
from rekisteri.services.unit_of_work import RegisterApp
from tests.support import package_links
from tests.support.clock import FakeClock
from tests.support.people import make_customer
from tests.support.smtp import Inbox, smtp_server

pytestmark = pytest.mark.browser
Shot = Callable[[Page, str], Path]
WIDE, NARROW = 1366, 390
WORDS = {
    "fi": {
        "title": "Tietopakettisi",
        "send": "Lähetä koodi",
        "sent": "Lähetimme koodin",
        "code": "Koodi",
        "download": "Lataa tietopaketti",
        "wrong": "Koodi ei ollut oikein",
        "again": "on jo ladattu",
    },
    "sv": {
        "title": "Ditt datapaket",
        "send": "Skicka koden",
        "sent": "Vi skickade koden",
        "code": "Kod",
        "download": "Ladda ned datapaketet",
        "wrong": "Koden var fel",
        "again": "har redan laddats ned",
    },
}


@pytest.fixture
def inbox(register: RegisterApp, tmp_path: Path) -> Iterator[Inbox]:
    """A real mail server for the codes; set before the app is served."""
    with smtp_server() as box:
        register.settings = register.settings.model_copy(
            update={
                "smtp_host": "127.0.0.1",
                "smtp_port": box.port,
                "file_store_dir": tmp_path / "files",
            }
        )
        yield box


def _fits(page: Page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= width, f"the page is {wide} px wide at {width} px"


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_the_person_downloads_their_package_once(
    register: RegisterApp,
    clock: FakeClock,
    inbox: Inbox,
    served: str,
    page: Page,
    shot: Shot,
    lang: str,
) -> None:
    w = WORDS[lang]
    c = make_customer(register, tongue=MotherTongue(lang))
    clock.advance(minutes=1)
    package_links.fulfilled_access(register, c.person_id)
    token = package_links.link_token(register, c.person_id)

    page.goto(f"{served}/package/{token}")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.get_by_role("heading", level=1)).to_have_text(w["title"])
    expect(page.get_by_text("m***@example.fi")).to_be_visible()
    for width in (WIDE, NARROW):
        _fits(page, width)
        shot(page, f"{lang}-{width}-link")

    page.set_viewport_size({"width": WIDE, "height": 900})
    page.get_by_role("button", name=w["send"]).click()
    expect(page.get_by_role("status")).to_contain_text(w["sent"])
    found = re.search(r"\b(\d{6})\b", inbox.messages[-1].get_content())
    assert found is not None
    for width in (WIDE, NARROW):
        _fits(page, width)
        shot(page, f"{lang}-{width}-code")

    code = page.get_by_label(w["code"], exact=True)
    code.fill("000000" if found[1] != "000000" else "111111")
    page.get_by_role("button", name=w["download"]).click()
    expect(page.get_by_role("status")).to_contain_text(w["wrong"])
    _fits(page, NARROW)
    shot(page, f"{lang}-{NARROW}-wrong-code")

    page.get_by_label(w["code"], exact=True).fill(found[1])
    with page.expect_download() as got:
        page.get_by_role("button", name=w["download"]).click()
    assert got.value.suggested_filename.startswith("answer-R")
    assert Path(got.value.path()).read_bytes()[:2] == b"PK"

    page.goto(f"{served}/package/{token}")
    expect(page.get_by_role("status")).to_contain_text(w["again"])
    for width in (WIDE, NARROW):
        _fits(page, width)
        shot(page, f"{lang}-{width}-downloaded")
