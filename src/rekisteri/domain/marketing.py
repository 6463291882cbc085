"""Who may be contacted, on which channel, for what: the direct-marketing rules (P5, P8, P13).

`decide` is the rule book for one person. The audience query (services/marketing/audience.py)
states the same rules set-based in SQL, in the same order; a test holds the two together.

Precedence: a person excluded for several reasons is counted once, under the first reason
of EXCLUSION_ORDER that applies.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from rekisteri.domain.consent import ELECTRONIC, Channel, ConsentPurpose, ConsentState
from rekisteri.domain.register import PersonKind
from rekisteri.domain.translatable import N_


class AudiencePurpose(StrEnum):
    """Why a group of persons is contacted."""

    OWN_MARKETING = "own_marketing"
    GROUP_MARKETING = "group_marketing"
    RESEARCH = "research"
    NEWSLETTER = "newsletter"
    MAGAZINE = "magazine"
    RENEWAL_OFFER = "renewal_offer"  # of an expiring fixed-term contract

    @property
    def consent_purpose(self) -> ConsentPurpose | None:
        """The ledger purpose whose events decide this audience (none for renewal offers)."""
        if self is AudiencePurpose.RENEWAL_OFFER:
            return None
        return ConsentPurpose(self.value)


# Direct marketing in the sense of the law. Market research is treated as strictly as direct
# marketing (opt-in for e-mail/SMS, objection, bans, the cap): the cautious reading of P13.
DIRECT_MARKETING = frozenset(
    {AudiencePurpose.OWN_MARKETING, AudiencePurpose.GROUP_MARKETING, AudiencePurpose.RESEARCH}
)
# Customer communication (P5): goes to subscribers whatever their marketing consents.
SUBSCRIPTIONS = frozenset({AudiencePurpose.NEWSLETTER, AudiencePurpose.MAGAZINE})


class Exclusion(StrEnum):
    DECEASED = "deceased"
    RESTRICTED = "restricted"  # processing restricted (GDPR Art. 18)
    # A turvakielto: never in an audience list of any purpose or channel, where the address
    # (or the person's presence at the register) would travel to whoever sends the mailing.
    NON_DISCLOSURE = "non_disclosure"
    OBJECTION = "objection"  # the person forbade it (P13)
    WITHDRAWN = "withdrawn"  # a consent or subscription was withdrawn
    CONSENT_EXPIRED = "consent_expired"
    NO_CONSENT = "no_consent"  # e-mail/SMS to a natural person without an opt-in
    NOT_SUBSCRIBED = "not_subscribed"
    NO_EXPIRING_CONTRACT = "no_expiring_contract"
    ASML_BAN = "asml_ban"  # the ASML ban register, for this channel only
    MISSING_CONTACT_POINT = "missing_contact_point"
    PROFILING_OBJECTION = "profiling_objection"  # never placed in a segment (P6)
    NOT_IN_SEGMENT = "not_in_segment"
    FREQUENCY_CAP = "frequency_cap"  # "a few times a year" (P5)


EXCLUSION_ORDER: tuple[Exclusion, ...] = tuple(Exclusion)

EXPLANATIONS: dict[Exclusion, str] = {
    Exclusion.DECEASED: N_("the person has died"),
    Exclusion.RESTRICTED: N_("processing of the person's data is restricted (Art. 18)"),
    Exclusion.NON_DISCLOSURE: N_(
        "the person has a non-disclosure for personal safety: never in an audience list"
    ),
    Exclusion.OBJECTION: N_("the person has forbidden this purpose on this channel"),
    Exclusion.WITHDRAWN: N_("the person withdrew their consent or subscription"),
    Exclusion.CONSENT_EXPIRED: N_("the consent has expired"),
    Exclusion.NO_CONSENT: N_(
        "e-mail and SMS marketing to a natural person needs an explicit opt-in"
    ),
    Exclusion.NOT_SUBSCRIBED: N_("customer communication goes only to its subscribers"),
    Exclusion.NO_EXPIRING_CONTRACT: N_("no fixed-term contract of theirs is about to end"),
    Exclusion.ASML_BAN: N_("the ASML ban register forbids this channel"),
    Exclusion.MISSING_CONTACT_POINT: N_("no valid address or number for the channel"),
    Exclusion.PROFILING_OBJECTION: N_("the person objected to profiling, so is in no segment"),
    Exclusion.NOT_IN_SEGMENT: N_("the segment's rules do not place the person"),
    Exclusion.FREQUENCY_CAP: N_("the yearly number of marketing contacts is used up"),
}

# Short names of the reasons, as a count table's first column shows them.
EXCLUSION_TITLES: dict[Exclusion, str] = {
    Exclusion.DECEASED: N_("Deceased"),
    Exclusion.RESTRICTED: N_("Processing restricted"),
    Exclusion.NON_DISCLOSURE: N_("Non-disclosure for personal safety"),
    Exclusion.OBJECTION: N_("Objected"),
    Exclusion.WITHDRAWN: N_("Withdrawn"),
    Exclusion.CONSENT_EXPIRED: N_("Consent expired"),
    Exclusion.NO_CONSENT: N_("No consent"),
    Exclusion.NOT_SUBSCRIBED: N_("Not subscribed"),
    Exclusion.NO_EXPIRING_CONTRACT: N_("No expiring contract"),
    Exclusion.ASML_BAN: N_("ASML ban"),
    Exclusion.MISSING_CONTACT_POINT: N_("No contact point"),
    Exclusion.PROFILING_OBJECTION: N_("Objected to profiling"),
    Exclusion.NOT_IN_SEGMENT: N_("Not in the segment"),
    Exclusion.FREQUENCY_CAP: N_("Frequency cap"),
}
CONTACTABLE_TITLE = N_("May be contacted")
AUDIENCE_PURPOSE_TITLES: dict[AudiencePurpose, str] = {
    AudiencePurpose.OWN_MARKETING: N_("Our own direct marketing and distance selling"),
    AudiencePurpose.GROUP_MARKETING: N_("The group companies' direct marketing"),
    AudiencePurpose.RESEARCH: N_("Market and opinion research"),
    AudiencePurpose.NEWSLETTER: N_("Newsletter"),
    AudiencePurpose.MAGAZINE: N_("Customer magazine"),
    AudiencePurpose.RENEWAL_OFFER: N_("Renewal offer of an expiring fixed-term contract"),
}


def contact_kind_for(channel: Channel) -> str:
    """The kind of contact point a channel needs (SMS goes to a phone number)."""
    return {
        Channel.EMAIL: "email",
        Channel.SMS: "phone",
        Channel.PHONE: "phone",
        Channel.LETTER: "postal",
    }[channel]


def business_rule(purpose: AudiencePurpose, channel: Channel) -> bool:
    """Whether the business rule can reach a contact person without their consent: e-mail to
    the address they gave in their business role, about the company's own products (not the
    group's, not SMS). Like an organisation they may be marketed to until they object
    (docs/business-customers.md)."""
    return purpose is AudiencePurpose.OWN_MARKETING and channel is Channel.EMAIL


def needs_opt_in(
    purpose: AudiencePurpose, channel: Channel, kind: PersonKind, business_contact: bool = False
) -> bool:
    """Nothing defaults to consent where consent is needed: e-mail/SMS marketing to natural
    persons, and every subscription. A contact person of an organisation in that role (and no
    consumer customer of their own) falls under the business rule; a sole trader is a natural
    person like any consumer."""
    if purpose in SUBSCRIPTIONS:
        return True
    if business_contact and business_rule(purpose, channel):
        return False
    return purpose in DIRECT_MARKETING and channel in ELECTRONIC and kind is PersonKind.NATURAL


@dataclass(frozen=True)
class PersonFacts:
    """What the register knows about one person, as far as one audience is concerned."""

    kind: PersonKind
    deceased: bool = False
    restricted: bool = False
    non_disclosure: bool = False  # a turvakielto (catalogue/protection.py)
    consent: ConsentState = ConsentState.NONE  # for (the audience's purpose, channel)
    banned: bool = False  # an ASML ban for this channel
    has_contact_point: bool = True
    contacts_last_12_months: int = 0
    fixed_term_ending: bool = False  # a fixed-term contract ends within the renewal window
    profiling_objection: bool = False
    in_segment: bool = True
    # A contact person of an organisation (a link in force) with no contract of their own.
    business_contact: bool = False


@dataclass(frozen=True)
class Check:
    rule: str
    applies: bool  # False: the rule does not concern this audience
    passed: bool


@dataclass(frozen=True)
class Decision:
    included: bool
    reason: Exclusion | None
    checks: tuple[Check, ...]


def decide(
    purpose: AudiencePurpose,
    channel: Channel,
    facts: PersonFacts,
    *,
    cap: int,
    segmented: bool = False,
) -> Decision:
    """Whether one person belongs to the audience, with every rule's verdict in order."""
    marketing = purpose in DIRECT_MARKETING
    renewal = purpose is AudiencePurpose.RENEWAL_OFFER
    opt_in = needs_opt_in(purpose, channel, facts.kind, facts.business_contact)
    state = facts.consent
    verdicts: list[tuple[Exclusion, bool, bool]] = [
        (Exclusion.DECEASED, True, not facts.deceased),
        (Exclusion.RESTRICTED, True, not facts.restricted),
        (Exclusion.NON_DISCLOSURE, True, not facts.non_disclosure),
        (Exclusion.OBJECTION, not renewal, state is not ConsentState.PROHIBITED),
        (Exclusion.WITHDRAWN, not renewal, state is not ConsentState.WITHDRAWN),
        (Exclusion.CONSENT_EXPIRED, opt_in, state is not ConsentState.EXPIRED),
        (
            Exclusion.NO_CONSENT,
            opt_in and marketing,
            state is ConsentState.GRANTED,
        ),
        (
            Exclusion.NOT_SUBSCRIBED,
            purpose in SUBSCRIPTIONS,
            state is ConsentState.GRANTED,
        ),
        (Exclusion.NO_EXPIRING_CONTRACT, renewal, facts.fixed_term_ending),
        (Exclusion.ASML_BAN, marketing and channel not in ELECTRONIC, not facts.banned),
        (Exclusion.MISSING_CONTACT_POINT, True, facts.has_contact_point),
        (Exclusion.PROFILING_OBJECTION, segmented, not facts.profiling_objection),
        (Exclusion.NOT_IN_SEGMENT, segmented, facts.in_segment),
        (Exclusion.FREQUENCY_CAP, marketing, facts.contacts_last_12_months < cap),
    ]
    reason = next((rule for rule, applies, ok in verdicts if applies and not ok), None)
    checks = tuple(Check(rule.value, applies, ok) for rule, applies, ok in verdicts)
    return Decision(reason is None, reason, checks)
