"""The personal-data catalogue of direct marketing: ASML bans, their matches, sent contacts,
the ledger's current state (a copy of the latest consent event per purpose and channel), and
person_reach (a copy of each person's newest contact points and latest contacts)."""

from __future__ import annotations

from rekisteri.catalogue.model import Attribute, TableSpec
from rekisteri.catalogue.register import CONTACT_SOURCES
from rekisteri.catalogue.retention import CONTACT_HISTORY, CUSTOMER_DATA, MARKETING_DATA
from rekisteri.domain.consent import MAX_CONTACTS_PER_YEAR
from rekisteri.domain.vocabulary import (
    FROM_THE_PERSON,
    Category,
    LawfulBasis,
    Purpose,
    Source,
    Words,
)

MKT = frozenset({Purpose.DIRECT_MARKETING})
BAN_REGISTER = frozenset({Source.MARKETING_BAN_REGISTER})
PROVENANCE = frozenset({"id", "source", "source_detail", "received_at"})

ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute(
        key="consent_state.state",
        table="consent_state",
        # The same data as consent_event.event (its latest row per purpose and channel), kept
        # for the audiences: the same purposes, basis and retention as the ledger itself.
        columns=("purpose", "channel", "event", "at", "expires_at"),
        category=Category.MARKETING,
        purposes=MKT,
        basis=LawfulBasis.CONSENT,
        sources=FROM_THE_PERSON | {Source.COMPETITION_OR_EVENT, Source.MARKETING_BAN_REGISTER},
        retention=MARKETING_DATA,
        words=Words(
            "suoramarkkinoinnin lupien ja kieltojen nykytila",
            "nuvarande tillstånd och förbud för direktmarknadsföring",
            "current direct-marketing permissions and prohibitions",
        ),
    ),
    Attribute(
        key="marketing_ban.ban",
        table="marketing_ban",
        columns=(
            "kind",
            "last_name",
            "first_names",
            "street",
            "postal_code",
            "post_office",
            "phone",
            "match_key",
            "registered_on",
            "expires_on",
        ),
        category=Category.MARKETING,
        purposes=MKT,
        # Marketers must respect the ban register (Act on Electronic Communications Services
        # and the ASML code); keeping the bans is what keeps that promise.
        basis=LawfulBasis.LEGAL_OBLIGATION,
        sources=BAN_REGISTER,
        retention=MARKETING_DATA,
        words=Words(
            "suoramarkkinoinnin kielto (ASML:n kieltorekisteri)",
            "spärr mot direktmarknadsföring (ASML:s spärregister)",
            "marketing ban (ASML ban register)",
        ),
        identifying=True,
    ),
    Attribute(
        key="marketing_ban_match.match",
        table="marketing_ban_match",
        columns=("channel", "matched_at"),
        category=Category.MARKETING,
        purposes=MKT,
        basis=LawfulBasis.LEGAL_OBLIGATION,
        sources=BAN_REGISTER,
        retention=MARKETING_DATA,
        words=Words(
            "kieltorekisterin kielto kanavalle",
            "spärr för kanalen enligt spärregistret",
            "ban-register ban for the channel",
        ),
    ),
    Attribute(
        key="marketing_contact.contact",
        table="marketing_contact",
        columns=("purpose", "channel", "sent_at"),
        category=Category.MARKETING,
        purposes=MKT,
        basis=LawfulBasis.LEGITIMATE_INTEREST,
        sources=frozenset({Source.REGISTER_ITSELF}),
        retention=CONTACT_HISTORY,
        words=Words(
            "lähetetyt suoramarkkinointiviestit",
            "skickade direktmarknadsföringskontakter",
            "direct-marketing contacts sent",
        ),
    ),
)

# person_reach copies contact_point and marketing_contact for the audiences, kept by triggers:
# the same basis and retention as what it copies (its rows follow those tables, not rules).
_REACH_KINDS = ("postal", "email", "phone")
ATTRIBUTES += (
    Attribute(
        key="person_reach.newest_contact_points",
        table="person_reach",
        columns=tuple(f"{k}_{c}" for k in _REACH_KINDS for c in ("valid_from", "valid_to")),
        category=Category.CONTACT,
        purposes=MKT,
        basis=LawfulBasis.CONTRACT,
        sources=CONTACT_SOURCES,
        retention=CUSTOMER_DATA,
        words=Words(
            "uusimpien yhteystietojen voimassaolo markkinoinnin kohderyhmiä varten",
            "giltigheten för de nyaste kontaktuppgifterna, för målgrupperna",
            "how long the newest contact details are valid, for the audiences",
        ),
    ),
    Attribute(
        key="person_reach.latest_contacts",
        table="person_reach",
        columns=tuple(f"contacted_{n}_at" for n in range(1, MAX_CONTACTS_PER_YEAR + 1)),
        category=Category.MARKETING,
        purposes=MKT,
        basis=LawfulBasis.LEGITIMATE_INTEREST,
        sources=frozenset({Source.REGISTER_ITSELF}),
        retention=CONTACT_HISTORY,
        words=Words(
            "viimeisimpien suoramarkkinointiviestien ajat (enintään muutaman kerran vuodessa)",
            "tidpunkterna för de senaste direktmarknadsföringskontakterna",
            "when the latest direct-marketing contacts were sent",
        ),
    ),
)

TABLES: tuple[TableSpec, ...] = (
    TableSpec("consent_state", frozenset({"person_id", "event_id"}), ("person_id",)),
    TableSpec(
        "marketing_ban",
        PROVENANCE,
        ("id", "marketing_ban_match.ban_id", "marketing_ban_match.person_id"),
    ),
    TableSpec("marketing_ban_match", frozenset({"id", "ban_id", "person_id"}), ("person_id",)),
    TableSpec("marketing_contact", frozenset({"id", "person_id", "campaign_id"}), ("person_id",)),
    TableSpec(
        "person_reach",
        frozenset({"person_id", "postal_point_id", "email_point_id", "phone_point_id"}),
        ("person_id",),
    ),
    TableSpec(
        "segment",
        frozenset({"id", "name", "description", "rules", "created_by", "created_at"}),
        None,
        personal=False,
        why_not_personal="definitions of target groups: rules, not persons",
    ),
    TableSpec(
        "campaign",
        frozenset(
            {"id", "name", "purpose", "channel", "segment_id", "sent_by", "sent_at", "recipients"}
        ),
        None,
        personal=False,
        why_not_personal="a campaign's name and size; who received it is in marketing_contact",
    ),
)

TABLES += (
    TableSpec(
        "person_reach_deferral",
        frozenset({"id", "guard"}),
        None,
        personal=False,
        why_not_personal="a bulk writer's switch for person_reach's triggers, never committed",
    ),
    TableSpec(
        "person_reach_deferral_guard",
        frozenset({"id"}),
        None,
        personal=False,
        why_not_personal="always empty: what a switch left set at commit refers to in vain",
    ),
)
