"""The access package delivered to the person (issue 18; docs/package-delivery.md).

When an access request is fulfilled, the ZIP the DPO's desk downloads (desk.answer_zip) is
sealed in the register's encrypted file store, and the person is sent a notice in their
language with a single-use download link: by e-mail through the outbox when the register held
an e-mail address of theirs before the request, else in a letter the DPO prints (with the
envelope, as the register's letters are posted). Only the link's hash is kept.

Opening the link asks for a one-time code sent to a contact point held before the request
(package_codes); wrong codes are counted and lock the link, a code expires. The one download is
an audit entry in the person's own name ("person (download link)") and a step of the request;
the file is destroyed as soon as it has been given, when the link expires (`rekisteri request
expire-packages`, a job) or when the DPO records handing the package over in person or by letter.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from email.message import EmailMessage
from enum import StrEnum
from typing import Any

from sqlalchemy import insert, select, update

from rekisteri.adapters.file_store import FileStore
from rekisteri.adapters.schema.register import person
from rekisteri.adapters.schema.rights import package_delivery as pd
from rekisteri.catalogue import Category, Lang
from rekisteri.domain.delivery_words import LETTER_EXTRA, NOTICE_BODY, NOTICE_SUBJECT, local_time
from rekisteri.domain.errors import InvalidInput, NotFound, RuleViolation
from rekisteri.domain.requests import RequestKind
from rekisteri.services import outbox
from rekisteri.services.rights import desk, package_codes, requests
from rekisteri.services.rights.fulfilment import Fulfilment
from rekisteri.services.unit_of_work import Actor, RegisterApp, UnitOfWork

NOTICE_MAIL = "package_notice"  # the outbox's kind of the notice mail
LETTER = "package_delivery.letter"  # the sealed notice letter's attribute
CODE = "package_delivery.code"  # the key the one-time code is hashed under
MAX_CODES = 5  # codes a link may ask for: each is a mail to the person
HANDED_OVER = ("in_person", "letter")
# Who downloads through the link: the person, authenticated by link and one-time code.
PERSON = "person (download link)"


class CodeRefused(RuleViolation):
    """No code is sent: `why` is too_many_codes or no_channel (the page says it in words)."""

    def __init__(self, why: str) -> None:
        super().__init__(f"no code sent: {why.replace('_', ' ')}")
        self.why = why


class LinkState(StrEnum):
    READY = "ready"
    UNKNOWN = "unknown"
    DOWNLOADED = "downloaded"
    EXPIRED = "expired"
    LOCKED = "locked"
    HANDED_OVER = "handed_over"


@dataclass(frozen=True)
class Offer:
    delivery_id: int
    notice: str  # email | letter
    expires_at: dt.datetime
    mail_id: int | None  # the notice in the outbox
    letter: str | None  # the notice letter with its envelope, to print


@dataclass(frozen=True)
class Link:
    state: LinkState
    lang: Lang
    row: Any = None
    reference: str = ""
    when: dt.datetime | None = None  # downloaded, expired or handed over at
    destination: str | None = None  # where a code goes, masked; None: no channel reaches


@dataclass(frozen=True)
class Attempt:
    """What a download attempt came to: the package, or why not (and the tries left)."""

    content: bytes | None
    filename: str = ""
    refused: str = ""  # no_code_yet | code_expired | wrong_code | locked | a LinkState
    left: int = 0


def token_hash(token: str) -> str:
    # The token holds 256 random bits: a plain hash cannot be turned back into it.
    return hashlib.sha256(token.encode()).hexdigest()


def person_actor(person_id: int) -> Actor:
    return Actor(PERSON, person_id=person_id)


def owner(reg: RegisterApp, token: str) -> int | None:
    """Whose link it is (nothing of the person is returned: the id names the actor)."""
    with reg.reading(Actor(PERSON)) as uow:
        row = _row(uow, token)
    return None if row is None or row.person_id is None else int(row.person_id)


def offer(uow: UnitOfWork, done: Fulfilment, *, pdf: bool = True) -> Offer | None:
    """Seal the fulfilled access request's package in the file store and send the notice
    (queued mail, or a letter returned to print); None for other kinds of request."""
    if done.kind is not RequestKind.ACCESS or done.access is None:
        return None
    row = requests.load(uow, done.reference)
    made = desk.answer_zip(uow, done.reference, pdf=pdf, rendered=done.rendered)
    with uow.files.writer() as writer:
        writer.write(made.content)
        stored = writer.close()
    token = secrets.token_urlsafe(32)
    now = uow.now()
    expires = now + dt.timedelta(days=uow.settings.package_link_days)
    lang = done.access.lang
    link = f"{uow.settings.public_base_url.rstrip('/')}/package/{token}"
    text = NOTICE_BODY.in_(lang).format(
        reference=done.reference,
        expires=local_time(expires, lang),
        link=link,
        dpo=uow.settings.dpo_contact,
        controller=uow.settings.controller_name,
    )
    address = package_codes.email_held_before(uow, done.person_id, row.received_at)
    who = uow.execute(
        select(person.c.restricted, person.c.deceased_on).where(person.c.id == done.person_id)
    ).one()
    # A representative's request is answered to them: by post, at the address they gave. The
    # outbox sends nothing to a person whose processing is restricted or who has died (the
    # answer is still owed): a letter then too.
    by_mail = (
        address is not None
        and done.answer_to is None
        and not who.restricted
        and who.deceased_on is None
    )
    categories = {s.category for s in done.access.sections if s.category and s.rows}
    values: dict[str, Any] = {
        "request_id": int(row.id),
        "person_id": done.person_id,
        "created_at": now,
        "expires_at": expires,
        "lang": lang.value,
        "notice": "email" if by_mail else "letter",
        "categories": " ".join(sorted(categories | {Category.RIGHTS_REQUEST.value})),
        "file_ref": stored.ref,
        "file_size": stored.size,
        "token_hash": token_hash(token),
        "codes_sent": 0,
        "wrong_codes": 0,
    }
    mail_id, letter = None, None
    if by_mail:
        assert address is not None
        message = EmailMessage()
        message["From"] = uow.settings.mail_sender
        message["To"] = address
        message["Subject"] = NOTICE_SUBJECT.in_(lang)
        message.set_content(text)
        mail_id = outbox.queue(uow, done.person_id, NOTICE_MAIL, message)
    else:
        head = done.envelope.text() if done.envelope is not None else ""
        letter = f"{head}\n{NOTICE_SUBJECT.in_(lang)}\n\n{text}\n"
        letter += LETTER_EXTRA.in_(lang).format(dpo=uow.settings.dpo_contact)
        sealed = uow.cipher.seal(LETTER, letter)
        values |= {
            "letter_ct": sealed.ciphertext,
            "letter_key": sealed.key_id,
            "letter_bidx": sealed.blind_index,
        }
    delivery_id = int(uow.execute(insert(pd).values(values).returning(pd.c.id)).scalar_one())
    requests.note_step(uow, int(row.id), "link_sent", "e-mail" if by_mail else "letter")
    return Offer(delivery_id, values["notice"], expires, mail_id, letter)


def _state(row: Any, now: dt.datetime) -> tuple[LinkState, dt.datetime | None]:
    if row.handed_over is not None:
        return LinkState.HANDED_OVER, row.handed_over_at
    if row.downloaded_at is not None:
        return LinkState.DOWNLOADED, row.downloaded_at
    if row.locked_at is not None:
        return LinkState.LOCKED, row.locked_at
    if row.file_ref is None or now >= row.expires_at:
        return LinkState.EXPIRED, row.expires_at
    return LinkState.READY, None


def _row(uow: UnitOfWork, token: str) -> Any:
    if not 20 <= len(token) <= 100:  # a token is 43 characters; anything else is no link
        return None
    return uow.execute(select(pd).where(pd.c.token_hash == token_hash(token))).first()


def _received_at(uow: UnitOfWork, row: Any) -> tuple[str, dt.datetime]:
    req = requests.load(uow, int(row.request_id))
    return str(req.reference), req.received_at


def open_link(uow: UnitOfWork, token: str, fallback: Lang = Lang.FI) -> Link:
    """What the link stands for now; a link that is ready says where a code would go."""
    row = _row(uow, token)
    if row is None:
        return Link(LinkState.UNKNOWN, fallback)
    lang = Lang(row.lang)
    state, when = _state(row, uow.now())
    if state is not LinkState.READY:
        return Link(state, lang, row, when=when)
    reference, received = _received_at(uow, row)
    uow.note_read([int(row.person_id)], [Category.RIGHTS_REQUEST], "access package link opened")
    found = package_codes.reaching(uow, row, received)
    return Link(state, lang, row, reference, destination=found[1] if found else None)


def send_code(uow: UnitOfWork, token: str) -> tuple[Link, int | None]:
    """A new one-time code for a ready link, sent by the first channel that reaches the person
    (replacing any earlier code); the outbox message's id to send it at once."""
    link = open_link(uow, token)
    if link.state is not LinkState.READY:
        return link, None
    row = link.row
    if row.codes_sent >= MAX_CODES:
        raise CodeRefused("too_many_codes")
    _, received = _received_at(uow, row)
    found = package_codes.reaching(uow, row, received)
    if found is None:
        raise CodeRefused("no_channel")
    code = f"{secrets.randbelow(10**6):06d}"
    now = uow.now()
    minutes = uow.settings.package_code_minutes
    uow.execute(
        update(pd)
        .where(pd.c.id == row.id)
        .values(
            code_hash=_code_hash(uow, int(row.id), code),
            code_sent_at=now,
            code_expires_at=now + dt.timedelta(minutes=minutes),
            codes_sent=pd.c.codes_sent + 1,
        )
    )
    return link, found[0].send(uow, row, received, code, link.lang)


