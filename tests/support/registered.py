"""Small helpers that put real rows in a test database through the services."""

from __future__ import annotations

from rekisteri.catalogue import Source
from rekisteri.domain.drafts import ContactPointDraft, PersonDraft
from rekisteri.domain.register import ContactKind, PersonKind, Provenance
from rekisteri.services.register import customers
from rekisteri.services.unit_of_work import Actor, RegisterApp

HETUS = ("131052-308T", "010190-123M", "311280-888Y", "290296-7808", "150875-959D", "121212-345M")
CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def nth_hetu(n: int) -> str:
    """A valid identity code of its own for each n below 898 (born 1 January 1980)."""
    individual = f"{n + 2:03d}"
    return f"010180-{individual}{CHECK[int('010180' + individual) % 31]}"


def add_person(reg: RegisterApp, n: int = 0, *, hetu: str | None = None) -> int:
    draft = PersonDraft(
        kind=PersonKind.NATURAL,
        first_names=f"Maija{n}",
        last_name="Virtanen",
        personal_identity_code=hetu if hetu is not None else HETUS[n % len(HETUS)],
        contact_points=(
            ContactPointDraft(ContactKind.EMAIL, f"maija{n}@example.fi"),
            ContactPointDraft(
                ContactKind.POSTAL, street="Katu 1", postal_code="00100", post_office="Helsinki"
            ),
        ),
    )
    with reg.unit_of_work(Actor("test")) as uow:
        done = customers.register_person(
            uow, draft, Provenance.of(Source.ORDER, uow.now(), "test order")
        )
    return done.person_id
