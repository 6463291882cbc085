"""Datahub market-event files for tests (docs/formats/market-events.md), written as the hub's
file would be: `event(...)` gives one Event element, `events_file` a whole file."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from rekisteri.domain.identifiers import gs1_check_digit, make_gsrn
from rekisteri.services.register.market_events import MarketImport, import_market_event_file
from rekisteri.services.unit_of_work import Actor, RegisterApp

NS = "urn:rekisteri:datahub:market-events:1"
HUB = Actor("system:import-market-events")
GRID_OWNER = "643000000001" + gs1_check_digit("643000000001")


def gsrn(n: int) -> str:
    """The GSRN of tests/support/people.py's site `n` (and of new points beyond them)."""
    return make_gsrn(f"64300000000000{n:03d}")


def event(
    event_id: str,
    kind: str,
    effective: str,
    point: str,
    *,
    hetu: str | None = None,
    business_id: str | None = None,
    product: str | None = None,
    end_reason: str | None = None,
    data: dict[str, str] | None = None,
) -> str:
    parts = [
        f"<EventId>{escape(event_id)}</EventId>",
        f"<Kind>{kind}</Kind>",
        f"<EffectiveDate>{effective}</EffectiveDate>",
        f"<MeteringPoint>{point}</MeteringPoint>",
    ]
    if hetu is not None:
        parts.append(f"<Party><PersonalIdentityCode>{hetu}</PersonalIdentityCode></Party>")
    if business_id is not None:
        parts.append(f"<Party><BusinessId>{business_id}</BusinessId></Party>")
    if product is not None:
        parts.append(f"<Product>{escape(product)}</Product>")
    if end_reason is not None:
        parts.append(f"<EndReason>{end_reason}</EndReason>")
    if data is not None:
        inner = []
        if "kind" in data:
            inner.append(f"<Kind>{data['kind']}</Kind>")
        if "street" in data:
            inner.append(
                "<Address>"
                f"<Street>{escape(data['street'])}</Street>"
                f"<PostalCode>{data['postal_code']}</PostalCode>"
                f"<PostOffice>{escape(data['post_office'])}</PostOffice>"
                "</Address>"
            )
        for key, element in (
            ("main_fuse_a", "MainFuseA"),
            ("connection", "Connection"),
            ("grid_owner", "GridOwner"),
        ):
            if key in data:
                inner.append(f"<{element}>{escape(data[key])}</{element}>")
        parts.append(f"<MeteringPointData>{''.join(inner)}</MeteringPointData>")
    return f"<Event>{''.join(parts)}</Event>"


def events_file(path: Path, *events: str) -> Path:
    path.write_text(
        f'<?xml version="1.0" encoding="UTF-8"?>\n<MarketEvents xmlns="{NS}">'
        "<Header><MessageId>TEST-1</MessageId></Header>"
        f"{''.join(events)}</MarketEvents>\n",
        encoding="utf-8",
    )
    return path


def run_import(reg: RegisterApp, path: Path) -> MarketImport:
    with reg.unit_of_work(HUB) as uow:
        return import_market_event_file(uow, path)


NEW_SITE = {
    "kind": "consumption",
    "street": "Uusikatu 3 B 12",
    "postal_code": "00500",
    "post_office": "Helsinki",
    "main_fuse_a": "25",
    "connection": "3 x 25 A",
    "grid_owner": GRID_OWNER,
}