def _code_hash(uow: UnitOfWork, delivery_id: int, code: str) -> str:
    # Keyed: a copy of the database alone does not give the million codes' hashes.
    return uow.cipher.blind_index(CODE, f"{delivery_id}:{code}")


def download(uow: UnitOfWork, token: str, code: str) -> Attempt:
    """The package, once, for the right code; else why not. A wrong code is counted (and
    commits: the caller's unit of work ends normally), the last allowed one locks the link."""
    link = open_link(uow, token)
    if link.state is not LinkState.READY:
        return Attempt(None, refused=link.state.value)
    row, now = link.row, uow.now()
    allowed = uow.settings.package_code_attempts
    if row.code_hash is None:
        return Attempt(None, refused="no_code_yet", left=allowed - row.wrong_codes)
    if now >= row.code_expires_at:
        return Attempt(None, refused="code_expired", left=allowed - row.wrong_codes)
    given = "".join(ch for ch in code if ch.isdigit())[:6]
    if not hmac.compare_digest(_code_hash(uow, int(row.id), given), row.code_hash):
        # Counted in the database, not from the row read above: wrong codes sent at once are
        # each counted, so a burst of guesses cannot share one attempt.
        wrong = uow.execute(
            update(pd)
            .where(pd.c.id == row.id, pd.c.locked_at.is_(None))
            .values(wrong_codes=pd.c.wrong_codes + 1)
            .returning(pd.c.wrong_codes)
        ).scalar_one_or_none()
        if wrong is None:
            return Attempt(None, refused="locked")
        if wrong < allowed:
            return Attempt(None, refused="wrong_code", left=allowed - wrong)
        locking = uow.execute(
            update(pd)
            .where(pd.c.id == row.id, pd.c.locked_at.is_(None))
            .values(locked_at=now, file_ref=None, file_deleted_at=now, **_NO_LETTER)
        )
        if locking.rowcount == 1:
            requests.note_step(uow, int(row.request_id), "link_locked", f"{wrong} wrong codes")
            _destroy(uow, [str(row.file_ref)])
        return Attempt(None, refused="locked")
    # Claimed only if no other request took it first, the link is not locked meanwhile and
    # the code compared is still the link's: a package is given once, for its current code.
    took = uow.execute(
        update(pd)
        .where(
            pd.c.id == row.id,
            pd.c.downloaded_at.is_(None),
            pd.c.file_ref.is_not(None),
            pd.c.locked_at.is_(None),
            pd.c.code_hash == row.code_hash,
        )
        .values(downloaded_at=now, code_hash=None, file_ref=None, file_deleted_at=now, **_NO_LETTER)
    )
    if took.rowcount != 1:
        return Attempt(None, refused=LinkState.DOWNLOADED.value)
    uow.files.verify(str(row.file_ref))  # a damaged file gives nothing, not a part
    content = b"".join(uow.files.read(str(row.file_ref)))
    _destroy(uow, [str(row.file_ref)])
    uow.note_read(
        [int(row.person_id)],
        [Category(c) for c in str(row.categories).split()],
        "access package downloaded by the person through their link",
    )
    requests.note_step(uow, int(row.request_id), "downloaded", "by the person, link and code")
    return Attempt(content, filename=f"answer-{link.reference}.zip")


