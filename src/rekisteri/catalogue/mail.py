"""Catalogue of the mail the register queues for persons (services/outbox).

A queued message is the register's own making (its words, a link it signed) sent to an address
the person gave; it is kept only until the mail server takes it and a month at most, and the
person can see it in their access package while it waits."""

from __future__ import annotations

from rekisteri.catalogue.model import Attribute, TableSpec
from rekisteri.catalogue.retention import OUTBOX
from rekisteri.domain.vocabulary import (
    Category,
    LawfulBasis,
    Purpose,
    Sensitivity,
    Source,
    Words,
)

# Messages of the customer relationship, and the confirmation of an e-mail marketing consent.
_PURPOSES = frozenset({Purpose.CUSTOMER_RELATIONSHIP, Purpose.DIRECT_MARKETING})
_OWN = frozenset({Source.REGISTER_ITSELF})

ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute(
        key="mail_outbox.delivery",
        table="mail_outbox",
        columns=("queued_at", "kind", "attempts", "sent_at", "gave_up_at"),
        category=Category.HISTORY,
        purposes=_PURPOSES,
        basis=LawfulBasis.LEGITIMATE_INTEREST,
        sources=_OWN,
        retention=OUTBOX,
        words=Words(
            "sinulle lähetettävät viestit: mikä, milloin ja onko lähetetty",
            "meddelanden som skickas till dig: vad, när och om det har skickats",
            "messages queued for you: what, when and whether sent",
        ),
    ),
    Attribute(
        key="mail_outbox.message",
        table="mail_outbox",
        columns=("message_ct", "message_key", "message_bidx"),
        category=Category.HISTORY,
        purposes=_PURPOSES,
        basis=LawfulBasis.LEGITIMATE_INTEREST,
        sources=_OWN,
        retention=OUTBOX,
        words=Words("viestin sisältö", "meddelandets innehåll", "the message"),
        sensitivity=Sensitivity.ENCRYPTED,
    ),
)

TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "mail_outbox",
        frozenset({"id", "person_id", "next_attempt_at", "last_error"}),
        ("person_id",),
    ),
)
