"""The erasure answer says exactly what remains (issue: answers claimed audit entries deleted
while entries still named the person, and kept silent on disclosure records and suppression
hashes). Persons of several kinds are erased; for each, what the database still holds of them
is counted here with plain SQL, table by table, and compared with the answer item by item: a
claim the database contradicts, or a remaining row the answer omits, fails. Both databases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import Table, func, or_, select

from rekisteri.adapters.schema import metadata
from rekisteri.adapters.schema.audit import audit_entry, audit_subject
from rekisteri.adapters.schema.disclosure import disclosure, disclosure_subject
from rekisteri.adapters.schema.register import contract, invoice
from rekisteri.adapters.schema.rights import (
    marketing_suppression,
    recipient_notification,
    rights_request,
    rights_request_event,
)
from rekisteri.domain.register import Provenance
from rekisteri.domain.requests import add_months
from rekisteri.services.register import customers
from rekisteri.services.rights import erasure, fulfilment, requests, suppression
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.clock import FakeClock
from tests.support.disclosed import disclose_to
from tests.support.people import EMAIL, PHONE, make_customer
from tests.support.registered import add_person, nth_hetu

DPO = Actor("tietosuoja.dpo")
# Tables that only link rows to a person: their rows are what the linked table's entries count.
LINKS = {"audit_subject": "audit_entry", "disclosure_subject": "disclosure"}


def _held_rows(uow: Any, pid: int, request_ids: list[int]) -> dict[str, Any]:
    """Each table's condition for the rows that still concern the person, written out by hand
    (not through the catalogue's subject paths the answer uses)."""
    t = metadata.tables
    sites = select(contract.c.site_id).where(contract.c.person_id == pid)
    points = select(t["metering_point"].c.id).where(t["metering_point"].c.site_id.in_(sites))
    told = select(disclosure_subject.c.disclosure_id).where(disclosure_subject.c.person_id == pid)
    audited = select(audit_subject.c.seq).where(audit_subject.c.person_id == pid)
    recordings = select(t["call_recording"].c.id).where(t["call_recording"].c.person_id == pid)
    bans = select(t["marketing_ban_match"].c.ban_id).where(
        t["marketing_ban_match"].c.person_id == pid
    )
    asked = or_(rights_request.c.person_id == pid, rights_request.c.id.in_(request_ids))
    conds: dict[str, Any] = {
        name: table.c.person_id == pid
        for name, table in t.items()
        if "person_id" in table.c and name not in LINKS.values()
    }
    conds |= {
        "person": t["person"].c.id == pid,
        "site": t["site"].c.id.in_(sites),
        "metering_point": t["metering_point"].c.site_id.in_(sites),
        "device": t["device"].c.site_id.in_(sites),
        "reading_block": t["reading_block"].c.metering_point_id.in_(points),
        "reading_correction": t["reading_correction"].c.metering_point_id.in_(points),
        "payment": t["payment"].c.invoice_id.in_(
            select(invoice.c.id).where(invoice.c.person_id == pid)
        ),
        "disclosure": disclosure.c.id.in_(told),
        "recording_loan": t["recording_loan"].c.disclosure_id.in_(told),
        "recording_loan_item": t["recording_loan_item"].c.call_recording_id.in_(recordings),
        "audit_entry": audit_entry.c.seq.in_(audited),
        "marketing_ban": t["marketing_ban"].c.id.in_(bans),
        "rights_request": asked,
        "rights_request_event": rights_request_event.c.request_id.in_(
            select(rights_request.c.id).where(asked)
        ),
        "recipient_notification": or_(
            recipient_notification.c.person_id == pid,
            recipient_notification.c.request_id.in_(request_ids),
        ),
    }
    return conds


def _count(uow: Any, table: Table, *where: Any) -> int:
    return int(uow.execute(select(func.count()).select_from(table).where(*where)).scalar_one())


def _check_answer(
    reg: RegisterApp,
    pid: int,
    outcome: dict[str, Any],
    request_ids: list[int],
    contact_values: list[tuple[str, str]],
) -> dict[str, dict[str, Any]]:
    kept = {k["attribute"]: k for k in outcome["kept"]}
    assert len(kept) == len(outcome["kept"]), "one entry per attribute"
    with reg.reading(DPO) as uow:
        cat = uow.catalogue
        conds = _held_rows(uow, pid, request_ids)
        for name, cond in conds.items():
            table = metadata.tables[name]
            attrs = cat.for_table(name)
            for a in attrs:
                held = or_(*(table.c[c].is_not(None) for c in a.columns))
                n = _count(uow, table, cond, held)
                claimed = kept.get(a.key)
                if n:
                    assert claimed is not None, f"{a.key}: {n} rows remain, the answer omits it"
                    assert claimed["rows"] == n, (a.key, claimed["rows"], n)
                    assert claimed["why"], a.key
                else:
                    assert claimed is None, f"{a.key}: the answer claims rows the db lacks"
            if name in LINKS.values():
                continue
            if not attrs and (n := _count(uow, table, cond)):
                # A link row names the person: its table's entries must count its rows.
                linked = LINKS[name]
                rows = [k["rows"] for a, k in kept.items() if a.startswith(linked + ".")]
                assert rows and max(rows) == n, (name, n, rows)
        for e in outcome["erased"]:
            name = e["attribute"].split(".")[0]
            if name not in conds:
                continue
            a = cat[e["attribute"]]
            table = metadata.tables[name]
            held = or_(*(table.c[c].is_not(None) for c in a.columns))
            assert _count(uow, table, conds[name], held) == 0, f"{a.key} claimed erased"
        digests = {suppression.digest(uow.cipher, k, v) for k, v in contact_values}
        hashes = _count(uow, marketing_suppression, marketing_suppression.c.digest.in_(digests))
        claimed = kept.get("marketing_suppression.digest")
        assert hashes > 0 and claimed is not None and claimed["rows"] == hashes
        assert "17" in claimed["why"] and "21" in claimed["why"]
        # Until when: the audit trail's period from the newest entry naming the person.
        newest = uow.execute(select(func.max(audit_entry.c.at)).where(conds["audit_entry"]))
        last = newest.scalar_one()
        assert last is not None
        months = cat["audit_entry.at"].retention.months
        assert kept["audit_entry.at"]["until"] == add_months(last.date(), months)
    return kept


def _by_request(reg: RegisterApp, pid: int) -> tuple[dict[str, Any], list[int]]:
    with reg.unit_of_work(DPO) as uow:
        new = requests.new_request(
            uow, pid, "erasure", "signed_letter", Provenance.of("customer_contact", uow.now())
        )
        requests.verify(uow, new.reference, "signature_matched")
        done = fulfilment.fulfil(uow, new.reference, lang="en")
    return done.outcome, [new.id]


def _outside_request(reg: RegisterApp, pid: int) -> tuple[dict[str, Any], list[int]]:
    with reg.unit_of_work(DPO) as uow:
        prov = Provenance.of("customer_contact", uow.now(), "phone call")
        return erasure.erase_person(uow, pid, prov, reason="asked on the phone").as_dict(), []


def _rectified(reg: RegisterApp, pid: int) -> None:
    with reg.unit_of_work(DPO) as uow:
        prov = Provenance.of("customer_contact", uow.now(), "phone")
        customers.rectify_person(uow, pid, {"first_names": "Aino"}, "typo", prov)


def test_every_kind_of_erasure_answers_with_what_the_database_still_holds(
    register: RegisterApp, clock: FakeClock
) -> None:
    ended = clock().date() - dt.timedelta(days=3 * 365)
    former = make_customer(register, ended_on=ended)
    claims = make_customer(
        register,
        ended_on=ended,
        hetu="010101-123N",
        email="toinen@example.fi",
        phone="+358401111111",
        site_numbers=(3, 4),
        open_invoice=True,
    )
    prospect = add_person(register, 5, hetu=nth_hetu(5))
    quiet = add_person(register, 6, hetu=nth_hetu(6))
    bystander = add_person(register, 7, hetu=nth_hetu(7))
    disclose_to(register, "Perintä Oy", [former.person_id, prospect, bystander], "P-1")
    disclose_to(register, "Perintä Oy", [claims.person_id], "P-2")
    disclose_to(register, "Luottotieto Oy", [prospect], "L-1")  # theirs alone
    _rectified(register, prospect)
    clock.advance(days=40)
    erase: list[tuple[int, Callable[..., Any], list[tuple[str, str]]]] = [
        (former.person_id, _by_request, [("email", EMAIL), ("phone", PHONE)]),
        (claims.person_id, _by_request, [("email", "toinen@example.fi")]),
        (prospect, _by_request, [("email", "maija5@example.fi")]),
        (quiet, _outside_request, [("email", "maija6@example.fi")]),
    ]
    names = [("Maija Liisa Meikäläinen", "Kotikatu 1 A 2")] * 2 + [
        ("Aino Virtanen", "Katu 1"),  # rectified above
        ("Maija6 Virtanen", "Katu 1"),
    ]
    for (_, _, contact), (name, street) in zip(erase, names, strict=True):
        # Every contact detail the person had: e-mail, phone, and name with postal address.
        contact.append(("name_address", suppression.name_address(name, street, "00100")))
    erase[1][2].append(("phone", "+358401111111"))
    answers = {}
    for pid, how, contact in erase:
        outcome, request_ids = how(register, pid)
        answers[pid] = _check_answer(register, pid, outcome, request_ids, contact)

    # What each kind keeps, in words a reader can check against the rows above.
    kept = answers[former.person_id]
    assert kept["contract.contract"]["until"] == add_months(ended, 120)
    assert kept["disclosure.reason"]["until"] is not None  # five years from the disclosure
    assert "contact_point.email" not in kept
    assert "contact_point.email" in answers[claims.person_id]  # the claim is still open
    purged = answers[prospect]
    assert "person.last_name" not in purged and "audit_entry.at" in purged
    assert purged["rights_request.request"]["rows"] == 1  # the answered request, unlinked
    assert purged["recipient_notification.notification"]["rows"] == 2  # both recipients
    assert "rights_request.request" not in answers[quiet]
