"""Each security measure the record of processing names is one the register carries out
(services/ropa/measures.py): a check per measure, run on both databases, and a test that fails
for a measure without a check here (as the statement's claims need their marked tests)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import stat
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from rekisteri.adapters.crypto import Cipher
from rekisteri.adapters.schema import metadata
from rekisteri.adapters.schema.audit import audit_entry
from rekisteri.adapters.schema.breach import breach_subject
from rekisteri.adapters.schema.register import attribute_change, person
from rekisteri.catalogue import Category, Lang, Purpose, Role, Visibility, catalogue
from rekisteri.catalogue.readers import ROLE_PURPOSES
from rekisteri.domain.errors import DamagedFile, InvalidInput
from rekisteri.domain.register import Provenance
from rekisteri.domain.vocabulary import Source
from rekisteri.services import exports, outbox
from rekisteri.services.access import accounts, permits
from rekisteri.services.access.audit import verify_trail
from rekisteri.services.backups import copies
from rekisteri.services.breaches import records
from rekisteri.services.breaches.scope import Criteria
from rekisteri.services.register import customers, keys
from rekisteri.services.register.person_view import customer_view
from rekisteri.services.rights import erasure
from rekisteri.services.ropa.measures import MEASURES, measures_in_force
from rekisteri.services.ropa.record import build_record
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support import package_links
from tests.support.audit import drop_append_only
from tests.support.people import EMAIL, HETU, IBAN, make_customer
from tests.support.registered import add_person

Check = Callable[[RegisterApp, Path], None]


def _encrypted_at_rest(reg: RegisterApp, tmp: Path) -> None:
    """No encrypted attribute's plain value is anywhere in its table's rows."""
    c = make_customer(reg)
    plain = (HETU, IBAN, EMAIL)
    message = EmailMessage()  # a queued mail names the address and could quote anything
    message["To"] = EMAIL
    message.set_content(f"{HETU} {IBAN}")
    with reg.unit_of_work(Actor("test")) as uow:
        outbox.queue(uow, c.person_id, "test", message)
    # An access package's notice letter (the request at the moment the e-mail came: a letter).
    package_links.fulfilled_access(reg, c.person_id)
    with reg.engine.connect() as conn:
        for table in {a.table for a in catalogue.encrypted()}:
            rows = conn.execute(select(metadata.tables[table])).all()
            assert rows, table
            for row in rows:
                for value in row:
                    shown = value.decode("latin-1") if isinstance(value, bytes) else str(value)
                    assert not any(p in shown for p in plain), (table, shown)


def _keyring(reg: RegisterApp, tmp: Path) -> None:
    """A new key made current re-seals every value under it; they still open."""
    make_customer(reg)
    ring = reg.cipher.keyring.rotated()
    turned = dataclasses.replace(
        reg,
        cipher=Cipher(ring),
        settings=reg.settings.model_copy(update={"secret_key": ring.to_json()}),
    )
    keys.rotate(turned)
    with reg.engine.connect() as conn:
        row = conn.execute(select(person.c.hetu_ct, person.c.hetu_key)).one()
    assert row.hetu_key == ring.current != reg.cipher.keyring.current
    assert turned.cipher.open("person.personal_identity_code", row.hetu_ct, row.hetu_key) == HETU


def _audit_chain(reg: RegisterApp, tmp: Path) -> None:
    """Entries are written, the chain verifies, and an altered entry is found."""
    make_customer(reg)
    assert verify_trail(reg).ok
    with reg.engine.begin() as conn:
        last = conn.execute(select(func.max(audit_entry.c.seq))).scalar_one()
        assert last
        drop_append_only(conn)  # as someone with the database's own rights would
        conn.execute(update(audit_entry).where(audit_entry.c.seq == last).values(actor="x"))
    assert not verify_trail(reg).ok


def _need_to_know(reg: RegisterApp, tmp: Path) -> None:
    """A role reads only the categories given to it, and only for its purposes."""
    for role in Role:
        for purpose in Purpose:
            for category in Category:
                allowed = permits.refusal(role, purpose, [category], writes=False) is None
                given = purpose in ROLE_PURPOSES.get(role, frozenset()) and (
                    catalogue.category_visibility(category, role) is not Visibility.NONE
                )
                assert allowed == given, (role, purpose, category)


def _login_protection(reg: RegisterApp, tmp: Path) -> None:
    """Passwords are argon2 hashes; repeated failures lock the account."""
    with reg.unit_of_work(Actor("test")) as uow:
        accounts.add_user(uow, "lukko", Role.BILLING, password="a long enough password")
        stored = uow.execute(select(metadata.tables["staff_user"].c.password_hash)).scalar_one()
    assert stored.startswith("$argon2")
    for _ in range(accounts.MAX_FAILED_LOGINS):
        with reg.unit_of_work(Actor("test")) as uow:
            accounts.claim_attempt(uow, "lukko")
    with (
        pytest.raises(accounts.LoginRefused),
        reg.unit_of_work(Actor("test")) as uow,
    ):
        accounts.claim_attempt(uow, "lukko")


def _change_history(reg: RegisterApp, tmp: Path) -> None:
    """A change keeps the earlier value, when, by whom and why."""
    c = make_customer(reg)
    with reg.unit_of_work(Actor("kirjaaja")) as uow:
        customers.rectify_person(
            uow,
            c.person_id,
            {"last_name": "Uusinimi"},
            "name change",
            Provenance.of(Source.CUSTOMER_CONTACT, uow.now()),
        )
    with reg.engine.connect() as conn:
        row = conn.execute(
            select(attribute_change).where(attribute_change.c.attribute == "person.last_name")
        ).one()
    assert (row.new_value, row.actor, row.reason) == ("Uusinimi", "kirjaaja", "name change")
    assert row.old_value and row.at is not None


def _private_files(reg: RegisterApp, tmp: Path) -> None:
    """Owner-readable only, and never over the register's key file."""
    target = tmp / "record.json"
    exports.write_file(target, "{}", settings=reg.settings)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    reg.settings.key_file.write_text("keys")
    with pytest.raises(InvalidInput):
        exports.write_file(reg.settings.key_file, "{}", settings=reg.settings)
    assert reg.settings.key_file.read_text() == "keys"


