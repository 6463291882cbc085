"""The access package's link and one-time code as the person receives them, read back from the
register's own sealed copies (the outbox message, the notice letter): the register keeps only
the link's hash, so a test that has no mail server reads what it would have sent."""

from __future__ import annotations

import re
from email import message_from_string, policy

from sqlalchemy import select

from rekisteri.adapters.schema.mail import mail_outbox
from rekisteri.adapters.schema.rights import package_delivery as delivery_table
from rekisteri.catalogue import Source
from rekisteri.domain.register import Provenance
from rekisteri.services import outbox
from rekisteri.services.rights import fulfilment, package_delivery, requests
from rekisteri.services.rights.package_codes import CODE_MAIL
from rekisteri.services.rights.package_delivery import LETTER, NOTICE_MAIL
from rekisteri.services.unit_of_work import Actor, RegisterApp

TOKEN = re.compile(r"/package/([A-Za-z0-9_-]+)")
CODE = re.compile(r"\b(\d{6})\b")


def fulfilled_access(reg: RegisterApp, pid: int) -> str:
    """An access request of the person, made, verified and fulfilled with its package offered
    (an e-mail notice when the register held an address before this moment, else a letter)."""
    with reg.unit_of_work(Actor("test")) as uow:
        prov = Provenance(Source.CUSTOMER_CONTACT, uow.now(), "at the office")
        ref = requests.new_request(uow, pid, "access", "in_person", prov).reference
        requests.verify(uow, ref, "identity_document")
        package_delivery.offer(uow, fulfilment.fulfil(uow, ref), pdf=False)
    return ref


def _latest_mail(reg: RegisterApp, person_id: int, kind: str) -> str | None:
    with reg.engine.connect() as conn:
        row = conn.execute(
            select(mail_outbox.c.message_ct, mail_outbox.c.message_key)
            .where(
                mail_outbox.c.person_id == person_id,
                mail_outbox.c.kind == kind,
                mail_outbox.c.message_ct.is_not(None),
            )
            .order_by(mail_outbox.c.id.desc())
        ).first()
    if row is None:
        return None
    sealed = reg.cipher.open(outbox.ATTRIBUTE, row[0], row[1])
    return str(message_from_string(sealed, policy=policy.default).get_content())


def link_token(reg: RegisterApp, person_id: int) -> str:
    """The token of the person's latest link: from the waiting notice mail, else the letter."""
    text = _latest_mail(reg, person_id, NOTICE_MAIL)
    if text is None:
        with reg.engine.connect() as conn:
            row = conn.execute(
                select(delivery_table.c.letter_ct, delivery_table.c.letter_key)
                .where(
                    delivery_table.c.person_id == person_id,
                    delivery_table.c.letter_ct.is_not(None),
                )
                .order_by(delivery_table.c.id.desc())
            ).first()
        assert row is not None, "no notice mail or letter waits for the person"
        text = reg.cipher.open(LETTER, row[0], row[1])
    found = TOKEN.search(text)
    assert found is not None, text
    return found[1]


def waiting_code(reg: RegisterApp, person_id: int) -> str:
    """The one-time code in the person's latest code mail still in the queue."""
    text = _latest_mail(reg, person_id, CODE_MAIL)
    assert text is not None, "no code mail waits for the person"
    found = CODE.search(text)
    assert found is not None, text
    return found[1]
