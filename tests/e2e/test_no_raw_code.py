"""No page shows a code or words of another language (issue 17, item 4: "the no-raw-code test").

Every staff page (each role's desks, the person page of demo persons who between them have data
in every category) and the public pages are rendered in Finnish, Swedish and English. Their
visible text (text nodes and the names assistive technology reads: aria-label, title, alt,
placeholder), taken with an HTML parser, is split into words, and each word must come from
the page language's translations (the .po catalogue, every fi/sv/en `Words` of the code, the
calendar's names) or from the register's data (names, streets, e-mail addresses, numbers).
A value of one of the register's enums is a raw code unless it is also a word of the page's
language: `tenant` on a Finnish page fails, `moved_out` on any page fails, and so does an
English phrase that no Finnish translation has ("customer" on a Finnish page).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import sys
from collections.abc import Iterator
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import pytest
from babel import Locale
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from sqlalchemy import String, Text, select

from rekisteri.adapters.schema import metadata
from rekisteri.adapters.schema.register import person
from rekisteri.adapters.schema.rights import rights_request
from rekisteri.catalogue import Role, Source, Words
from rekisteri.catalogue.cookies import DECLARED_COOKIES
from rekisteri.demo.customers import generate
from rekisteri.domain.register import Provenance
from rekisteri.domain.requests import ReceivedHow
from rekisteri.domain.segments import SegmentDefinition, parse_rule
from rekisteri.entrypoints.api.app import create_app
from rekisteri.entrypoints.web.i18n import BY_CODE, po_path
from rekisteri.services.breaches import records
from rekisteri.services.breaches.scope import Criteria
from rekisteri.services.marketing import preferences, segments
from rekisteri.services.register.person_view import customer_view
from rekisteri.services.rights import requests
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.databases import Snapshot, register_copy, snapshot
from tests.support.staff import tokens_per_role
from tests.unit.test_value_words import register_enums

NOW = dt.datetime(2026, 3, 20, 10, 0, tzinfo=dt.UTC)
CUSTOMERS = 120
LANGS = ("fi", "sv", "en")
# The roles whose purposes open the person page (marketing works at its own desk).
STAFF_ROLES = (Role.CUSTOMER_SERVICE, Role.BILLING, Role.DPO)
SKIPPED_TAGS = frozenset({"script", "style", "template"})
NAMED_BY = ("aria-label", "title", "alt", "placeholder")

# Words a page may show in every language, each for a reason: the language switch names each
# language in itself, and units and marks are the same in all three.
EVERY_LANGUAGE = frozenset({"suomi", "svenska", "english", "kwh", "wh", "gsrn", "iban", "eur"})
# The cookie declaration names each cookie as the browser stores it (P15).
COOKIE_NAMES = frozenset(c.name for c in DECLARED_COOKIES)
# The login form says each of its few words in all three languages, as a person reaches it
# before choosing one.
IN_ALL_LANGUAGES = frozenset({"/login"})


class VisibleText(HTMLParser):
    """The text a person sees or hears read of a page: text outside scripts and styles, and
    the names given in attributes. Text in <code> is a technical name shown as such (the
    route or command an audit entry came through): it may be in no language, but it may not
    be a code of the register either. The one exception is `<code class="syntax">`: what a
    person types into a form (a segment's rule, FIELD=VALUE, as the CLI takes it), shown
    beside its words."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[tuple[str, bool]] = []  # (text, technical)
        self._skipping: list[str] = []
        self._code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED_TAGS or (tag == "code" and ("class", "syntax") in attrs):
            self._skipping.append(tag)
        self._code += tag == "code"
        for name, value in attrs:
            if name in NAMED_BY and value:
                self.parts.append((value, False))

    def handle_endtag(self, tag: str) -> None:
        if self._skipping and self._skipping[-1] == tag:
            self._skipping.pop()
        if tag == "code" and self._code:
            self._code -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping and data.strip():
            self.parts.append((data.strip(), self._code > 0))


def visible_text(html: str) -> list[tuple[str, bool]]:
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return parser.parts


_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}|%[sd]")


def words(text: str) -> list[str]:
    """The words of a text: runs of letters, digits and underscores, without pure numbers (a
    code joins its words with underscores, so `moved_out` stays one word)."""
    return [w for w in re.findall(r"\w+", _PLACEHOLDER.sub(" ", text)) if not w.isdigit()]


