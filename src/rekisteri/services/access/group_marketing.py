"""Contact details to the group's direct marketing (P8, seed 003: "unless the customer has
forbidden it"), decided channel by channel by the group-marketing audiences.

The hand-over is the group-marketing audience of every channel, joined: a customer is in the
file when at least one channel's audience would reach them, and each channel's column holds
the address or number that audience would use, empty where it would not. So the rules are the
audience's own (services/marketing/audience.py, domain.marketing.decide): the opt-in for e-mail
and SMS, the person's prohibitions and ASML bans per channel, death, restriction, and a valid
contact point; nothing here states them again.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, or_, select

from rekisteri.adapters.schema.register import contact_point, person
from rekisteri.catalogue import Category, LawfulBasis, Purpose
from rekisteri.domain.consent import Channel
from rekisteri.domain.marketing import AudiencePurpose, Exclusion
from rekisteri.domain.reasons import Reason, coded
from rekisteri.domain.register import Relationship
from rekisteri.domain.transfers import DisclosureKind, RecipientKind
from rekisteri.services.access.disclosure_sets import Handover
from rekisteri.services.access.disclosures import Recipient, disclose
from rekisteri.services.marketing import audience
from rekisteri.services.register.person_view import display_name
from rekisteri.services.unit_of_work import UnitOfWork

cp = contact_point
# Each channel's columns of the file, in order, from the contact point its audience chose.
COLUMNS: dict[Channel, tuple[tuple[str, ColumnElement[Any]], ...]] = {
    Channel.EMAIL: (("sahkoposti", cp.c.email),),
    Channel.SMS: (("tekstiviesti", cp.c.phone),),
    Channel.PHONE: (("puhelin", cp.c.phone),),
    Channel.LETTER: (
        ("katuosoite", cp.c.street),
        ("postinumero", cp.c.postal_code),
        ("postitoimipaikka", cp.c.post_office),
        ("maa", cp.c.country),
    ),
}
HEADER = ("nimi", *(name for cols in COLUMNS.values() for name, _ in cols))


def _reachable(uow: UnitOfWork, channel: Channel) -> dict[int, tuple[Any, ...]]:
    """The customers the channel's group-marketing audience may reach, with their name and the
    channel's columns."""
    spec = audience.AudienceSpec(AudiencePurpose.GROUP_MARKETING, channel)
    with audience.build(uow, spec) as built:
        t = built.table
        rows = uow.execute(
            select(
                t.c.person_id,
                person.c.kind,
                person.c.first_names,
                person.c.last_name,
                person.c.organisation_name,
                *(col for _, col in COLUMNS[channel]),
            )
            .join(person, person.c.id == t.c.person_id)
            .join(cp, cp.c.id == t.c.contact_point_id)
            .where(
                # The frequency cap counts our own sends; a hand-over is none (nor counted),
                # and the recipient keeps its own. Every other reason leaves the channel out.
                or_(built.reason.is_(None), built.reason == Exclusion.FREQUENCY_CAP.value),
                person.c.relationship == Relationship.CUSTOMER.value,
            )
        ).all()
    return {int(r[0]): (display_name(r), *r[5:]) for r in rows}


def group_marketing(uow: UnitOfWork, to: Recipient, output_name: str | None = None) -> Handover:
    """Customers' contact details for the group's electricity, gas, district heat, broadband
    and TV marketing: for each person only the channels they may be reached on."""
    found = {channel: _reachable(uow, channel) for channel in COLUMNS}
    names: dict[int, str] = {}
    for reached in found.values():
        names.update((pid, row[0]) for pid, row in reached.items())
    out = []
    for pid in sorted(names):
        row: list[Any] = [names[pid]]
        for channel, cols in COLUMNS.items():
            values = found[channel].get(pid)
            row.extend(values[1:] if values else (None,) * len(cols))
        out.append(tuple(row))
    done = disclose(
        uow,
        to,
        kind=DisclosureKind.GROUP_MARKETING,
        purpose=Purpose.DIRECT_MARKETING,
        basis=LawfulBasis.LEGITIMATE_INTEREST,
        categories=[Category.IDENTITY, Category.CONTACT],
        person_ids=sorted(names),
        reason=coded(Reason.GROUP_MARKETING),
        reference=to.agreement_ref,
        output_name=output_name,
        required_kinds=[RecipientKind.SUBSIDIARY, RecipientKind.PARTNER],
    )
    return Handover(done, HEADER, out)
