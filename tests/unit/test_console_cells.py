"""How the console shows stored values: Finnish formats, and integers by what they are."""

from __future__ import annotations

import datetime as dt

from rekisteri.entrypoints.web.staff import cell


def test_years_days_and_numbers_are_not_grouped_but_quantities_are() -> None:
    assert cell(1952, "fi", "birth_year") == "1952"
    assert cell(15, "fi", "due_day") == "15"
    assert cell(20000, "fi", "consumption_estimate_kwh") == "20\xa0000"
    # Euros by Babel's currency format: a no-break space keeps the sign with its amount.
    assert cell(33703, "sv", "amount_cents") == "337,03\xa0€"
    assert cell(123456789, "en", "amount_cents") == "1\xa0234\xa0567,89\xa0€"


def test_dates_and_nested_values_in_finnish_formats() -> None:
    assert cell(dt.date(2026, 3, 3), "fi") == "3.3.2026"
    assert cell({"invoice_number": 5000001, "amount_cents": 1250}, "fi") == "5000001, 12,50\xa0€"
    assert cell(None, "fi") == ""


def test_codes_of_a_coded_column_are_shown_in_words() -> None:
    assert cell("wood", "fi", "heating_type", "site") == "puulämmitys"
    assert cell("tenant", "sv", "ownership", "site") == "hyresgäst"
    contract = {"contract_number": "S1", "kind": "sales", "end_reason": "moved_out"}
    assert cell(contract, "fi", "contract", "contract") == "S1, sähkönmyynti, muutto pois"
    powers = ["see_data", "receive_mail"]
    assert cell(powers, "en", "powers", "representative") == "may see the data, receives mail"
    # A text that is not a code stays as it is, even where it reads like one.
    assert cell("wood", "fi", "street", "site") == "wood"