def _words_in(value: Any, lang: str, seen: set[int], out: set[str], depth: int = 0) -> None:
    """The words of every `Words` reachable from `value`, in `lang`."""
    if depth > 6 or id(value) in seen or isinstance(value, str | bytes | int | float | type):
        return
    seen.add(id(value))
    if isinstance(value, Words):
        out.update(w.casefold() for w in words(value.in_(lang)))
        return
    if isinstance(value, dict):
        items: list[Any] = [*value.keys(), *value.values()]
    elif isinstance(value, list | tuple | set | frozenset):
        items = list(value)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        items = [getattr(value, f.name) for f in dataclasses.fields(value)]
    else:
        return
    for item in items:
        _words_in(item, lang, seen, out, depth + 1)


@cache
def vocabulary(lang: str) -> frozenset[str]:
    """Every word a page in `lang` may show from the translations."""
    out: set[str] = set(EVERY_LANGUAGE)
    with po_path(lang).open("rb") as po:
        catalog = read_po(po)
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        if lang == "en":  # the English pages show the message ids where no text is given
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            texts = (*texts, *ids)
        for text in texts:
            out.update(w.casefold() for w in words(text or ""))
    seen: set[int] = set()
    for name, module in list(sys.modules.items()):
        if name.startswith("rekisteri.") and isinstance(module, ModuleType):
            for value in list(vars(module).values()):
                _words_in(value, lang, seen, out)
    # Dates written out: the month and day names of the page's locale.
    locale = Locale.parse(BY_CODE[lang].babel_locale)
    for names in (locale.months["format"]["wide"], locale.days["format"]["wide"]):
        out.update(str(n).casefold() for n in names.values())
    return frozenset(out)


@cache
def codes() -> frozenset[str]:
    """Every value of every enum of the domain and the catalogue (the words a code has)."""
    return frozenset(str(m.value) for e in register_enums() for m in e if isinstance(m.value, str))


# Texts the register writes itself, in English, for its own trail (where a row came from, why a
# task was made, what an audit entry read): not the person's data, so a page showing one shows
# English words that no translation has.
REGISTERS_OWN_COLUMNS = frozenset(
    {
        "source_detail",
        "wording",  # the consent texts, the register's own in all three languages
        "user_agent",
        "address_notice.reason",
        "payment_quarantine.reason",
        "disclosure.reason",
        "market_event.outcome",
    }
)
REGISTERS_OWN_TABLES = frozenset({"audit_entry", "staff_task", "attribute_change", "counter"})
CODE_SHAPED = re.compile(r"[a-z]+(?:_[a-z]+)+")
_CHUNK_EDGES = ".,;:!?()[]{}\"'«»–—/"


def chunks(text: str) -> list[str]:
    """The whitespace-separated pieces of a text without the punctuation around them: an
    e-mail address, a user ID or a masked code stays whole (`t.customer-service`)."""
    return [c for c in (p.strip(_CHUNK_EDGES) for p in text.split()) if c]


@dataclasses.dataclass(frozen=True)
class Data:
    """The register's data as pages may show it: whole pieces, and the words in them."""

    chunks: frozenset[str]
    words: frozenset[str]

    def excuses(self, chunk: str) -> bool:
        return chunk in self.chunks


def data_of(reg: RegisterApp, views: list[Any]) -> Data:
    """The register's data: every text stored in a table, and the texts of the person views
    (decrypted and masked as the roles see them) and of the settings (the controller's name).
    A code is not data: its words are taken out, so a stored `tenant` does not excuse a page
    showing it."""
    texts: list[str] = []
    with reg.engine.connect() as conn:
        for table in metadata.sorted_tables:
            if table.name in REGISTERS_OWN_TABLES:
                continue
            columns = [
                c
                for c in table.columns
                if isinstance(c.type, String | Text)
                and not {c.name, f"{table.name}.{c.name}"} & REGISTERS_OWN_COLUMNS
            ]
            if columns:
                for row in conn.execute(select(*columns)):
                    texts += [v for v in row if isinstance(v, str)]

    def walk(value: Any) -> None:
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v)

    walk(views)
    walk([v for v in reg.settings.model_dump().values() if isinstance(v, str)])
    # A stored text shaped like a code (`bank_transfer`: lower-case words joined by
    # underscores) is a code of the register even where no enum declares it.
    pieces = {c for t in texts for c in chunks(t) if not CODE_SHAPED.fullmatch(c)} - codes()
    found = {w.casefold() for t in texts for w in words(t) if "_" not in w} - codes()
    return Data(frozenset(pieces), frozenset(found))


@dataclasses.dataclass
class Site:
    register: RegisterApp
    client: TestClient
    tokens: dict[Role, str]
    persons: list[str]
    references: list[str]
    links: list[str]
    data: Data


