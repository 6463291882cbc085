"""What a role that may see only part of a value sees: exactly the parts the rules leave."""

from __future__ import annotations

from rekisteri.domain import masking


def test_an_identity_code_shows_the_birth_date_and_century_sign_only() -> None:
    assert masking.personal_identity_code("131052-308T") == "131052-****"


def test_an_iban_shows_its_country_check_digits_and_last_four() -> None:
    assert masking.iban("FI21 1234 5600 0007 85") == "FI21 **** **** 0785"
    assert masking.iban("FI2112345600000785") == "FI21 **** **** 0785"


def test_names_become_initials() -> None:
    assert masking.initial("Maija  Liisa") == "M. L."
    assert masking.initial("") == ""


def test_a_number_shows_its_last_three_characters() -> None:
    assert masking.tail("+358401234567") == "**********567"
    assert masking.tail("12") == "12"
    assert masking.tail("123") == "123"


def test_an_email_shows_the_first_letter_and_the_domain() -> None:
    assert masking.email("maija.meikalainen@example.fi") == "m***@example.fi"
    assert masking.email("no-at-sign") == "n***@"
