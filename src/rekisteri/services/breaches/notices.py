"""The notices to the persons of a breach (Art. 34), each in the person's language (the
register's one rule, `vocabulary.lang_of`), by e-mail when the person has a valid address and
otherwise as a letter to their postal address (a text file for printing, owner-only, whole or
not at all); a person with a turvakielto's letter goes through the population register
authority's forwarding (services/register/letters). Each person is told once: a second run
sends only to those not yet told.

A notice says in clear words the nature of the breach, the kinds of the person's data it
concerned, when it happened, its likely consequences, the measures taken and proposed, and the
DPO's contact (Art. 34(2) with Art. 33(3)(b)-(d))."""

from __future__ import annotations

from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import or_, select, update

from rekisteri.adapters.mail import SmtpMailer
from rekisteri.adapters.private_files import private_directory, write_private
from rekisteri.adapters.schema.breach import breach, breach_subject
from rekisteri.adapters.schema.register import contact_point, person
from rekisteri.catalogue import Category, Lang
from rekisteri.domain import breaches as rules
from rekisteri.domain.breaches import Kind, notice_word
from rekisteri.domain.errors import InvalidInput, NotFound, RuleViolation
from rekisteri.domain.vocabulary import label, lang_of
from rekisteri.services.breaches.records import log_step
from rekisteri.services.breaches.scope import WHAT
from rekisteri.services.exports import register_files
from rekisteri.services.register import letters, representatives
from rekisteri.services.register.letters import Envelope
from rekisteri.services.register.representatives import MailRecipient
from rekisteri.services.unit_of_work import UnitOfWork


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None: ...


@dataclass(frozen=True)
class Recipient:
    person_id: int
    lang: Lang
    name: str
    email: str | None
    # The letter's envelope: the postal address, or the forwarding route of a turvakielto.
    postal: Envelope | None


@dataclass
class Sent:
    emails: int = 0
    letters: list[Path] = field(default_factory=list)
    unreachable: list[int] = field(default_factory=list)  # person ids: no address at all
    already: int = 0


def compose(row: Any, categories: list[str], lang: Lang, dpo_contact: str) -> tuple[str, str]:
    """(subject, body) of one person's notice, in `lang`."""

    def w(key: str) -> str:
        return notice_word(key, lang)

    when = f"{w('noticed')} {rules.local(row.aware_at)}"
    if row.started_at is not None:
        when = f"{w('started')} {rules.local(row.started_at)}, {when}"
    kinds = ", ".join(label(Category(c), lang) for c in categories)
    body = [
        f"{w('greeting')},",
        "",
        f"{w('what')}: {rules.KIND_WORDS[Kind(row.kind)].in_(lang)}.",
        f"{w('when')}: {when}.",
        f"{w('categories')}: {kinds}.",
        "",
        f"{w('consequences')}:",
        str(row._mapping[f"consequences_{lang.value}"]),
        "",
        f"{w('measures')}:",
        str(row._mapping[f"measures_{lang.value}"]),
        "",
        f"{w('contact')}: {dpo_contact}",
        w("ombudsman"),
        "",
        f"{w('reference')}: {row.reference}",
    ]
    return f"{w('subject')} ({row.reference})", "\n".join(body) + "\n"


def _recipients(uow: UnitOfWork, ids: list[int]) -> list[Recipient]:
    today = uow.today()
    cp = contact_point
    valid = (cp.c.valid_from <= today, or_(cp.c.valid_to.is_(None), cp.c.valid_to >= today))
    found = []
    # A deceased person's notice goes to their estate's contact, a person under guardianship's
    # to the guardian (services/register/representatives.mail_recipients).
    mail_to = representatives.mail_recipients(uow, ids)
    for pid in ids:
        p = uow.execute(
            select(
                person.c.first_names,
                person.c.last_name,
                person.c.organisation_name,
                person.c.mother_tongue,
            ).where(person.c.id == pid)
        ).one()
        name = p.organisation_name or " ".join(x for x in (p.first_names, p.last_name) if x)
        email = uow.execute(
            select(cp.c.email)
            .where(cp.c.person_id == pid, cp.c.kind == "email", cp.c.email.is_not(None), *valid)
            .order_by(cp.c.valid_from.desc(), cp.c.id.desc())
            .limit(1)
        ).scalar()
        # A letter only where no e-mail reaches them; its envelope from the one rule of
        # services/register/letters (a turvakielto goes through the forwarding route).
        postal = None if email else letters.envelope(uow, pid)
        found.append(
            _through_representative(
                Recipient(pid, lang_of(p.mother_tongue), name, email, postal), mail_to.get(pid)
            )
        )
    if ids:
        uow.note_read(ids, [Category.IDENTITY, Category.CONTACT], f"{WHAT}: notices")
    return found


