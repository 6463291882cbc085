"""How the console shows stored values: Finnish formats, and integers by what they are."""

from __future__ import annotations

import datetime as dt

from rekisteri.entrypoints.web.staff import cell


def test_years_days_and_numbers_are_not_grouped_but_quantities_are() -> None:
    assert cell(1952, "fi", "birth_year") == "1952"
    assert cell(15, "fi", "due_day") == "15"
    assert cell(20000, "fi", "consumption_estimate_kwh") == "20\xa0000"
    assert cell(33703, "sv", "amount_cents") == "337,03 €"


def test_dates_and_nested_values_in_finnish_formats() -> None:
    assert cell(dt.date(2026, 3, 3), "fi") == "3.3.2026"
    assert cell({"invoice_number": 5000001, "amount_cents": 1250}, "fi") == "5000001, 12,50 €"
    assert cell(None, "fi") == ""
