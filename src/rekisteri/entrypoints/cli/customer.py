"""customer show | add | rectify | search | contact-person add | list | end."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from rekisteri.catalogue import Category, Lang, Purpose, Source
from rekisteri.domain.consent import PermissionDraft
from rekisteri.domain.drafts import ContactPointDraft, PersonDraft
from rekisteri.domain.errors import InvalidInput
from rekisteri.domain.register import (
    ContactKind,
    ContactRole,
    Gender,
    MotherTongue,
    PersonKind,
    Provenance,
    Relationship,
)
from rekisteri.domain.values import enum_value
from rekisteri.entrypoints.cli import representative
from rekisteri.entrypoints.cli.common import (
    console,
    print_json,
    register_errors,
    staff,
)
from rekisteri.services.register import contact_persons, customers
from rekisteri.services.register.drafts import person_draft_from_json
from rekisteri.services.register.person_view import customer_view, resolve_person
from rekisteri.services.rights import rectification

app = typer.Typer(help="Customers and prospects.", no_args_is_help=True)

REL = Purpose.CUSTOMER_RELATIONSHIP


@app.command()
def show(
    key: str = typer.Argument(..., help="customer number, id or personal identity code"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """One person as the register knows them, with the sources of their data, as far as the
    logged-in user's role may see them (need to know)."""
    reg, actor = staff(REL, *Category)
    assert actor.role is not None
    with register_errors(), reg.reading(actor) as uow:
        view = customer_view(uow, resolve_person(uow, key), actor.role)
    if as_json:
        print_json(view)
    else:
        _print_view(view)


def _print_view(view: dict[str, Any]) -> None:
    console.rule(f"[bold]{view.get('name') or '(name withheld)'}")
    person = view["person"]
    for key, value in person.items():
        if not key.startswith("_") and value not in (None, {}):
            console.print(f"  {key}: {value}", markup=False)
    src = person.get("_source")
    if src:
        console.print(
            f"  source: {src['source']} {src['detail'] or ''} ({src['received_at']:%Y-%m-%d})",
            markup=False,
        )
    for section, rows in view.items():
        if section in ("person", "name", "withheld_categories") or not rows:
            continue
        if section == "history":  # the register's own reasons are codes: in English words
            # (imported here: the words of every code take polars along, too slow for --help)
            from rekisteri.domain import change_words

            rows = [
                r
                | {
                    "reason": change_words.say(
                        r.get("reason"), Lang.EN, attribute=r.get("attribute")
                    )
                }
                for r in rows
            ]
        columns = [c for c in rows[0] if not c.startswith("_")]
        wide = len(columns) > 6
        table = Table(title=section.replace("_", " "), title_justify="left")
        for c in ["field", "value"] if wide else [*columns, "source"]:
            table.add_column(c)
        for r in rows:
            source = r.get("_source")
            where = f"{source['source']} {source['received_at']:%Y-%m-%d}" if source else ""
            if wide:  # many attributes: one field per line reads better than narrow columns
                for c in columns:
                    table.add_row(c, _cell(r.get(c)))
                table.add_row("source", where, end_section=True)
            else:
                table.add_row(*[_cell(r.get(c)) for c in columns], where)
        console.print(table, soft_wrap=False)
    if view["withheld_categories"]:
        console.print(
            "withheld (not needed in this role): " + ", ".join(view["withheld_categories"])
        )


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return ", ".join(_cell(v) for v in value.values() if v is not None)
    if isinstance(value, list):  # nested rows (a site's metering points, devices)
        return "; ".join(
            _cell({k: v for k, v in item.items() if not k.startswith("_") and k != "id"})
            for item in value
        )
    return str(value)


