"""write_attributes_many: the write path for many rows at once (an import settling invoices)
checks every value by the same rules and sources before writing anything, and records the
same history as write_attributes, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from rekisteri.adapters.schema.register import attribute_change, invoice, person
from rekisteri.domain.errors import InvalidInput, NotFound
from rekisteri.domain.reasons import Reason, coded
from rekisteri.domain.register import Provenance
from rekisteri.services.register.attributes import (
    RowChange,
    checker,
    received,
    received_many,
    write_attributes_many,
)
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.payments import billed_customer

SETTLES = frozenset({"status", "paid_on"})
DAY = dt.date(2026, 11, 30)
DAY_TIME = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)


def _state(reg: RegisterApp) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    with reg.engine.connect() as conn:
        invoices = [tuple(r) for r in conn.execute(select(invoice).order_by(invoice.c.id))]
        history = [
            tuple(r) for r in conn.execute(select(attribute_change).order_by(attribute_change.c.id))
        ]
    return invoices, history


def _write(reg: RegisterApp, rows: list[RowChange], source: str = "register_itself") -> int:
    with reg.unit_of_work(Actor("laskutus.liisa")) as uow:
        return write_attributes_many(
            uow,
            invoice,
            rows,
            "paid",
            Provenance.of(source, uow.now(), "bank file"),
            writable=SETTLES,
        )


def test_many_rows_change_with_a_history_entry_per_changed_field(register: RegisterApp) -> None:
    a, b = billed_customer(register, 1), billed_customer(register, 2)
    rows = [
        RowChange(a.open_invoice, a.person_id, {"status": "paid", "paid_on": DAY}),
        RowChange(b.open_invoice, b.person_id, {"status": "paid", "paid_on": DAY}),
        # Already paid, on another day: only paid_on changes.
        RowChange(a.paid_invoice, a.person_id, {"status": "paid", "paid_on": DAY}),
    ]
    assert _write(register, rows) == 5
    with register.engine.connect() as conn:
        got = {
            r.id: (r.status, r.paid_on)
            for r in conn.execute(select(invoice).where(invoice.c.id.in_([r.row_id for r in rows])))
        }
        history = conn.execute(
            select(
                attribute_change.c.person_id,
                attribute_change.c.row_id,
                attribute_change.c.old_value,
                attribute_change.c.new_value,
                attribute_change.c.actor,
                attribute_change.c.source,
            ).where(attribute_change.c.table_name == "invoice")
        ).all()
    assert set(got.values()) == {("paid", DAY)}
    assert sorted((p, i, o or "", n) for p, i, o, n, _, _ in history) == sorted(
        [
            (a.person_id, a.open_invoice, "open", "paid"),
            (a.person_id, a.open_invoice, "", "2026-11-30"),
            (b.person_id, b.open_invoice, "open", "paid"),
            (b.person_id, b.open_invoice, "", "2026-11-30"),
            (a.person_id, a.paid_invoice, "2021-01-15", "2026-11-30"),
        ]
    )
    assert {(actor, source) for *_, actor, source in history} == {
        ("laskutus.liisa", "register_itself")
    }


@pytest.mark.parametrize(
    ("change", "source", "field"),
    [
        ({"status": "settled"}, "register_itself", "status"),  # no such status
        ({"paid_on": "30.11.2026"}, "register_itself", "paid_on"),  # not a date
        ({"amount_cents": 1}, "register_itself", "amount_cents"),  # not writable here
        ({"status": "paid"}, "other_company", "paid_on"),  # P2: invoices are the register's own
    ],
)
def test_one_bad_value_refuses_them_all_before_anything_is_written(
    register: RegisterApp, change: dict[str, object], source: str, field: str
) -> None:
    a, b = billed_customer(register, 1), billed_customer(register, 2)
    before = _state(register)
    rows = [
        RowChange(a.open_invoice, a.person_id, {"status": "paid", "paid_on": DAY}),
        RowChange(b.open_invoice, b.person_id, change),
    ]
    with pytest.raises(InvalidInput) as refused:
        _write(register, rows, source)
    assert refused.value.field == field
    assert _state(register) == before


def test_a_missing_row_is_not_found_and_nothing_is_written(register: RegisterApp) -> None:
    a = billed_customer(register, 1)
    before = _state(register)
    with pytest.raises(NotFound):
        _write(
            register,
            [
                RowChange(a.open_invoice, a.person_id, {"status": "paid"}),
                RowChange(999_999, a.person_id, {"status": "paid"}),
            ],
        )
    assert _state(register) == before


def test_many_distinct_values_go_in_one_update_each_with_their_audit(
    register: RegisterApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More sets of new values than ONE_BY_ONE (names: one per row) take the loaded path: the
    same values, history and change entry as one UPDATE per set. Two rows are enough to see it
    with the bound lowered."""
    from rekisteri.adapters.schema.audit import audit_entry
    from rekisteri.adapters.schema.register import person
    from rekisteri.services.register import attributes

    a, b = billed_customer(register, 1), billed_customer(register, 2)
    monkeypatch.setattr(attributes, "ONE_BY_ONE", 1)
    with register.engine.connect() as conn:
        since = conn.execute(select(audit_entry.c.seq).order_by(audit_entry.c.seq.desc())).first()
    with register.unit_of_work(Actor.system("system:import-population")) as uow:
        changed = write_attributes_many(
            uow,
            person,
            [
                RowChange(a.person_id, a.person_id, {"last_name": "Aalto", "first_names": "Ei"}),
                RowChange(b.person_id, b.person_id, {"last_name": "Bergman"}),
            ],
            coded(Reason.POPULATION_CHANGE),
            Provenance.of("population_register", uow.now(), "changes.json"),
            writable=frozenset({"last_name", "first_names"}),
        )
    assert changed == 3
    with register.engine.connect() as conn:
        names = dict(conn.execute(select(person.c.id, person.c.last_name)).all())
        entries = conn.execute(
            select(audit_entry.c.person_ids).where(
                audit_entry.c.seq > (since[0] if since else 0), audit_entry.c.action == "change"
            )
        ).scalars()
        (persons,) = list(entries)
    assert (names[a.person_id], names[b.person_id]) == ("Aalto", "Bergman")
    assert {int(p) for p in persons.split()} == {a.person_id, b.person_id}