def _covering(reg: RegisterApp) -> tuple[list[str], list[dict[str, Any]]]:
    """Customer numbers of demo persons who between them have rows in every section of the
    person view (greedy: the person adding most sections not yet covered, until none adds)."""
    with reg.engine.connect() as conn:
        people = conn.execute(select(person.c.id, person.c.customer_number)).all()
    held: dict[str, set[str]] = {}
    views: list[dict[str, Any]] = []
    with reg.reading(Actor("test", Role.DPO)) as uow:
        for pid, number in people:
            view = customer_view(uow, pid, Role.DPO)
            views.append(view)
            held[str(number)] = {k for k, v in view.items() if v and k != "person"} | {
                f"person.{k}" for k, v in view["person"].items() if v not in (None, "", False)
            }
            # What the other roles see of the person: masked codes and numbers.
            views += [customer_view(uow, pid, role) for role in STAFF_ROLES if role != Role.DPO]
    chosen: list[str] = []
    covered: set[str] = set()
    while True:
        number, adds = max(((n, s - covered) for n, s in held.items()), key=lambda x: len(x[1]))
        if not adds:
            break
        chosen.append(number)
        covered |= adds
    return chosen, views


def _desk_data(reg: RegisterApp, persons: list[str]) -> tuple[list[str], list[str]]:
    """What the desks show beyond the demo's own data: requests of each way in, a breach with
    its scope, a segment; and the links a person gets to their preference centre."""
    first, second = (resolve(reg, n) for n in persons[:2])
    web = Provenance(Source.CUSTOMER_CONTACT, NOW, "self-service request form")
    with reg.unit_of_work(Actor("test", Role.DPO)) as uow:
        requests.new_request(
            uow,
            None,
            "access",
            ReceivedHow.WEB_FORM,
            web,
            details={"name": "Maija Virtanen", "contact": "maija.v@example.fi", "language": "fi"},
        )
        requests.new_request(uow, second, "erasure", ReceivedHow.SIGNED_LETTER, web)
        reference = records.open_breach(
            uow,
            summary="Kadonnut kannettava tietokone",
            kind="confidentiality",
            aware_at=NOW - dt.timedelta(hours=5),
            noticed_by="Tietohallinto",
        )
        records.record_scope(uow, reference, Criteria(user="demo.asiakaspalvelu"))
        segments.add(
            uow,
            SegmentDefinition(
                "lampopumput", (parse_rule("heating_type=heat_pump,electric"),), "Lämpöpumput"
            ),
        )
    with reg.reading(Actor("test", Role.MARKETING)) as uow:
        links = [
            preferences.settings_link(uow, first),
            preferences.unsubscribe_link(uow, first, "own_marketing", "email"),
        ]
    with reg.engine.connect() as conn:
        references = [str(r) for r in conn.execute(select(rights_request.c.reference)).scalars()]
    return references, [urlsplit(link).path for link in links]


def resolve(reg: RegisterApp, number: str) -> int:
    with reg.engine.connect() as conn:
        found = conn.execute(select(person.c.id).where(person.c.customer_number == number))
        return int(found.scalar_one())


@dataclasses.dataclass(frozen=True)
class Built:
    """What the pages' addresses and the check take from the built register."""

    tokens: dict[Role, str]
    persons: list[str]
    references: list[str]
    links: list[str]
    data: Data


def _build(register: RegisterApp, _scratch: Path) -> Built:
    generate(register, CUSTOMERS, seed=1)
    tokens = tokens_per_role(register)
    persons, views = _covering(register)
    references, links = _desk_data(register, persons)
    return Built(tokens, persons, references, links, data_of(register, views))


@pytest.fixture(scope="module")
def built(request: pytest.FixtureRequest, backend: str) -> Iterator[tuple[Snapshot, Built]]:
    """The demo register and the desks' data, built once for the module on each backend (the
    build is most of the walk's time; every case only reads it)."""
    with snapshot(request, backend, NOW, _build) as made:
        yield made


@pytest.fixture
def site(request: pytest.FixtureRequest, built: tuple[Snapshot, Built]) -> Iterator[Site]:
    """A copy of the built register for this case alone: the audit entries of its reads, and
    anything it writes, are not another case's."""
    snap, made = built
    with register_copy(request, snap) as register:
        client = TestClient(create_app(register), base_url="https://testserver")
        yield Site(
            register, client, made.tokens, made.persons, made.references, made.links, made.data
        )


