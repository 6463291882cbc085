"""The marketing desk of the staff console: counts by reason in the user's language, the list
for our own use as CSV, and a list for the group's companies only as a recorded disclosure."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from rekisteri.catalogue import Purpose, Role
from rekisteri.entrypoints.api.app import create_app
from rekisteri.services.access.disclosures import add_recipient, disclosures_of
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.people import make_customer
from tests.support.registered import add_person
from tests.support.staff import tokens_per_role

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
ROW = re.compile(
    r'<tr data-reason="(\w+)"><td>([^<]*)</td><td>([^<]*)</td><td class="num">([^<]*)</td>'
)


def _counts(html: str) -> dict[str, tuple[str, str, str]]:
    return {reason: (title, why, n) for reason, title, why, n in ROW.findall(html)}


def test_the_desk_counts_in_the_users_language_and_lists_for_our_own_use(
    register: RegisterApp,
) -> None:
    customer = make_customer(register)  # opted in to our own e-mail marketing
    add_person(register, 1)  # no opt-in
    api = TestClient(create_app(register))
    h = {"Authorization": f"Bearer {tokens_per_role(register)[Role.MARKETING]}"}
    ask = {"channel": "email", "purpose": "own_marketing"}

    fi = api.get("/console/marketing", params=ask | {"lang": "fi"}, headers=h)
    assert fi.status_code == 200, fi.text
    assert ">sähköposti</option>" in fi.text
    assert ">Oma suoramarkkinointi ja etämyynti</option>" in fi.text
    counts = _counts(fi.text)
    assert counts["contactable"] == ("Saa ottaa yhteyttä", "", "1")
    assert counts["no_consent"][0] == "Ei suostumusta"
    assert "nimenomaisen suostumuksen" in counts["no_consent"][1]
    assert counts["no_consent"][2] == "1"
    sv = _counts(api.get("/console/marketing", params=ask | {"lang": "sv"}, headers=h).text)
    assert sv["no_consent"][0] == "Inget samtycke"

    listed = api.get("/console/marketing/audience.csv", params=ask, headers=h)
    assert listed.status_code == 200
    lines = listed.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("asiakasnumero;nimi;kieli;sähköposti;puhelin;katuosoite")
    assert len(lines) == 2 and customer.customer_number in lines[1]


def test_a_list_for_the_group_leaves_only_as_a_recorded_disclosure(
    register: RegisterApp,
) -> None:
    customer = make_customer(register)
    with register.unit_of_work(Actor("test")) as uow:
        add_recipient(
            uow, "Konserni Lämpö Oy", "subsidiary", "FI", [Purpose.DIRECT_MARKETING],
            agreement_ref="GRP-1",
        )  # fmt: skip
    api = TestClient(create_app(register))
    h = {"Authorization": f"Bearer {tokens_per_role(register)[Role.MARKETING]}"}
    ask = {"channel": "letter", "purpose": "group_marketing"}
    page = api.get("/console/marketing", params=ask | {"lang": "en"}, headers=h)
    assert "Record the disclosure and download CSV" in page.text
    assert api.get("/console/marketing/audience.csv", params=ask, headers=h).status_code == 422
    handed = api.post(
        "/console/marketing/disclosure.csv",
        data=ask | {"recipient": "Konserni Lämpö Oy"},
        headers=h,
    )
    assert handed.status_code == 200, handed.text
    assert customer.customer_number in handed.text
    with register.reading(Actor("test")) as uow:
        made = disclosures_of(uow, customer.person_id)
    assert [d["recipient"] for d in made] == ["Konserni Lämpö Oy"]