def test_new_rows_received_many_meet_the_sources_and_sealing_of_received(
    register: RegisterApp,
) -> None:
    """received_many (an import's many new rows) checks each row's fields against its own
    source as received does (P2), naming the field refused, and seals encrypted attributes."""
    code = "131052-308T"
    contract = Provenance.of("contract", DAY_TIME, "order 1")
    event = Provenance.of("competition_or_event", DAY_TIME, "fair")
    with register.unit_of_work(Actor("asiakaspalvelu.anna")) as uow:
        given = [
            ({"last_name": "Virtanen", "personal_identity_code": code}, contract),
            ({"last_name": "Korhonen", "personal_identity_code": None}, event),
        ]
        many = received_many(uow, person, given)
        one = [received(uow, person, fields, p) for fields, p in given]
        attr = uow.catalogue["person.personal_identity_code"]
        ct, key_id, index = attr.columns
        assert uow.cipher.open(attr.key, many[0][ct], many[0][key_id]) == code
        assert many[0][index] == uow.cipher.blind_index(attr.key, code)
        assert (many[1][ct], many[1][key_id], many[1][index]) == (None, None, None)
        assert [{k: v for k, v in m.items() if k != "hetu_ct"} for m in many] == [
            {k: v for k, v in o.items() if k != "hetu_ct"} for o in one
        ]
        # A prospect from an event never comes with an identity code: the second row refused.
        refused = [given[0], ({"last_name": "Nieminen", "personal_identity_code": code}, event)]
        with pytest.raises(InvalidInput) as err:
            received_many(uow, person, refused)
        assert err.value.field == "personal_identity_code"
        assert "competition_or_event" in err.value.reason


def test_values_are_trusted_as_checked_only_by_their_own_fields_checker(
    register: RegisterApp,
) -> None:
    """A caller that read the rows and checked the values first (the population register's
    changes) hands them over instead of having them read and checked again; a value is taken
    as checked only with the checker `checker` made for that table's field, anything else is
    checked by the rule again, and a bad value still stores nothing."""
    a = billed_customer(register, 1)
    names = frozenset({"first_names", "last_name"})
    before = _state(register)
    with register.unit_of_work(Actor("asiakaspalvelu.anna")) as uow:
        held = {
            r.id: r._mapping
            for r in uow.execute(
                select(person.c.id, person.c.first_names, person.c.last_name).where(
                    person.c.id == a.person_id
                )
            )
        }
        last = checker(uow, person, "last_name", writable=names)
        not_a_checker = {"last_name": lambda v: v, "first_names": last}  # first's is last's
        with pytest.raises(InvalidInput) as refused:
            write_attributes_many(
                uow,
                person,
                [RowChange(a.person_id, a.person_id, {"first_names": "x" * 101})],
                "typo",
                Provenance.of("customer_contact", uow.now()),
                writable=names,
                held=held,
                checked_by=not_a_checker,
            )
        assert refused.value.field == "first_names"
        with pytest.raises(InvalidInput):
            write_attributes_many(
                uow,
                person,
                [RowChange(a.person_id, a.person_id, {"last_name": "\x00"})],
                "typo",
                Provenance.of("customer_contact", uow.now()),
                writable=names,
                held=held,
                checked_by=not_a_checker,
            )
    assert _state(register) == before
    with register.unit_of_work(Actor("asiakaspalvelu.anna")) as uow:
        held = {
            r.id: r._mapping
            for r in uow.execute(
                select(person.c.id, person.c.first_names, person.c.last_name).where(
                    person.c.id == a.person_id
                )
            )
        }
        last = checker(uow, person, "last_name", writable=names)
        changed = write_attributes_many(
            uow,
            person,
            [RowChange(a.person_id, a.person_id, {"last_name": last(" Uusinimi ")})],
            "typo",
            Provenance.of("customer_contact", uow.now()),
            writable=names,
            held=held,
            checked_by={"last_name": last},
        )
    assert changed == 1
    with register.engine.connect() as conn:
        stored = conn.execute(
            select(person.c.last_name).where(person.c.id == a.person_id)
        ).scalar_one()
        old, new = conn.execute(
            select(attribute_change.c.old_value, attribute_change.c.new_value).where(
                attribute_change.c.attribute == "person.last_name"
            )
        ).one()
    assert (old, new) == (held[a.person_id]["last_name"], stored)
    assert stored == last(" Uusinimi ")


def test_a_checker_answers_a_text_met_before_alike_and_refuses_each_bad_one(
    register: RegisterApp,
) -> None:
    """A checker remembers its answers to texts only: True and 1 are equal keys of a dict but
    not equal values to a rule (a flag takes the one and refuses the other)."""
    with register.unit_of_work(Actor("asiakaspalvelu.anna")) as uow:
        last = checker(uow, person, "last_name", writable={"last_name"})
        assert last("  Uusi   Nimi ") == last("  Uusi   Nimi ") == "Uusi Nimi"
        for _ in range(2):
            with pytest.raises(InvalidInput):
                last("x" * 101)
        flag = checker(uow, person, "non_disclosure", writable={"non_disclosure"})
        assert flag(True) is True
        assert flag("true") is True
        for _ in range(2):
            with pytest.raises(InvalidInput):
                flag(1)
