"""Text values: one line, no control or bidi-override characters in any field, e-mail addresses
an SMTP server can be given, and identity codes of people already born."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rekisteri.domain import attribute_rules as rules
from rekisteri.domain import values
from rekisteri.domain.drafts import PersonDraft
from rekisteri.domain.errors import InvalidInput

TODAY = dt.date(2026, 3, 3)
GIVEN = rules.Given(today=TODAY)
FIELD = "the.field"

# C0 but tab and line breaks, DEL, C1, and the bidi embeddings, overrides and isolates.
CONTROLS = (
    [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"]
    + [chr(c) for c in range(0x7F, 0xA0)]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
)
A_CONTROL = st.sampled_from(CONTROLS)


@given(before=st.text(max_size=20), control=A_CONTROL, after=st.text(max_size=20))
def test_text_with_a_control_character_anywhere_is_refused_naming_the_field(
    before: str, control: str, after: str
) -> None:
    with pytest.raises(InvalidInput) as err:
        values.text(before + control + after, FIELD, required=False)
    assert err.value.field == FIELD and "control character" in err.value.reason


@pytest.mark.parametrize("key", sorted(rules.RULES))
@given(before=st.text(max_size=12), control=A_CONTROL, after=st.text(max_size=12))
def test_no_rule_stores_a_control_character(
    key: str, before: str, control: str, after: str
) -> None:
    try:
        stored = rules.check(key, before + control + after, FIELD, GIVEN)
    except InvalidInput as err:
        assert err.field == FIELD
        return
    # A code or number is stored in its canonical form, which has no room for one.
    assert not any(ch in CONTROLS for ch in str(stored))


@given(st.text(max_size=60))
def test_any_other_text_is_one_line_that_passes_again_unchanged(value: str) -> None:
    try:
        stored = values.text(value, FIELD, required=False)
    except InvalidInput as err:
        assert err.field == FIELD
        assert any(ch in CONTROLS for ch in value) or len(" ".join(value.split())) > 200
        return
    if stored is not None:
        assert not any(ch in "\t\n\r" or ch in CONTROLS for ch in stored)
        assert values.text(stored, FIELD) == stored


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("\x1b[31mAino", "U+001B"),
        ("Aino\x7f", "U+007F"),
        ("Aino\x85", "U+0085"),  # NEL: str.split() would fold it away
        ("\x1f", "U+001F"),  # not "required": a blank made of controls is still controls
        ("Aino\u202eonia", "U+202E"),
        ("\u2066Aalto\u2069", "U+2066"),
    ],
)
def test_the_refusal_names_the_character(value: str, code: str) -> None:
    with pytest.raises(InvalidInput) as err:
        rules.check("person.first_names", value, "first_names", GIVEN)
    assert err.value.field == "first_names" and code in err.value.reason


def test_tabs_and_line_breaks_fold_into_a_space() -> None:
    assert values.text(" Maija\tLiisa\r\n Virtanen ", FIELD) == "Maija Liisa Virtanen"


@pytest.mark.parametrize(
    "address",
    [
        'x"><script>alert(4)</script>@example.com',
        "a\x1bb@example.com",
        "a\x7fb@example.com",
        "x",
        "x@",
        "@example.com",
        "a@example",
        "a..b@example.com",
        '"quoted"@example.com',
        "a@[127.0.0.1]",
        "a@printer.local",
        "a\u202e@example.com",
        "a b@example.com",
        "a@example.com>, b@example.com",
    ],
)
def test_an_address_mail_cannot_go_to_is_refused(address: str) -> None:
    with pytest.raises(InvalidInput) as err:
        rules.check("contact_point.email", address, "contact.email", GIVEN)
    assert err.value.field == "contact.email"
    assert "<script>" not in err.value.reason, "the reason, not the value"


@pytest.mark.parametrize(
    ("address", "stored"),
    [
        (" Maija.Virtanen@Example.FI ", "Maija.Virtanen@example.fi"),
        ("user+tag@example.com", "user+tag@example.com"),
        ("pekka@äänekoski.fi", "pekka@xn--nekoski-4waa.fi"),  # an ASCII address for any server
        ("Pysyvä@Example.fi", "Pysyvä@example.fi"),  # for a server that speaks SMTPUTF8
    ],
)
def test_an_address_is_stored_as_a_server_is_given_it(address: str, stored: str) -> None:
    assert values.email(address) == stored
    assert values.email(stored) == stored


@given(st.text(max_size=30), st.sampled_from(["example.fi", "Example.COM", "ä.fi", "x"]))
def test_a_stored_address_is_printable_with_one_at_sign_and_an_ascii_domain(
    local: str, domain: str
) -> None:
    try:
        stored = values.email(f"{local}@{domain}")
    except InvalidInput:
        return
    assert stored.isprintable() and stored.count("@") == 1
    assert stored.split("@")[1].isascii() and not any(ch in CONTROLS for ch in stored)
    assert values.email(stored) == stored


@pytest.mark.parametrize(
    ("code", "why"),
    [
        ("311226A123B", "future"),  # born at the end of this year
        ("040326A123N", "future"),  # born tomorrow
        ("311249+1239", "before 1850"),
    ],
)
def test_an_identity_code_of_someone_not_yet_born_is_refused_naming_the_code(
    code: str, why: str
) -> None:
    with pytest.raises(InvalidInput) as err:
        rules.check("person.personal_identity_code", code, "personal_identity_code", GIVEN)
    assert err.value.field == "personal_identity_code" and why in err.value.reason
    draft = PersonDraft(
        kind="natural",  # type: ignore[arg-type]
        first_names="Aino",
        last_name="Aalto",
        personal_identity_code=code,
    )
    with pytest.raises(InvalidInput) as err:
        draft.validated(TODAY)
    assert err.value.field == "personal_identity_code"


@pytest.mark.parametrize("code", ["030326A1231", "010150+123A"])
def test_a_code_of_today_or_of_1850_is_taken(code: str) -> None:
    draft = PersonDraft(
        kind="natural",  # type: ignore[arg-type]
        first_names="Aino",
        last_name="Aalto",
        personal_identity_code=code,
    )
    done: Any = draft.validated(TODAY)
    assert done.personal_identity_code == code and done.birth_year in (2026, 1850)
