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
    contact_kind_for,
    decide,
    needs_opt_in,
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
    business_contact=st.booleans(),
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
    """Without a recorded opt-in, no natural person is in an e-mail or SMS marketing audience
    (but a contact person of an organisation for the company's own e-mail marketing)."""
    if facts.kind is NAT and facts.consent is not ConsentState.GRANTED:
        for channel in (Channel.EMAIL, Channel.SMS):
            if facts.business_contact and purpose is OWN and channel is Channel.EMAIL:
                continue
            assert not decide(purpose, channel, facts, cap=cap).included


def test_a_contact_person_gets_own_e_mail_marketing_until_they_object() -> None:
    """The business rule: a contact person in their business role, own marketing by e-mail; a
    sole trader (a natural person, no link) and other channels and purposes need an opt-in."""
    contact = PersonFacts(NAT, business_contact=True)
    assert reason(OWN, Channel.EMAIL, contact) is None
    assert reason(OWN, Channel.SMS, contact) is Exclusion.NO_CONSENT
    group = AudiencePurpose.GROUP_MARKETING
    assert reason(group, Channel.EMAIL, contact) is Exclusion.NO_CONSENT
    objected = PersonFacts(NAT, business_contact=True, consent=ConsentState.PROHIBITED)
    assert reason(OWN, Channel.EMAIL, objected) is Exclusion.OBJECTION
    withdrawn = PersonFacts(NAT, business_contact=True, consent=ConsentState.WITHDRAWN)
    assert reason(OWN, Channel.EMAIL, withdrawn) is Exclusion.WITHDRAWN
    assert reason(OWN, Channel.EMAIL, PersonFacts(NAT)) is Exclusion.NO_CONSENT
    assert needs_opt_in(AudiencePurpose.NEWSLETTER, Channel.EMAIL, NAT, business_contact=True)


@given(st.sampled_from(AudiencePurpose), st.sampled_from(Channel), facts_strategy)
def test_the_dead_and_the_restricted_are_never_contacted(purpose, channel, facts):
    if facts.deceased or facts.restricted:
        assert not decide(purpose, channel, facts, cap=4).included


@given(st.sampled_from(sorted(DIRECT_MARKETING)), st.sampled_from(Channel), facts_strategy)
def test_an_objection_always_wins_over_marketing(purpose, channel, facts):
    if facts.consent is ConsentState.PROHIBITED:
        assert not decide(purpose, channel, facts, cap=4).included


def test_a_withdrawal_excludes_from_every_purpose_but_the_renewal_offer() -> None:
    withdrawn = PersonFacts(NAT, consent=ConsentState.WITHDRAWN)
    for purpose in AudiencePurpose:
        for channel in Channel:
            expected = None if purpose is AudiencePurpose.RENEWAL_OFFER else Exclusion.WITHDRAWN
            if purpose is AudiencePurpose.RENEWAL_OFFER:
                withdrawn_renewal = PersonFacts(
                    NAT, consent=ConsentState.WITHDRAWN, fixed_term_ending=True
                )
                assert reason(purpose, channel, withdrawn_renewal) is expected
            else:
                assert reason(purpose, channel, withdrawn) is expected, (purpose, channel)


def test_an_expired_subscription_is_named_as_expired() -> None:
    expired = PersonFacts(NAT, consent=ConsentState.EXPIRED)
    for purpose in (AudiencePurpose.NEWSLETTER, AudiencePurpose.MAGAZINE):
        for channel in Channel:
            assert reason(purpose, channel, expired) is Exclusion.CONSENT_EXPIRED


def test_who_needs_an_opt_in_for_what() -> None:
    for purpose in AudiencePurpose:
        for channel in Channel:
            for kind in PersonKind:
                expected = purpose in (AudiencePurpose.NEWSLETTER, AudiencePurpose.MAGAZINE) or (
                    purpose in DIRECT_MARKETING
                    and channel in (Channel.EMAIL, Channel.SMS)
                    and kind is NAT
                )
                assert needs_opt_in(purpose, channel, kind) is expected, (purpose, channel, kind)


def test_each_channel_goes_to_its_own_kind_of_contact_point() -> None:
    assert {c: contact_kind_for(c) for c in Channel} == {
        Channel.EMAIL: "email",
        Channel.SMS: "phone",
        Channel.PHONE: "phone",
        Channel.LETTER: "postal",
    }


def test_every_rule_says_whether_it_concerns_the_audience() -> None:
    def applies(purpose: AudiencePurpose, channel: Channel, segmented: bool = False) -> list[str]:
        d = decide(purpose, channel, PersonFacts(NAT), cap=4, segmented=segmented)
        assert [c.rule for c in d.checks] == [e.value for e in EXCLUSION_ORDER]
        return [c.rule for c in d.checks if c.applies]

    always = ["deceased", "restricted", "non_disclosure"]
    consent = ["objection", "withdrawn"]
    assert applies(OWN, Channel.EMAIL) == [
        *always, *consent, "consent_expired", "no_consent", "missing_contact_point",
        "frequency_cap",
    ]  # fmt: skip
    assert applies(OWN, Channel.LETTER, segmented=True) == [
        *always, *consent, "asml_ban", "missing_contact_point", "profiling_objection",
        "not_in_segment", "frequency_cap",
    ]  # fmt: skip
    assert applies(AudiencePurpose.NEWSLETTER, Channel.EMAIL) == [
        *always, *consent, "consent_expired", "not_subscribed", "missing_contact_point",
    ]  # fmt: skip
    assert applies(AudiencePurpose.RENEWAL_OFFER, Channel.LETTER) == [
        *always, "no_expiring_contract", "missing_contact_point",
    ]  # fmt: skip


def test_a_missing_contact_point_and_a_failed_check_are_named() -> None:
    facts = PersonFacts(NAT, has_contact_point=False)
    d = decide(OWN, Channel.LETTER, facts, cap=4)
    assert d.reason is Exclusion.MISSING_CONTACT_POINT and not d.included
    failed = [c.rule for c in d.checks if c.applies and not c.passed]
    assert failed == ["missing_contact_point"]
    ok = decide(OWN, Channel.LETTER, PersonFacts(NAT), cap=4)
    assert ok.included and ok.reason is None and all(c.passed for c in ok.checks if c.applies)
    outside = decide(OWN, Channel.LETTER, PersonFacts(NAT, in_segment=False), cap=4, segmented=True)
    assert outside.reason is Exclusion.NOT_IN_SEGMENT
