"""A refused identifier or reference names the field it was given as and says why, in the words
the CLI and the API show (exit 2, 422): a file's bad row is found by its field and its reason
(domain/identifiers, domain/references)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from rekisteri.domain import identifiers as ids
from rekisteri.domain import references as refs
from rekisteri.domain.errors import InvalidInput

Check = Callable[..., str]

# (the check, a value it refuses, the field it names by default, the reason it gives)
REFUSALS: list[tuple[Check, str, str, str]] = [
    (ids.personal_identity_code, "  ", "personal_identity_code", "is empty"),
    (
        ids.personal_identity_code,
        "131052-908T",
        "personal_identity_code",
        "is a temporary code (900-999), not allowed here",
    ),
    (
        ids.personal_identity_code,
        "131052-308U",
        "personal_identity_code",
        "is not a valid personal identity code",
    ),
    (ids.business_id, "2630573-5", "business_id", "is not a valid business ID"),
    (ids.iban, "FI21 1234 5600 0007 86", "iban", "is not a valid IBAN"),
    (ids.gsrn, "64300696602279127", "gsrn", "must be exactly 18 digits"),
    (ids.gsrn, "643006966022791279", "gsrn", "has a wrong GS1 check digit"),
    (ids.party_code, "643006966022", "party", "must be a party code of exactly 13 digits"),
    (ids.party_code, "6430069660229", "party", "has a wrong GS1 check digit"),
    (refs.finnish_reference, "123", "reference", "a Finnish reference is 4-20 digits"),
    (
        refs.finnish_reference,
        "1234562",
        "reference",
        "the Finnish reference has a wrong check digit",
    ),
    (
        refs.rf_reference,
        "RFAB539007547034",
        "reference",
        "an RF creditor reference is RF, two check digits and 1-21 letters or digits",
    ),
    (
        refs.rf_reference,
        "RF19539007547034",
        "reference",
        "the RF creditor reference has wrong check digits",
    ),
    (refs.creditor_reference, "   ", "reference", "is missing"),
    (
        refs.creditor_reference,
        "1234562",
        "reference",
        "the Finnish reference has a wrong check digit",
    ),
    (
        refs.creditor_reference,
        "RF18",
        "reference",
        "an RF creditor reference is RF, two check digits and 1-21 letters or digits",
    ),
    (
        refs.creditor_reference,
        "RF19 5390 0754 7034",
        "reference",
        "the RF creditor reference has wrong check digits",
    ),
]


def _reason(err: InvalidInput, reason: str) -> str:
    # stdnum's own explanation follows in brackets where the check is stdnum's.
    return reason if err.reason.startswith(f"{reason} (") else err.reason


@pytest.mark.parametrize(("check", "value", "field", "reason"), REFUSALS)
def test_a_refusal_names_its_field_and_says_why(
    check: Check, value: str, field: str, reason: str
) -> None:
    with pytest.raises(InvalidInput) as default:
        check(value)
    assert (default.value.field, _reason(default.value, reason)) == (field, reason)
    with pytest.raises(InvalidInput) as named:
        check(value, field="row 7 column 3")
    assert (named.value.field, _reason(named.value, reason)) == ("row 7 column 3", reason)


def test_a_wrong_party_code_is_named_and_a_right_one_kept() -> None:
    body = "643006966022"
    code = body + ids.gs1_check_digit(body)
    assert ids.party_code(f" {code} ") == code


@pytest.mark.parametrize("body", ["1234567890123456", "123456789012345678", "1234567890123456x"])
def test_a_metering_point_is_made_only_of_seventeen_digits(body: str) -> None:
    with pytest.raises(InvalidInput) as err:
        ids.make_gsrn(body)
    assert (err.value.field, err.value.reason) == ("gsrn", "body must be 17 digits")


def test_a_reference_of_spaces_alone_is_missing_and_spaces_around_an_rf_one_do_not_count() -> None:
    assert refs.creditor_reference(" RF18 5390 0754 7034 ") == "RF18539007547034"
    assert refs.creditor_reference(" 5000 0018 ") == "50000018"


@pytest.mark.parametrize("base", ["12", "000", "1" * 20, "12a"])
def test_an_invoice_reference_is_made_only_of_a_base_of_3_to_19_digits_not_zero(
    base: str,
) -> None:
    with pytest.raises(InvalidInput) as err:
        refs.make_invoice_reference(base)
    assert (err.value.field, err.value.reason) == (
        "invoice_reference",
        "base must be 3-19 digits and not zero",
    )


def test_an_invoice_reference_base_may_start_with_zeros() -> None:
    assert refs.make_invoice_reference("001") == "13"  # 1 weighted 7: check digit 3
    assert refs.make_invoice_reference("1" * 19).startswith("1" * 19)


def test_a_metering_point_may_be_typed_in_groups() -> None:
    assert ids.gsrn(" 643006 966022 791278 ") == "643006966022791278"