@app.command()
def add(
    source: Source = typer.Option(..., help="where the data came from (P2)"),
    source_detail: str = typer.Option(None, help="e.g. the order or contract number"),
    file: Path = typer.Option(None, "--file", help="a JSON file describing the person"),
    kind: str = typer.Option("natural", help="natural | legal"),
    prospect: bool = typer.Option(False, help="a potential customer (needs a --permission)"),
    first_names: str = typer.Option(None),
    last_name: str = typer.Option(None),
    organisation: str = typer.Option(None, help="organisation name (legal person)"),
    hetu: str = typer.Option(None, help="personal identity code"),
    business_id: str = typer.Option(
        None,
        help="business ID (Y-tunnus): an organisation's, or a sole trader's (a natural person "
        "with a business ID, who stays a person under the consumer rules)",
    ),
    birth_year: int = typer.Option(None),
    gender: str = typer.Option(None),
    language: str = typer.Option(None, help="mother tongue fi | sv | en | other"),
    email: list[str] = typer.Option([], help="e-mail address (repeatable)"),
    phone: list[str] = typer.Option([], help="phone number (repeatable)"),
    street: str = typer.Option(None),
    postal_code: str = typer.Option(None),
    post_office: str = typer.Option(None),
    permission: list[str] = typer.Option(
        [], help="purpose:channel:version:wording, e.g. own_marketing:email:v1:'Saa lähettää'"
    ),
) -> None:
    """Register a new customer or prospect from flags or a JSON file. A sole trader is a
    natural person with --business-id; an organisation's contact persons are added with
    `customer contact-person add`."""
    reg, actor = staff(REL, Category.IDENTITY, Category.CONTACT, writes=True)
    with register_errors():
        if file:
            try:
                data = json.loads(file.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as exc:
                raise InvalidInput("--file", f"{file}: {exc}") from exc
            draft, permissions = person_draft_from_json(data)
        else:
            contacts = [ContactPointDraft(ContactKind.EMAIL, e) for e in email]
            contacts += [ContactPointDraft(ContactKind.PHONE, p) for p in phone]
            if street or postal_code or post_office:
                contacts.append(
                    ContactPointDraft(ContactKind.POSTAL, None, street, postal_code, post_office)
                )
            draft = PersonDraft(
                kind=enum_value(PersonKind, kind, "kind"),
                relationship=Relationship.PROSPECT if prospect else Relationship.CUSTOMER,
                first_names=first_names,
                last_name=last_name,
                organisation_name=organisation,
                personal_identity_code=hetu,
                business_id=business_id,
                birth_year=birth_year,
                gender=enum_value(Gender, gender, "gender") if gender else None,
                mother_tongue=enum_value(MotherTongue, language, "language") if language else None,
                contact_points=tuple(contacts),
            )
            permissions = tuple(_permission(p) for p in permission)
        with reg.unit_of_work(actor) as uow:
            done = customers.register_person(
                uow, draft, Provenance.of(source, uow.now(), source_detail), permissions
            )
    console.print(f"registered customer number {done.customer_number} (id {done.person_id})")


def _permission(text: str) -> PermissionDraft:
    parts = text.split(":", 3)
    if len(parts) != 4:
        raise InvalidInput("--permission", "give purpose:channel:version:wording")
    purpose, channel, version, wording = parts
    return PermissionDraft(purpose, channel, "phone_call", wording, version)  # type: ignore[arg-type]


@app.command()
def rectify(
    key: str = typer.Argument(..., help="customer number or id"),
    set_: list[str] = typer.Option(..., "--set", help="attribute=value (repeatable)"),
    reason: str = typer.Option(..., help="why the data is corrected"),
    source: Source = typer.Option(..., help="where the correct value came from"),
) -> None:
    """Correct a person's data (P12); the old value stays in the history."""
    reg, actor = staff(REL, Category.IDENTITY, Category.CONTACT, writes=True)
    with register_errors():
        changes: dict[str, Any] = {}
        for item in set_:
            name, sep, value = item.partition("=")
            if not sep:
                raise InvalidInput("--set", f"{item!r} is not attribute=value")
            changes[name.strip()] = value
        with reg.unit_of_work(actor) as uow:
            done = rectification.rectify(
                uow, resolve_person(uow, key), changes, reason, Provenance.of(source, uow.now())
            )
    console.print("changed: " + (", ".join(done.changed) or "nothing (values were already so)"))
    if done.recipients_to_notify:
        # Art. 19: the DPO tells them (rekisteri notices list / sent).
        console.print("recipients to notify: " + ", ".join(done.recipients_to_notify), markup=False)


@app.command("search")
def search_command(
    query: str = typer.Argument(
        ..., help="name, customer number, identity code, address, phone, e-mail or metering point"
    ),
    page: int = typer.Option(1, min=1),
) -> None:
    """Find persons; 20 a page."""
    from rekisteri.services.register.search import search

    reg, actor = staff(REL, Category.IDENTITY)
    with register_errors(), reg.reading(actor) as uow:
        found = search(uow, query, page)
    table = Table(
        title=f"{found.total} found by {found.matched_by} (page {found.page}/{found.pages})",
        title_justify="left",
    )
    # Only what the role reads: a column none of the results carries is left out.
    shown = [
        c for c in ("birth_year", "relationship", "address") if any(c in r for r in found.rows)
    ]
    for column in ("customer number", "name", "kind", *(c.replace("_", " ") for c in shown)):
        table.add_column(column)
    for r in found.rows:
        name = r["organisation_name"] or f"{r['first_names']} {r['last_name']}"
        extra = [_search_cell(r.get(c)) for c in shown]
        table.add_row(r["customer_number"], name, r["kind"], *extra)
    console.print(table, soft_wrap=False)


def _search_cell(value: object) -> str:
    from rekisteri.catalogue.protection import PROTECTED_WORDS, is_mark

    if is_mark(value):  # a protected person's address is never shown in a search
        return PROTECTED_WORDS.en
    if isinstance(value, dict):  # an address
        place = " ".join(str(value[k]) for k in ("postal_code", "post_office") if value.get(k))
        return ", ".join(p for p in (str(value.get("street") or ""), place) if p)
    return "" if value is None else str(value)


contact_person_app = typer.Typer(
    help="Contact persons of organisations: natural persons acting for a business customer.",
    no_args_is_help=True,
)
app.add_typer(contact_person_app, name="contact-person")
app.add_typer(representative.app, name="representative")


@contact_person_app.command("add")
def contact_person_add(
    organisation: str = typer.Argument(..., help="the organisation's customer number or id"),
    role: ContactRole = typer.Option(..., help="contact | signatory | invoice_receiver"),
    source: Source = typer.Option(..., help="where the data came from (P2)"),
    source_detail: str = typer.Option(None, help="e.g. the order or contract number"),
    person: str = typer.Option(
        None, help="an already registered natural person (customer number or id)"
    ),
    first_names: str = typer.Option(None),
    last_name: str = typer.Option(None),
    language: str = typer.Option(None, help="mother tongue fi | sv | en | other"),
    email: list[str] = typer.Option([], help="their own (work) e-mail address (repeatable)"),
    phone: list[str] = typer.Option([], help="their own (work) phone number (repeatable)"),
    valid_from: datetime = typer.Option(None, formats=["%Y-%m-%d"], help="default: today"),
) -> None:
    """Link a contact person to an organisation in a role: a new natural person (names and
    their own contact points) or one already registered (--person). The contact person is the
    data subject, with their own rights; the organisation is not."""
    reg, actor = staff(REL, Category.IDENTITY, Category.CONTACT, writes=True)
    with register_errors():
        draft = None
        if person is None:
            contacts = [ContactPointDraft(ContactKind.EMAIL, e) for e in email]
            contacts += [ContactPointDraft(ContactKind.PHONE, p) for p in phone]
            draft = PersonDraft(
                kind=PersonKind.NATURAL,
                first_names=first_names,
                last_name=last_name,
                mother_tongue=enum_value(MotherTongue, language, "language") if language else None,
                contact_points=tuple(contacts),
            )
        elif first_names or last_name or email or phone or language:
            raise InvalidInput("--person", "a registered person's details are changed apart")
        with reg.unit_of_work(actor) as uow:
            link, person_id = contact_persons.add(
                uow,
                resolve_person(uow, organisation),
                role,
                Provenance.of(source, uow.now(), source_detail),
                draft=draft,
                person_id=resolve_person(uow, person) if person else None,
                valid_from=valid_from.date() if valid_from else None,
            )
    console.print(f"contact person {person_id} linked as {role.value} (link {link})")


@contact_person_app.command("list")
def contact_person_list(
    organisation: str = typer.Argument(..., help="the organisation's customer number or id"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """The organisation's contact persons, links in force first."""
    reg, actor = staff(REL, Category.IDENTITY, Category.CONTACT)
    with register_errors(), reg.reading(actor) as uow:
        found = contact_persons.of_organisation(uow, resolve_person(uow, organisation))
    if as_json:
        print_json(found)
        return
    table = Table(title="contact persons", title_justify="left")
    for column in ("link", "customer number", "name", "role", "from", "to"):
        table.add_column(column)
    for r in found:
        table.add_row(
            str(r["link"]),
            r["customer_number"],
            r["name"],
            r["role"],
            str(r["valid_from"]),
            _cell(r["valid_to"]),
        )
    console.print(table, soft_wrap=False)


@contact_person_app.command("end")
def contact_person_end(
    link: int = typer.Argument(..., help="the link's id (contact-person list)"),
    reason: str = typer.Option(..., help="why the role ends"),
    source: Source = typer.Option(..., help="who told (P2)"),
    end_date: datetime = typer.Option(None, formats=["%Y-%m-%d"], help="default: today"),
) -> None:
    """The contact person no longer acts for the organisation in that role."""
    reg, actor = staff(REL, Category.CONTACT, writes=True)
    with register_errors(), reg.unit_of_work(actor) as uow:
        day = end_date.date() if end_date else uow.today()
        contact_persons.end(uow, link, day, reason, Provenance.of(source, uow.now()))
    console.print(f"link {link} ended on {day}")
