"""The marketing suppression list: keyed hashes that keep an erased person out of future marketing
imports without keeping who they are (P14 with P13).

A digest is an HMAC (the keyring's blind-index key, namespaced per kind) of a normalised e-mail
address, phone number, or name with street address and postal code. It links to no one and
cannot be reversed without the key; it only matches the same contact point imported again.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from rekisteri.adapters.crypto import Cipher
from rekisteri.adapters.schema.rights import marketing_suppression
from rekisteri.services.unit_of_work import UnitOfWork

CHUNK = 5000  # digests looked up per statement (SQLite allows 32766 parameters)


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def digest(cipher: Cipher, kind: str, value: str) -> str:
    return cipher.blind_index(f"marketing_suppression.{kind}", _norm(value))


def name_address(name: str, street: str, postal_code: str) -> str:
    return f"{_norm(name)}|{_norm(street)}|{_norm(postal_code)}"


def add(uow: UnitOfWork, entries: Iterable[tuple[str, str]]) -> int:
    """Add (kind, value) entries; returns how many were new."""
    digests = {digest(uow.cipher, kind, value): kind for kind, value in entries if value}
    if not digests:
        return 0
    listed = list(digests)
    known: set[str] = set()
    for i in range(0, len(listed), CHUNK):
        known.update(
            uow.execute(
                select(marketing_suppression.c.digest).where(
                    marketing_suppression.c.digest.in_(listed[i : i + CHUNK])
                )
            ).scalars()
        )
    new = [
        {"kind": kind, "digest": d, "added_on": uow.today()}
        for d, kind in digests.items()
        if d not in known
    ]
    if new:
        uow.execute(marketing_suppression.insert(), new)
    return len(new)


def is_suppressed(
    uow: UnitOfWork,
    *,
    email: str | None = None,
    phone: str | None = None,
    name: str | None = None,
    street: str | None = None,
    postal_code: str | None = None,
) -> bool:
    """For marketing imports: True when any of the given contact points was erased before."""
    candidates = []
    if email:
        candidates.append(digest(uow.cipher, "email", email))
    if phone:
        candidates.append(digest(uow.cipher, "phone", phone))
    if name and street and postal_code:
        candidates.append(
            digest(uow.cipher, "name_address", name_address(name, street, postal_code))
        )
    if not candidates:
        return False
    found = uow.execute(
        select(marketing_suppression.c.id).where(marketing_suppression.c.digest.in_(candidates))
    ).first()
    return found is not None
