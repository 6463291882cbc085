"""The second factor of the access package's download link: a one-time code sent to a contact
point the register held before the request (docs/package-delivery.md).

A link alone may have been read by someone else (a shared mailbox, a letter opened by another);
the code goes to a contact point the register already held before the request was received, so
whoever filed the request cannot steer it to an address of their own. Today the one channel is
the e-mail on file, through the mail outbox. An SMS gateway or strong electronic identification
is another `CodeChannel` added to CHANNELS: the pages and the delivery service ask only this
interface which channel reaches the person and to send the code by it.
"""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from typing import Any, Protocol

from sqlalchemy import or_, select

from rekisteri.adapters.schema.register import contact_point, person
from rekisteri.catalogue import Category, Lang
from rekisteri.domain.delivery_words import CODE_BODY, CODE_SUBJECT
from rekisteri.services import outbox
from rekisteri.services.unit_of_work import UnitOfWork

CODE_MAIL = "package_code"  # the outbox's kind of the code mail


class CodeChannel(Protocol):
    """A way to send the one-time code to a contact point held before the request."""

    name: str

    def destination(self, uow: UnitOfWork, delivery: Any, before: dt.datetime) -> str | None:
        """Where the code would go, masked for the page ("h***@example.fi"); None when this
        channel cannot reach the person through a contact point held before `before`."""
        ...

    def send(
        self, uow: UnitOfWork, delivery: Any, before: dt.datetime, code: str, lang: Lang
    ) -> int | None:
        """Send (or queue) `code`; the outbox message's id when it went through the outbox."""
        ...


def email_held_before(uow: UnitOfWork, person_id: int, before: dt.datetime) -> str | None:
    """The person's e-mail address that the register received before `before` and that is
    still valid today (the latest such); the read is noted (contact data)."""
    today = uow.today()
    mailed = uow.execute(
        select(person.c.id).where(
            person.c.id == person_id, person.c.deceased_on.is_(None), person.c.restricted.is_(False)
        )
    ).first()
    if mailed is None:
        # The outbox mails nothing to a person who has died or whose processing is restricted
        # (services/outbox): no code would come, so the page must not promise one.
        return None
    cp = contact_point.c
    row = uow.execute(
        select(cp.email)
        .where(
            cp.person_id == person_id,
            cp.kind == "email",
            cp.email.is_not(None),
            cp.received_at < before,
            cp.valid_from <= today,
            or_(cp.valid_to.is_(None), cp.valid_to >= today),
        )
        .order_by(cp.valid_from.desc(), cp.id.desc())
    ).first()
    uow.note_read([person_id], [Category.CONTACT], "access package: e-mail held before the request")
    return None if row is None else str(row[0])


def mask(address: str) -> str:
    """An address as the page shows it: enough for the person to know it, not to learn it."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"


class EmailOnFile:
    """The code by e-mail to the address on file before the request, through the outbox."""

    name = "email"

    def destination(self, uow: UnitOfWork, delivery: Any, before: dt.datetime) -> str | None:
        if delivery.person_id is None:
            return None
        address = email_held_before(uow, int(delivery.person_id), before)
        return None if address is None else mask(address)

    def send(
        self, uow: UnitOfWork, delivery: Any, before: dt.datetime, code: str, lang: Lang
    ) -> int | None:
        address = email_held_before(uow, int(delivery.person_id), before)
        if address is None:
            return None
        message = EmailMessage()
        message["From"] = uow.settings.mail_sender
        message["To"] = address
        message["Subject"] = CODE_SUBJECT.in_(lang)
        message.set_content(
            CODE_BODY.in_(lang).format(
                code=code,
                minutes=uow.settings.package_code_minutes,
                dpo=uow.settings.dpo_contact,
            )
        )
        return outbox.queue(uow, int(delivery.person_id), CODE_MAIL, message)


# The channels, in the order they are offered; the first that reaches the person is used.
CHANNELS: tuple[CodeChannel, ...] = (EmailOnFile(),)


def reaching(uow: UnitOfWork, delivery: Any, before: dt.datetime) -> tuple[CodeChannel, str] | None:
    """The first channel that reaches the person, with its masked destination."""
    for channel in CHANNELS:
        where = channel.destination(uow, delivery, before)
        if where is not None:
            return channel, where
    return None
