"""Finnish normalisation of the ASML ban register, and the ban file's rows."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rekisteri.domain.bans import BanKind, normalise_street, parse_ban, postal_key
from rekisteri.domain.errors import InvalidInput
from rekisteri.services.marketing.ban_keys import postal_keys

TODAY = dt.date(2026, 3, 3)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Mannerheimintie 5 A 12", "Mannerheimin tie 5 A12"),
        ("Mannerheimintie 5 A 12", "MANNERHEIMINTIE 5 a 12"),
        ("Hämeenkatu 3 as. 4", "Hameenkatu 3 as 4"),
        ("Hämeenkatu 3 as. 4", "Hämeenk. 3 as4"),
        ("Hämeenkatu 3 as. 4", "hämeen katu 3, 4"),
        ("Vanha Rajatie 35", "Vanha Rajat. 35"),
        ("Åkerstigen 1", "akerstigen 1"),
        ("Storgatan 4 B 7", "Storg. 4 B7"),
    ],
)
def test_spellings_of_one_address_normalise_alike(a: str, b: str) -> None:
    assert normalise_street(a) == normalise_street(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Mannerheimintie 5 A 12", "Mannerheimintie 5 A 13"),
        ("Mannerheimintie 5 A 12", "Mannerheimintie 5 B 12"),
        ("Hämeenkatu 3", "Hämeentie 3"),
    ],
)
def test_different_addresses_stay_different(a: str, b: str) -> None:
    assert normalise_street(a) != normalise_street(b)


def test_the_first_given_name_and_case_decide_the_name() -> None:
    assert postal_key("LAHTI", "Anu Maria", "Vanha Raja tie 35", "72599") == postal_key(
        "Lahti", "anu", "Vanha Rajatie 35", "72599"
    )


street_text = st.text(
    alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyzåäöABCÅÄÖ0123456789 .,-")),
    max_size=40,
)


@settings(max_examples=300, deadline=None)  # polars startup varies on a busy machine
@given(st.lists(st.tuples(street_text, street_text, street_text), min_size=1, max_size=20))
def test_polars_and_python_normalise_identically(rows: list[tuple[str, str, str]]) -> None:
    frame = pl.DataFrame(
        {
            "last_name": [r[0] for r in rows],
            "first_names": [r[1] for r in rows],
            "street": [r[2] for r in rows],
            "postal_code": ["00100"] * len(rows),
        }
    )
    expected = [postal_key(r[0], r[1], r[2], "00100") for r in rows]
    assert postal_keys(frame).to_list() == expected


@given(street_text)
def test_normalising_twice_changes_nothing(street: str) -> None:
    once = normalise_street(street)
    assert normalise_street(once) == once


def test_phone_bans_in_any_finnish_form_match_one_number() -> None:
    forms = ["040 123 4567", "+358 40 1234567", "0401234567", "+358-40-123-4567"]
    keys = {parse_ban({"kind": "phone", "phone": f}, TODAY).match_key for f in forms}
    assert keys == {"+358401234567"}


def test_a_phone_ban_lasts_three_years_and_applies_to_calls_only() -> None:
    ban = parse_ban({"kind": "phone", "phone": "0401234567", "registered_on": "2024-02-29"}, TODAY)
    assert ban.expires_on == dt.date(2027, 2, 28)
    assert ban.kind.channel.value == "phone"
    assert BanKind.POSTAL.channel.value == "letter"


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"kind": "fax"}, "kind"),
        ({"kind": "phone", "phone": "abc"}, "phone"),
        ({"kind": "postal", "last_name": "A", "first_names": "B", "street": "C"}, "postal_code"),
        (
            {"kind": "postal", "first_names": "B", "street": "C", "postal_code": "00100"},
            "last_name",
        ),
        ({"kind": "phone", "phone": "0401234567", "registered_on": "2099-01-01"}, "registered_on"),
    ],
)
def test_bad_rows_name_the_field(row: dict[str, str], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_ban(row, TODAY)
    assert caught.value.field == field
