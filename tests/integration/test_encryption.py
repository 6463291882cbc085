"""Sensitive identifiers are never stored in plain text, and keys rotate."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text

from rekisteri.adapters.crypto import Cipher
from rekisteri.adapters.schema import metadata
from rekisteri.adapters.schema.register import person
from rekisteri.domain.drafts import BillingAccountDraft, ContactPointDraft, PersonDraft
from rekisteri.domain.register import ContactKind, Provenance
from rekisteri.services.register import customers
from rekisteri.services.register.keys import reencrypt_all
from rekisteri.services.register.person_view import customer_view, resolve_person
from rekisteri.services.unit_of_work import Actor, RegisterApp

HETUS = ["131052-308T", "010594Y303P", "120300A1234"]
IBANS = ["FI2112345600000785", "FI5542345670000081"]


def fill(register: RegisterApp) -> list[int]:
    ids = []
    with register.unit_of_work(Actor("test")) as uow:
        prov = Provenance.of("contract", uow.now())
        for i, code in enumerate(HETUS):
            done = customers.register_person(
                uow,
                PersonDraft(
                    kind="natural",
                    first_names="Testi",
                    last_name=f"Henkilö{i}",  # type: ignore[arg-type]
                    personal_identity_code=code,
                    contact_points=(ContactPointDraft(ContactKind.EMAIL, f"t{i}@example.fi"),),
                ),
                prov,
            )
            ids.append(done.person_id)
        for pid, iban in zip(ids, IBANS, strict=False):
            customers.add_billing_account(
                uow,
                pid,
                BillingAccountDraft(
                    "Katu 1", "00100", "Helsinki", 15, "monthly", "direct_payment", iban
                ),  # type: ignore[arg-type]
                prov,
            )
        # A rectification puts old and new codes in the history: encrypted there too.
        customers.rectify_person(
            uow, ids[0], {"personal_identity_code": "131052-309U"}, "wrong digit", prov
        )
    return ids


def all_database_text(register: RegisterApp) -> str:
    """Every value in every table, as text (what an attacker with a dump would see)."""
    out = []
    with register.engine.connect() as conn:
        for table in metadata.sorted_tables:
            for row in conn.execute(select(table)):
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        out.append(bytes(value).decode("latin-1"))
                    else:
                        out.append(str(value))
    return "\n".join(out)


@pytest.mark.proves("P16.encrypted-at-rest")
def test_no_identity_code_or_iban_appears_in_plain_text(
    register: RegisterApp, tmp_path: Path, database_url: str
) -> None:
    fill(register)
    secrets = [*HETUS, "131052-309U", *IBANS, "131052309U", "1310523"]
    dump = all_database_text(register)
    for secret in secrets:
        assert secret not in dump
    if database_url.startswith("sqlite"):
        with register.engine.connect() as conn:
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        path = Path(database_url.removeprefix("sqlite:///"))
        raw = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
        for secret in secrets:
            assert secret.encode() not in raw, f"{secret} found in the database file"


def test_found_through_the_blind_index(register: RegisterApp) -> None:
    ids = fill(register)
    with register.reading(Actor("test")) as uow:
        assert customers.find_by_identity_code(uow, "010594Y303P") == ids[1]
        assert resolve_person(uow, "120300A1234") == ids[2]
        assert customers.find_by_identity_code(uow, "131052-308T") is None  # rectified away


def test_key_rotation_reencrypts_everything_and_values_still_open(register: RegisterApp) -> None:
    ids = fill(register)
    old = register.cipher.keyring
    register.cipher = Cipher(old.rotated())
    counts = reencrypt_all(register)
    assert counts["person.personal_identity_code"] == 3
    assert counts["billing_account.iban"] == 2
    assert counts["attribute_change"] == 1
    with register.engine.connect() as conn:
        keys = set(conn.execute(select(person.c.hetu_key)).scalars())
    assert keys == {register.cipher.keyring.current}
    # A keyring without the old key still opens everything: nothing is left under it.
    new_only = register.cipher.keyring
    register.cipher = Cipher(
        type(new_only)(
            new_only.current,
            {new_only.current: new_only.keys[new_only.current]},
            new_only.index_key,
        )
    )
    with register.reading(Actor("test")) as uow:
        view = customer_view(uow, ids[0], None)
        assert view["person"]["personal_identity_code"] == "131052-309U"
        assert view["billing_accounts"][0]["iban"] == IBANS[0]
        history = view["history"]
        assert history[0]["old_value"] == "131052-308T"
        assert customers.find_by_identity_code(uow, "010594Y303P") == ids[1]
    assert reencrypt_all(register)["person.personal_identity_code"] == 0  # idempotent
