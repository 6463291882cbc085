"""The blind index: a keyed digest of one attribute's value. The attribute's name is part of
it, so equal values in different attributes (an identity code and the same text typed as a
note, a phone number and a suppressed one) cannot be linked through the index columns."""

from __future__ import annotations

import hashlib
import hmac

from rekisteri.adapters.crypto import Cipher, Keyring

CODE = "131052-308T"


def test_the_same_value_indexes_apart_in_each_attribute() -> None:
    cipher = Cipher(Keyring.generate())
    hetu = cipher.blind_index("person.personal_identity_code", CODE)
    assert hetu == cipher.blind_index("person.personal_identity_code", CODE)  # findable
    assert hetu != cipher.blind_index("billing_account.iban", CODE)
    assert hetu != cipher.blind_index("person.personal_identity_cod", "e" + CODE)  # no run-on
    assert hetu != cipher.blind_index("person.personal_identity_code", "131052-308U")


def test_the_index_is_keyed_by_the_index_key_alone() -> None:
    keyring = Keyring.generate()
    cipher = Cipher(keyring)
    expected = hmac.new(
        keyring.index_key, b"person.personal_identity_code\x00" + CODE.encode(), hashlib.sha256
    ).hexdigest()
    assert cipher.blind_index("person.personal_identity_code", CODE) == expected
    # A rotated keyring keeps the index key, so the index still finds the value ...
    assert Cipher(keyring.rotated()).blind_index("person.personal_identity_code", CODE) == expected
    # ... and another register's keys give another index.
    other = Cipher(Keyring.generate()).blind_index("person.personal_identity_code", CODE)
    assert other != expected
