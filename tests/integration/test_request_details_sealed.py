"""A rectification request that corrects an identity code keeps the new code sealed: the
request's details hold it encrypted (never in plain text in a table), the DPO's view of the
request does not show it, and fulfilling the request still sets it."""

from __future__ import annotations

from sqlalchemy import select

from rekisteri.adapters.schema.register import person
from rekisteri.adapters.schema.rights import rights_request
from rekisteri.domain.register import Provenance
from rekisteri.services.register.person_view import resolve_person
from rekisteri.services.rights import fulfilment, requests
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.people import make_customer

DPO = Actor("tietosuoja.dpo")
NEW_HETU = "010594Y123W"


def test_rectified_identity_code_is_sealed_in_the_request(register: RegisterApp) -> None:
    c = make_customer(register)
    with register.unit_of_work(DPO) as uow:
        made = requests.new_request(
            uow,
            c.person_id,
            "rectification",
            "signed_letter",
            Provenance.of("customer_contact", uow.now(), "letter"),
            details={"changes": {"personal_identity_code": NEW_HETU, "last_name": "Virtanen"}},
        )
        stored = uow.execute(
            select(rights_request.c.details).where(rights_request.c.id == made.id)
        ).scalar_one()
        shown = requests.show(uow, made.reference)
    assert NEW_HETU not in stored and "Virtanen" in stored
    assert NEW_HETU not in repr(shown)
    assert shown["details"]["changes"]["last_name"] == "Virtanen"
    with register.unit_of_work(DPO) as uow:
        requests.verify(uow, made.reference, "identity_document")
        fulfilment.fulfil(uow, made.reference)
        assert resolve_person(uow, NEW_HETU) == c.person_id
        last = uow.execute(select(person.c.last_name).where(person.c.id == c.person_id))
        assert last.scalar_one() == "Virtanen"


def test_key_rotation_moves_the_sealed_request_values_to_the_new_key(
    register: RegisterApp,
) -> None:
    from rekisteri.adapters.crypto import Cipher, Keyring
    from rekisteri.services.register.keys import reencrypt_all

    c = make_customer(register)
    with register.unit_of_work(DPO) as uow:
        made = requests.new_request(
            uow,
            c.person_id,
            "rectification",
            "signed_letter",
            Provenance.of("customer_contact", uow.now(), "letter"),
            details={"changes": {"personal_identity_code": NEW_HETU}},
        )
        requests.verify(uow, made.reference, "identity_document")
    rotated = register.cipher.keyring.rotated()
    register.cipher = Cipher(rotated)
    assert reencrypt_all(register)["rights_request"] == 1
    # Only the new key is left: the request can still be fulfilled.
    register.cipher = Cipher(
        Keyring(
            rotated.current, {rotated.current: rotated.keys[rotated.current]}, rotated.index_key
        )
    )
    with register.unit_of_work(DPO) as uow:
        fulfilment.fulfil(uow, made.reference)
        assert resolve_person(uow, NEW_HETU) == c.person_id
    assert reencrypt_all(register)["rights_request"] == 0