def _encrypted_backups(reg: RegisterApp, tmp: Path) -> None:
    """No personal value in plain in the backup; a person erased after it stays erased when
    it is restored, and the trail still verifies."""
    make_customer(reg)
    erased = add_person(reg, 1)
    backup = tmp / "register.backup"
    copies.take(reg, backup, Actor("system:backup"))
    written = backup.read_bytes()
    assert not any(p.encode() in written for p in (EMAIL, "maija1@example.fi", "Virtanen"))
    with reg.unit_of_work(Actor("tietosuoja.dpo")) as uow:
        prov = Provenance.of(Source.CUSTOMER_CONTACT, uow.now(), "letter")
        erasure.erase_person(uow, erased, prov, reason="asked by letter")
    copies.restore(reg, backup, Actor("admin.restore"), replace=True)
    with reg.engine.connect() as conn:
        assert conn.execute(select(person.c.id).where(person.c.id == erased)).first() is None
        assert conn.execute(select(func.count()).select_from(person)).scalar_one() == 1
    assert verify_trail(reg).ok


def _breach_register(reg: RegisterApp, tmp: Path) -> None:
    """A breach's scope is the persons the trail says its user read; its deadline is 72 hours
    from when it was noticed; each step is in the trail."""
    seen, unseen = add_person(reg, 1), add_person(reg, 2)
    reader = Actor("t.anna", Role.CUSTOMER_SERVICE)
    with reg.reading(reader) as uow:
        customer_view(uow, seen, reader.role)
    dpo = Actor("t.dpo", Role.DPO, purpose=Purpose.LEGAL_OBLIGATION)
    aware = reg.clock() - dt.timedelta(hours=1)
    with reg.unit_of_work(dpo) as uow:
        ref = records.open_breach(
            uow, summary="a lost laptop", kind="confidentiality", aware_at=aware, noticed_by="x"
        )
        records.record_scope(uow, ref, Criteria(user="t.anna"))
        shown = records.show(uow, ref)
    with reg.engine.connect() as conn:
        scoped = set(conn.execute(select(breach_subject.c.person_id)).scalars())
        steps = conn.execute(
            select(audit_entry.c.what).where(audit_entry.c.actor == "t.dpo")
        ).scalars()
        logged = " ".join(steps)
    assert scoped == {seen} and unseen not in scoped
    assert shown["deadline"] == aware + dt.timedelta(hours=72)
    assert ref in logged


def _encrypted_file_store(reg: RegisterApp, tmp: Path) -> None:
    """A stored file has no plain byte run on disk, reads back whole, refuses a changed byte,
    and is gone once destroyed."""
    plain = b"RIFF-a recorded call " * 5000
    with reg.files.writer() as w:
        w.write(plain)
        ref = w.close().ref
    (on_disk,) = [p for p in reg.files.root.rglob("*.rkf")]
    sealed = on_disk.read_bytes()
    assert b"a recorded call" not in sealed
    assert b"".join(reg.files.read(ref)) == plain
    damaged = bytearray(sealed)
    damaged[len(damaged) // 2] ^= 1
    on_disk.write_bytes(bytes(damaged))
    with pytest.raises(DamagedFile):
        reg.files.verify(ref)
    assert reg.files.destroy(ref)
    assert not reg.files.exists(ref) and not on_disk.exists()


CHECKS: dict[str, Check] = {
    "encrypted-at-rest": _encrypted_at_rest,
    "keyring": _keyring,
    "audit-chain": _audit_chain,
    "need-to-know": _need_to_know,
    "login-protection": _login_protection,
    "change-history": _change_history,
    "private-files": _private_files,
    "encrypted-backups": _encrypted_backups,
    "breach-register": _breach_register,
    "encrypted-file-store": _encrypted_file_store,
}


def test_every_measure_the_record_can_name_has_a_check() -> None:
    assert {m.key for m in MEASURES} == set(CHECKS)


@pytest.mark.parametrize("key", sorted(CHECKS))
def test_the_measure_is_carried_out(key: str, register: RegisterApp, tmp_path: Path) -> None:
    CHECKS[key](register, tmp_path)


def test_a_measure_is_named_only_where_it_holds(register: RegisterApp) -> None:
    on = build_record(catalogue, register.settings, Lang.FI, on=register.clock().date())
    assert {m.key for m in on.measures} == set(CHECKS)
    off = register.settings.model_copy(update={"audit_enabled": False})
    assert "audit-chain" not in {m.key for m in measures_in_force(catalogue, off)}
    plain = type(catalogue)(
        (a for a in catalogue.attributes if a not in catalogue.encrypted()),
        catalogue.tables.values(),
    )
    named = {m.key for m in measures_in_force(plain, register.settings)}
    assert not named & {"encrypted-at-rest", "keyring"}
    off_names = {m.key for m in measures_in_force(catalogue, off)}
    assert "breach-register" not in off_names
    no_calls = type(catalogue)(
        (a for a in catalogue.attributes if a.table != "call_recording"),
        (t for t in catalogue.tables.values() if t.name != "call_recording"),
    )
    assert "encrypted-file-store" not in {
        m.key for m in measures_in_force(no_calls, register.settings)
    }
