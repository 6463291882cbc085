"""The doors of service data: the contact log, feedback, devices at a site and the digital
account, by hand and by feed (docs/feeds.md), on both databases.

Each door: a good record is stored through the catalogue's one write path; a feed sent twice
changes nothing; a bad record stores nothing of its file and the error names file, line and
field; and what came in is in the access package, erased by erasure and pruned by retention.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from rekisteri.adapters.schema.register import (
    attribute_change,
    contact_log,
    device,
    digital_account,
    feedback,
    person,
)
from rekisteri.domain.errors import InvalidInput, NotFound, RuleViolation
from rekisteri.domain.register import Provenance
from rekisteri.services.contacts import feedback as feedback_service
from rekisteri.services.contacts import log
from rekisteri.services.register import devices, digital_accounts
from rekisteri.services.rights import fulfilment, package, requests, retention
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.integration.marketing_helpers import add_person
from tests.support.clock import FakeClock
from tests.support.people import make_customer

STAFF = Actor("asiakaspalvelu.anna")
DPO = Actor("tietosuoja.dpo")
FEED = Actor("system:import-contacts")
SAMPLES = Path(__file__).parents[1] / "samples" / "feeds"

CONTACT_HEADER = "ref,customer_number,at,channel,direction,topic,note,handled_by"


def _count(reg: RegisterApp, table: Any, *where: Any) -> int:
    with reg.reading(DPO) as uow:
        return int(uow.execute(select(func.count()).select_from(table).where(*where)).scalar_one())


def _write(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _contacts(number: str, *extra: str) -> list[str]:
    return [
        CONTACT_HEADER,
        f"CS-1001,{number},2026-02-10T09:15:00+02:00,phone,inbound,billing,Kysyi laskusta,anna",
        f'CS-1002,{number},2026-02-11T14:00:00Z,email,outbound,move,"Vahvistus, muutto",',
        *extra,
    ]


def _import(reg: RegisterApp, path: Path, importer: Any = log.import_contacts) -> Any:
    with reg.unit_of_work(FEED) as uow:
        return importer(uow, path)


def _prov(uow: Any, source: str = "customer_contact") -> Provenance:
    return Provenance.of(source, uow.now(), "test")


def test_contact_feed_stores_each_record_once_and_corrects_a_record_sent_again(
    register: RegisterApp, tmp_path: Path
) -> None:
    c = make_customer(register)
    before = _count(register, contact_log)
    feed = _write(tmp_path / "contacts.csv", *_contacts(c.customer_number))
    done = _import(register, feed)
    assert (done.records, done.new, done.corrected) == (2, 2, 0)
    again = _import(register, feed)
    assert (again.new, again.corrected, again.unchanged) == (0, 0, 2)
    assert _count(register, contact_log) == before + 2
    with register.reading(DPO) as uow:
        rows = {r.feed_ref: r for r in uow.execute(select(contact_log)).all() if r.feed_ref}
    first = rows["CS-1001"]
    assert first.at == dt.datetime(2026, 2, 10, 7, 15, tzinfo=dt.UTC)  # stored in UTC
    assert (first.channel, first.topic, first.note) == ("phone", "billing", "Kysyi laskusta")
    assert first.source == "customer_contact" and rows["CS-1002"].handled_by is None
    # The sender corrects a record and sends it again: the entry changes, its history keeps
    # the old value (P12).
    corrected = _contacts(c.customer_number)
    corrected[1] = corrected[1].replace("billing", "contract")
    done = _import(register, _write(tmp_path / "contacts-2.csv", *corrected))
    assert (done.new, done.corrected, done.unchanged) == (0, 1, 1)
    with register.reading(DPO) as uow:
        history = uow.execute(
            select(attribute_change.c.old_value, attribute_change.c.new_value).where(
                attribute_change.c.table_name == "contact_log",
                attribute_change.c.row_id == first.id,
            )
        ).all()
    assert [tuple(h) for h in history] == [("billing", "contract")]


def test_a_record_sent_again_for_another_customer_is_refused_and_nothing_stored(
    register: RegisterApp, tmp_path: Path
) -> None:
    first = make_customer(register)
    other = make_customer(
        register, hetu="010101-123N", email="toinen@example.fi", site_numbers=(3, 4)
    )
    _import(register, _write(tmp_path / "contacts.csv", *_contacts(first.customer_number)))
    before = _count(register, contact_log)
    # A new record first, then CS-1002 (stored for the first customer) naming the other.
    lines = _contacts(other.customer_number)
    lines[1] = lines[1].replace("CS-1001", "CS-1009")
    with pytest.raises(InvalidInput) as refused:
        _import(register, _write(tmp_path / "again.csv", *lines))
    assert (refused.value.field, refused.value.where) == ("customer_number", "again.csv, line 3")
    assert "CS-1002 was stored for another customer" in refused.value.reason
    assert _count(register, contact_log) == before


@pytest.mark.parametrize(
    ("last", "line", "field"),
    [
        ("CS-1003,{n},2026-02-12T10:00:00+02:00,fax,inbound,billing,,", 4, "channel"),
        ("CS-1003,{n},2026-02-12T10:00:00,phone,inbound,billing,,", 4, "at"),
        ("CS-1003,{n},2027-02-12T10:00:00Z,phone,inbound,billing,,", 4, "at"),
        ("CS-1003,{n},2026-02-12T10:00:00Z,phone,sideways,billing,,", 4, "direction"),
        ("CS-1003,{n},2026-02-12T10:00:00Z,phone,inbound,,,", 4, "topic"),
        ("CS-1003,999999,2026-02-12T10:00:00Z,phone,inbound,billing,,", 4, "record"),
        ("CS-1001,{n},2026-02-12T10:00:00Z,phone,inbound,billing,,", 4, "ref"),
        ("CS-1003,{n},2026-02-12T10:00:00Z,phone", 4, "record"),
        ("CS-1003,{n},2026-02-12T10:00:00Z,phone,inbound,billing,\x00,", 4, "line"),
    ],
)
def test_a_bad_contact_record_stores_nothing_of_its_file(
    register: RegisterApp, tmp_path: Path, last: str, line: int, field: str
) -> None:
    c = make_customer(register)
    before = _count(register, contact_log)
    feed = _write(
        tmp_path / "contacts.csv", *_contacts(c.customer_number, last.format(n=c.customer_number))
    )
    with pytest.raises(InvalidInput) as refused:
        _import(register, feed)
    assert refused.value.where == f"contacts.csv, line {line}"
    assert refused.value.field == field
    assert _count(register, contact_log) == before


def test_unreadable_feeds_are_refused_whole(register: RegisterApp, tmp_path: Path) -> None:
    c = make_customer(register)
    before = _count(register, contact_log)
    cases: dict[str, bytes] = {
        "latin1.csv": "\n".join(_contacts(c.customer_number)).replace("a", "ä").encode("latin-1"),
        "header.csv": b"ref,customer_number,at,channel,direction,topic,secret\n",
        "long.csv": (CONTACT_HEADER + "\n" + "x" * 20_000 + "\n").encode(),
        "contacts.xml": b"<contacts/>",
        "object.jsonl": b'["not", "an", "object"]\n',
        "nested.jsonl": json.dumps(
            {
                "ref": "J1",
                "customer_number": c.customer_number,
                "at": "2026-02-10T09:15:00+02:00",
                "channel": "phone",
                "direction": "inbound",
                "topic": {"deep": "x"},
            }
        ).encode(),
    }
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(InvalidInput) as refused:
            _import(register, path)
        assert refused.value.where is not None and refused.value.where.startswith(name), name
    assert _count(register, contact_log) == before


def test_the_sample_feeds_of_the_documentation_import(
    register: RegisterApp, tmp_path: Path
) -> None:
    """docs/feeds.md shows these files; they name customer 100001 (the first one made)."""
    c = make_customer(register)
    assert c.customer_number == "100001"
    with register.unit_of_work(STAFF) as uow:
        # The customer's account as the self-service registered it, before the sample logins.
        uow.execute(digital_account.delete().where(digital_account.c.person_id == c.person_id))
        digital_accounts.register_account(
            uow,
            c.person_id,
            {"login": "maija.m", "registered_at": "2025-11-02T19:40:00+02:00"},
            _prov(uow),
        )
    for name in ("contacts.csv", "contacts.jsonl"):
        done = _import(register, SAMPLES / name)
        assert done.records == 2 and done.corrected == 0, name
    done = _import(register, SAMPLES / "feedback.csv", feedback_service.import_feedback)
    assert (done.records, done.new) == (2, 2)
    done = _import(register, SAMPLES / "logins.csv", digital_accounts.import_logins)
    assert done.records == 3 and done.new == 1
    with register.reading(DPO) as uow:
        linked = uow.execute(
            select(feedback.c.contact_log_id).where(feedback.c.feed_ref == "SRV-77001")
        ).scalar_one()
        contact = uow.execute(
            select(contact_log.c.id).where(contact_log.c.feed_ref == "CS-20260210-0001")
        ).scalar_one()
        last = uow.execute(
            select(digital_account.c.last_login_at).where(
                digital_account.c.person_id == c.person_id
            )
        ).scalar_one()
    assert linked == contact
    assert last == dt.datetime(2026, 2, 20, 16, 2, 11, tzinfo=dt.UTC)


def test_feedback_by_hand_and_by_feed(register: RegisterApp, tmp_path: Path) -> None:
    c = make_customer(register)
    other = make_customer(
        register, hetu="010101-123N", email="toinen@example.fi", phone="+358401111111",
        site_numbers=(7, 8),
    )  # fmt: skip
    _import(register, _write(tmp_path / "contacts.csv", *_contacts(c.customer_number)))
    with register.unit_of_work(STAFF) as uow:
        entry = log.add_contact(
            uow,
            c.person_id,
            {"at": uow.now(), "channel": "chat", "direction": "inbound", "topic": "fault"},
            _prov(uow),
        )
        made = feedback_service.add_feedback(
            uow,
            c.person_id,
            {"at": uow.now(), "channel": "chat", "satisfaction": "5", "text": "Nopea apu"},
            _prov(uow),
            contact_id=entry,
        )
    with register.reading(DPO) as uow:
        row = uow.execute(select(feedback).where(feedback.c.id == made)).one()
    assert (row.satisfaction, row.contact_log_id, row.text) == (5, entry, "Nopea apu")
    with register.unit_of_work(STAFF) as uow:
        # Another person's contact, a score out of range, an answer that says nothing.
        for given, contact, field in (
            ({"satisfaction": 3}, entry, None),
            ({"satisfaction": 6}, None, "satisfaction"),
            ({}, None, "satisfaction"),
        ):
            with pytest.raises(InvalidInput) as refused:
                feedback_service.add_feedback(
                    uow,
                    other.person_id if contact else c.person_id,
                    {"at": uow.now(), "channel": "web", **given},
                    _prov(uow),
                    contact_id=contact,
                )
            assert refused.value.field == (field or "contact")
    header = "ref,customer_number,contact_ref,at,channel,satisfaction,text"
    good = f"S-1,{c.customer_number},CS-1001,2026-02-12T08:00:00Z,survey,4,Selkeä vastaus"
    feed = _write(tmp_path / "survey.csv", header, good)
    before = _count(register, feedback)
    assert _import(register, feed, feedback_service.import_feedback).new == 1
    assert _import(register, feed, feedback_service.import_feedback).unchanged == 1
    assert _count(register, feedback) == before + 1
    bad = f"S-2,{c.customer_number},CS-9999,2026-02-12T08:00:00Z,survey,4,"
    with pytest.raises(InvalidInput) as refused:
        _import(register, _write(tmp_path / "survey2.csv", header, good, bad),
                feedback_service.import_feedback)  # fmt: skip
    assert refused.value.where == "survey2.csv, line 3"
    assert _count(register, feedback) == before + 1


def test_devices_belong_to_whoever_holds_the_site(register: RegisterApp) -> None:
    c = make_customer(register)
    with register.unit_of_work(STAFF) as uow:
        made = devices.add_device(
            uow,
            c.site_ids[1],
            {"kind": "heat_pump", "description": "ilmalämpöpumppu", "installed_on": "2024-05-02"},
            _prov(uow),
        )
        with pytest.raises(InvalidInput) as refused:
            devices.add_device(uow, c.site_ids[1], {"kind": "toaster"}, _prov(uow))
        assert refused.value.field == "kind"
        with pytest.raises(InvalidInput):
            devices.remove_device(uow, made, "2024-05-01", "gone", _prov(uow))
        with pytest.raises(InvalidInput):
            devices.remove_device(uow, made, "2030-01-01", "gone", _prov(uow))
        with pytest.raises(InvalidInput):  # a source the catalogue does not allow
            devices.add_device(uow, c.site_ids[1], {"kind": "battery"}, _prov(uow, "authority"))
        with pytest.raises(NotFound):
            devices.add_device(uow, 999_999, {"kind": "battery"}, _prov(uow))
        devices.remove_device(uow, made, "2026-01-15", "replaced", _prov(uow))
    with register.reading(DPO) as uow:
        assert uow.execute(
            select(device.c.removed_on).where(device.c.id == made)
        ).scalar_one() == dt.date(2026, 1, 15)
        whose = uow.execute(
            select(attribute_change.c.person_id).where(
                attribute_change.c.table_name == "device", attribute_change.c.row_id == made
            )
        ).scalar_one()
    assert whose == c.person_id


def test_digital_account_register_logins_and_close(register: RegisterApp, tmp_path: Path) -> None:
    pid = add_person(register)
    with register.unit_of_work(STAFF) as uow:
        registered = digital_accounts.register_account(
            uow, pid, {"login": "anna.v", "registered_at": "2026-01-05T10:00:00+02:00"}, _prov(uow)
        )
        with pytest.raises(RuleViolation):
            digital_accounts.register_account(
                uow, pid, {"login": "anna.w", "registered_at": uow.now()}, _prov(uow)
            )
    logins = _write(
        tmp_path / "logins.csv",
        "login,at",
        "anna.v,2026-02-01T08:00:00Z",
        "anna.v,2026-02-03T18:30:00+02:00",
        "anna.v,2026-01-20T08:00:00Z",
    )
    done = _import(register, logins, digital_accounts.import_logins)
    assert (done.records, done.new) == (3, 1)
    again = _import(register, logins, digital_accounts.import_logins)
    assert (again.new, again.unchanged) == (0, 1)
    with register.reading(DPO) as uow:
        row = uow.execute(select(digital_account).where(digital_account.c.id == registered)).one()
        changes = uow.execute(
            select(func.count()).where(attribute_change.c.table_name == "digital_account")
        ).scalar_one()
    assert row.last_login_at == dt.datetime(2026, 2, 3, 16, 30, tzinfo=dt.UTC)
    assert changes == 1  # one login moved forward, once
    unknown = _write(tmp_path / "unknown.csv", "login,at", "anna.v,2026-02-05T08:00:00Z",
                     "nobody,2026-02-05T08:00:00Z")  # fmt: skip
    with pytest.raises(InvalidInput) as refused:
        _import(register, unknown, digital_accounts.import_logins)
    assert refused.value.where == "unknown.csv, line 3"
    with register.reading(DPO) as uow:
        still = uow.execute(
            select(digital_account.c.last_login_at).where(digital_account.c.id == registered)
        ).scalar_one()
    assert still == row.last_login_at  # the good line of the refused file was not applied
    with register.unit_of_work(STAFF) as uow:
        digital_accounts.close_account(uow, pid, "2026-03-01T12:00:00Z", "asked", _prov(uow))
    with register.reading(DPO) as uow:
        closed = uow.execute(
            select(digital_account.c.closed_at).where(digital_account.c.id == registered)
        ).scalar_one()
    assert closed == dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)


def _service_data(reg: RegisterApp, pid: int, site_id: int) -> dict[str, int]:
    with reg.unit_of_work(STAFF) as uow:
        entry = log.add_contact(
            uow,
            pid,
            {"at": uow.now(), "channel": "phone", "direction": "inbound", "topic": "zzcontact"},
            _prov(uow),
        )
        answer = feedback_service.add_feedback(
            uow,
            pid,
            {"at": uow.now(), "channel": "web", "satisfaction": 2, "text": "zzfeedback"},
            _prov(uow),
            contact_id=entry,
        )
        made = devices.add_device(
            uow, site_id, {"kind": "ev_charger", "description": "zzdevice"}, _prov(uow)
        )
    return {"contact": entry, "feedback": answer, "device": made}


def test_service_data_in_the_access_package_and_gone_after_erasure(
    register: RegisterApp, clock: FakeClock
) -> None:
    ended = clock().date() - dt.timedelta(days=3 * 365)
    c = make_customer(register, ended_on=ended)
    ids = _service_data(register, c.person_id, c.site_ids[1])
    with register.reading(DPO) as uow:
        sections = {s.key: s for s in package.build(uow, c.person_id).sections}
    assert "zzcontact" in [r["topic"] for r in sections["contact_log"].rows]
    assert "zzfeedback" in [r["text"] for r in sections["feedback"].rows]
    assert "zzdevice" in [r["description"] for r in sections["device"].rows]
    assert sections["digital_account"].rows
    with register.unit_of_work(DPO) as uow:
        new = requests.new_request(uow, c.person_id, "erasure", "signed_letter", _prov(uow))
        requests.verify(uow, new.reference, "signature_matched")
        fulfilment.fulfil(uow, new.reference, lang="en")
    assert _count(register, contact_log, contact_log.c.id == ids["contact"]) == 0
    assert _count(register, feedback, feedback.c.id == ids["feedback"]) == 0
    assert _count(register, device, device.c.description.is_not(None)) == 0
    assert _count(register, digital_account, digital_account.c.person_id == c.person_id) == 0


def test_service_data_pruned_when_its_period_ends(register: RegisterApp, clock: FakeClock) -> None:
    c = make_customer(register, ended_on=dt.date(2025, 12, 31))
    ids = _service_data(register, c.person_id, c.site_ids[1])

    def run() -> None:
        with register.unit_of_work(Actor("retention")) as uow:
            retention.run(uow)

    # 12 months after the relationship ended: the device and the digital account go.
    clock.advance(days=400)
    run()
    assert _count(register, device, device.c.id == ids["device"]) == 0
    assert _count(register, digital_account, digital_account.c.person_id == c.person_id) == 0
    assert _count(register, feedback, feedback.c.id == ids["feedback"]) == 1
    # 24 months from the feedback; the contact log lives 36 months.
    clock.advance(days=400)
    run()
    assert _count(register, feedback, feedback.c.id == ids["feedback"]) == 0
    assert _count(register, contact_log, contact_log.c.id == ids["contact"]) == 1
    clock.advance(days=400)
    run()
    assert _count(register, contact_log, contact_log.c.id == ids["contact"]) == 0


def test_a_restricted_customers_record_refuses_the_feed(
    register: RegisterApp, tmp_path: Path
) -> None:
    c = make_customer(register)
    with register.unit_of_work(DPO) as uow:
        uow.execute(person.update().where(person.c.id == c.person_id).values(restricted=True))
    before = _count(register, contact_log)
    with pytest.raises(InvalidInput) as refused:
        _import(register, _write(tmp_path / "contacts.csv", *_contacts(c.customer_number)))
    assert refused.value.where == "contacts.csv, line 2" and "restricted" in refused.value.reason
    assert _count(register, contact_log) == before
