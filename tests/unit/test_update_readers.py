"""The readers of the trade register's JSON and the mover service's CSV against hostile input:
every bad file is an InvalidInput naming the file, the record and the field, never another
exception (a traceback), and a good sample reads as documented."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rekisteri.adapters import address_changes, trade_register
from rekisteri.domain.errors import InvalidInput

DATA = Path(__file__).parents[1] / "data"
COMPANIES = (DATA / "trade_register" / "companies.json").read_bytes()
MOVERS = (DATA / "address_changes" / "movers.csv").read_bytes()
HEADER = MOVERS.splitlines(keepends=True)[0]
GOOD = MOVERS.splitlines(keepends=True)[2]  # Jussi Virtanen, Talo 3


def _company(**changes: object) -> bytes:
    doc = json.loads(COMPANIES)
    doc["companies"][0].update(changes)
    return json.dumps(doc).encode()


@pytest.mark.parametrize(
    ("data", "where", "field"),
    [
        (b"", "x.json", "file"),
        (b"\xff\xfe{}", "x.json", "file"),
        (b"{" * 100_000, "x.json", "file"),
        (b'{"companies": {}}', "x.json", "companies"),
        (b"[]", "x.json", "companies"),
        (b'{"companies": [7]}', "x.json, record 1", "company"),
        (_company(businessId="1572860-0"), "x.json, record 1", "businessId"),
        (_company(businessId={"value": 15728600}), "x.json, record 1", "businessId.value"),
        (_company(names="Konepaja"), "x.json, record 1", "names"),
        (_company(names=[{"type": "1"}]), "x.json, record 1", "names[0].name"),
        (_company(names=[{"name": "A\x00B", "type": "1"}]), "x.json, record 1", "names[0].name"),
        (_company(addresses=[{"type": 3}]), "x.json, record 1", "addresses[0].type"),
        (
            _company(addresses=[{"type": 2, "street": "Tie 1", "postCode": "00100"}]),
            "x.json, record 1",
            "addresses[0].postOffices",
        ),
        (
            _company(companySituations=[{"type": "X"}]),
            "x.json, record 1",
            "companySituations[0].type",
        ),
        (_company(endDate=20260131), "x.json, record 1", "endDate"),
        (_company(endDate=True), "x.json, record 1", "endDate"),
    ],
)  # fmt: skip
def test_a_hostile_companies_file_is_named_by_record_and_field(
    data: bytes, where: str, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        trade_register.read_companies(data, "x.json")
    assert (refused.value.where, refused.value.field) == (where, field)


def test_a_company_twice_in_one_file_is_refused() -> None:
    doc = json.loads(COMPANIES)
    doc["companies"].append(doc["companies"][0])
    with pytest.raises(InvalidInput, match="is already record 1"):
        trade_register.read_companies(json.dumps(doc).encode(), "x.json")


@pytest.mark.parametrize(
    ("data", "where", "field"),
    [
        (b"", "m.csv", "header"),
        (b"a;b;c\n", "m.csv, line 1", "header"),
        (HEADER + GOOD.replace(b"Virtanen", b"Virta\xffnen"), "m.csv, line 2", "last_name"),
        (HEADER + GOOD.replace(b"Talo 3", b"T" * 5000), "m.csv, line 2", "previous_street"),
        (HEADER + GOOD.replace(b"Jussi", b"Ju\x1bssi"), "m.csv, record 1 (line 2)", "first_names"),
        (HEADER + GOOD.replace(b"Jussi", b'"Jussi'), "m.csv, line 2", "row"),
        (HEADER + GOOD.replace(b";FI;", b";;;"), "m.csv, record 1 (line 2)", "row"),
        (HEADER + GOOD.replace(b"2026-03-15", b"20260315"), "m.csv, record 1 (line 2)", "moved_on"),
    ],
)  # fmt: skip
def test_a_hostile_movers_file_is_named_by_record_and_field(
    data: bytes, where: str, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        list(address_changes.read_changes(data, "m.csv"))
    assert (refused.value.where, refused.value.field) == (where, field)


def test_the_samples_read_as_documented() -> None:
    companies = trade_register.read_companies(COMPANIES, "companies.json")
    assert [(c.business_id, c.status.value) for c in companies] == [
        ("1572860-0", "registered"),
        ("2617416-4", "bankrupt"),
        ("1234562-0", "ceased"),
    ]
    assert companies[0].address is not None
    assert companies[0].address.street == "Teollisuuskatu 5 B"
    assert companies[1].address is not None and companies[1].address.street == "PL 120"
    movers = list(address_changes.read_changes(MOVERS, "movers.csv"))
    assert [(m.record, m.line, m.moved_on.isoformat()) for m in movers] == [
        (1, 2, "2026-03-01"),
        (2, 3, "2026-03-15"),
        (3, 4, "2026-04-01"),
    ]