def _through_representative(own: Recipient, rep: MailRecipient | None) -> Recipient:
    """The notice to the representative who receives the person's mail: by their e-mail, or a
    letter to their address (not the person's, nor the forwarding route)."""
    if rep is None:
        return own
    name = rep.addressed(own.name)
    office = f"{rep.postal_code} {rep.post_office}".strip()
    abroad = [rep.country] if rep.country and rep.country.upper() != "FI" else []
    postal = Envelope(own.person_id, own.lang, (name, rep.street, office, *abroad))
    return Recipient(own.person_id, own.lang, name, rep.email, postal)


def _ready(row: Any, langs: set[Lang]) -> None:
    if row.assessed_at is None:
        raise RuleViolation(f"breach {row.reference} is not assessed yet (breach assess)")
    if not row.notify_persons:
        raise RuleViolation(f"the assessment of {row.reference} does not tell the persons")
    for lang in sorted(langs):
        for name in ("consequences", "measures"):
            if not row._mapping[f"{name}_{lang.value}"]:
                raise InvalidInput(
                    f"{name}_{lang.value}",
                    f"a person in the scope reads {lang.value}: give the text in "
                    f"{lang.value} (breach assess --{name}-{lang.value})",
                )


def send_notices(
    uow: UnitOfWork, reference: str, letters_to: Path, mailer: Mailer | None = None
) -> Sent:
    """Tell every person in the scope not yet told."""
    row = uow.execute(select(breach).where(breach.c.reference == reference.strip())).first()
    if row is None:
        raise NotFound("breach", reference)
    subjects = uow.execute(
        select(
            breach_subject.c.person_id, breach_subject.c.categories, breach_subject.c.notice_sent_at
        )
        .where(breach_subject.c.breach_id == row.id)
        .order_by(breach_subject.c.person_id)
    ).all()
    sent = Sent(already=sum(1 for s in subjects if s.notice_sent_at is not None))
    todo = {int(s.person_id): s.categories.split() for s in subjects if s.notice_sent_at is None}
    recipients = _recipients(uow, sorted(todo))
    _ready(row, {r.lang for r in recipients})
    sender: Mailer = mailer or SmtpMailer(
        uow.settings.smtp_host, uow.settings.smtp_port, uow.settings.mail_sender
    )
    keep = register_files(uow.settings)
    for r in recipients:
        subject, body = compose(row, todo[r.person_id], r.lang, uow.settings.dpo_contact)
        if r.email:
            message = EmailMessage()
            message["From"] = uow.settings.mail_sender
            message["To"] = r.email
            message["Subject"] = subject
            message.set_content(body)
            sender.send(message)
            channel = "email"
            sent.emails += 1
        elif r.postal:
            private_directory(letters_to)
            path = letters_to / f"{row.reference}-{r.person_id}.txt"
            write_private(path, f"{r.postal.text()}\n{subject}\n\n{body}", keep=keep)
            sent.letters.append(path)
            channel = "letter"
        else:
            sent.unreachable.append(r.person_id)
            continue
        uow.execute(
            update(breach_subject)
            .where(breach_subject.c.breach_id == row.id, breach_subject.c.person_id == r.person_id)
            .values(notice_channel=channel, notice_lang=r.lang.value, notice_sent_at=uow.now())
        )
    log_step(
        uow,
        int(row.id),
        row.reference,
        "notices",
        f"{sent.emails} e-mails, {len(sent.letters)} letters, {len(sent.unreachable)} without "
        f"an address, {sent.already} told before",
    )
    return sent
