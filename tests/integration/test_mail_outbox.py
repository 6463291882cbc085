"""The mail queue (services/outbox), on both databases, with a real SMTP server: a message is
kept sealed until a server takes it, tried again on a schedule, given up after a day, sent once
even with two senders, and gone with the person or after its month."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from sqlalchemy import select

from rekisteri.adapters.mail import SmtpMailer
from rekisteri.adapters.schema.mail import mail_outbox
from rekisteri.services import outbox
from rekisteri.services.rights import retention
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.clock import FakeClock
from tests.support.live_server import free_port
from tests.support.people import make_customer
from tests.support.smtp import smtp_server

SENDER = Actor("test mail job")
ADDRESS = "liisa.queue@example.fi"


def _queue(reg: RegisterApp, person_id: int, body: str = "Hei, tässä linkkisi") -> int:
    message = EmailMessage()
    message["To"] = ADDRESS
    message["Subject"] = "Vahvista"
    message.set_content(body)
    with reg.unit_of_work(Actor("test")) as uow:
        return outbox.queue(uow, person_id, "optin_confirmation", message)


def _row(reg: RegisterApp, message_id: int) -> object:
    with reg.engine.connect() as conn:
        return conn.execute(select(mail_outbox).where(mail_outbox.c.id == message_id)).one()


class _Dead:
    """A mail server address where nothing listens (a real refused connection)."""

    def __init__(self) -> None:
        self.mailer = SmtpMailer("127.0.0.1", free_port(), "x@example.fi", 5)


def test_a_queued_message_is_sealed_until_sent_and_its_copy_goes_once_sent(
    register: RegisterApp,
) -> None:
    c = make_customer(register)
    message_id = _queue(register, c.person_id, body="salainen-linkki-123")
    row = _row(register, message_id)
    assert row.message_ct is not None and b"salainen-linkki-123" not in row.message_ct
    assert ADDRESS.encode() not in row.message_ct
    with smtp_server() as inbox:
        mailer = SmtpMailer("127.0.0.1", inbox.port, "x@example.fi", 5)
        done = outbox.deliver(register, SENDER, mailer)
    assert done.sent == [message_id]
    (mail,) = inbox.messages
    assert mail["To"] == ADDRESS and "salainen-linkki-123" in mail.get_content()
    row = _row(register, message_id)
    assert row.sent_at is not None and row.message_ct is None and row.message_key is None
    assert outbox.deliver(register, SENDER, mailer).sent == []  # sent once


def test_a_refused_message_is_tried_again_on_its_schedule_and_given_up_after_the_last(
    register: RegisterApp, clock: FakeClock
) -> None:
    c = make_customer(register)
    message_id = _queue(register, c.person_id)
    dead = _Dead().mailer
    for n, wait in enumerate(outbox.RETRY_MINUTES, start=1):
        done = outbox.deliver(register, SENDER, dead)
        assert done.failed == [message_id], n
        row = _row(register, message_id)
        assert row.attempts == n and row.last_error == "ConnectionRefusedError"
        assert outbox.deliver(register, SENDER, dead).failed == []  # not due before its time
        clock.advance(seconds=wait * 60 - 1)
        assert outbox.deliver(register, SENDER, dead).failed == [], n
        clock.advance(seconds=1)
    done = outbox.deliver(register, SENDER, dead)
    assert done.gave_up == [message_id]
    row = _row(register, message_id)
    assert row.gave_up_at is not None and row.message_ct is None
    state = outbox.state(register, SENDER)
    assert (state.waiting, state.sent, state.gave_up) == (0, 0, 1)


def test_a_claimed_message_is_not_sent_by_a_second_sender(register: RegisterApp) -> None:
    c = make_customer(register)
    message_id = _queue(register, c.person_id)
    with register.unit_of_work(SENDER) as uow:
        claimed = outbox._claim(uow, None)  # the first sender, still talking to its server
    assert [m for m, _, _ in claimed] == [message_id]
    with smtp_server() as inbox:
        mailer = SmtpMailer("127.0.0.1", inbox.port, "x@example.fi", 5)
        assert outbox.deliver(register, SENDER, mailer).sent == []
    assert inbox.messages == []


@pytest.mark.proves("P14.kept.outbox")
@pytest.mark.parametrize("days, kept", [(30, True), (32, False)])
def test_a_message_is_kept_a_month_from_queuing_at_most(
    register: RegisterApp, clock: FakeClock, days: int, kept: bool
) -> None:
    c = make_customer(register)
    message_id = _queue(register, c.person_id)
    clock.advance(days=days)  # queued on the clock's first day, 3 March: a month is 3 April
    with register.unit_of_work(Actor("retention")) as uow:
        retention.run(uow)
    with register.engine.connect() as conn:
        left = conn.execute(select(mail_outbox.c.id)).scalars().all()
    assert left == ([message_id] if kept else [])


def test_the_queue_names_the_persons_whose_mail_it_sent_in_the_audit_trail(
    register: RegisterApp,
) -> None:
    from rekisteri.adapters.schema.audit import audit_entry, audit_subject

    c = make_customer(register)
    _queue(register, c.person_id)
    with smtp_server() as inbox:
        outbox.deliver(register, SENDER, SmtpMailer("127.0.0.1", inbox.port, "x@example.fi", 5))
    with register.engine.connect() as conn:
        subjects = (
            conn.execute(
                select(audit_subject.c.person_id)
                .join(audit_entry, audit_entry.c.seq == audit_subject.c.seq)
                .where(audit_entry.c.actor == SENDER.name, audit_entry.c.action == "read")
            )
            .scalars()
            .all()
        )
    assert c.person_id in subjects


def test_a_message_waiting_for_a_person_who_has_since_died_is_not_sent(
    register: RegisterApp,
) -> None:
    from rekisteri.adapters.schema.register import person

    c = make_customer(register)
    message_id = _queue(register, c.person_id)
    with register.unit_of_work(Actor("test")) as uow:  # the population register's word
        uow.execute(
            person.update().where(person.c.id == c.person_id).values(deceased_on=uow.today())
        )
    with smtp_server() as inbox:
        mailer = SmtpMailer("127.0.0.1", inbox.port, "x@example.fi", 5)
        assert outbox.deliver(register, SENDER, mailer).sent == []
    assert inbox.messages == []
    row = _row(register, message_id)
    assert row.gave_up_at is not None and row.last_error == "the person has died"
    assert row.message_ct is None