# The sealed notice letter (its envelope holds the postal address) goes with the link: once the
# package is downloaded, locked, expired or handed over, there is nothing left to print.
_NO_LETTER: dict[str, None] = {"letter_ct": None, "letter_key": None, "letter_bidx": None}


def _destroy(uow: UnitOfWork, refs: list[str]) -> None:
    """Unlink the files once the unit of work commits (a rollback keeps its rows' files)."""
    files: FileStore = uow.files

    def destroy() -> None:
        for ref in refs:
            files.destroy(ref)

    uow.after_commit.append(destroy)
    uow.files_destroyed.extend(refs)


def expire(uow: UnitOfWork) -> list[str]:
    """Destroy the packages whose link has expired (for real: the file is unlinked after the
    commit) and close their links; the references of the requests concerned."""
    now = uow.now()
    # A letter whose link is past its expiry goes even where the file went before (a row
    # downloaded or locked before the letter was dropped with it).
    uow.execute(
        update(pd)
        .where(pd.c.letter_ct.is_not(None), pd.c.expires_at <= now, pd.c.file_ref.is_(None))
        .values(**_NO_LETTER)
    )
    rows = uow.execute(
        select(pd.c.id, pd.c.request_id, pd.c.file_ref).where(
            pd.c.file_ref.is_not(None), pd.c.expires_at <= now
        )
    ).all()
    if not rows:
        return []
    _destroy(uow, [str(r.file_ref) for r in rows])
    uow.execute(
        update(pd)
        .where(pd.c.id.in_([r.id for r in rows]))
        .values(
            file_ref=None,
            file_deleted_at=now,
            code_hash=None,
            **_NO_LETTER,
        )
    )
    done = []
    for r in rows:
        requests.note_step(uow, int(r.request_id), "package_expired", "file destroyed")
        done.append(str(requests.load(uow, int(r.request_id)).reference))
    return done


