"""The direct-marketing rules of domain.marketing, rule by rule, and as properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rekisteri.domain.consent import Channel, ConsentState
from rekisteri.domain.marketing import (
    DIRECT_MARKETING,
    EXCLUSION_ORDER,
    AudiencePurpose,
    Exclusion,
    PersonFacts,
    decide,
)
from rekisteri.domain.register import PersonKind

NAT, LEGAL = PersonKind.NATURAL, PersonKind.LEGAL
OWN = AudiencePurpose.OWN_MARKETING


def reason(purpose: AudiencePurpose, channel: Channel, facts: PersonFacts, cap: int = 4):
    return decide(purpose, channel, facts, cap=cap).reason


@pytest.mark.proves("P5.electronic-marketing-opt-in")
def test_electronic_marketing_to_a_natural_person_needs_an_opt_in() -> None:
    for channel in (Channel.EMAIL, Channel.SMS):
        assert reason(OWN, channel, PersonFacts(NAT)) is Exclusion.NO_CONSENT
        assert reason(OWN, channel, PersonFacts(NAT, consent=ConsentState.GRANTED)) is None
        expired = PersonFacts(NAT, consent=ConsentState.EXPIRED)
        assert reason(OWN, channel, expired) is Exclusion.CONSENT_EXPIRED


def test_letters_and_calls_are_allowed_unless_objected_banned_dead_or_restricted() -> None:
    for channel in (Channel.LETTER, Channel.PHONE):
        assert reason(OWN, channel, PersonFacts(NAT)) is None
        objection = PersonFacts(NAT, consent=ConsentState.PROHIBITED)
        assert reason(OWN, channel, objection) is Exclusion.OBJECTION
        assert reason(OWN, channel, PersonFacts(NAT, banned=True)) is Exclusion.ASML_BAN
        assert reason(OWN, channel, PersonFacts(NAT, deceased=True)) is Exclusion.DECEASED
        assert reason(OWN, channel, PersonFacts(NAT, restricted=True)) is Exclusion.RESTRICTED


def test_a_ban_only_concerns_the_channels_it_can_name() -> None:
    # The audience asks for the ban of its own channel; e-mail and SMS have no ASML ban.
    granted = PersonFacts(NAT, consent=ConsentState.GRANTED, banned=True)
    assert reason(OWN, Channel.EMAIL, granted) is None


def test_legal_persons_may_be_marketed_to_until_they_object() -> None:
    assert reason(OWN, Channel.EMAIL, PersonFacts(LEGAL)) is None
    objected = PersonFacts(LEGAL, consent=ConsentState.PROHIBITED)
    assert reason(OWN, Channel.EMAIL, objected) is Exclusion.OBJECTION


def test_customer_communication_ignores_marketing_consents_and_the_cap() -> None:
    many = PersonFacts(NAT, consent=ConsentState.GRANTED, contacts_last_12_months=99)
    assert reason(AudiencePurpose.NEWSLETTER, Channel.EMAIL, many) is None
    assert reason(AudiencePurpose.NEWSLETTER, Channel.EMAIL, PersonFacts(NAT)) is (
        Exclusion.NOT_SUBSCRIBED
    )
    renewal = PersonFacts(NAT, fixed_term_ending=True, contacts_last_12_months=99, banned=True)
    assert reason(AudiencePurpose.RENEWAL_OFFER, Channel.EMAIL, renewal) is None
    assert reason(AudiencePurpose.RENEWAL_OFFER, Channel.LETTER, PersonFacts(NAT)) is (
        Exclusion.NO_EXPIRING_CONTRACT
    )


@pytest.mark.proves("P5.contacts-per-year")
def test_the_frequency_cap_counts_the_last_twelve_months() -> None:
    assert reason(OWN, Channel.LETTER, PersonFacts(NAT, contacts_last_12_months=3)) is None
    capped = PersonFacts(NAT, contacts_last_12_months=4)
    assert reason(OWN, Channel.LETTER, capped) is Exclusion.FREQUENCY_CAP
    assert reason(OWN, Channel.LETTER, capped, cap=5) is None


def test_a_profiling_objection_keeps_a_person_out_of_every_segment() -> None:
    facts = PersonFacts(NAT, profiling_objection=True, in_segment=True)
    d = decide(OWN, Channel.LETTER, facts, cap=4, segmented=True)
    assert d.reason is Exclusion.PROFILING_OBJECTION
    assert decide(OWN, Channel.LETTER, facts, cap=4).reason is None


facts_strategy = st.builds(
    PersonFacts,
    kind=st.sampled_from(PersonKind),
    deceased=st.booleans(),
    restricted=st.booleans(),
    consent=st.sampled_from(ConsentState),
    banned=st.booleans(),
    has_contact_point=st.booleans(),
    contacts_last_12_months=st.integers(0, 10),
    fixed_term_ending=st.booleans(),
    profiling_objection=st.booleans(),
    in_segment=st.booleans(),
)


@given(
    st.sampled_from(AudiencePurpose),
    st.sampled_from(Channel),
    facts_strategy,
    st.integers(1, 8),
    st.booleans(),
)
def test_exactly_one_reason_the_first_failing_rule(purpose, channel, facts, cap, segmented):
    d = decide(purpose, channel, facts, cap=cap, segmented=segmented)
    failing = [c.rule for c in d.checks if c.applies and not c.passed]
    assert d.included == (not failing)
    if failing:
        assert d.reason is not None and d.reason.value == failing[0]
    assert [c.rule for c in d.checks] == [e.value for e in EXCLUSION_ORDER]


@given(st.sampled_from(sorted(DIRECT_MARKETING)), facts_strategy, st.integers(1, 8))
def test_nothing_defaults_to_consent(purpose, facts, cap):
    """Without a recorded opt-in, no natural person is in an e-mail or SMS marketing audience."""
    if facts.kind is NAT and facts.consent is not ConsentState.GRANTED:
        for channel in (Channel.EMAIL, Channel.SMS):
            assert not decide(purpose, channel, facts, cap=cap).included


@given(st.sampled_from(AudiencePurpose), st.sampled_from(Channel), facts_strategy)
def test_the_dead_and_the_restricted_are_never_contacted(purpose, channel, facts):
    if facts.deceased or facts.restricted:
        assert not decide(purpose, channel, facts, cap=4).included


@given(st.sampled_from(sorted(DIRECT_MARKETING)), st.sampled_from(Channel), facts_strategy)
def test_an_objection_always_wins_over_marketing(purpose, channel, facts):
    if facts.consent is ConsentState.PROHIBITED:
        assert not decide(purpose, channel, facts, cap=4).included
