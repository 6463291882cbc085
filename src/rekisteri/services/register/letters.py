"""Where the register's own letters to a person go: the envelope of a rights answer, a breach
notice, any letter the register prints for the person.

A person's letter goes to their newest valid postal address. A person with a turvakielto
(catalogue/protection.py) gets theirs through the population register authority, which
forwards mail to persons whose address it may not give out (docs/non-disclosure.md): the
letter is sealed in an inner envelope carrying the person's name and identity code, and that
envelope is sent to the authority's forwarding address (setting
REKISTERI_NON_DISCLOSURE_FORWARDING). The letter itself never carries the protected address,
so whoever prints, packs or posts it never sees it either.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select

from rekisteri.adapters.schema.register import contact_point, person
from rekisteri.catalogue import Category, Lang
from rekisteri.domain.vocabulary import Words, lang_of
from rekisteri.services.register.person_view import display_name
from rekisteri.services.unit_of_work import UnitOfWork

HETU = "person.personal_identity_code"
FORWARDED = Words(
    "Turvakiellon alaisen henkilön posti välitettäväksi",
    "Post till en person med spärrmarkering, för vidarebefordran",
    "Mail for a person with a non-disclosure, for forwarding",
)
INNER = Words("Suljettu sisäkuori", "Sluten inre kuvert", "Sealed inner envelope")


@dataclass(frozen=True)
class Envelope:
    """What a letter to the person is addressed with."""

    person_id: int
    lang: Lang
    lines: tuple[str, ...]  # the address the letter is posted to
    forwarded: bool = False  # through the population register authority
    inner: tuple[str, ...] = ()  # a forwarded letter's inner envelope: whom it is for

    def text(self) -> str:
        """The envelope as printed above the letter (or on its label)."""
        out = list(self.lines)
        if self.forwarded:
            out += ["", f"{INNER.in_(self.lang)}:", *self.inner]
        return "\n".join(out) + "\n"


def forwarding_address(uow: UnitOfWork) -> tuple[str, str, str]:
    """The forwarding route as an address's (street, postal code, post office): the setting's
    last line is "postal code post office", the lines before it the street's place."""
    *head, last = [p.strip() for p in uow.settings.non_disclosure_forwarding.split(",")]
    code, _, office = last.partition(" ")
    return ", ".join(head), code, office


def envelope(uow: UnitOfWork, person_id: int) -> Envelope | None:
    """The envelope of a letter to the person; None when the register has no way to post it
    (no valid postal address and no turvakielto). The read is noted for the audit trail."""
    row = uow.execute(select(person).where(person.c.id == person_id)).one()
    lang, name = lang_of(row.mother_tongue), display_name(row)
    if row.non_disclosure:
        uow.note_read([person_id], [Category.IDENTITY], "letter forwarded (non-disclosure)")
        code = uow.cipher.open(HETU, row.hetu_ct, row.hetu_key) if row.hetu_ct is not None else None
        forwarding = [p.strip() for p in uow.settings.non_disclosure_forwarding.split(",")]
        return Envelope(
            person_id,
            lang,
            (*forwarding, FORWARDED.in_(lang)),
            forwarded=True,
            inner=(name, *([str(code)] if code else [])),
        )
    today = uow.today()
    cp = contact_point.c
    point = uow.execute(
        select(cp.street, cp.postal_code, cp.post_office, cp.country)
        .where(
            cp.person_id == person_id,
            cp.kind == "postal",
            cp.street.is_not(None),
            cp.valid_from <= today,
            or_(cp.valid_to.is_(None), cp.valid_to >= today),
        )
        .order_by(cp.valid_from.desc(), cp.id.desc())
        .limit(1)
    ).first()
    if point is None:
        return None
    uow.note_read([person_id], [Category.IDENTITY, Category.CONTACT], "letter address")
    office = f"{point.postal_code} {point.post_office}".strip()
    abroad = [point.country] if point.country and point.country.upper() not in ("FI", "") else []
    return Envelope(person_id, lang, (name, str(point.street), office, *abroad))
