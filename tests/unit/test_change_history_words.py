"""The person page's change history puts a value into words by the attribute's own column: a
code of a coded column in words, anything else (a name that happens to spell another column's
code) as stored."""

from __future__ import annotations

import datetime as dt

from rekisteri.entrypoints.web.change_history import rows

AT = dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC)


def _change(attribute: str, old: str | None, new: str) -> dict[str, object]:
    return {
        "attribute": attribute,
        "old_value": old,
        "new_value": new,
        "at": AT,
        "reason": "",
        "actor": "tester",
    }


def test_a_code_is_worded_by_its_own_column_and_other_values_stand_as_stored() -> None:
    coded, named = rows(
        [
            _change("person.relationship", "prospect", "customer"),
            _change("person.first_names", None, "customer"),
        ],
        "fi",
    )[::-1]
    assert (coded["old"], coded["new"]) == ("mahdollinen asiakas", "asiakas")
    assert (named["old"], named["new"]) == ("–", "customer")
