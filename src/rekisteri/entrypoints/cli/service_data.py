"""contact add | list, feedback add, device add | remove, self-service register | close.

The doors of service data entered by hand; the feeds of the same data are `rekisteri import
contacts | feedback | logins` (cli/import_service_feeds.py, docs/feeds.md).
"""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from rekisteri.catalogue import Category, Purpose, Source
from rekisteri.domain.register import Provenance
from rekisteri.entrypoints.cli.common import console, print_json, register_errors, staff
from rekisteri.services.contacts import feedback as feedback_service
from rekisteri.services.contacts import log
from rekisteri.services.register import devices, digital_accounts
from rekisteri.services.register.person_view import resolve_person

REL = Purpose.CUSTOMER_RELATIONSHIP
PERSON = typer.Argument(..., help="customer number, id or personal identity code")

contact = typer.Typer(help="The contact log: each contact with a customer.", no_args_is_help=True)
feedback = typer.Typer(help="Feedback and satisfaction answers.", no_args_is_help=True)
device = typer.Typer(help="Devices at a site.", no_args_is_help=True)
self_service = typer.Typer(help="Digital accounts of the self-service.", no_args_is_help=True)


def _now_or(at: str | None, now: Any) -> Any:
    return now if at is None else at


@contact.command("add")
def contact_add(
    key: str = PERSON,
    channel: str = typer.Option(..., help="phone | email | chat | sms | letter | visit | web"),
    topic: str = typer.Option(..., help="what the contact was about (billing, move, ...)"),
    direction: str = typer.Option("inbound", help="inbound (the customer) | outbound (we)"),
    at: str = typer.Option(None, help="when, with its offset (2026-03-01T09:30+02:00); now"),
    summary: str = typer.Option(None, help="a short summary of what was said or done"),
    handled_by: str = typer.Option(None, help="who handled it; the logged-in user"),
) -> None:
    """Log a contact with a customer (source: customer_contact)."""
    reg, actor = staff(REL, Category.CONTACT_LOG, writes=True)
    with register_errors(), reg.unit_of_work(actor) as uow:
        entry = log.add_contact(
            uow,
            resolve_person(uow, key),
            {
                "at": _now_or(at, uow.now()),
                "channel": channel,
                "direction": direction,
                "topic": topic,
                "note": summary,
                "handled_by": handled_by or actor.name,
            },
            Provenance.of(Source.CUSTOMER_CONTACT, uow.now()),
        )
    console.print(f"contact logged (id {entry})")


@contact.command("list")
def contact_list(
    key: str = PERSON, as_json: bool = typer.Option(False, "--json", help="print JSON")
) -> None:
    """A customer's contacts, newest first."""
    reg, actor = staff(REL, Category.CONTACT_LOG)
    with register_errors(), reg.reading(actor) as uow:
        rows = log.entries(uow, resolve_person(uow, key))
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"{len(rows)} contacts", title_justify="left")
    for column in ("id", "at", "channel", "direction", "topic", "handled by", "summary"):
        table.add_column(column)
    for r in rows:
        table.add_row(
            str(r["id"]),
            f"{r['at']:%Y-%m-%d %H:%M}",
            r["channel"],
            r["direction"],
            r["topic"],
            r["handled_by"] or "",
            r["note"] or "",
        )
    console.print(table, soft_wrap=False, markup=False)


@feedback.command("add")
def feedback_add(
    key: str = PERSON,
    channel: str = typer.Option(..., help="web | email | phone | sms | survey | chat | ..."),
    score: int = typer.Option(None, min=1, max=5, help="satisfaction from 1 to 5"),
    text: str = typer.Option(None, help="what the customer said"),
    contact_id: int = typer.Option(None, "--contact", help="the contact (id) it is about"),
    at: str = typer.Option(None, help="when it was given, with its offset; now"),
) -> None:
    """Store feedback or a satisfaction answer (source: customer_contact)."""
    reg, actor = staff(REL, Category.FEEDBACK, writes=True)
    with register_errors(), reg.unit_of_work(actor) as uow:
        made = feedback_service.add_feedback(
            uow,
            resolve_person(uow, key),
            {"at": _now_or(at, uow.now()), "channel": channel, "satisfaction": score, "text": text},
            Provenance.of(Source.CUSTOMER_CONTACT, uow.now()),
            contact_id=contact_id,
        )
    console.print(f"feedback stored (id {made})")


@device.command("add")
def device_add(
    site_id: int = typer.Argument(..., help="the site's id"),
    kind: str = typer.Option(
        ..., help="heat_pump | ev_charger | solar_panels | battery | water_heater | other"
    ),
    description: str = typer.Option(None, help="make, model, size..."),
    installed_on: str = typer.Option(None, help="YYYY-MM-DD"),
    source: Source = typer.Option(Source.CUSTOMER_CONTACT, help="where the data came from"),
) -> None:
    """Record a device at a site; it belongs to whoever holds the site."""
    reg, actor = staff(REL, Category.SITE, writes=True)
    with register_errors(), reg.unit_of_work(actor) as uow:
        made = devices.add_device(
            uow,
            site_id,
            {"kind": kind, "description": description, "installed_on": installed_on},
            Provenance.of(source, uow.now()),
        )
    console.print(f"device recorded (id {made})")


@device.command("remove")
def device_remove(
    device_id: int = typer.Argument(..., help="the device's id"),
    on: str = typer.Option(..., "--on", help="the day it was removed, YYYY-MM-DD"),
    reason: str = typer.Option(
        None, help="why, for the history (none: removed from the site, in the register's words)"
    ),
    source: Source = typer.Option(Source.CUSTOMER_CONTACT, help="where the data came from"),
) -> None:
    """Record that a device was removed from its site (kept as the site's history)."""
    reg, actor = staff(REL, Category.SITE, writes=True)
    with register_errors(), reg.unit_of_work(actor) as uow:
        provenance = Provenance.of(source, uow.now())
        removed = devices.remove_device(uow, device_id, on, reason, provenance)
    console.print(f"device {device_id} removed on {removed}")


@self_service.command("register")
def self_service_register(
    key: str = PERSON,
    login: str = typer.Option(..., help="the account's login name"),
    at: str = typer.Option(None, help="when it was registered, with its offset; now"),
) -> None:
    """Register a customer's digital account of the self-service."""
    reg, actor = staff(REL, Category.DIGITAL_ACCOUNT, writes=True)
    with register_errors(), reg.unit_of_work(actor) as uow:
        made = digital_accounts.register_account(
            uow,
            resolve_person(uow, key),
            {"login": login, "registered_at": _now_or(at, uow.now())},
            Provenance.of(Source.CUSTOMER_CONTACT, uow.now()),
        )
    console.print(f"digital account registered (id {made})")


@self_service.command("close")
def self_service_close(
    key: str = PERSON,
    at: str = typer.Option(None, help="when it was closed, with its offset; now"),
    reason: str = typer.Option(
        None, help="why, for the history (none: at the customer's request, in the register's words)"
    ),
) -> None:
    """Close a customer's digital account."""
    reg, actor = staff(REL, Category.DIGITAL_ACCOUNT, writes=True)
    with register_errors(), reg.unit_of_work(actor) as uow:
        closed = digital_accounts.close_account(
            uow,
            resolve_person(uow, key),
            _now_or(at, uow.now()),
            reason,
            Provenance.of(Source.CUSTOMER_CONTACT, uow.now()),
        )
    console.print(f"digital account closed at {closed:%Y-%m-%d %H:%M} UTC")