def _pages(site: Site) -> list[tuple[Role | None, str, dict[str, str], int]]:
    """(role, path, query, status) of every page the walk renders."""
    pages: list[tuple[Role | None, str, dict[str, str], int]] = [
        (None, "/", {}, 200),
        (None, "/privacy", {}, 200),
        (None, "/request", {}, 200),
        (None, "/login", {}, 200),
        *((None, link, {}, 200) for link in site.links),
    ]
    for role in STAFF_ROLES:
        pages += [(role, f"/console/persons/{n}", {}, 200) for n in site.persons]
    audience = {"channel": "letter", "purpose": "own_marketing", "segment": "lampopumput"}
    pages += [
        (Role.CUSTOMER_SERVICE, "/console", {"q": site.persons[0]}, 200),
        (Role.DPO, "/console/dpo", {"show": "all"}, 200),
        (Role.DPO, "/console/dpo", {"person": site.persons[0]}, 200),  # the audit trail
        (Role.DPO, "/console/breaches", {}, 200),
        (Role.DPO, "/console/ropa", {}, 200),
        (Role.MARKETING, "/console/marketing", {}, 200),
        (Role.MARKETING, "/console/marketing", audience, 200),
        (Role.MARKETING, "/console/segments", {}, 200),
        (Role.DPO, "/console/retention", {}, 200),
        (Role.DPO, "/console/recipients", {}, 200),
        (Role.ADMINISTRATOR, "/console/admin", {}, 200),
        # A role no desk is for: the refusal page, with its way out.
        (Role.PROCESSOR, "/console/dpo", {}, 403),
    ]
    pages += [(Role.DPO, f"/console/dpo/requests/{r}", {}, 200) for r in site.references]
    return pages


def _problems(site: Site, lang: str, html: str, path: str = "") -> list[tuple[str, str]]:
    """(what is wrong, the text it is in) for each word of the page that fails."""
    known = vocabulary(lang)
    if path in IN_ALL_LANGUAGES:
        known = frozenset().union(*(vocabulary(other) for other in LANGS))
    found: list[tuple[str, str]] = []
    for part, technical in visible_text(html):
        for chunk in chunks(part):
            if site.data.excuses(chunk) or chunk in COOKIE_NAMES:
                continue
            for word in words(chunk):
                folded = word.casefold()
                if word in codes() and (technical or folded not in known):
                    found.append((f"raw code {word!r}", part))
                elif technical:
                    continue
                elif folded not in known and folded not in site.data.words:
                    found.append((f"{word!r} is no {lang} word", part))
    return found


@pytest.mark.timeout(900)
@pytest.mark.parametrize("lang", LANGS)
def test_no_page_shows_a_code_or_another_languages_words(site: Site, lang: str) -> None:
    failures: dict[str, tuple[str, str, int]] = {}  # each fault once: where first seen, how often
    for role, path, query, status in _pages(site):
        headers = {"Accept": "text/html"}
        if role:
            headers["Authorization"] = f"Bearer {site.tokens[role]}"
        answer = site.client.get(path, params={**query, "lang": lang}, headers=headers)
        assert answer.status_code == status, f"{path} as {role}: {answer.status_code}"
        where = f"{path} ({role.value if role else 'public'})"
        for fault, part in _problems(site, lang, answer.text, path):
            first = failures.get(fault, (where, part, 0))
            failures[fault] = (first[0], first[1], first[2] + 1)
    report = [f"{f} in {part[:120]!r} on {w} ({n}x)" for f, (w, part, n) in failures.items()]
    assert report == [], f"{len(report)} faults:\n" + "\n".join(report)


def test_the_check_finds_a_code_and_a_foreign_word(site: Site) -> None:
    """The check itself can fail: a Finnish page with `tenant`, `moved_out` or "customer"."""
    page = (
        "<main><p>Asiakas</p><p>tenant</p><p>moved_out</p><p>customer</p>"
        "<code>GET /console</code><code>dpo</code></main>"
    )
    problems = [fault for fault, _ in _problems(site, "fi", page)]
    assert any("'tenant'" in p for p in problems)
    assert any("'moved_out'" in p for p in problems)
    assert any("'customer'" in p for p in problems)
    assert not any("'Asiakas'" in p for p in problems)
    # A route shown as code is no word of any language; a code shown as code is still a code.
    assert not any("'GET'" in p or "'console'" in p for p in problems)
    assert "raw code 'dpo'" in problems
    # A stored code no enum declares is no data either.
    assert "'bank_transfer' is no fi word" in [f for f, _ in _problems(site, "fi", "bank_transfer")]
    # In English the word of a code may be the code itself: a tenant is a tenant.
    assert _problems(site, "en", "<p>tenant <span title='moved out'>owner</span></p>") == []
