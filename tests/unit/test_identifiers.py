"""Finnish identifiers: the rules, and properties over generated codes."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rekisteri.domain import identifiers as ids
from rekisteri.domain.errors import InvalidInput

CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
SIGNS = {
    "+": 1800,
    "-": 1900,
    "Y": 1900,
    "X": 1900,
    "W": 1900,
    "V": 1900,
    "U": 1900,
    "A": 2000,
    "B": 2000,
    "C": 2000,
    "D": 2000,
    "E": 2000,
    "F": 2000,
}


def make_hetu(born: dt.date, individual: int, sign: str) -> str:
    digits = f"{born:%d%m}{born.year % 100:02d}{individual:03d}"
    return f"{digits[:6]}{sign}{digits[6:]}{CHECK[int(digits) % 31]}"


@st.composite
def hetus(
    draw: st.DrawFn, individual: st.SearchStrategy[int] = st.integers(2, 899)
) -> tuple[str, dt.date]:
    sign = draw(st.sampled_from(sorted(SIGNS)))
    century = SIGNS[sign]
    born = draw(st.dates(dt.date(century, 1, 1), dt.date(century + 99, 12, 31)))
    return make_hetu(born, draw(individual), sign), born


@given(hetus())
def test_every_valid_code_is_accepted_with_its_sign_and_birth_date(
    case: tuple[str, dt.date],
) -> None:
    code, born = case
    assert ids.personal_identity_code(code) == code  # the century sign is never normalised
    assert ids.birth_date_of(code) == born


@given(hetus(), st.sampled_from(CHECK))
def test_a_wrong_check_character_is_refused(case: tuple[str, dt.date], wrong: str) -> None:
    code, _ = case
    if wrong == code[-1]:
        return
    with pytest.raises(InvalidInput) as err:
        ids.personal_identity_code(code[:-1] + wrong)
    assert err.value.field == "personal_identity_code"


@given(hetus(individual=st.integers(900, 999)))
def test_temporary_codes_only_when_allowed(case: tuple[str, dt.date]) -> None:
    code, _ = case
    with pytest.raises(InvalidInput, match="temporary"):
        ids.personal_identity_code(code)
    assert ids.personal_identity_code(code, allow_temporary=True) == code


def test_the_2023_signs_give_the_same_person_different_codes() -> None:
    # 010101-123N and 010101Y123N are different codes for people born in 1901.
    a, b = make_hetu(dt.date(1901, 1, 1), 123, "-"), make_hetu(dt.date(1901, 1, 1), 123, "Y")
    assert ids.personal_identity_code(a) != ids.personal_identity_code(b)
    assert ids.birth_date_of(b) == dt.date(1901, 1, 1)


@pytest.mark.parametrize("bad", ["", "131052-308", "311352-308T", "131052G308T", "abc"])
def test_malformed_codes_are_refused(bad: str) -> None:
    with pytest.raises(InvalidInput):
        ids.personal_identity_code(bad)


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_gsrn_check_digit_round_trip(body: str) -> None:
    code = ids.make_gsrn(body)
    assert ids.gsrn(code) == code
    wrong = str((int(code[-1]) + 1) % 10)
    with pytest.raises(InvalidInput, match="check digit"):
        ids.gsrn(code[:-1] + wrong)


def test_gsrn_from_the_datahub_example_is_valid() -> None:
    assert ids.gsrn("643006966022791278") == "643006966022791278"
    with pytest.raises(InvalidInput, match="18 digits"):
        ids.gsrn("64300696602279127")


def test_business_id_and_iban() -> None:
    assert ids.business_id("2630573-4") == "2630573-4"
    with pytest.raises(InvalidInput, match="business ID"):
        ids.business_id("2630573-5")
    assert ids.iban("FI21 1234 5600 0007 85") == "FI2112345600000785"
    with pytest.raises(InvalidInput, match="IBAN"):
        ids.iban("FI21 1234 5600 0007 86")


# Codes near the valid ones: any of their eleven characters replaced, in either case, or the
# individual number anywhere from 000 to 999, the date anything two digits can say.
@st.composite
def near_codes(draw: st.DrawFn) -> str:
    code, _ = draw(hetus(st.integers(0, 999)))
    if draw(st.booleans()):
        at = draw(st.integers(0, 10))
        ch = draw(st.sampled_from("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ+-ab \u0663\uff13"))
        code = code[:at] + ch + code[at + 1 :]
    if draw(st.booleans()):
        code = code[:2] + draw(st.sampled_from(["00", "13", "19", "31", "29"])) + code[4:]
    return code.lower() if draw(st.integers(0, 9)) == 0 else code


@given(near_codes(), st.booleans())
def test_the_quick_check_of_a_canonical_code_accepts_only_what_stdnum_accepts(
    code: str, allow_temporary: bool
) -> None:
    """personal_identity_code takes a canonical code without stdnum's cleaning (an import of
    100,000 codes spent most of its checking there); it must accept exactly what stdnum does."""
    from stdnum.exceptions import ValidationError
    from stdnum.fi import hetu

    try:
        stdnum_accepts = hetu.validate(code, allow_temporary=allow_temporary) == code
    except ValidationError:
        stdnum_accepts = False
    assert ids._valid_canonical(code, allow_temporary) == stdnum_accepts


@pytest.mark.parametrize("code", ["١٣١٠٥٢-٣٠٨T", "１３１０５２-３０８T"])
def test_digits_of_other_scripts_are_not_a_canonical_code(code: str) -> None:
    """Arabic-Indic or full-width digits are digits to Python's `\\d`, not to stdnum: such a
    code is never stored as typed (it would get a blind index of its own: a second person)."""
    assert not ids._valid_canonical(code, allow_temporary=False)
    try:
        stored = ids.personal_identity_code(code)
    except InvalidInput:
        return  # refused (stdnum refuses Arabic-Indic digits)
    assert stored == "131052-308T"  # stdnum's canonical ASCII form (full-width digits)


@pytest.mark.parametrize(
    ("typed", "stored"), [(" 131052-308t ", "131052-308T"), ("010101a123n", "010101A123N")]
)
def test_a_code_typed_in_lower_case_is_stored_in_upper_case(typed: str, stored: str) -> None:
    """Not in canonical form, so stdnum checks and cleans it (the quick check takes only a
    canonical code)."""
    assert ids.personal_identity_code(typed) == stored


def test_a_temporary_code_in_lower_case_is_taken_only_where_allowed() -> None:
    assert ids.personal_identity_code("131052-913a", allow_temporary=True) == "131052-913A"
    with pytest.raises(InvalidInput) as err:
        ids.personal_identity_code("131052-913a")
    assert err.value.reason == "is a temporary code (900-999), not allowed here"
