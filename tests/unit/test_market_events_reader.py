"""The reader of Datahub's market events (docs/formats/market-events.md) on its sample, on bad
events (each named by file, event and element) and on hostile XML (refused whole, nothing of
it processed)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from rekisteri.adapters import market_events as reader
from rekisteri.domain.errors import InvalidInput
from rekisteri.domain.market_events import EventKind
from rekisteri.domain.register import EndReason, MeteringPointKind
from tests.support.market_events import GRID_OWNER, NEW_SITE, NS, event, gsrn

SAMPLE = Path(__file__).parents[1] / "data" / "market_events" / "market-events.xml"
HETU = "131052-308T"
GOOD = event("E-1", "move_out", "2026-02-28", gsrn(2), hetu=HETU)


def _file(*events: str, root: str = f'<MarketEvents xmlns="{NS}">') -> bytes:
    return f'<?xml version="1.0"?>\n{root}{"".join(events)}</MarketEvents>'.encode()


def _refused(data: bytes, name: str = "hub.xml") -> InvalidInput:
    with pytest.raises(InvalidInput) as err:
        reader.read_bytes(name, data)
    return err.value


def test_the_sample_reads_as_documented() -> None:
    read = reader.read_file(SAMPLE)
    assert read.message_id == "DH-EVENTS-20260320-0001"
    kinds = [(e.number, e.event_id, e.kind) for e in read.events]
    assert kinds == [
        (1, "DH-311-000001", EventKind.MOVE_IN),
        (2, "DH-311-000002", EventKind.MOVE_OUT),
        (3, "DH-312-000003", EventKind.SWITCH_OUT),
        (4, "DH-122-000004", EventKind.METERING_POINT),
    ]
    move_in, move_out, switch, data = read.events
    assert (move_in.identity_code, move_in.product, move_in.effective_on) == (
        HETU,
        "Pörssisähkö",
        dt.date(2026, 3, 1),
    )
    assert move_in.data is not None and move_in.data.address is not None
    assert (move_in.data.kind, move_in.data.main_fuse_a, move_in.data.grid_owner) == (
        MeteringPointKind.CONSUMPTION,
        25,
        "6430000000016",
    )
    assert move_out.end_reason is EndReason.MOVED_OUT
    assert (switch.business_id, switch.end_reason) == ("1572860-0", EndReason.SWITCHED_SUPPLIER)
    assert data.data is not None and data.data.site_fields() == {
        "main_fuse_a": 35,
        "connection_details": "3 x 35 A",
    }


def test_a_contract_end_takes_a_termination_and_defaults_to_the_customers() -> None:
    read = reader.read_bytes(
        "hub.xml",
        _file(
            event("T-1", "contract_end", "2026-03-31", gsrn(2), hetu=HETU),
            event(
                "T-2",
                "contract_end",
                "2026-03-31",
                gsrn(1),
                hetu=HETU,
                end_reason="fixed_term_ended",
            ),
        ),
    )
    assert [e.end_reason for e in read.events] == [
        EndReason.TERMINATED_BY_CUSTOMER,
        EndReason.FIXED_TERM_ENDED,
    ]


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        (event("", "move_out", "2026-02-28", gsrn(2), hetu=HETU), "EventId"),
        (event("X 1", "move_out", "2026-02-28", gsrn(2), hetu=HETU), "EventId"),
        (event("X-1", "moved", "2026-02-28", gsrn(2), hetu=HETU), "Kind"),
        (event("X-1", "move_out", "28.2.2026", gsrn(2), hetu=HETU), "EffectiveDate"),
        (event("X-1", "move_out", "1999-12-31", gsrn(2), hetu=HETU), "EffectiveDate"),
        (event("X-1", "move_out", "2026-02-30", gsrn(2), hetu=HETU), "EffectiveDate"),
        (event("X-1", "move_out", "2026-02-28", "643000000000000017", hetu=HETU), "MeteringPoint"),
        (
            event("X-1", "move_out", "2026-02-28", gsrn(2), hetu="131052-308X"),
            "Party/PersonalIdentityCode",
        ),
        (
            event("X-1", "switch_out", "2026-02-28", gsrn(2), business_id="1572860-1"),
            "Party/BusinessId",
        ),
        (event("X-1", "move_out", "2026-02-28", gsrn(2)), "Party"),
        (
            event(
                "X-1",
                "metering_point",
                "2026-02-28",
                gsrn(2),
                hetu=HETU,
                data={"main_fuse_a": "25"},
            ),
            "Party",
        ),
        (event("X-1", "move_in", "2026-03-01", gsrn(3), hetu=HETU, data=NEW_SITE), "Product"),
        (event("X-1", "move_out", "2026-03-01", gsrn(3), hetu=HETU, product="P"), "Product"),
        (
            event("X-1", "move_out", "2026-03-01", gsrn(3), hetu=HETU, end_reason="deceased"),
            "EndReason",
        ),
        (
            event("X-1", "contract_end", "2026-03-01", gsrn(3), hetu=HETU, end_reason="moved_out"),
            "EndReason",
        ),
        (
            event("X-1", "move_in", "2026-03-01", gsrn(3), hetu=HETU, product="P"),
            "MeteringPointData",
        ),
        (
            event(
                "X-1",
                "move_in",
                "2026-03-01",
                gsrn(3),
                hetu=HETU,
                product="P",
                data={"main_fuse_a": "25"},
            ),
            "MeteringPointData/Address",
        ),
        (
            event("X-1", "move_out", "2026-03-01", gsrn(3), hetu=HETU, data={"main_fuse_a": "25"}),
            "MeteringPointData",
        ),
        (
            event("X-1", "metering_point", "2026-03-01", gsrn(3), data={"main_fuse_a": "0.5"}),
            "MeteringPointData/MainFuseA",
        ),
        (
            event("X-1", "metering_point", "2026-03-01", gsrn(3), data={"kind": "storage"}),
            "MeteringPointData/Kind",
        ),
        (
            event("X-1", "metering_point", "2026-03-01", gsrn(3), data={"grid_owner": "123"}),
            "MeteringPointData/GridOwner",
        ),
        (
            event(
                "X-1",
                "metering_point",
                "2026-03-01",
                gsrn(3),
                data={**NEW_SITE, "postal_code": "123"},
            ),
            "MeteringPointData/Address/PostalCode",
        ),
        (
            event(
                "X-1",
                "metering_point",
                "2026-03-01",
                gsrn(3),
                data={"connection": "3 x 25\u202e A"},
            ),
            "MeteringPointData/Connection",
        ),
        (event("X-1", "metering_point", "2026-03-01", gsrn(3), data={}), "MeteringPointData"),
        (GOOD.replace("<Kind>", "<Shoe>9</Shoe><Kind>"), "Shoe"),
        # Nesting beyond the shape is refused at its first element.
        (GOOD.replace("<Party>", "<Party><Party><Party><Party>"), "Party/Party"),
        (GOOD.replace("<Kind>", "<Kind>move_out</Kind><Kind>"), "Kind"),
        (GOOD, "EventId"),  # the same event id twice in one file
    ],
)
def test_a_bad_event_names_the_file_the_event_and_the_element(bad: str, field: str) -> None:
    err = _refused(_file(GOOD, bad))
    assert err.field == field, (err.field, err.reason)
    assert err.where is not None and err.where.startswith("hub.xml, event 2"), err.where


@pytest.mark.parametrize(
    ("data", "words"),
    [
        # An external entity, an external DTD and entity expansion are never processed.
        (
            b'<?xml version="1.0"?>\n<!DOCTYPE MarketEvents [<!ENTITY x SYSTEM '
            b'"file:///etc/passwd">]>\n<MarketEvents xmlns="' + NS.encode() + b'"><Event><EventId>'
            b"&x;</EventId></Event></MarketEvents>",
            "no DTD",
        ),
        (
            b'<?xml version="1.0"?>\n<!DOCTYPE MarketEvents SYSTEM "http://example.invalid/m.dtd">'
            b'\n<MarketEvents xmlns="' + NS.encode() + b'"/>',
            "no DTD",
        ),
        (
            b'<?xml version="1.0"?>\n<!DOCTYPE MarketEvents [<!ENTITY l0 "lol">'
            + b"".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">'.encode() for i in range(1, 10))
            + b']>\n<MarketEvents xmlns="'
            + NS.encode()
            + b'">&l9;</MarketEvents>',
            "no DTD",
        ),
        (_file(GOOD)[:-30], "not well-formed"),
        (b"", "not well-formed"),
        (b"\xff\xfe<\x00", "not well-formed"),
        (_file(GOOD, root="<MarketEvents>"), "not a market-event file"),
        (_file(GOOD, root='<Finvoice xmlns="urn:x">'), "not a market-event file"),
        (_file(GOOD.replace("<EventId>E-1", "<EventId>" + "E" * 400)), "more than 300"),
        (_file("<Extra/>"), "neither a Header nor an Event"),
        (_file(f'<Event xmlns="urn:other">{GOOD[7:]}'), "outside the market-event namespace"),
    ],
)
def test_hostile_or_broken_xml_is_refused_whole_naming_the_file(data: bytes, words: str) -> None:
    err = _refused(data)
    assert err.field == "file" and words in err.reason, err.reason
    assert err.where is not None and err.where.startswith("hub.xml")
    assert "root:" not in str(err)  # nothing of /etc/passwd


def test_the_number_of_events_and_the_size_are_bounded(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(reader, "MAX_EVENTS", 2)
    three = [event(f"N-{n}", "move_out", "2026-02-28", gsrn(2), hetu=HETU) for n in range(3)]
    assert "more than 2 events" in _refused(_file(*three)).reason
    assert len(reader.read_bytes("hub.xml", _file(*three[:2])).events) == 2
    monkeypatch.setattr(reader, "MAX_FILE_BYTES", 1 << 20)
    big = tmp_path / "big.xml"
    big.write_bytes(_file(GOOD) + b" " * (1 << 20))
    with pytest.raises(InvalidInput) as err:
        reader.read_file(big)
    assert (err.value.where, err.value.field) == ("big.xml", "file")
    assert "larger than 1 MB" in _refused(_file(GOOD) + b" " * (1 << 20)).reason


def test_the_grid_owner_is_a_party_code_with_its_check_digit() -> None:
    read = reader.read_bytes(
        "hub.xml",
        _file(
            event("G-1", "metering_point", "2026-03-01", gsrn(2), data={"grid_owner": GRID_OWNER})
        ),
    )
    assert read.events[0].data is not None and read.events[0].data.grid_owner == GRID_OWNER
    wrong = GRID_OWNER[:-1] + str((int(GRID_OWNER[-1]) + 1) % 10)
    bad = event("G-1", "metering_point", "2026-03-01", gsrn(2), data={"grid_owner": wrong})
    assert "check digit" in _refused(_file(bad)).reason
