"""The rules of representatives (domain/representatives): powers, evidence, and when an
authority holds (its period, and a death that ends a guardian's or attorney's but begins the
estate's)."""

from __future__ import annotations

import datetime as dt

import pytest

from rekisteri.domain.errors import InvalidInput, RuleViolation
from rekisteri.domain.representatives import (
    Evidence,
    Power,
    RepresentativeKind,
    authority,
    check_evidence,
    check_for_person,
    parsed_powers,
    powers_of,
    stored_powers,
)

K = RepresentativeKind
DAY = dt.date(2026, 3, 1)
DIED = dt.date(2026, 2, 1)


def test_powers_default_by_kind_and_an_attorney_names_them() -> None:
    assert powers_of(K.GUARDIAN, None) == frozenset(Power)
    assert powers_of(K.ESTATE_CONTACT, " ") == frozenset(Power)
    with pytest.raises(InvalidInput, match="names what it allows"):
        powers_of(K.POWER_OF_ATTORNEY, None)
    given = powers_of(K.POWER_OF_ATTORNEY, "rights_requests, see_data")
    assert stored_powers(given) == "see_data,rights_requests"
    assert parsed_powers(stored_powers(given)) == given
    with pytest.raises(InvalidInput, match="unknown power 'everything'"):
        powers_of(K.GUARDIAN, ["everything"])


def test_the_evidence_fits_the_kind() -> None:
    check_evidence(K.GUARDIAN, Evidence.COURT_DECISION)
    check_evidence(K.ESTATE_CONTACT, Evidence.ESTATE_INVENTORY)
    with pytest.raises(InvalidInput, match="estate_authorisation, estate_inventory"):
        check_evidence(K.ESTATE_CONTACT, Evidence.POWER_OF_ATTORNEY)


def test_an_estate_begins_at_the_death_and_the_living_persons_representatives_end() -> None:
    with pytest.raises(RuleViolation, match="only for a deceased"):
        check_for_person(K.ESTATE_CONTACT, None, DAY)
    with pytest.raises(InvalidInput, match="before the death"):
        check_for_person(K.ESTATE_CONTACT, DIED, DIED - dt.timedelta(days=1))
    check_for_person(K.ESTATE_CONTACT, DIED, DIED)
    check_for_person(K.GUARDIAN, DIED, DIED - dt.timedelta(days=1))
    with pytest.raises(RuleViolation, match="no longer acts"):
        check_for_person(K.POWER_OF_ATTORNEY, DIED, DIED)


@pytest.mark.parametrize(
    ("kind", "valid_to", "deceased_on", "needed", "refusal"),
    [
        (K.GUARDIAN, None, None, Power.RIGHTS_REQUESTS, None),
        (K.GUARDIAN, DAY, None, Power.RIGHTS_REQUESTS, None),  # its last day
        (K.GUARDIAN, DAY - dt.timedelta(days=1), None, Power.SEE_DATA, "not in force"),
        (K.GUARDIAN, None, DAY, Power.SEE_DATA, "ended at the person's death"),
        (K.ESTATE_CONTACT, None, DIED, Power.RECEIVE_MAIL, None),
        (K.POWER_OF_ATTORNEY, None, None, Power.MANAGE_CONTRACT, "no power to manage contract"),
    ],
)
def test_an_authority_holds_within_its_period_and_powers(
    kind: RepresentativeKind,
    valid_to: dt.date | None,
    deceased_on: dt.date | None,
    needed: Power,
    refusal: str | None,
) -> None:
    powers = frozenset(Power) if kind is not K.POWER_OF_ATTORNEY else {Power.SEE_DATA}
    said = authority(kind, frozenset(powers), DIED, valid_to, deceased_on, needed, DAY)
    assert (said is None) if refusal is None else (said is not None and refusal in said)
