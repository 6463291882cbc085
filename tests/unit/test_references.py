"""Creditor references (domain/references, the one module for their rule): the Finnish
reference, the RF creditor reference, and the one normal form invoices are stored in and
payments are matched by."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import iso11649

from rekisteri.domain import references as refs
from rekisteri.domain.errors import InvalidInput


@given(st.integers(100, 10**18))
def test_finnish_reference_round_trip(base: int) -> None:
    ref = refs.make_invoice_reference(base)
    assert refs.finnish_reference(ref) == ref
    assert refs.finnish_reference(refs.format_invoice_reference(ref)) == ref


def test_finnish_reference_known_values() -> None:
    # 1234561: weights 7-3-1 from the right over 123456 give check digit 1.
    assert refs.make_invoice_reference(123456) == "1234561"
    with pytest.raises(InvalidInput, match="check digit"):
        refs.finnish_reference("1234562")


def test_rf_creditor_reference() -> None:
    # The standard's own example, printed in groups of four.
    assert refs.rf_reference("RF18 5390 0754 7034") == "RF18539007547034"
    assert refs.rf_reference("rf18539007547034") == "RF18539007547034"
    with pytest.raises(InvalidInput, match="wrong check digits"):
        refs.rf_reference("RF19539007547034")
    with pytest.raises(InvalidInput, match="RF, two check digits"):
        refs.rf_reference("RF18" + "1" * 22)
    with pytest.raises(InvalidInput, match="RF, two check digits"):
        refs.rf_reference("RFAB539007547034")


@pytest.mark.parametrize(
    ("given", "key"),
    [
        ("50000018", "50000018"),
        ("5000 0018", "50000018"),
        ("0050000018", "50000018"),
        ("RF4150000021", "50000021"),  # the RF form of a Finnish reference is that reference
        ("rf41 5000 0021", "50000021"),
        ("RF080012344", "12344"),  # its body written with leading zeros: the same reference
        ("RF18 5390 0754 7034", "RF18539007547034"),  # an RF reference of its own
    ],
)
def test_creditor_references_in_their_normal_form(given: str, key: str) -> None:
    assert refs.creditor_reference(given) == key


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("50000019", "wrong check digit"),
        ("123", "4-20 digits"),
        ("RF19 5390 0754 7034", "wrong check digits"),
        ("RF18", "RF, two check digits"),
        ("", "is missing"),
    ],
)
def test_a_bad_reference_is_refused(given: str, says: str) -> None:
    with pytest.raises(InvalidInput, match=says):
        refs.creditor_reference(given)


@given(st.integers(100, 10**18), st.integers(0, 3))
def test_every_rf_form_of_a_finnish_reference_has_its_normal_form(base: int, zeros: int) -> None:
    finnish = refs.make_invoice_reference(base)
    rf = refs.rf_form(finnish)
    assert iso11649.is_valid(rf), rf
    assert refs.creditor_reference(rf) == finnish == refs.creditor_reference(finnish)
    # The body may be written with leading zeros (the check digits stay the same).
    padded = refs.rf_form("0" * zeros + finnish)
    if len(padded) <= 24:  # a Finnish reference is at most 20 digits
        assert iso11649.is_valid(padded), padded
        assert refs.creditor_reference(padded) == finnish
