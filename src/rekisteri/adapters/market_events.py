"""Reading Datahub's market events (docs/formats/market-events.md): parsing and checking only, no
database.

The hub's own messages are ebIX-based XML sent through its business interfaces; their schemas
cannot be fetched here, so the register reads the events' content in a shape of its own (one
`Event` element per event: its id, kind, effective date, metering point, party, and the metering
point's data), and only this module knows that shape: a reader of the hub's real messages
replaces it and the service does not change.

Hostile files are bad input: the XML is streamed with defusedxml's iterparse (no DTD, entity or
external reference is ever processed; a file declaring one is refused whole), each element is
let go of once read, nesting, text length, the number of events and the file's size are
bounded, and an element the shape does not have is refused. A bad event refuses the whole file
with InvalidInput naming the file, the event (its position and id) and the element.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TypeVar
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from rekisteri.domain import attribute_rules as rules
from rekisteri.domain import identifiers, values
from rekisteri.domain.errors import InvalidInput, excerpt
from rekisteri.domain.market_events import (
    END_REASONS,
    NEED_POINT_DATA,
    STARTS,
    TERMINATIONS,
    Address,
    EventKind,
    MarketEvent,
    MeteringPointData,
)
from rekisteri.domain.register import EndReason, MeteringPointKind

NAMESPACE = "urn:rekisteri:datahub:market-events:1"
ROOT = "MarketEvents"
MAX_FILE_BYTES = 256 << 20  # far above 100,000 events (about 60 MB); a larger run is split
MAX_EVENTS = 100_000
MAX_DEPTH = 6  # the deepest element is MarketEvents/Event/MeteringPointData/Address/Street
MAX_TEXT = 300  # longer than any value read may be (the longest, connection details, is 200)
ID_CHARS = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_.:/")
FIRST_DAY = dt.date(2000, 1, 1)  # no contract of the register is older; a typo, if earlier
LAST_DAY = dt.date(2099, 12, 31)

# The elements of an Event (paths below it) and of the Header; anything else is refused.
EVENT_PATHS = frozenset(
    {
        ("EventId",),
        ("Kind",),
        ("EffectiveDate",),
        ("MeteringPoint",),
        ("Party",),
        ("Party", "PersonalIdentityCode"),
        ("Party", "BusinessId"),
        ("Product",),
        ("EndReason",),
        ("MeteringPointData",),
        ("MeteringPointData", "Kind"),
        ("MeteringPointData", "Address"),
        ("MeteringPointData", "Address", "Street"),
        ("MeteringPointData", "Address", "PostalCode"),
        ("MeteringPointData", "Address", "PostOffice"),
        ("MeteringPointData", "MainFuseA"),
        ("MeteringPointData", "Connection"),
        ("MeteringPointData", "GridOwner"),
    }
)
HEADER_PATHS = frozenset({("MessageId",), ("Created",)})

T = TypeVar("T")


@dataclass
class EventFile:
    """A file's events, checked, in the file's order."""

    name: str
    message_id: str | None = None
    events: list[MarketEvent] = field(default_factory=list)


def read_file(path: Path) -> EventFile:
    """The events of a file; InvalidInput naming the file (and event and element) if bad."""
    try:
        size = path.stat().st_size
        source = path.open("rb")
    except OSError as exc:
        raise InvalidInput("file", exc.strerror or "cannot be read", where=path.name) from None
    if size > MAX_FILE_BYTES:
        source.close()
        raise InvalidInput("file", f"is larger than {MAX_FILE_BYTES >> 20} MB", where=path.name)
    with source:
        return _read(source, path.name)


def read_bytes(name: str, data: bytes) -> EventFile:
    """The events of a file sent as bytes (the API)."""
    if len(data) > MAX_FILE_BYTES:
        raise InvalidInput("file", f"is larger than {MAX_FILE_BYTES >> 20} MB", where=name)
    return _read(io.BytesIO(data), name)


def _local(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        ns, _, name = tag[1:].partition("}")
        return ns, name
    return "", tag


def _read(source: IO[bytes], name: str) -> EventFile:
    out = EventFile(name)
    try:
        _parse(source, out)
    except DefusedXmlException as exc:
        raise InvalidInput(
            "file",
            f"refused: the XML declares {type(exc).__name__.removesuffix('Forbidden')} "
            "(no DTD, entity or external reference is read)",
            where=name,
        ) from None
    except ParseError as exc:
        line = exc.position[0] if exc.position else None
        where = f"{name}, line {line}" if line else name
        raise InvalidInput("file", f"is not well-formed XML ({exc.msg})", where=where) from None
    return out


def _parse(source: IO[bytes], out: EventFile) -> None:
    name = out.name
    events: Any = iterparse(source, events=("start", "end"), forbid_dtd=True, forbid_entities=True)
    path: list[str] = []
    open_elements: list[Any] = []
    fields: dict[tuple[str, ...], str] | None = None
    header: dict[tuple[str, ...], str] = {}
    seen_ids: set[str] = set()
    rooted = False

    def refused(what: str) -> InvalidInput:
        return InvalidInput("file", what, where=name)

    for event, elem in events:
        ns, local = _local(elem.tag)
        if event == "start":
            path.append(local)
            open_elements.append(elem)
            depth = len(path)
            if depth > MAX_DEPTH:
                raise refused(f"nests elements deeper than {MAX_DEPTH} levels")
            if depth == 1:
                if local != ROOT or ns != NAMESPACE:
                    raise refused(
                        f"is not a market-event file (the root must be {ROOT} in "
                        f"the namespace {NAMESPACE})"
                    )
                rooted = True
                continue
            if ns != NAMESPACE:
                raise refused(f"element {excerpt(local)} is outside the market-event namespace")
            if depth == 2:
                if local == "Event":
                    if len(out.events) >= MAX_EVENTS:
                        raise refused(f"holds more than {MAX_EVENTS:,} events")
                    fields = {}
                elif local != "Header":
                    raise refused(f"{excerpt(local)} is neither a Header nor an Event")
                continue
            inner = tuple(path[2:])
            known = EVENT_PATHS if path[1] == "Event" else HEADER_PATHS
            if inner not in known:
                where = f"{name}, event {len(out.events) + 1}" if path[1] == "Event" else name
                raise InvalidInput("/".join(inner), "is not an element of the format", where=where)
            continue
        # end
        text = (elem.text or "").strip()
        if len(text) > MAX_TEXT:
            raise refused(f"element {local} holds more than {MAX_TEXT} characters")
        if len(path) > 2:
            inner = tuple(path[2:])
            target = fields if path[1] == "Event" else header
            if target is not None:
                if inner in target:
                    where = f"{name}, event {len(out.events) + 1}" if path[1] == "Event" else name
                    raise InvalidInput("/".join(inner), "appears twice", where=where)
                target[inner] = text
        elif len(path) == 2 and local == "Event" and fields is not None:
            checked = event_of(fields, len(out.events) + 1, name)
            if checked.event_id in seen_ids:
                raise InvalidInput(
                    "EventId", "appears twice in the file", where=f"{name}, {checked.where}"
                )
            seen_ids.add(checked.event_id)
            out.events.append(checked)
            fields = None
        path.pop()
        open_elements.pop()
        # Read: let it go, so the file never becomes one tree in memory.
        elem.clear()
        if open_elements:
            open_elements[-1].remove(elem)
    if not rooted:
        raise refused("is empty")
    out.message_id = header.get(("MessageId",)) or None
    if out.message_id is not None:
        out.message_id = values.text(out.message_id, "Header/MessageId", max_len=80)


def _checked(where: str, element: str, check: Callable[[], T]) -> T:
    """A value checked by `check`, or InvalidInput naming the event and the element."""
    try:
        return check()
    except InvalidInput as exc:
        raise InvalidInput(element, exc.reason, where=where) from None


def event_of(fields: dict[tuple[str, ...], str], number: int, name: str) -> MarketEvent:
    """One event's values checked, or InvalidInput naming the file, event and element."""
    raw_id = fields.get(("EventId",), "")
    where = f"{name}, event {number}"
    event_id = _checked(where, "EventId", lambda: _event_id(raw_id))
    where = f"{name}, event {number} ({event_id})"

    def get(*path: str) -> str | None:
        return fields.get(path) or None

    def required(*path: str) -> str:
        value = get(*path)
        if value is None:
            raise InvalidInput("/".join(path), "is required", where=where)
        return value

    kind = _checked(where, "Kind", lambda: values.enum_value(EventKind, required("Kind"), "Kind"))
    effective = _checked(where, "EffectiveDate", lambda: _date(required("EffectiveDate")))
    gsrn = _checked(where, "MeteringPoint", lambda: identifiers.gsrn(required("MeteringPoint")))
    code, business = _party(fields, kind, where)
    product = _checked(
        where, "Product", lambda: values.text(get("Product"), "Product", max_len=60, required=False)
    )
    if product is not None and kind not in STARTS:
        raise InvalidInput("Product", f"is given only with a start, not with {kind}", where=where)
    if product is None and kind in STARTS:
        # The supplier registered the contract's product in the hub; the contract needs it.
        raise InvalidInput("Product", f"is required with {kind}", where=where)
    reason = _end_reason(get("EndReason"), kind, where)
    data = _point_data(fields, kind, where)
    return MarketEvent(
        number, event_id, kind, effective, gsrn, code, business, product, reason, data
    )


