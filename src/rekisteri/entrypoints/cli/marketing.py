"""audience, segment, campaign and consent: direct marketing that keeps its promises."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from rekisteri.catalogue import Category, Purpose
from rekisteri.domain import values
from rekisteri.domain.consent import Channel
from rekisteri.domain.errors import InvalidInput, NotFound
from rekisteri.domain.marketing import EXPLANATIONS, AudiencePurpose, Exclusion
from rekisteri.domain.segments import SegmentDefinition, parse_rule
from rekisteri.entrypoints.cli.common import console, print_json, register_errors, staff
from rekisteri.services import exports
from rekisteri.services.marketing import audience as audiences
from rekisteri.services.marketing import campaigns, ledger, preferences, segments
from rekisteri.services.register.person_view import resolve_person
from rekisteri.services.unit_of_work import UnitOfWork

segment_app = typer.Typer(
    help="Segments: named, rule-based target groups (P6).", no_args_is_help=True
)
campaign_app = typer.Typer(help="Campaigns: send, recording each contact.", no_args_is_help=True)
consent_app = typer.Typer(help="The consent ledger of one person.", no_args_is_help=True)
DM, REL = Purpose.DIRECT_MARKETING, Purpose.CUSTOMER_RELATIONSHIP
M = Category.MARKETING

CHANNEL_HELP = "email | sms | letter | phone"
PURPOSE_HELP = ", ".join(p.value for p in AudiencePurpose)
ADDRESS_COLUMNS = {
    Channel.EMAIL: ("email",),
    Channel.SMS: ("phone",),
    Channel.PHONE: ("phone",),
    Channel.LETTER: ("street", "postal_code", "post_office", "country"),
}


def _spec(
    uow: UnitOfWork, channel: str, purpose: str, segment: str | None
) -> audiences.AudienceSpec:
    definition = segments.get(uow, segment)[1] if segment else None
    return audiences.AudienceSpec(
        values.enum_value(AudiencePurpose, purpose, "purpose"),
        values.enum_value(Channel, channel, "channel"),
        definition,
    )


def _write(uow: UnitOfWork, out: Path, columns: list[str], rows: Iterator[dict[str, Any]]) -> int:
    batches = ([[row.get(c) for c in columns]] for row in rows)
    return exports.write_table(out, columns, batches, settings=uow.settings)


def _print_counts(counts: dict[str, int]) -> None:
    table = Table(title="audience", title_justify="left")
    table.add_column("persons")
    table.add_column("count", justify="right")
    for key, value in counts.items():
        table.add_row(key, str(value))
    console.print(table, soft_wrap=False)


def _explain(uow: UnitOfWork, spec: audiences.AudienceSpec, key: str) -> None:
    person_id = resolve_person(uow, key)
    found = audiences.explain(uow, spec, person_id)
    if found is None:
        raise NotFound("person", key)
    verdict = "IN the audience" if found.decision.included else "OUT of the audience"
    console.print(f"person {person_id} is {verdict}", markup=False)
    for check in found.decision.checks:
        if not check.applies:
            console.print(f"  n/a   {check.rule}", markup=False, highlight=False)
        elif check.passed:
            console.print(f"  pass  {check.rule}", markup=False, highlight=False)
        else:
            note = EXPLANATIONS[Exclusion(check.rule)]
            console.print(f"  FAIL  {check.rule}: {note}", markup=False, highlight=False)
    for rule, held in found.segment_rules:
        console.print(
            f"  segment rule {rule}: {'holds' if held else 'does not hold'}", markup=False
        )
    if found.decision.reason is not None:
        console.print(f"reason: {found.decision.reason.value}", markup=False)


def install(app: typer.Typer) -> None:
    @app.command()
    def audience(
        channel: str = typer.Option(..., help=CHANNEL_HELP),
        purpose: str = typer.Option(..., help=PURPOSE_HELP),
        segment: str | None = typer.Option(None, help="limit to a segment's persons"),
        out: Path | None = typer.Option(None, help="CSV file of the contactable persons"),
        explain: str | None = typer.Option(None, help="why this person is in or out"),
    ) -> None:
        """Who may be contacted: writes the list, prints counts by exclusion reason."""
        if out is None and explain is None:
            raise typer.BadParameter("give --out FILE, --explain ID, or both")
        reg, actor = staff(DM, M, Category.CONTACT, Category.IDENTITY)
        with register_errors(), reg.reading(actor) as uow:
            spec = _spec(uow, channel, purpose, segment)
            if out is not None:
                with audiences.build(uow, spec) as built:
                    counts = built.counts()
                    columns = ["id", "customer_number", "name", *ADDRESS_COLUMNS[spec.channel]]
                    columns.append("language")
                    exports.write_table(out, columns, built.batches(columns), settings=uow.settings)
                _print_counts(counts)
            if explain is not None:
                _explain(uow, spec, explain)

    app.add_typer(segment_app, name="segment")
    app.add_typer(campaign_app, name="campaign")
    app.add_typer(consent_app, name="consent")


@segment_app.command("add")
def segment_add(
    name: str = typer.Argument(..., help="lower-case name"),
    rule: list[str] = typer.Option(
        ...,
        help="FIELD=VALUE, all must hold: heating_type=electric,heat_pump; housing_type=...; "
        "consumption_kwh=5000..20000; measured_kwh=..3000 (metered over the last 12 months, "
        "from archive totals); contract_ending_within_days=90; language=sv; person_kind=natural",
    ),
    description: str | None = typer.Option(None),
) -> None:
    """Store a segment with its definition."""
    reg, actor = staff(Purpose.PROFILING)
    with register_errors():
        definition = SegmentDefinition(name, tuple(parse_rule(r) for r in rule), description)
        with reg.unit_of_work(actor) as uow:
            segments.add(uow, definition)
    console.print(f"segment {name} stored", markup=False)


@segment_app.command("list")
def segment_list(as_json: bool = typer.Option(False, "--json")) -> None:
    reg, actor = staff(Purpose.PROFILING)
    with reg.reading(actor) as uow:
        found = segments.list_all(uow)
    if as_json:
        print_json(found)
        return
    for s in found:
        console.print(f"{s['name']}: {' AND '.join(s['rules'])}", markup=False)


@segment_app.command("show")
def segment_show(name: str) -> None:
    reg, actor = staff(Purpose.PROFILING)
    with register_errors(), reg.reading(actor) as uow:
        _, definition = segments.get(uow, name)
    print_json(
        {
            "name": definition.name,
            "description": definition.description,
            "rules": [r.describe() for r in definition.rules],
            "never_placed": "persons who objected to profiling (P6)",
        }
    )


@campaign_app.command("send")
def campaign_send(
    name: str = typer.Argument(..., help="the campaign's name"),
    channel: str = typer.Option(..., help=CHANNEL_HELP),
    purpose: str = typer.Option(..., help=PURPOSE_HELP),
    segment: str | None = typer.Option(None),
    out: Path = typer.Option(..., help="the mailing list, with each person's signed links"),
) -> None:
    """Build the audience, record one contact per person and write the mailing list."""
    reg, actor = staff(DM, M, writes=True)
    with register_errors(), reg.unit_of_work(actor) as uow:
        spec = _spec(uow, channel, purpose, segment)
        with audiences.build(uow, spec) as built:
            counts = built.counts()
            campaigns.record(built, name)
            consent = spec.purpose.consent_purpose

            def with_links() -> Iterator[dict[str, Any]]:
                for row in built.rows():
                    row["settings_link"] = preferences.settings_link(uow, row["id"])
                    if consent is not None:
                        row["unsubscribe_link"] = preferences.unsubscribe_link(
                            uow, row["id"], consent.value, spec.channel.value
                        )
                    yield row

            columns = ["id", "customer_number", "name", *ADDRESS_COLUMNS[spec.channel]]
            links = ["settings_link"] + (["unsubscribe_link"] if consent else [])
            _write(uow, out, [*columns, "language", *links], with_links())
    _print_counts(counts)


@consent_app.command("show")
def consent_show(
    key: str = typer.Argument(..., help="customer number or id"),
    as_of: str | None = typer.Option(None, help="YYYY-MM-DD[THH:MM]: what we knew then"),
    history: bool = typer.Option(False, help="also every event with its evidence"),
) -> None:
    """A person's settings now, or as the ledger stood at a past moment."""
    reg, actor = staff(REL, M)
    with register_errors(), reg.reading(actor) as uow:
        person_id = resolve_person(uow, key)
        moment = None
        if as_of:
            try:
                moment = dt.datetime.fromisoformat(as_of)
            except ValueError:
                raise InvalidInput("as_of", "is not a date or time") from None
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=dt.UTC)
            if len(as_of) == 10:  # a whole day: what we knew at its end
                moment += dt.timedelta(days=1, microseconds=-1)
        found = ledger.settings_of(uow, person_id, moment)
        events = ledger.history_of(uow, person_id) if history else []
    data: dict[str, Any] = {
        "id": person_id,
        "as_of": moment or "now",
        "settings": {
            f"{s.purpose.value}/{s.channel}": s.state.value
            for s in found
            if s.state.value != "none"
        },
    }
    if history:
        data["history"] = events
    print_json(data)


@consent_app.command("link")
def consent_link(key: str = typer.Argument(..., help="customer number or id")) -> None:
    """The person's signed preference-centre link."""
    reg, actor = staff(REL, M)
    with register_errors(), reg.reading(actor) as uow:
        console.print(preferences.settings_link(uow, resolve_person(uow, key)), markup=False)
