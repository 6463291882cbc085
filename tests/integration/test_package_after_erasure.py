"""After an erasure the person's access report says what the register still keeps of them, why
and until when (issue 18), and that is what the database holds: the kept audit entries,
disclosure records, suppression hashes and the contracts and invoices the accounting and
electricity market laws keep, each counted against the rows left (the erasure answer's own
check, test_erasure_answer_matches_database). Both databases.

Erasure happens only through a request (`request fulfil`, the API, the DPO desk): the register
has no direct erasure command, so every erasure leaves a fulfilled request whose outcome the
package shows. A person erased whole (a prospect) is no longer in the register: their answer
stays with the request, unlinked from them, for the DPO to show.
"""

from __future__ import annotations

import datetime as dt
import json
from html import unescape
from typing import Any

from sqlalchemy import select

from rekisteri.adapters.reports import access
from rekisteri.adapters.schema.rights import rights_request
from rekisteri.catalogue import Lang
from rekisteri.domain import rights_words
from rekisteri.domain.register import Provenance
from rekisteri.services.rights import fulfilment, package, requests, suppression
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.integration.test_erasure_answer_matches_database import _check_answer
from tests.support.clock import FakeClock
from tests.support.disclosed import disclose_to
from tests.support.people import EMAIL, PHONE, make_customer
from tests.support.registered import add_person, nth_hetu

DPO = Actor("tietosuoja.dpo")


def _erase(reg: RegisterApp, pid: int, lang: str) -> tuple[dict[str, Any], int]:
    with reg.unit_of_work(DPO) as uow:
        new = requests.new_request(
            uow, pid, "erasure", "signed_letter", Provenance.of("customer_contact", uow.now())
        )
        requests.verify(uow, new.reference, "signature_matched")
        done = fulfilment.fulfil(uow, new.reference, lang=lang)
    return done.outcome, new.id


def test_the_package_after_an_erasure_lists_what_the_database_still_keeps(
    register: RegisterApp, clock: FakeClock
) -> None:
    ended = clock().date() - dt.timedelta(days=3 * 365)
    c = make_customer(register, ended_on=ended)
    prospect = add_person(register, 5, hetu=nth_hetu(5))
    disclose_to(register, "Perintä Oy", [c.person_id, prospect], "P-1")
    clock.advance(days=40)
    outcome, request_id = _erase(register, c.person_id, "fi")
    contact = [
        ("email", EMAIL),
        ("phone", PHONE),
        (
            "name_address",
            suppression.name_address("Maija Liisa Meikäläinen", "Kotikatu 1 A 2", "00100"),
        ),
    ]
    # The answer is what the database holds, row for row (counted by hand).
    kept = _check_answer(register, c.person_id, outcome, [request_id], contact)
    # Audit entries, the disclosure record, suppression hashes, contracts and invoices.
    assert {
        "audit_entry.at",
        "disclosure.at",
        "marketing_suppression.digest",
        "contract.contract",
        "invoice.invoice",
    } <= set(kept)
    assert "kirjanpitolaki" in kept["invoice.invoice"]["why"]
    # Later, the person asks what is kept: their package lists the same items, rows, reasons
    # and days, in their language, in the JSON and in the document.
    clock.advance(days=10)
    with register.reading(DPO) as uow:
        built = package.build(uow, c.person_id)
    # The erasure cleared the mother tongue; the report stays in the answer's language.
    assert built.lang is Lang.FI
    section = next(s for s in built.sections if s.key == "kept_after_erasure")
    shown = {r["attribute"]: r for r in section.rows}
    assert set(shown) == set(kept)
    for key, item in kept.items():
        row = shown[key]
        assert (row["rows"], row["why"], row["until"]) == (item["rows"], item["why"], item["until"])
        assert row["request_id"] == request_id
    blob = json.loads(access.to_json(built))
    assert len(blob["sections"]["kept_after_erasure"]["rows"]) == len(kept)
    html = unescape(access.to_html(built))
    assert rights_words.word("kept_heading", Lang.FI) in html
    assert rights_words.word("suppression_what", Lang.FI) in html
    for item in kept.values():
        assert item["why"] in html, item["attribute"]


def test_a_person_erased_whole_keeps_their_answer_with_the_request(
    register: RegisterApp, clock: FakeClock
) -> None:
    pid = add_person(register, 5, hetu=nth_hetu(5))
    disclose_to(register, "Perintä Oy", [pid], "P-1")
    outcome, request_id = _erase(register, pid, "en")
    contact = [
        ("email", "maija5@example.fi"),
        ("name_address", suppression.name_address("Maija5 Virtanen", "Katu 1", "00100")),
    ]
    kept = _check_answer(register, pid, outcome, [request_id], contact)
    assert "person.last_name" not in kept and "audit_entry.at" in kept
    with register.reading(DPO) as uow:
        row = uow.execute(select(rights_request).where(rights_request.c.id == request_id)).one()
    assert row.person_id is None  # unlinked from the person, who is gone
    stored = json.loads(row.outcome)
    assert [k["attribute"] for k in stored["kept"]] == [k["attribute"] for k in outcome["kept"]]
    assert [k["rows"] for k in stored["kept"]] == [k["rows"] for k in outcome["kept"]]
