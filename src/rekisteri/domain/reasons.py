"""The reasons the register writes itself (why a value changed, why data was disclosed, why
processing was restricted) as codes, worded in the reader's language when shown.

A reason a person typed (a staff member's "the customer called") is free text and shown as
typed; a reason the register writes is stored as a code of `Reason` and its details, e.g.
`contact_feed_correction|contacts-2026-12-04.csv`, so a Finnish or Swedish reader never reads
the English the code was written in. `coded` makes the stored form; `change_words.say` words
it (apart, so that writing a reason does not load the words of every code).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import Enum, StrEnum

from rekisteri.domain.consent import Channel
from rekisteri.domain.market_events import EventKind
from rekisteri.domain.marketing import AudiencePurpose
from rekisteri.domain.register import EndReason
from rekisteri.domain.vocabulary import Words

# Between the code and its details; a detail never holds it (`coded` replaces it).
SEPARATOR = "|"


class Reason(StrEnum):
    # Changes the register makes from what comes in through its doors.
    PAID_BY_BANK = "paid_by_bank"
    POPULATION_CHANGE = "population_change"
    POPULATION_ADDRESS = "population_address"
    TRADE_REGISTER = "trade_register_update"
    MOVER_SERVICE = "mover_service_address"
    DATAHUB_EVENT = "datahub_event"
    CONTACT_FEED = "contact_feed_correction"
    SURVEY_FEED = "survey_feed_correction"
    LOGIN_FEED = "self_service_login"
    INVOICE_RESENT = "invoice_resent"
    # Steps of the register's own processes.
    CONTRACT_ENDED = "contract_ended"
    TELEPHONE_OFFER_SENT = "telephone_sale_offer_sent"
    TELEPHONE_ACCEPTED = "telephone_sale_accepted"
    CREDIT_REVIEW_ASKED = "credit_review_asked"
    CREDIT_REVIEWED = "credit_reviewed"
    RIGHTS_REQUEST = "rights_request"
    ERASURE = "erasure"
    RECTIFICATION_REQUEST = "rectification_request"
    RETENTION_ENDED = "retention_relationship_ended"
    REAPPLIED = "reapplied_after_restore"
    REAPPLY_BLOCKED = "reapply_blocked_by_contract"
    DEVICE_REMOVED = "device_removed"
    ACCOUNT_CLOSED = "account_closed_on_request"
    # Disclosures the register makes.
    CREDIT_CHECK = "credit_check_contract"
    GROUP_MARKETING = "group_marketing"
    AUDIENCE = "audience_disclosure"
    RECORDING_LOAN = "recording_loan"
    PAYMENT_DEFAULT_MONITORING = "payment_default_monitoring"
    COLLECTION = "collection_overdue"


# How a detail is shown: as written (a file name, a reference), as a date, or as the words of
# a code of an enum.
Detail = type[Enum] | str
TEXT = "text"
DATE = "date"
REASON = "reason"  # the rest of the details are a reason of their own (typed or coded)


@dataclass(frozen=True)
class _Spec:
    words: Words  # templates: {0}, {1}... are the details
    details: tuple[Detail, ...] = ()


_W = Words
_SPECS: dict[Reason, _Spec] = {
    Reason.PAID_BY_BANK: _Spec(
        _W(
            "maksettu: pankin maksuilmoitus",
            "betald: bankens betalningsavisering",
            "paid: the bank's payment notification",
        )
    ),
    Reason.POPULATION_CHANGE: _Spec(
        _W(
            "väestötietojärjestelmän muutostieto",
            "ändringsuppgift från befolkningsdatasystemet",
            "a change from the population information system",
        )
    ),
    Reason.POPULATION_ADDRESS: _Spec(
        _W(
            "väestötietojärjestelmän osoitteenmuutos",
            "adressändring från befolkningsdatasystemet",
            "a change of address from the population information system",
        )
    ),
    Reason.TRADE_REGISTER: _Spec(
        _W(
            "kaupparekisterin muutostieto",
            "ändringsuppgift från handelsregistret",
            "an update from the trade register",
        )
    ),
    Reason.MOVER_SERVICE: _Spec(
        _W(
            "osoitteenmuutos muuttoilmoituspalvelusta",
            "adressändring från flyttanmälningstjänsten",
            "a change of address from the mover service",
        )
    ),
    Reason.DATAHUB_EVENT: _Spec(
        _W(
            "Datahubin sanoma: {0} {1}",
            "meddelande från Datahub: {0} {1}",
            "Datahub's message: {0} {1}",
        ),
        (EventKind, DATE),
    ),
    Reason.CONTACT_FEED: _Spec(
        _W(
            "korjattu asiakaskontaktien aineistosta {0}",
            "rättat enligt kundkontaktfilen {0}",
            "corrected by the contact feed {0}",
        ),
        (TEXT,),
    ),
    Reason.SURVEY_FEED: _Spec(
        _W(
            "korjattu asiakaskyselyjen aineistosta {0}",
            "rättat enligt enkätfilen {0}",
            "corrected by the survey feed {0}",
        ),
        (TEXT,),
    ),
    Reason.LOGIN_FEED: _Spec(
        _W(
            "kirjautui asiointipalveluun (kirjautumisaineisto {0})",
            "loggade in i e-tjänsten (inloggningsfil {0})",
            "logged in to the self-service (login feed {0})",
        ),
        (TEXT,),
    ),
    Reason.INVOICE_RESENT: _Spec(
        _W(
            "laskutusjärjestelmä lähetti uudelleen aineistossa {0}",
            "faktureringssystemet skickade den på nytt i filen {0}",
            "resent by the billing system in {0}",
        ),
        (TEXT,),
    ),
    Reason.CONTRACT_ENDED: _Spec(
        _W("sopimus päättyi: {0}", "avtalet upphörde: {0}", "the contract ended: {0}"),
        (EndReason,),
    ),
    Reason.TELEPHONE_OFFER_SENT: _Spec(
        _W(
            "puhelinmyynti: vahvistus lähetetty",
            "telefonförsäljning: bekräftelsen skickad",
            "telephone sale: the confirmation sent",
        )
    ),
    Reason.TELEPHONE_ACCEPTED: _Spec(
        _W(
            "puhelinmyynti: hyväksytty kirjallisesti",
            "telefonförsäljning: godkänd skriftligt",
            "telephone sale: accepted in writing",
        )
    ),
    Reason.CREDIT_REVIEW_ASKED: _Spec(
        _W(
            "asiakas pyysi, että ihminen tarkistaa automaattisen luottopäätöksen "
            "(tietosuoja-asetus 22 art.)",
            "kunden bad att en människa granskar ett automatiskt kreditbeslut "
            "(dataskyddsförordningen art. 22)",
            "the person asked for a person to review an automated credit decision (GDPR Art. 22)",
        )
    ),
    Reason.CREDIT_REVIEWED: _Spec(
        _W(
            "ihminen tarkisti automaattisen luottopäätöksen (tietosuoja-asetus 22 art.)",
            "en människa granskade ett automatiskt kreditbeslut (dataskyddsförordningen art. 22)",
            "a person reviewed an automated credit decision (GDPR Art. 22)",
        )
    ),
    Reason.RIGHTS_REQUEST: _Spec(
        _W("pyyntö {0}", "begäran {0}", "request {0}"),
        (TEXT,),
    ),
    Reason.RECTIFICATION_REQUEST: _Spec(
        _W("oikaisupyyntö {0}", "begäran om rättelse {0}", "rectification request {0}"),
        (TEXT,),
    ),
    Reason.REAPPLY_BLOCKED: _Spec(
        _W(
            "poistoa ei voitu tehdä uudelleen varmuuskopion palautuksen jälkeen "
            "(poistopäiväkirjan merkintä {0}): varmuuskopiossa on voimassa oleva sopimus, "
            "joten käsittely on rajoitettu",
            "raderingen kunde inte utföras på nytt efter återställningen (raderingsjournalens "
            "post {0}): säkerhetskopian har ett gällande avtal, så behandlingen är begränsad",
            "the erasure could not be applied again after a restore (erasure journal entry "
            "{0}): the backup has a contract in force, so processing is restricted",
        ),
        (TEXT,),
    ),
    Reason.DEVICE_REMOVED: _Spec(
        _W(
            "poistettu käyttöpaikalta",
            "borttagen från förbrukningsplatsen",
            "removed from the site",
        )
    ),
    Reason.ACCOUNT_CLOSED: _Spec(
        _W(
            "suljettu asiakkaan pyynnöstä",
            "stängt på kundens begäran",
            "closed at the customer's request",
        )
    ),
    Reason.ERASURE: _Spec(
        _W(
            "poisto: lain vuoksi säilytettävien tietojen käsittely rajoitettu ({0})",
            "radering: behandlingen av uppgifter som lagen kräver att spara begränsad ({0})",
            "erasure: processing of what the law requires keeping restricted ({0})",
        ),
        (REASON,),
    ),
    Reason.RETENTION_ENDED: _Spec(
        _W(
            "säilytysaika: asiakassuhde päättyi",
            "lagringstid: kundförhållandet upphörde",
            "retention: the customer relationship ended",
        )
    ),
    Reason.REAPPLIED: _Spec(
        _W(
            "tehty uudelleen varmuuskopion palautuksen jälkeen (poistopäiväkirjan merkintä {0})",
            "utfört på nytt efter en återställning (raderingsjournalens post {0})",
            "applied again after a restore (erasure journal entry {0})",
        ),
        (TEXT,),
    ),
    Reason.CREDIT_CHECK: _Spec(
        _W(
            "luottotietojen tarkistus sopimusta tehtäessä (käyttötarkoituskoodi {0}, kysely {1})",
            "kreditupplysning när avtalet ingås (användningsändamålskod {0}, förfrågan {1})",
            "credit check when a contract is made (purpose-of-use code {0}, query {1})",
        ),
        (TEXT, TEXT),
    ),
    Reason.GROUP_MARKETING: _Spec(
        _W(
            "konsernin sähkön, kaasun, kaukolämmön, laajakaistan ja television suoramarkkinointi; "
            "kukin asiakas vain kanavissa, joissa häntä saa lähestyä (sähköposti ja tekstiviesti "
            "vain suostumuksella, kiellot ja ASML:n kiellot kanavittain)",
            "direktmarknadsföring av koncernens el, gas, fjärrvärme, bredband och tv; varje kund "
            "bara i de kanaler där hen får kontaktas (e-post och sms bara med samtycke, förbud "
            "och ASML:s förbud per kanal)",
            "direct marketing of the group's electricity, gas, district heat, broadband and TV; "
            "each customer only on the channels they may be reached on (opt-in for e-mail and "
            "SMS, their prohibitions and ASML bans per channel)",
        )
    ),
    Reason.AUDIENCE: _Spec(
        _W(
            "kohderyhmä ({0}, {1}) vastaanottajalle {2}",
            "målgrupp ({0}, {1}) till mottagaren {2}",
            "audience ({0}, {1}) for {2}",
        ),
        (AudiencePurpose, Channel, TEXT),
    ),
    Reason.RECORDING_LOAN: _Spec(
        _W(
            "asiakaspalvelun laadun arviointi: {0}; palautettava tai hävitettävä viimeistään {1}",
            "utvärdering av kundtjänsten: {0}; ska återlämnas eller förstöras senast {1}",
            "evaluation of customer service: {0}; to be returned or destroyed by {1}",
        ),
        (TEXT, DATE),
    ),
    Reason.PAYMENT_DEFAULT_MONITORING: _Spec(
        _W(
            "maksuhäiriöiden seuranta henkilöistä, joilla on omia vastuita",
            "bevakning av betalningsstörningar för personer med egna ansvar",
            "payment-default monitoring of persons with liabilities of their own",
        )
    ),
    Reason.COLLECTION: _Spec(
        _W(
            "vähintään {0} päivää erääntyneinä olleiden laskujen perintä",
            "indrivning av fakturor som varit förfallna i minst {0} dagar",
            "collection of invoices at least {0} days overdue",
        ),
        (TEXT,),
    ),
}


def spec_of(reason: Reason) -> tuple[Words, tuple[Detail, ...]]:
    """A reason's words (templates) and the kinds of its details (for the vocabulary's test)."""
    s = _SPECS[reason]
    return s.words, s.details


def _detail_text(value: object) -> str:
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    return text.replace(SEPARATOR, "/").replace("\n", " ").strip()


def coded(reason: Reason, *details: object) -> str:
    """The stored form of a register-made reason: its code and its details."""
    kinds = _SPECS[reason].details
    if not (len(details) == len(kinds) or (kinds and kinds[-1] == REASON)):
        raise ValueError(f"reason {reason.value} takes {len(kinds)} details, not {len(details)}")
    if not details:
        return reason.value
    # A nested reason keeps its own separators: it is the last detail and read as the rest.
    shown = [_detail_text(d) for d in details[: len(kinds) - 1]]
    last = str(details[-1]) if kinds[-1] == REASON else _detail_text(details[-1])
    return SEPARATOR.join([reason.value, *shown, last])


# What the register wrote before its reasons were codes: still read as those codes, so an old
# history reads in the reader's language too. The stored rows stay as written (a history is not
# rewritten); only these exact shapes are recognised.
# A shape that a person might also type ("moved_out", "erasure: ...") is read as the code only
# for the attribute the register wrote it with (`_ONLY_FOR`).
_ONLY_FOR = {Reason.CONTRACT_ENDED: "contract.contract", Reason.ERASURE: "person.restricted"}
_LEGACY: tuple[tuple[re.Pattern[str], Reason], ...] = tuple(
    (re.compile(pattern, re.DOTALL), reason)
    for pattern, reason in (
        (r"paid: camt\.054 payment", Reason.PAID_BY_BANK),
        (r"the population register's change", Reason.POPULATION_CHANGE),
        (r"the population register's change of address", Reason.POPULATION_ADDRESS),
        (r"update from the trade register", Reason.TRADE_REGISTER),
        (r"address change from the mover service", Reason.MOVER_SERVICE),
        (r"Datahub (\w+) (\d{4}-\d{2}-\d{2})", Reason.DATAHUB_EVENT),
        (r"corrected by the contact feed (.+)", Reason.CONTACT_FEED),
        (r"corrected by the survey feed (.+)", Reason.SURVEY_FEED),
        (r"logged in to the self-service \(login feed (.+)\)", Reason.LOGIN_FEED),
        (r"resent by the billing system in (.+)", Reason.INVOICE_RESENT),
        (r"({})".format("|".join(e.value for e in EndReason)), Reason.CONTRACT_ENDED),
        (r"telephone sale: offer sent", Reason.TELEPHONE_OFFER_SENT),
        (r"telephone sale: acceptance", Reason.TELEPHONE_ACCEPTED),
        (
            r"the person asked for a person to review an automated credit decision "
            r"\(GDPR Art\. 22\)",
            Reason.CREDIT_REVIEW_ASKED,
        ),
        (
            r"a person reviewed an automated credit decision \(GDPR Art\. 22\)",
            Reason.CREDIT_REVIEWED,
        ),
        (r"request (R\d{4}-\d{5})", Reason.RIGHTS_REQUEST),
        (r"rectification request (R\d{4}-\d{5})", Reason.RECTIFICATION_REQUEST),
        (
            r"erasure applied again after a restore \(journal entry (\d+)\): "
            r"a contract in force in the backup",
            Reason.REAPPLY_BLOCKED,
        ),
        (r"removed from the site", Reason.DEVICE_REMOVED),
        (r"closed at the customer's request", Reason.ACCOUNT_CLOSED),
        (r"erasure: (.+)", Reason.ERASURE),
        (r"retention: the customer relationship ended", Reason.RETENTION_ENDED),
        (r"applied again after a restore \(journal entry (\d+)\)", Reason.REAPPLIED),
        (
            r"credit check when a contract is made \(purpose-of-use code (\S+), query (\S+)\)",
            Reason.CREDIT_CHECK,
        ),
        (
            r"direct marketing of the group's electricity, gas, .+ bans per channel\)",
            Reason.GROUP_MARKETING,
        ),
        (r"audience (\w+)/(\w+) for (.+)", Reason.AUDIENCE),
        (
            r"evaluation of customer service: (.+); to be returned or destroyed by "
            r"(\d{4}-\d{2}-\d{2})",
            Reason.RECORDING_LOAN,
        ),
        (
            r"payment-default monitoring of persons with liabilities of their own",
            Reason.PAYMENT_DEFAULT_MONITORING,
        ),
        (r"collection of invoices at least (\d+) days overdue", Reason.COLLECTION),
    )
)


def _legacy(stored: str, attribute: str | None) -> tuple[Reason, list[str]] | None:
    for pattern, reason in _LEGACY:
        found = pattern.fullmatch(stored)
        if found and _ONLY_FOR.get(reason, attribute) == attribute:
            return reason, list(found.groups())
    return None


def parse(stored: str | None, *, attribute: str | None = None) -> tuple[Reason, list[str]] | None:
    """The code and details of a stored reason the register wrote; None for free text.
    `attribute`: the attribute the reason was written with, if known (see `_ONLY_FOR`)."""
    if not stored:
        return None
    head, *rest = stored.split(SEPARATOR)
    try:
        reason = Reason(head)
    except ValueError:
        return _legacy(stored, attribute)
    kinds = _SPECS[reason].details
    if kinds and kinds[-1] == REASON and len(rest) >= len(kinds):
        rest = [*rest[: len(kinds) - 1], SEPARATOR.join(rest[len(kinds) - 1 :])]
    return (reason, rest) if len(rest) == len(kinds) else None


def free_text_of(stored: str | None, *, attribute: str | None = None) -> list[str]:
    """The parts of a stored reason a person wrote or a file named (the details shown as
    written), or the whole reason when it is free text: what a reader may see verbatim."""
    if not stored:
        return []
    found = parse(stored, attribute=attribute)
    if found is None:
        return [stored]
    reason, details = found
    out: list[str] = []
    for kind, value in zip(_SPECS[reason].details, details, strict=True):
        if kind == REASON:
            out += free_text_of(value, attribute=attribute)
        elif kind == TEXT:
            out.append(value)
    return out


def normal(stored: str | None, *, attribute: str | None = None) -> str | None:
    """A stored reason in today's coded form (an older English one as its code), free text as
    typed: what the machine-readable package gives, so a program reads one form."""
    found = parse(stored, attribute=attribute)
    if found is None:
        return stored
    reason, details = found
    kinds = _SPECS[reason].details
    shown = [
        (normal(v, attribute=attribute) or "") if k == REASON else v
        for k, v in zip(kinds, details, strict=True)
    ]
    return SEPARATOR.join([reason.value, *shown])
