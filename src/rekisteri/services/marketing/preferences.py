"""The preference centre (P5): a person's own settings, opened and changed by a signed link.

Every change is one ledger event with its evidence: the text shown and its version, the IP
address and the browser's user agent. An e-mail opt-in is recorded only when the person opens
the confirmation link sent to that address (double opt-in).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from email.message import EmailMessage

from sqlalchemy import or_, select

from rekisteri.adapters.schema.register import contact_point, person
from rekisteri.catalogue import Category, Lang, Source
from rekisteri.domain.consent import (
    CaptureMethod,
    ConsentChange,
    ConsentEventKind,
    ConsentPurpose,
    ConsentState,
    Evidence,
)
from rekisteri.domain.errors import InvalidInput, NotFound
from rekisteri.domain.preferences import EVENT_OF, PAGE_KEYS, Change, change_for, is_on
from rekisteri.domain.register import Provenance
from rekisteri.domain.vocabulary import lang_of
from rekisteri.domain.wording import WORDING_VERSION, confirmation_mail, consent_wording
from rekisteri.services import outbox
from rekisteri.services.marketing import deceased, ledger
from rekisteri.services.marketing.links import LinkKind, LinkPayload, sign, verify
from rekisteri.services.unit_of_work import UnitOfWork

CONFIRMATION_MAIL = "optin_confirmation"  # the outbox's kind of the double opt-in mail


@dataclass(frozen=True)
class Visitor:
    """Who opened the link: the evidence of a web capture."""

    ip_address: str
    user_agent: str


@dataclass(frozen=True)
class Switch:
    purpose: ConsentPurpose
    channel: str
    on: bool
    state: ConsentState


@dataclass
class Page:
    person_id: int
    language: Lang
    switches: list[Switch]


@dataclass
class Outcome:
    recorded: list[tuple[str, str, str]] = field(default_factory=list)  # purpose, channel, event
    confirmations_sent: list[tuple[str, str]] = field(default_factory=list)
    # The confirmation mails, queued in the outbox (services/outbox): the page sends them once
    # the change is committed, and says so if the mail server did not take them.
    queued_mail: list[int] = field(default_factory=list)


def language_of(uow: UnitOfWork, person_id: int) -> Lang:
    """The person's language for the preference centre and its mails: the register's one rule
    (`vocabulary.lang_of`), so they match the access report and the audiences."""
    tongue = uow.execute(select(person.c.mother_tongue).where(person.c.id == person_id)).first()
    if tongue is None:
        raise NotFound("person", person_id)
    return lang_of(tongue[0])


def _link(uow: UnitOfWork, path: str, payload: LinkPayload) -> str:
    base = uow.settings.public_base_url.rstrip("/")
    return f"{base}{path}/{sign(uow.cipher, payload)}"


def settings_link(uow: UnitOfWork, person_id: int) -> str:
    days = uow.settings.preference_link_days
    payload = LinkPayload(LinkKind.SETTINGS, person_id, uow.now() + dt.timedelta(days=days), {})
    return _link(uow, "/preferences", payload)


def unsubscribe_link(uow: UnitOfWork, person_id: int, purpose: str, channel: str) -> str:
    days = uow.settings.preference_link_days
    extra = {"purpose": purpose, "channel": channel}
    payload = LinkPayload(
        LinkKind.UNSUBSCRIBE, person_id, uow.now() + dt.timedelta(days=days), extra
    )
    return _link(uow, "/preferences/unsubscribe", payload)


def open_page(uow: UnitOfWork, token: str) -> Page:
    link = verify(uow.cipher, token, LinkKind.SETTINGS, uow.now())
    settings = {(s.purpose, s.channel): s for s in ledger.settings_of(uow, link.person_id)}
    switches = [
        Switch(p, c, is_on(p, c, settings[(p, c)].state), settings[(p, c)].state)
        for p, c in PAGE_KEYS
    ]
    return Page(link.person_id, language_of(uow, link.person_id), switches)


def _provenance(uow: UnitOfWork) -> Provenance:
    return Provenance(Source.CUSTOMER_CONTACT, uow.now(), "preference centre")


def _record(
    uow: UnitOfWork,
    person_id: int,
    purpose: ConsentPurpose,
    channel: str,
    event: ConsentEventKind,
    lang: Lang,
    visitor: Visitor,
) -> None:
    wording = consent_wording(purpose, channel, lang, yes=event is ConsentEventKind.GRANTED)
    evidence = Evidence(
        CaptureMethod.WEB_FORM,
        "person",
        wording,
        WORDING_VERSION,
        visitor.ip_address,
        visitor.user_agent,
    )
    change = ConsentChange(purpose, channel, event, uow.now(), evidence)
    ledger.record(uow, person_id, change, _provenance(uow))


def current_email(uow: UnitOfWork, person_id: int) -> str | None:
    today = uow.today()
    cp = contact_point
    uow.note_read([person_id], [Category.CONTACT], "preference centre e-mail")
    row = uow.execute(
        select(cp.c.email)
        .where(
            cp.c.person_id == person_id,
            cp.c.kind == "email",
            cp.c.valid_from <= today,
            or_(cp.c.valid_to.is_(None), cp.c.valid_to >= today),
        )
        .order_by(cp.c.valid_from.desc(), cp.c.id.desc())
    ).first()
    return None if row is None else str(row[0])


def change_settings(
    uow: UnitOfWork,
    token: str,
    switched_on: set[tuple[str, str]],
    visitor: Visitor,
) -> Outcome:
    """Apply the page's form: every switch not in `switched_on` is off. A switch that needs
    the e-mail double opt-in queues its confirmation mail (sent after the commit). After the
    person's death nothing is switched on and no confirmation mail goes out (marketing has
    stopped); switching off is still recorded."""
    page = open_page(uow, token)
    outcome = Outcome()
    ended = deceased.is_deceased(uow, page.person_id)
    for switch in page.switches:
        wanted = (switch.purpose.value, switch.channel) in switched_on
        change = change_for(switch.purpose, switch.channel, switch.state, wanted)
        if change is None:
            continue
        if ended and change in (Change.GRANT, Change.CONFIRM_BY_EMAIL):
            continue
        if change is Change.CONFIRM_BY_EMAIL:
            outcome.queued_mail.append(_queue_confirmation(uow, page, switch))
            outcome.confirmations_sent.append((switch.purpose.value, switch.channel))
            continue
        event = EVENT_OF[change]
        _record(uow, page.person_id, switch.purpose, switch.channel, event, page.language, visitor)
        outcome.recorded.append((switch.purpose.value, switch.channel, event.value))
    return outcome


def _queue_confirmation(uow: UnitOfWork, page: Page, switch: Switch) -> int:
    address = current_email(uow, page.person_id)
    if address is None:
        raise InvalidInput("email", "there is no e-mail address to confirm; ask customer service")
    hours = uow.settings.confirmation_link_hours
    payload = LinkPayload(
        LinkKind.CONFIRM,
        page.person_id,
        uow.now() + dt.timedelta(hours=hours),
        {
            "purpose": switch.purpose.value,
            "channel": switch.channel,
            "email": address,
            "lang": page.language,
        },
    )
    link = _link(uow, "/preferences/confirm", payload)
    subject, body = confirmation_mail(page.language, link)
    message = EmailMessage()
    message["From"] = uow.settings.mail_sender
    message["To"] = address
    message["Subject"] = subject
    message.set_content(body)
    return outbox.queue(uow, page.person_id, CONFIRMATION_MAIL, message)


def confirm(uow: UnitOfWork, token: str, visitor: Visitor) -> tuple[int, str, str]:
    """Record the e-mail opt-in the confirmation link stands for (idempotent)."""
    link = verify(uow.cipher, token, LinkKind.CONFIRM, uow.now())
    purpose = ConsentPurpose(link.extra["purpose"])
    channel = str(link.extra["channel"])
    if deceased.is_deceased(uow, link.person_id):
        raise InvalidInput("link", "the person's marketing has ended: nothing to confirm")
    if current_email(uow, link.person_id) != link.extra["email"]:
        raise InvalidInput("email", "the address confirmed is no longer the one on record")
    states = {(s.purpose, s.channel): s.state for s in ledger.settings_of(uow, link.person_id)}
    if states[(purpose, channel)] is not ConsentState.GRANTED:
        # The language the confirmation mail was sent in; a link without one gets the person's.
        sent_in = link.extra.get("lang")
        lang = Lang(sent_in) if sent_in else language_of(uow, link.person_id)
        _record(uow, link.person_id, purpose, channel, ConsentEventKind.GRANTED, lang, visitor)
    return link.person_id, purpose.value, channel


def one_click_unsubscribe(uow: UnitOfWork, token: str, visitor: Visitor) -> tuple[str, str]:
    """RFC 8058: the POST from the mail provider or the person withdraws that one consent."""
    link = verify(uow.cipher, token, LinkKind.UNSUBSCRIBE, uow.now())
    purpose = ConsentPurpose(link.extra["purpose"])
    channel = str(link.extra["channel"])
    states = {(s.purpose, s.channel): s.state for s in ledger.settings_of(uow, link.person_id)}
    change = change_for(purpose, channel, states[(purpose, channel)], False)
    if change is not None:
        lang = language_of(uow, link.person_id)
        _record(uow, link.person_id, purpose, channel, EVENT_OF[change], lang, visitor)
    return purpose.value, channel
