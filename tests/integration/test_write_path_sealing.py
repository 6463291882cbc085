"""The write path seals whatever the catalogue marks ENCRYPTED, not the identity code and the
bank account by name: a catalogue with a third encrypted attribute, in a table of its own whose
columns follow no naming the code knows, gets it sealed into its declared columns, found by its
blind index and encrypted in the history, while identity codes and bank accounts still seal."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Column, Integer, LargeBinary, MetaData, String, Table, select

from rekisteri.adapters.schema.register import attribute_change, billing_account, person
from rekisteri.catalogue import Catalogue, Category, Sensitivity, TableSpec
from rekisteri.domain import attribute_rules as rules
from rekisteri.domain.drafts import BillingAccountDraft
from rekisteri.domain.errors import InvalidInput
from rekisteri.domain.register import Provenance
from rekisteri.services.register import attributes, customers, updates
from rekisteri.services.register.history import changes_of
from rekisteri.services.unit_of_work import Actor, RegisterApp, UnitOfWork
from tests.integration.test_customers import draft

STAFF = Actor("asiakaspalvelu.anna")
KEY = "vault.door_code"
DOOR_CODE = "4711-B"

# Its own MetaData: the register's schema and the catalogue completeness test never see it.
vault = Table(
    "vault",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, nullable=False),
    Column("note", String(200)),
    # Named unlike "<attribute>_ct": only the catalogue's declaration says what they hold.
    Column("secret_ct", LargeBinary),
    Column("secret_key", String(32)),
    Column("secret_bidx", String(64)),
)
WRITABLE = {"door_code", "note"}
RULE_BOOK = {**rules.RULES, KEY: rules.text(max_len=20), "vault.note": rules.text()}


def _vault_catalogue(base: Catalogue) -> Catalogue:
    # Made from existing declarations, so nothing but what the test is about is spelled out.
    door_code = dataclasses.replace(
        base["person.customer_class"],
        key=KEY,
        table="vault",
        columns=("secret_ct", "secret_key", "secret_bidx"),
        category=Category.SITE,
        sensitivity=Sensitivity.ENCRYPTED,
        masker=None,
        reading={},
    )
    note = dataclasses.replace(door_code, key="vault.note", columns=("note",))
    note = dataclasses.replace(note, sensitivity=Sensitivity.PLAIN)
    spec = TableSpec("vault", frozenset({"id", "person_id"}), ("person_id",))
    return Catalogue((*base.attributes, door_code, note), (*base.tables.values(), spec))


@pytest.fixture
def vaulted(register: RegisterApp) -> Iterator[RegisterApp]:
    vault.metadata.create_all(register.engine)
    yield dataclasses.replace(register, catalogue=_vault_catalogue(register.catalogue))


def _prov(uow: UnitOfWork) -> Provenance:
    return Provenance.of("customer_contact", uow.now())


def _write(uow: UnitOfWork, row_id: int, person_id: int, changes: dict[str, Any]) -> list[str]:
    written = attributes.write_attributes(
        uow,
        vault,
        row_id,
        person_id,
        changes,
        "told by phone",
        _prov(uow),
        writable=WRITABLE,
        rule_book=RULE_BOOK,
    )
    return [w.field for w in written]


def _vault_row(reg: RegisterApp) -> tuple[int, int]:
    with reg.unit_of_work(STAFF) as uow:
        pid = customers.register_person(uow, draft(), _prov(uow)).person_id
        row_id = uow.execute(vault.insert().values(person_id=pid)).inserted_primary_key[0]
    return pid, int(row_id)


def test_a_third_encrypted_attribute_is_sealed_into_its_declared_columns(
    vaulted: RegisterApp,
) -> None:
    pid, row_id = _vault_row(vaulted)
    with vaulted.unit_of_work(STAFF) as uow:
        assert _write(uow, row_id, pid, {"door_code": DOOR_CODE, "note": "back door"}) == [
            "door_code",
            "note",
        ]
        assert _write(uow, row_id, pid, {"door_code": f" {DOOR_CODE} "}) == []  # unchanged
    with vaulted.engine.connect() as conn:
        row = conn.execute(select(vault)).one()
    cipher = vaulted.cipher
    assert DOOR_CODE.encode() not in bytes(row.secret_ct)
    assert cipher.open(KEY, bytes(row.secret_ct), row.secret_key) == DOOR_CODE
    assert row.secret_key == cipher.keyring.current
    assert row.secret_bidx == cipher.blind_index(KEY, DOOR_CODE)
    assert row.note == "back door"


def test_its_history_is_encrypted_as_the_identity_codes_is(vaulted: RegisterApp) -> None:
    pid, row_id = _vault_row(vaulted)
    with vaulted.unit_of_work(STAFF) as uow:
        _write(uow, row_id, pid, {"door_code": DOOR_CODE})
        _write(uow, row_id, pid, {"door_code": "0000-A", "note": "front door"})
    with vaulted.engine.connect() as conn:
        entries = conn.execute(
            select(attribute_change)
            .where(attribute_change.c.table_name == "vault")
            .order_by(attribute_change.c.id)
        ).all()
    sealed = [e for e in entries if e.attribute == KEY]
    assert [(e.row_id, e.person_id) for e in sealed] == [(row_id, pid), (row_id, pid)]
    assert sealed[0].old_value is None
    for token in (sealed[0].new_value, sealed[1].old_value, sealed[1].new_value):
        assert token.startswith("enc:") and DOOR_CODE not in token and "0000-A" not in token
    assert vaulted.cipher.open_text(KEY, sealed[1].old_value) == DOOR_CODE
    assert vaulted.cipher.open_text(KEY, sealed[1].new_value) == "0000-A"
    plain = [e for e in entries if e.attribute == "vault.note"]
    assert [(e.old_value, e.new_value) for e in plain] == [(None, "front door")]
    with vaulted.reading(STAFF) as uow:
        opened = [c for c in changes_of(uow, pid, reveal=True) if c["attribute"] == KEY]
    assert [(c["old_value"], c["new_value"]) for c in opened] == [
        (None, DOOR_CODE),
        (DOOR_CODE, "0000-A"),
    ]


@pytest.mark.parametrize("field", ["secret_ct", "secret_key", "secret_bidx", "person_id"])
def test_its_columns_are_never_written_directly(vaulted: RegisterApp, field: str) -> None:
    pid, row_id = _vault_row(vaulted)
    with pytest.raises(InvalidInput) as err, vaulted.unit_of_work(STAFF) as uow:
        attributes.write_attributes(
            uow,
            vault,
            row_id,
            pid,
            {field: "x"},
            "x",
            _prov(uow),
            writable={*WRITABLE, field},
            rule_book=RULE_BOOK,
        )
    assert err.value.field == field


def test_identity_codes_and_bank_accounts_still_seal_beside_it(vaulted: RegisterApp) -> None:
    pid, _ = _vault_row(vaulted)
    with vaulted.unit_of_work(STAFF) as uow:
        account = customers.add_billing_account(
            uow,
            pid,
            BillingAccountDraft("Katu 1", "00100", "Helsinki", 15, "monthly", "paper"),  # type: ignore[arg-type]
            _prov(uow),
        )
        customers.rectify_person(
            uow, pid, {"personal_identity_code": "131052-309U"}, "digit", _prov(uow)
        )
        updates.update_billing_account(
            uow, account, {"iban": "FI2112345600000785"}, "asked", _prov(uow)
        )
        assert customers.find_by_identity_code(uow, "131052-309U") == pid
    with vaulted.engine.connect() as conn:
        code = conn.execute(select(person.c.hetu_ct, person.c.hetu_key)).one()
        iban = conn.execute(select(billing_account.c.iban_ct, billing_account.c.iban_key)).one()
    cipher = vaulted.cipher
    assert cipher.open("person.personal_identity_code", bytes(code[0]), code[1]) == "131052-309U"
    assert cipher.open("billing_account.iban", bytes(iban[0]), iban[1]) == "FI2112345600000785"
