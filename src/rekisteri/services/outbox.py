"""Mail the register sends to persons goes through a queue (table mail_outbox): the change that
asked for a message is kept whatever the mail server does, the message waits sealed until a
server takes it, and a job (`rekisteri mail send`, system:mail) retries what failed.

A message is claimed before it is sent (its next attempt moved a lease ahead in a short
transaction), sent outside any transaction (a slow mail server must not hold the register's
write lock), and its outcome recorded in another: two senders never send one message twice."""

from __future__ import annotations

import datetime as dt
import smtplib
from collections.abc import Collection
from dataclasses import dataclass, field
from email import message_from_string, policy
from email.message import EmailMessage
from typing import Protocol

from sqlalchemy import ColumnElement, and_, func, insert, select, update

from rekisteri.adapters.mail import SmtpMailer
from rekisteri.adapters.schema.mail import mail_outbox as box
from rekisteri.adapters.schema.register import person
from rekisteri.config import Settings
from rekisteri.domain.vocabulary import Category
from rekisteri.services.unit_of_work import Actor, RegisterApp, UnitOfWork

ATTRIBUTE = "mail_outbox.message"
# Minutes to wait after each failed attempt; after the last the message is given up (a day on).
RETRY_MINUTES = (1, 5, 15, 60, 180, 360, 720)
LEASE = dt.timedelta(minutes=5)  # a claimed message's sender has this long to report back
BATCH = 100


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None: ...


def smtp_mailer(settings: Settings) -> Mailer:
    """The configured mail server, with the settings' timeout (a page waits on it)."""
    return SmtpMailer(
        settings.smtp_host, settings.smtp_port, settings.mail_sender, settings.smtp_timeout
    )


def queue(uow: UnitOfWork, person_id: int, kind: str, message: EmailMessage) -> int:
    """Keep `message` for the person, sealed, due now; its id."""
    if "From" not in message:
        message["From"] = uow.settings.mail_sender
    sealed = uow.cipher.seal(ATTRIBUTE, message.as_string())
    now = uow.now()
    return int(
        uow.execute(
            insert(box)
            .values(
                person_id=person_id,
                kind=kind,
                queued_at=now,
                message_ct=sealed.ciphertext,
                message_key=sealed.key_id,
                message_bidx=sealed.blind_index,
                attempts=0,
                next_attempt_at=now,
            )
            .returning(box.c.id)
        ).scalar_one()
    )


@dataclass
class Delivery:
    """What one pass over the queue did."""

    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)  # to be tried again
    gave_up: list[int] = field(default_factory=list)

    def describe(self) -> str:
        return (
            f"{len(self.sent)} sent, {len(self.failed)} to be tried again, "
            f"{len(self.gave_up)} given up"
        )


def _waiting() -> ColumnElement[bool]:
    return and_(box.c.sent_at.is_(None), box.c.gave_up_at.is_(None))


def _claim(uow: UnitOfWork, ids: Collection[int] | None) -> list[tuple[int, int, EmailMessage]]:
    now = uow.now()
    due = and_(_waiting(), box.c.next_attempt_at <= now)
    if ids is not None:
        due = and_(due, box.c.id.in_(list(ids)))
    rows = uow.execute(
        select(
            box.c.id,
            box.c.person_id,
            box.c.message_ct,
            box.c.message_key,
            person.c.deceased_on,
            person.c.restricted,
        )
        .join(person, person.c.id == box.c.person_id)
        .where(due)
        .order_by(box.c.next_attempt_at, box.c.id)
        .limit(BATCH)
    ).all()
    claimed = []
    for row in rows:
        if row.deceased_on is not None or row.restricted:
            # Since it was queued the person died or their processing was restricted: a
            # message that waited is not sent after that (the reason, never the message, kept).
            why = "the person has died" if row.deceased_on is not None else "processing restricted"
            uow.execute(
                update(box)
                .where(box.c.id == row.id, due)
                .values(
                    gave_up_at=now,
                    last_error=why,
                    message_ct=None,
                    message_key=None,
                    message_bidx=None,
                )
            )
            continue
        # Only if still due: another sender that claimed it first moved its time ahead.
        took = uow.execute(
            update(box).where(box.c.id == row.id, due).values(next_attempt_at=now + LEASE)
        )
        if took.rowcount == 1:
            text = uow.cipher.open(ATTRIBUTE, row.message_ct, row.message_key)
            message = message_from_string(text, policy=policy.default)
            assert isinstance(message, EmailMessage)
            claimed.append((int(row.id), int(row.person_id), message))
    if claimed:
        uow.note_read(sorted({p for _, p, _ in claimed}), [Category.HISTORY], "queued mail sent")
    return claimed


def deliver(
    reg: RegisterApp, actor: Actor, mailer: Mailer, ids: Collection[int] | None = None
) -> Delivery:
    """Send the due messages (only `ids` when given); record each outcome."""
    with reg.unit_of_work(actor) as uow:
        claimed = _claim(uow, ids)
    if not claimed:
        return Delivery()
    result = Delivery()
    errors: dict[int, str] = {}
    for message_id, _, message in claimed:
        try:
            mailer.send(message)
        except (OSError, smtplib.SMTPException) as err:
            # The kind of failure only: a server's reply can quote the recipient.
            errors[message_id] = type(err).__name__
        else:
            result.sent.append(message_id)
    with reg.unit_of_work(actor) as uow:
        now = uow.now()
        if result.sent:
            # Sent: the copy has no further use; the row says what was sent and when.
            uow.execute(
                update(box)
                .where(box.c.id.in_(result.sent))
                .values(sent_at=now, message_ct=None, message_key=None, message_bidx=None)
            )
        for message_id, error in errors.items():
            tried = int(
                uow.execute(select(box.c.attempts).where(box.c.id == message_id)).scalar_one()
            )
            values: dict[str, object] = {"attempts": tried + 1, "last_error": error[:200]}
            if tried + 1 > len(RETRY_MINUTES):
                values.update(gave_up_at=now, message_ct=None, message_key=None, message_bidx=None)
                result.gave_up.append(message_id)
            else:
                values["next_attempt_at"] = now + dt.timedelta(minutes=RETRY_MINUTES[tried])
                result.failed.append(message_id)
            uow.execute(update(box).where(box.c.id == message_id).values(values))
    return result


@dataclass(frozen=True)
class QueueState:
    waiting: int
    sent: int
    gave_up: int
    oldest_waiting: dt.datetime | None


def state(reg: RegisterApp, actor: Actor) -> QueueState:
    """Counts only: names no person."""
    with reg.reading(actor) as uow:
        waiting = uow.execute(
            select(func.count(), func.min(box.c.queued_at)).where(_waiting())
        ).one()
        sent = uow.execute(select(func.count()).where(box.c.sent_at.is_not(None))).scalar_one()
        gave_up = uow.execute(
            select(func.count()).where(box.c.gave_up_at.is_not(None))
        ).scalar_one()
    return QueueState(int(waiting[0]), int(sent), int(gave_up), waiting[1])
