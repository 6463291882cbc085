"""The person page's parts (issue 17, item 3) on both databases: each role gets only the parts
whose categories it may read (deny by default), and the consumption chart names a protected
person's site (turvakielto) by the protection's words for a role that may not read the address,
by the address for one that needs it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from rekisteri.catalogue import Category, Role, Visibility, catalogue
from rekisteri.catalogue.protection import PROTECTED_WORDS
from rekisteri.domain.identifiers import make_gsrn
from rekisteri.entrypoints.api.app import create_app
from rekisteri.services.unit_of_work import RegisterApp
from tests.support import consumption as c
from tests.support.protected import STREETS, Protected, make_protected
from tests.support.staff import tokens_per_role

C = Category
# The page's parts in their order, and the categories one of which opens each (the summary,
# identity and sites parts hold what every role reading the page sees).
PARTS = {
    "consumption": {C.CONSUMPTION},
    "consents": {C.MARKETING, C.CLASSIFICATION},
    "billing": {C.BILLING, C.PAYMENT},
    "requests-and-disclosures": {C.RIGHTS_REQUEST, C.DISCLOSURE},
    "history": {C.HISTORY},
}
ORDER = [
    "summary",
    "identity",
    "sites",
    "consumption",
    "consents",
    "billing",
    "contacts",
    "requests-and-disclosures",
    "history",
]


@pytest.fixture
def protected(register: RegisterApp, tmp_path: Path) -> Iterator[tuple[TestClient, Protected]]:
    """A person with a turvakielto, a site with readings in January and February 2026, a
    billing account, an invoice and a change in the history (tests/support/protected.py)."""
    person = make_protected(register)
    gsrn = make_gsrn("64300000000000777")
    readings = c.readings(gsrn, c.utc(2025, 12, 31, 22), 24 * 59, 3600, wh=lambda i: 500)
    c.run_import(register, c.write(tmp_path / "readings.csv", readings))
    with TestClient(create_app(register)) as client:
        yield client, person


def _page(client: TestClient, token: str, number: str) -> str:
    answer = client.get(
        f"/console/persons/{number}",
        params={"lang": "fi"},
        headers={"Authorization": f"Bearer {token}", "Accept": "text/html"},
    )
    assert answer.status_code == 200, answer.text[:300]
    return answer.text


def _sees(role: Role, categories: set[Category]) -> bool:
    return any(catalogue.category_visibility(x, role) is not Visibility.NONE for x in categories)


def test_each_role_sees_only_the_parts_it_may_read(
    register: RegisterApp, protected: tuple[TestClient, Protected]
) -> None:
    client, person = protected
    tokens = tokens_per_role(register)
    for role in (Role.CUSTOMER_SERVICE, Role.BILLING, Role.DPO):
        parts = [
            p.removesuffix("-title")
            for p in re.findall(
                r'<h2 id="([a-z-]+)"', _page(client, tokens[role], person.customer_number)
            )
        ]
        assert parts == [p for p in ORDER if p in parts], (role, parts)  # in the staff's order
        for part, categories in PARTS.items():
            assert (part in parts) is _sees(role, categories), (role, part)


def test_the_chart_names_a_protected_site_by_the_protection_words(
    register: RegisterApp, protected: tuple[TestClient, Protected]
) -> None:
    client, person = protected
    tokens = tokens_per_role(register)
    street = STREETS["site.address"]
    legend = re.compile(r'<ul class="chart-legend"><li data-series="0">.*?</svg> (.*?)</li></ul>')

    page = _page(client, tokens[Role.CUSTOMER_SERVICE], person.customer_number)
    assert legend.findall(page) == [PROTECTED_WORDS.in_("fi")]
    assert street not in page
    # Billing needs the site's address (catalogue/protection.NEEDED_BY): named by it.
    page = _page(client, tokens[Role.BILLING], person.customer_number)
    assert [s.split(",")[0] for s in legend.findall(page)] == [street]
