"""The public pages over HTTP: languages, the privacy statement, structure, and cookies (P15)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from rekisteri.adapters import db
from rekisteri.adapters.crypto import Cipher, Keyring
from rekisteri.catalogue import catalogue, label
from rekisteri.catalogue.cookies import DECLARED_COOKIES, STRICTLY_NECESSARY
from rekisteri.config import Settings
from rekisteri.entrypoints.api.app import create_app
from rekisteri.entrypoints.web import pages
from rekisteri.services.unit_of_work import RegisterApp


@pytest.fixture
def client(sqlite_template: Path, tmp_path: Path) -> Iterator[TestClient]:
    """The pages hold no personal data, so one backend is enough here."""
    path = tmp_path / "pages.db"
    shutil.copy(sqlite_template, path)
    keyring = Keyring.generate()
    settings = Settings(database_url=f"sqlite:///{path}", secret_key=keyring.to_json())
    register = RegisterApp(db.make_engine(settings.database_url), Cipher(keyring), settings)
    with TestClient(create_app(register)) as c:
        yield c
    register.engine.dispose()


class Page(HTMLParser):
    """The parts of a page the tests look at."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.links: list[tuple[dict[str, str | None], str]] = []
        self._link: dict[str, str | None] | None = None
        self._text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "a":
            self._link, self._text = dict(attrs), []

    def handle_data(self, data: str) -> None:
        if self._link is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._link is not None:
            self.links.append((self._link, "".join(self._text).strip()))
            self._link = None

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag]


@pytest.mark.parametrize(("lang", "skip"), [("fi", "Siirry sisältöön"), ("sv", "Hoppa")])
def test_the_landing_page_links_to_the_statement_and_the_staff_login(
    client: TestClient, lang: str, skip: str
) -> None:
    answer = client.get(f"/?lang={lang}")
    assert answer.status_code == 200 and answer.headers["content-language"] == lang
    page = Page(answer.text)
    assert page.all("html")[0]["lang"] == lang
    hrefs = [a.get("href") or "" for a, _ in page.links]
    assert f"/privacy?lang={lang}" in hrefs
    assert f"/login?lang={lang}" in hrefs
    assert skip in answer.text


@pytest.mark.parametrize("path", ["/", "/privacy", "/tietosuoja", "/dataskydd"])
def test_every_public_page_is_accessible_in_structure(client: TestClient, path: str) -> None:
    page = Page(client.get(path).text)
    assert page.all("html")[0].get("lang") in {"fi", "sv", "en"}
    assert len(page.all("h1")) == 1
    assert [m.get("id") for m in page.all("main")] == ["main"]
    skip = page.links[0]
    assert skip[0].get("href") == "#main" and skip[1], "the first link skips to the content"
    assert {"header", "main", "footer", "nav"} <= {t for t, _ in page.tags}
    for nav in page.all("nav"):
        assert nav.get("aria-label"), "every navigation landmark is named"
    for attrs, text in page.links:
        assert text or attrs.get("aria-label"), f"a link without a name: {attrs}"
    switch = [a for a, _ in page.links if a.get("hreflang")]
    assert sorted(a.get("lang") or "" for a in switch) == ["en", "fi", "sv"]
    assert sum(1 for a in switch if a.get("aria-current") == "page") == 1


def test_the_privacy_page_in_swedish_shows_every_category(client: TestClient) -> None:
    answer = client.get("/privacy?lang=sv")
    assert answer.status_code == 200
    text = answer.text
    for category in catalogue.categories():
        assert label(category, "sv") in text, category
    page = Page(text)
    assert [h.get("id") for h in page.all("h2")][:2] == ["controller-title", "contact-title"]
    assert len(page.all("section")) == 11
    assert "Uppdaterad" in text and "1.11.2026" in text


def test_the_finnish_and_swedish_addresses_default_to_their_language(client: TestClient) -> None:
    assert client.get("/tietosuoja").headers["content-language"] == "fi"
    assert client.get("/dataskydd").headers["content-language"] == "sv"
    assert client.get("/dataskydd?lang=en").headers["content-language"] == "en"
    browser_says = {"Accept-Language": "sv-FI,sv;q=0.9"}
    assert client.get("/privacy", headers=browser_says).headers["content-language"] == "sv"


def _walk(
    client: TestClient,
    start: list[str],
    *,
    skip: str | None = None,
) -> tuple[set[str], list[str]]:
    """Follow every same-site link from `start` (not into paths starting with `skip`); return
    the pages seen and the cookies set."""
    seen: set[str] = set()
    cookies: list[str] = []
    queue = list(start)
    while queue:
        url = queue.pop()
        if url in seen or (skip and url.startswith(skip)):
            continue
        seen.add(url)
        answer = client.get(url, follow_redirects=False)
        cookies += [h.split("=", 1)[0] for h in answer.headers.get_list("set-cookie")]
        if "html" not in answer.headers.get("content-type", ""):
            continue
        for attrs, _ in Page(answer.text).links:
            href = attrs.get("href") or ""
            parts = urlsplit(href)
            if href.startswith("/") and not href.startswith("//"):
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return seen, cookies


@pytest.mark.proves("P15.necessary-cookies-only", "P15.public-pages-no-cookies")
def test_public_pages_set_no_cookie_and_nothing_sets_an_undeclared_one(
    client: TestClient,
) -> None:
    client.cookies.clear()
    seen, cookies = _walk(client, ["/", "/privacy", "/tietosuoja", "/dataskydd"])
    assert {"/?lang=sv", "/privacy?lang=en", "/login?lang=fi"} <= seen
    public = [u for u in seen if not u.startswith("/login")]
    assert len(public) >= 9
    undeclared = set(cookies) - STRICTLY_NECESSARY
    assert not undeclared, f"cookies not declared as strictly necessary: {undeclared}"
    # The pages anyone can read set none at all (the language travels in the address).
    client.cookies.clear()
    _, public_cookies = _walk(client, public, skip="/login")
    assert public_cookies == []
    # And every GET route of the application without parameters, pages or not.
    for route in client.app.routes:  # type: ignore[attr-defined]
        path = getattr(route, "path", "")
        if "GET" in getattr(route, "methods", set()) and "{" not in path:
            answer = client.get(path, follow_redirects=False)
            names = {h.split("=", 1)[0] for h in answer.headers.get_list("set-cookie")}
            assert names <= STRICTLY_NECESSARY, (path, names)


def test_the_statement_describes_the_declared_cookies(client: TestClient) -> None:
    text = client.get("/privacy?lang=fi").text
    for cookie in DECLARED_COOKIES:
        assert cookie.name in text
        assert cookie.lifetime.in_("fi") in text


def test_every_page_route_says_why_it_may_be_public() -> None:
    paths = {getattr(r, "path", None) for r in pages.router.routes}
    assert paths == set(pages.PUBLIC_PAGES)
    assert all(reason.strip() for reason in pages.PUBLIC_PAGES.values())
