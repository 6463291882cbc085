"""The person page's change history puts a value into words by the attribute's own column: a
code of a coded column in words, anything else (a name that happens to spell another column's
code) as stored."""

from __future__ import annotations

import datetime as dt

from rekisteri.adapters.reports.showing import show
from rekisteri.domain.reasons import Reason, coded
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


def test_the_access_report_words_history_values_by_the_same_rule() -> None:
    """The report (adapters/reports/showing) and the page share domain/change_words: a name
    that spells another column's code stands as stored there too, a contract's end reads as
    its day and reason, and a reason the register wrote reads in the person's language."""
    row = {"attribute_code": "person.first_names"}
    assert show("attribute_change", "new_value", "customer", "fi", row) == "customer"
    row = {"attribute_code": "person.relationship"}
    assert show("attribute_change", "new_value", "customer", "sv", row) == "kund"
    row = {"attribute_code": "contract.contract"}
    ended = "ended 2026-02-01 (moved_out)"
    assert (
        show("attribute_change", "new_value", ended, "fi", row) == "päättyi 1.2.2026 (muutto pois)"
    )
    [page] = rows([_change("contract.contract", None, ended)], "sv")
    assert page["new"] == "upphörde 1.2.2026 (utflyttning)"
    reason = coded(Reason.CONTACT_FEED, "yhteydet-2026-03-01.csv")
    assert show("attribute_change", "reason", reason, "sv", {}) == (
        "rättat enligt kundkontaktfilen yhteydet-2026-03-01.csv"
    )
    assert show(
        "person", "restricted_reason", "retention: the customer relationship ended", "fi", {}
    ) == ("säilytysaika: asiakassuhde päättyi")
    assert show("attribute_change", "reason", "Asiakas soitti", "sv", {}) == "Asiakas soitti"
    [page] = rows([_change("person.last_name", "A", "B") | {"reason": reason}], "fi")
    assert page["why"] == "korjattu asiakaskontaktien aineistosta yhteydet-2026-03-01.csv"


def test_a_code_of_an_attribute_of_several_columns_is_worded_by_those_columns() -> None:
    """An invoice's status changes under the attribute invoice.invoice (its columns: number,
    status, amounts...): "open" and "paid" read as the status's words, in the report and on
    the page; a restriction's history value reads as the restriction."""
    row = {"attribute_code": "invoice.invoice"}
    shown = [
        show("attribute_change", f, v, "fi", row)
        for f, v in (("old_value", "open"), ("new_value", "paid"))
    ]
    assert shown == ["avoin", "maksettu"]
    [page] = rows([_change("invoice.invoice", "open", "paid")], "sv")
    assert (page["old"], page["new"]) != ("open", "paid")
    row = {"attribute_code": "person.restricted"}
    for stored in ("restricted", "restricted: Asiakas kiistää"):
        assert show("attribute_change", "new_value", stored, "fi", row) == "käsittely rajoitettu"
    assert show("attribute_change", "new_value", "restricted", "fi", {}) == "restricted"
