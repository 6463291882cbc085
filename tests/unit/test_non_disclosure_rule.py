"""The turvakielto rule of the catalogue (catalogue/protection.py), without a database."""

from __future__ import annotations

from rekisteri.catalogue import Role, Visibility, catalogue
from rekisteri.catalogue.protection import (
    FLAG,
    NEEDED_BY,
    NOT_THE_PERSONS,
    TOLD_PROTECTED,
    is_address_column,
)
from rekisteri.domain.consent import Channel
from rekisteri.domain.marketing import AudiencePurpose, Exclusion, PersonFacts, decide
from rekisteri.domain.register import PersonKind


def test_every_address_like_attribute_is_under_the_rule() -> None:
    """A new attribute with a street, postal code or post office column must say who needs it
    of a protected person, or it would escape the turvakielto."""
    address_like = {
        a.key for a in catalogue.attributes if any(is_address_column(c) for c in a.columns)
    }
    assert is_address_column("previous_postal_code") and not is_address_column("streets")
    assert address_like == set(NEEDED_BY) | set(NOT_THE_PERSONS)
    assert not set(NEEDED_BY) & set(NOT_THE_PERSONS)
    assert FLAG in catalogue


def test_the_rule_only_narrows_what_a_role_reads() -> None:
    for key in NEEDED_BY:
        attr = catalogue[key]
        for role in Role:
            plain = catalogue.visibility(attr, role)
            protected = catalogue.visibility_for(attr, role, protected=True)
            assert catalogue.visibility_for(attr, role, protected=False) is plain
            assert protected in (plain, Visibility.NONE), (key, role)
            if role not in NEEDED_BY[key]:
                assert protected is Visibility.NONE, (key, role)
            told = catalogue.told_protected(attr, role, protected=True)
            assert told == (
                role in TOLD_PROTECTED
                and role not in NEEDED_BY[key]
                and plain is not Visibility.NONE
            )


def test_marketing_and_processors_need_no_protected_address() -> None:
    for roles in NEEDED_BY.values():
        assert not roles & {Role.MARKETING, Role.PROCESSOR, Role.CUSTOMER_SERVICE}
    assert Role.BILLING in NEEDED_BY["site.address"]
    assert Role.BILLING in NEEDED_BY["billing_account.billing_address"]


def test_a_protected_person_is_in_no_audience() -> None:
    for purpose in AudiencePurpose:
        for channel in Channel:
            facts = PersonFacts(PersonKind.NATURAL, non_disclosure=True)
            decided = decide(purpose, channel, facts, cap=4)
            assert decided.reason is Exclusion.NON_DISCLOSURE, (purpose, channel)