def _event_id(text: str) -> str:
    if not text:
        raise InvalidInput("EventId", "is required")
    if len(text) > 80 or not set(text) <= ID_CHARS:
        raise InvalidInput(
            "EventId", f"{excerpt(text)} is not an id of at most 80 letters, digits and -_.:/"
        )
    return text


def _date(text: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise InvalidInput("EffectiveDate", f"{excerpt(text)} is not a date like 2026-03-01")
    if not FIRST_DAY <= day <= LAST_DAY:
        raise InvalidInput("EffectiveDate", f"{day} is outside {FIRST_DAY} .. {LAST_DAY}")
    return day


def _party(
    fields: dict[tuple[str, ...], str], kind: EventKind, where: str
) -> tuple[str | None, str | None]:
    code = fields.get(("Party", "PersonalIdentityCode")) or None
    business = fields.get(("Party", "BusinessId")) or None
    if kind is EventKind.METERING_POINT:
        if code or business or ("Party",) in fields:
            raise InvalidInput("Party", "is not given with metering-point data", where=where)
        return None, None
    if (code is None) == (business is None):
        raise InvalidInput(
            "Party", "must name either a PersonalIdentityCode or a BusinessId", where=where
        )
    if code is not None:
        field = "Party/PersonalIdentityCode"
        return _checked(
            where,
            field,
            lambda: identifiers.personal_identity_code(code, allow_temporary=True, field=field),
        ), None
    assert business is not None
    field = "Party/BusinessId"
    return None, _checked(where, field, lambda: identifiers.business_id(business, field=field))


def _end_reason(text: str | None, kind: EventKind, where: str) -> EndReason | None:
    if kind is not EventKind.CONTRACT_END:
        if text is not None:
            raise InvalidInput(
                "EndReason", f"is given only with contract_end, not {kind}", where=where
            )
        return END_REASONS.get(kind)
    if text is None:
        return EndReason.TERMINATED_BY_CUSTOMER
    allowed = ", ".join(sorted(r.value for r in TERMINATIONS))
    try:
        reason = EndReason(text)
    except ValueError:
        reason = None
    if reason not in TERMINATIONS:
        raise InvalidInput("EndReason", f"{excerpt(text)} is not one of {allowed}", where=where)
    return reason


def _point_data(
    fields: dict[tuple[str, ...], str], kind: EventKind, where: str
) -> MeteringPointData | None:
    given = {p[1:]: v for p, v in fields.items() if p[0] == "MeteringPointData" and len(p) > 1}
    if ("MeteringPointData",) not in fields:
        if kind in NEED_POINT_DATA:
            raise InvalidInput("MeteringPointData", f"is required with {kind}", where=where)
        return None
    if kind in END_REASONS:
        raise InvalidInput("MeteringPointData", f"is not given with {kind}", where=where)

    def rule(key: str, path: tuple[str, ...]) -> Any:
        element = "MeteringPointData/" + "/".join(path)
        value = given.get(path) or None
        return _checked(where, element, lambda: rules.check(key, value, element))

    kind_of = rule("metering_point.gsrn.kind", ("Kind",)) if ("Kind",) in given else None
    address = None
    parts = (("Address", "Street"), ("Address", "PostalCode"), ("Address", "PostOffice"))
    if ("Address",) in given or any(p in given for p in parts):
        address = Address(
            rule("site.address.street", parts[0]),
            rule("site.address.postal_code", parts[1]),
            rule("site.address.post_office", parts[2]),
        )
    data = MeteringPointData(
        kind=MeteringPointKind(kind_of) if kind_of is not None else None,
        address=address,
        main_fuse_a=rule("site.main_fuse_a", ("MainFuseA",)),
        connection_details=rule("site.connection_details", ("Connection",)),
        grid_owner=rule("metering_point.grid_owner", ("GridOwner",)),
    )
    if kind in (EventKind.MOVE_IN, EventKind.SWITCH_IN) and address is None:
        # The point may be new to the register: its site is made from this address.
        raise InvalidInput("MeteringPointData/Address", f"is required with {kind}", where=where)
    if data == MeteringPointData():
        raise InvalidInput("MeteringPointData", "says nothing of the point", where=where)
    return data
