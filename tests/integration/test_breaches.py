"""The breach register on both databases: a scope from the audit trail finds exactly the
persons a session, token, time window or export touched; the steps are audited; the notices
go to each person in their language, by e-mail or letter, once."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select

from rekisteri.adapters import audit_chain
from rekisteri.adapters.schema.access import api_token, staff_session, staff_user
from rekisteri.adapters.schema.audit import audit_entry, audit_subject
from rekisteri.adapters.schema.breach import breach_subject
from rekisteri.catalogue import Category, LawfulBasis, Purpose, Role
from rekisteri.domain.errors import InvalidInput, RuleViolation
from rekisteri.domain.transfers import DisclosureKind
from rekisteri.services.access import accounts, disclosures, sessions
from rekisteri.services.breaches import notices, records
from rekisteri.services.breaches.scope import Criteria
from rekisteri.services.register.person_view import customer_view
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.integration.marketing_helpers import add_person
from tests.support.clock import FakeClock

DPO = Actor("t.dpo", Role.DPO, purpose=Purpose.LEGAL_OBLIGATION)
PASSWORD = "correct horse battery"


def users(reg: RegisterApp) -> None:
    with reg.unit_of_work(Actor("test")) as uow:
        for name in ("t.anna", "t.bertta"):
            accounts.add_user(uow, name, Role.CUSTOMER_SERVICE, password=PASSWORD)


def read_as(reg: RegisterApp, actor: Actor, *person_ids: int) -> None:
    with reg.reading(actor) as uow:
        for pid in person_ids:
            customer_view(uow, pid, actor.role)


def session_of(reg: RegisterApp, username: str) -> tuple[Actor, str, int]:
    new = sessions.log_in(reg, username, PASSWORD)
    with reg.engine.connect() as conn:
        sid = conn.execute(
            select(staff_session.c.id)
            .join(staff_user, staff_user.c.id == staff_session.c.user_id)
            .where(staff_user.c.username == username)
            .order_by(staff_session.c.id.desc())
        ).scalar()
    return new.actor, new.cookie, int(sid)


def opened(reg: RegisterApp, clock: FakeClock) -> str:
    with reg.unit_of_work(DPO) as uow:
        return records.open_breach(
            uow,
            summary="A laptop with a logged-in session was stolen",
            kind="confidentiality",
            aware_at=clock() - dt.timedelta(hours=1),
            noticed_by="the team leader",
        )


def scope(reg: RegisterApp, ref: str, crit: Criteria) -> set[int]:
    with reg.unit_of_work(DPO) as uow:
        records.record_scope(uow, ref, crit)
    with reg.engine.connect() as conn:
        return {int(p) for p in conn.execute(select(breach_subject.c.person_id)).scalars()}


def test_a_sessions_scope_is_exactly_the_persons_its_user_read_in_it(
    register: RegisterApp, clock: FakeClock
) -> None:
    users(register)
    p1, p2, p3, p4 = (add_person(register, first=n) for n in ("Aino", "Eino", "Iina", "Olli"))
    anna, cookie, first = session_of(register, "t.anna")
    bertta, _, _ = session_of(register, "t.bertta")
    read_as(register, anna, p1, p2)
    read_as(register, bertta, p3)  # another user, at the same time: not in the scope
    clock.advance(minutes=10)
    with register.unit_of_work(Actor("test")) as uow:
        sessions.log_out(uow, cookie)
    clock.advance(minutes=10)
    anna_again, _, _ = session_of(register, "t.anna")
    read_as(register, anna_again, p4)  # the same user's next session: not in the scope
    ref = opened(register, clock)
    assert scope(register, ref, Criteria(session_id=first)) == {p1, p2}
    assert scope(register, ref, Criteria(user="t.anna")) == {p1, p2, p4}
    # The scope holds the categories each person's data was read in.
    with register.engine.connect() as conn:
        cats = conn.execute(
            select(breach_subject.c.categories).where(breach_subject.c.person_id == p1)
        ).scalar_one()
    assert "identity" in cats.split() and "contact" in cats.split()


def test_a_tokens_scope_is_its_users_entries_in_its_lifetime(
    register: RegisterApp, clock: FakeClock
) -> None:
    users(register)
    p1, p2 = add_person(register), add_person(register)
    with register.unit_of_work(Actor("test")) as uow:
        token = accounts.issue_token(uow, "t.anna", "crm", [Purpose.CUSTOMER_RELATIONSHIP])
    with register.unit_of_work(Actor("test")) as uow:
        found = accounts.resolve_token(uow, token).actor
        token_id = uow.execute(select(api_token.c.id).where(api_token.c.name == "crm")).scalar()
    read_as(register, found, p1)
    clock.advance(minutes=1)
    with register.unit_of_work(Actor("test")) as uow:
        accounts.revoke_token(uow, token)
    clock.advance(minutes=5)
    read_as(register, Actor("t.anna", Role.CUSTOMER_SERVICE), p2)  # after the revocation
    ref = opened(register, clock)
    assert scope(register, ref, Criteria(token_id=int(token_id))) == {p1}


def test_a_time_window_scope_and_its_combination_with_a_user(
    register: RegisterApp, clock: FakeClock
) -> None:
    users(register)
    anna = Actor("t.anna", Role.CUSTOMER_SERVICE)
    bertta = Actor("t.bertta", Role.CUSTOMER_SERVICE)
    p1, p2, p3 = add_person(register), add_person(register), add_person(register)
    clock.advance(hours=1)
    start = clock()
    read_as(register, anna, p1)
    read_as(register, bertta, p2)
    clock.advance(hours=1)
    end = clock()  # included
    clock.advance(seconds=1)
    read_as(register, anna, p3)
    ref = opened(register, clock)
    # add_person's own writes before the window are not in it; both users' reads within are.
    assert scope(register, ref, Criteria(since=start, until=end)) == {p1, p2}
    assert scope(register, ref, Criteria(user="t.bertta", since=start, until=end)) == {p2}
    # The register's own reads of the scope are not part of a later scope.
    assert scope(register, ref, Criteria(since=start)) == {p1, p2, p3}


def test_a_whole_register_read_in_the_scope_is_shown_though_it_names_no_one(
    register: RegisterApp, clock: FakeClock, tmp_path: Path
) -> None:
    """A backup reads every person and names none: a scope over its time or its actor shows it
    (every person may be concerned) beside the persons the trail names."""
    users(register)
    anna = Actor("t.anna", Role.CUSTOMER_SERVICE)
    p1 = add_person(register)
    clock.advance(hours=1)
    start = clock()
    read_as(register, anna, p1)
    register.append_audit(
        [_whole_register_read("t.anna", "backup of the whole register to walk.backup")]
    )
    ref = opened(register, clock)
    with register.unit_of_work(DPO) as uow:
        found = records.record_scope(uow, ref, Criteria(user="t.anna", since=start))
    assert found["persons"] == 1
    assert [e.split(" ", 3)[-1] for e in found["whole_register_reads"]] == [
        "backup of the whole register to walk.backup"
    ]
    with register.unit_of_work(DPO) as uow:  # another user's scope does not show it
        other = records.record_scope(uow, ref, Criteria(user="t.bertta", since=start))
    assert other["whole_register_reads"] == []


def _whole_register_read(actor: str, what: str) -> audit_chain.NewEntry:
    return audit_chain.NewEntry(
        actor=actor,
        role=Role.CUSTOMER_SERVICE.value,
        subject_self=None,
        purpose=None,
        via="cli",
        action="read",
        outcome="allowed",
        categories=tuple(c.value for c in Category),
        person_ids=(),
        what=what,
    )


def test_an_export_files_scope_is_the_persons_it_held_with_its_categories(
    register: RegisterApp, clock: FakeClock
) -> None:
    p1, p2, p3 = add_person(register), add_person(register), add_person(register)
    with register.unit_of_work(Actor("test")) as uow:
        added = disclosures.add_recipient(
            uow, "Perintä", "collection_agency", "FI", [Purpose.BILLING_AND_COLLECTION]
        )
        to = disclosures.find_recipient(uow, added)
        done = disclosures.disclose(
            uow,
            to,
            kind=DisclosureKind.COLLECTION,
            purpose=Purpose.BILLING_AND_COLLECTION,
            basis=LawfulBasis.CONTRACT,
            categories=[Category.CONTACT, Category.BILLING],
            person_ids=[p1, p3],
            reason="overdue invoices",
            output_name="perinta.csv",
        )
    ref = opened(register, clock)
    assert scope(register, ref, Criteria(export_id=done.disclosure_id)) == {p1, p3}
    with register.engine.connect() as conn:
        cats = set(conn.execute(select(breach_subject.c.categories)).scalars())
    assert cats == {"billing contact"}
    assert p2 not in scope(register, ref, Criteria(export_id=done.disclosure_id))


def test_every_step_is_audited_and_the_scopes_persons_are_named(
    register: RegisterApp, clock: FakeClock
) -> None:
    users(register)
    p1 = add_person(register)
    read_as(register, Actor("t.anna", Role.CUSTOMER_SERVICE), p1)
    with register.engine.connect() as conn:
        since = conn.execute(select(audit_entry.c.seq).order_by(audit_entry.c.seq.desc())).first()
    ref = opened(register, clock)
    scope(register, ref, Criteria(user="t.anna"))
    with register.unit_of_work(DPO) as uow:
        records.assess(
            uow,
            ref,
            records.Assessment("high", True, True, "identity codes read", {"fi": "x"}, {"fi": "y"}),
        )
        records.record_notification(uow, ref, at=clock(), authority_reference="TSV/1/2026")
    with register.reading(DPO) as uow:
        records.show(uow, ref, with_persons=True)
    with register.engine.connect() as conn:
        entries = conn.execute(
            select(audit_entry.c.seq, audit_entry.c.actor, audit_entry.c.action, audit_entry.c.what)
            .where(audit_entry.c.seq > since[0], audit_entry.c.actor == "t.dpo")
            .order_by(audit_entry.c.seq)
        ).all()
        named = {
            e.seq: {
                int(p)
                for p in conn.execute(
                    select(audit_subject.c.person_id).where(audit_subject.c.seq == e.seq)
                ).scalars()
            }
            for e in entries
        }
    steps = [w for e in entries for w in e.what.split("; ")]
    for step in ("open", "scope", "assess", "notify", "persons"):
        assert any(s.endswith(f"{ref} {step}") for s in steps), (step, steps)
    # The scope's read of the trail and its links, and showing them, name the person.
    assert sum(1 for e in entries if p1 in named[e.seq]) >= 3


def test_a_late_notification_needs_its_reasons(register: RegisterApp, clock: FakeClock) -> None:
    ref = opened(register, clock)
    clock.advance(hours=72)
    with register.unit_of_work(DPO) as uow:
        listed = records.listing(uow)
    assert listed[0]["state"] == "overdue"
    with pytest.raises(InvalidInput, match="delay_reason"), register.unit_of_work(DPO) as uow:
        records.record_notification(uow, ref, at=clock(), authority_reference="TSV/2")
    with register.unit_of_work(DPO) as uow:
        done = records.record_notification(
            uow, ref, at=clock(), authority_reference="TSV/2", delay_reason="weekend"
        )
        assert done["late"] is True
        assert records.listing(uow)[0]["state"] == "notified late"


class Outbox:
    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []

    def send(self, message: EmailMessage) -> None:
        self.sent.append(message)


def test_notices_go_in_each_persons_language_by_mail_or_letter_once(
    register: RegisterApp, clock: FakeClock, tmp_path: Path
) -> None:
    users(register)
    fi = add_person(register, tongue="fi", first="Aino")
    sv = add_person(register, tongue="sv", first="Sven", email=False)
    other = add_person(register, tongue="other", first="John")
    read_as(register, Actor("t.anna", Role.CUSTOMER_SERVICE), fi, sv, other)
    ref = opened(register, clock)
    scope(register, ref, Criteria(user="t.anna"))
    texts = {"fi": "Tunnistetietoja voidaan käyttää.", "en": "Your details may be misused."}
    measures = {"fi": "Istunto suljettiin.", "en": "The session was closed."}
    with register.unit_of_work(DPO) as uow:
        records.assess(
            uow, ref, records.Assessment("high", True, True, "identity", texts, measures)
        )
    outbox = Outbox()
    with pytest.raises(InvalidInput, match="sv"), register.unit_of_work(DPO) as uow:
        notices.send_notices(uow, ref, tmp_path, outbox)  # a Swedish speaker, no Swedish text
    assert outbox.sent == []
    with register.unit_of_work(DPO) as uow:
        records.assess(
            uow,
            ref,
            records.Assessment(
                "high",
                True,
                True,
                "identity",
                texts | {"sv": "Uppgifterna kan missbrukas."},
                measures | {"sv": "Sessionen stängdes."},
            ),
        )
    with register.unit_of_work(DPO) as uow:
        sent = notices.send_notices(uow, ref, tmp_path, outbox)
    assert sent.emails == 2 and len(sent.letters) == 1
    bodies = {m["To"]: m.get_content() for m in outbox.sent}
    finnish = next(b for b in bodies.values() if "Tunnistetietoja" in b)
    english = next(b for b in bodies.values() if "misused" in b)
    assert "Yhteystiedot" in finnish and "tietosuojavaltuutetulle" in finnish
    assert "Contact details" in english and register.settings.dpo_contact in english
    letter = sent.letters[0].read_text()
    assert "Sven" in letter and "Uppgifterna kan missbrukas." in letter
    assert "personuppgiftsincident" in letter
    with register.unit_of_work(DPO) as uow:
        again = notices.send_notices(uow, ref, tmp_path, outbox)
    assert again.emails == 0 and again.letters == [] and again.already == 3
    assert len(outbox.sent) == 2
    with register.engine.connect() as conn:
        found = conn.execute(select(breach_subject.c.person_id, breach_subject.c.notice_lang))
        langs = {int(r.person_id): r.notice_lang for r in found}
    assert langs == {fi: "fi", sv: "sv", other: "en"}


def test_notices_wait_for_an_assessment_that_tells_the_persons(
    register: RegisterApp, clock: FakeClock, tmp_path: Path
) -> None:
    ref = opened(register, clock)
    with pytest.raises(RuleViolation, match="not assessed"), register.unit_of_work(DPO) as uow:
        notices.send_notices(uow, ref, tmp_path, Outbox())


@pytest.mark.proves("P14.kept.breach-records")
def test_the_catalogue_carries_the_breach_links_to_access_erasure_and_retention(
    register: RegisterApp, clock: FakeClock
) -> None:
    """Declared once: the person's access package shows that a breach concerned them, an
    erasure accounts for the link, and the retention run removes it after
    REKISTERI_BREACH_RETENTION_YEARS (the person stays)."""
    from rekisteri.adapters.schema.register import person
    from rekisteri.domain.register import Provenance
    from rekisteri.services.rights import package, retention
    from rekisteri.services.rights.erasure import erase_person

    users(register)
    kept, erased = add_person(register), add_person(register)
    read_as(register, Actor("t.anna", Role.CUSTOMER_SERVICE), kept, erased)
    ref = opened(register, clock)
    scope(register, ref, Criteria(user="t.anna"))
    with register.reading(DPO) as uow:
        shown = package.build(uow, kept).as_dict()["sections"]
    assert any("breach_subject" in key and s["rows"] for key, s in shown.items()), sorted(shown)
    with register.unit_of_work(DPO) as uow:
        answer = erase_person(
            uow, erased, Provenance.of("customer_contact", uow.now()), reason="asked"
        )
    # A person without contract records goes whole, the breach link with them (as their
    # disclosure links do); the answer says so. The breach keeps its count of persons.
    gone = {e["attribute"] for e in answer.erased}
    assert {a.key for a in register.catalogue.for_table("breach_subject")} <= gone
    clock.advance(days=4 * 365)
    with register.unit_of_work(Actor("retention")) as uow:
        retention.run(uow)
    with register.engine.connect() as conn:
        assert len(conn.execute(select(breach_subject)).all()) == 1  # within its five years
    clock.advance(days=400)
    with register.unit_of_work(Actor("retention")) as uow:
        retention.run(uow)
    with register.engine.connect() as conn:
        assert conn.execute(select(breach_subject)).all() == []
        assert conn.execute(select(person.c.id).where(person.c.id == kept)).first() is not None


@pytest.mark.parametrize(
    ("field", "given"),
    [("summary", "a\x00b"), ("summary", " "), ("noticed_by", "x" * 201), ("kind", "loss")],
)
def test_bad_input_names_the_field_and_stores_nothing(
    register: RegisterApp, clock: FakeClock, field: str, given: str
) -> None:
    from rekisteri.adapters.schema.breach import breach

    values = {"summary": "s", "kind": "integrity", "noticed_by": "n"} | {field: given}
    with pytest.raises(InvalidInput) as refused, register.unit_of_work(DPO) as uow:
        records.open_breach(uow, aware_at=clock(), **values)
    assert refused.value.field == field
    with register.engine.connect() as conn:
        assert conn.execute(select(breach)).all() == []