def _latest(uow: UnitOfWork, reference: str) -> tuple[Any, Any]:
    req = requests.load(uow, reference)
    row = uow.execute(select(pd).where(pd.c.request_id == req.id).order_by(pd.c.id.desc())).first()
    if row is None:
        raise NotFound("access package delivery", reference)
    return req, row


def hand_over(uow: UnitOfWork, reference: str, how: str, note: str = "") -> None:
    """Record that the DPO handed the package over in person or by letter: the link closes and
    the sealed package is destroyed (the DPO gave the person their own copy)."""
    if how not in HANDED_OVER:
        raise InvalidInput("how", f"must be one of {', '.join(HANDED_OVER)}")
    if len(note) > 300:
        raise InvalidInput("note", "is at most 300 characters")
    req, row = _latest(uow, reference)
    if row.handed_over is not None or row.downloaded_at is not None:
        raise RuleViolation(f"request {req.reference}: the package was already delivered")
    now = uow.now()
    if row.file_ref is not None:
        _destroy(uow, [str(row.file_ref)])
    uow.execute(
        update(pd)
        .where(pd.c.id == row.id)
        .values(
            handed_over=how,
            handed_over_at=now,
            handed_over_by=uow.actor.name[:60],
            handed_over_note=note.strip() or None,
            file_ref=None,
            file_deleted_at=row.file_deleted_at or now,
            code_hash=None,
            **_NO_LETTER,
        )
    )
    requests.note_step(uow, int(req.id), "handed_over", how.replace("_", " "))


def notice_letter(uow: UnitOfWork, reference: str) -> str:
    """The notice letter to print (with its envelope and link), while the link is open."""
    req, row = _latest(uow, reference)
    if row.letter_ct is None:
        raise RuleViolation(f"request {req.reference}: no notice letter to print")
    uow.note_read(
        [int(row.person_id)], [Category.RIGHTS_REQUEST, Category.CONTACT], "notice letter printed"
    )
    return uow.cipher.open(LETTER, row.letter_ct, row.letter_key)


def summary(uow: UnitOfWork, request_id: int) -> dict[str, Any] | None:
    """How the request's package reached (or waits for) the person, for the desk."""
    row = uow.execute(
        select(pd).where(pd.c.request_id == request_id).order_by(pd.c.id.desc())
    ).first()
    if row is None:
        return None
    state, when = _state(row, uow.now())
    return {
        "state": state.value,
        "notice": row.notice,
        "expires_at": row.expires_at,
        "when": when,
        "letter": row.letter_ct is not None,
        "handed_over": row.handed_over,
        "handed_over_by": row.handed_over_by,
        "note": row.handed_over_note,
    }
