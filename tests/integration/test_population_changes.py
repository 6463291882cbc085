"""The population register's changes, on SQLite and PostgreSQL: matched by identity code through
the blind index, applied through the one write path with the file and record as the source of
each value (P2), the conflict rule (a value the person gave after the change's date is kept and
reported), the same file twice, a file with no match, and bad records refused whole."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from rekisteri.adapters.schema import metadata
from rekisteri.adapters.schema.audit import audit_entry
from rekisteri.adapters.schema.register import attribute_change, contact_point, contract, person
from rekisteri.adapters.schema.tasks import staff_task
from rekisteri.domain.drafts import ContactPointDraft, PersonDraft
from rekisteri.domain.errors import InvalidInput
from rekisteri.domain.register import ContactKind, PersonKind, Provenance
from rekisteri.services.population.changes import (
    PopulationImport,
    apply_change_bytes,
    apply_change_file,
)
from rekisteri.services.register import attributes, customers
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.clock import FakeClock
from tests.support.people import HETU, make_customer

SAMPLE = Path(__file__).parents[1] / "data" / "population" / "population_changes.json"
JOB = Actor.system("system:import-population")
STAFF = Actor("asiakaspalvelu.anna")
APPLIED_ON = dt.datetime(2026, 4, 1, 8, 0, tzinfo=dt.UTC)
DEAD, PROTECTED, GUARDED, AWAY = "150775-303E", "020202A404E", "311299-505H", "121212-6062"


def apply(reg: RegisterApp, path: Path = SAMPLE) -> PopulationImport:
    with reg.unit_of_work(JOB) as uow:
        return apply_change_file(uow, path)


def apply_doc(reg: RegisterApp, changes: list[dict[str, Any]], name: str = "c.json") -> Any:
    doc = {"format": "population-changes/1", "changes": changes}
    with reg.unit_of_work(JOB) as uow:
        return apply_change_bytes(uow, name, json.dumps(doc).encode())


def add(reg: RegisterApp, code: str, first: str = "Ville", last: str = "Väestö") -> int:
    with reg.unit_of_work(STAFF) as uow:
        draft = PersonDraft(
            PersonKind.NATURAL,
            first_names=first,
            last_name=last,
            personal_identity_code=code,
            contact_points=(
                ContactPointDraft(
                    ContactKind.POSTAL,
                    street="Vanhatie 1",
                    postal_code="00100",
                    post_office="Helsinki",
                    valid_from=dt.date(2020, 1, 1),
                ),
            ),
        )
        prov = Provenance.of("order", uow.now(), "order form")
        return customers.register_person(uow, draft, prov).person_id


def state(reg: RegisterApp) -> dict[str, int]:
    with reg.engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in metadata.sorted_tables
            if not t.name.startswith("audit")
        }


def row(reg: RegisterApp, pid: int) -> Any:
    with reg.engine.connect() as conn:
        return conn.execute(select(person).where(person.c.id == pid)).one()


def postal(reg: RegisterApp, pid: int) -> list[Any]:
    with reg.engine.connect() as conn:
        return conn.execute(
            select(contact_point)
            .where(contact_point.c.person_id == pid, contact_point.c.kind == "postal")
            .order_by(contact_point.c.id)
        ).all()


@pytest.fixture
def people(register: RegisterApp, clock: FakeClock) -> dict[str, int]:
    """The sample's persons (its ninth code is nobody's), registered on 2026-03-03 by their
    own order; the changes are applied on 2026-04-01."""
    found = {HETU: make_customer(register).person_id}
    found[DEAD] = make_customer(
        register, hetu=DEAD, email="k@example.fi", phone="+358401112223", site_numbers=(3, 4)
    ).person_id
    for code in (PROTECTED, GUARDED, AWAY):
        found[code] = add(register, code)
    clock.set(APPLIED_ON)
    return found


def test_the_sample_is_matched_and_applied_with_its_source(
    register: RegisterApp, people: dict[str, int]
) -> None:
    done = apply(register)
    assert (done.records, done.matched, done.unmatched) == (9, 8, 1)
    assert (done.changed, done.unchanged, done.conflicts, done.tasks) == (8, 0, [], 1)
    maija = row(register, people[HETU])
    assert (maija.first_names, maija.last_name, maija.mother_tongue) == (
        "Maija Liisa",
        "Virtanen",
        "sv",
    )
    assert maija.population_marketing_ban is True
    assert row(register, people[DEAD]).deceased_on == dt.date(2026, 3, 18)
    assert row(register, people[PROTECTED]).non_disclosure is True
    assert row(register, people[GUARDED]).under_guardianship is True
    # P2: each value's source is the population register, with the file and the record.
    with register.engine.connect() as conn:
        history = conn.execute(
            select(attribute_change).where(attribute_change.c.person_id == people[HETU])
        ).all()
    named = {h.attribute: (h.source, h.source_detail) for h in history}
    assert named["person.last_name"] == (
        "population_register",
        "population register changes population_changes.json record 1",
    )
    assert named["person.mother_tongue"][1].endswith("record 3")
    assert named["contact_point.validity"][1].endswith("record 2")


# Updates of many distinct values go through a loaded temporary table (attributes.update_rows):
# forced here for a handful, so both ways are walked.
WAYS = pytest.mark.parametrize("one_by_one", [50, 0], ids=["statements", "loaded"])


@WAYS
def test_a_permanent_address_ends_the_old_one_and_a_temporary_one_overlaps(
    register: RegisterApp, people: dict[str, int], monkeypatch: pytest.MonkeyPatch, one_by_one: int
) -> None:
    monkeypatch.setattr(attributes, "ONE_BY_ONE", one_by_one)
    apply(register)
    old, new = postal(register, people[HETU])
    assert old.valid_to == dt.date(2026, 3, 24)
    with register.engine.connect() as conn:
        ended = conn.execute(
            select(attribute_change.c.old_value, attribute_change.c.new_value).where(
                attribute_change.c.row_id == old.id,
                attribute_change.c.attribute == "contact_point.validity",
            )
        ).one()
    assert tuple(ended) == (None, "2026-03-24")
    assert (new.street, new.postal_code, new.valid_from, new.valid_to) == (
        "Uusikatu 5 B 7",
        "00150",
        dt.date(2026, 3, 25),
        None,
    )
    assert (new.source, new.source_detail) == (
        "population_register",
        "population register changes population_changes.json record 2",
    )
    permanent, temporary = postal(register, people[AWAY])
    assert permanent.valid_to is None  # the person's again once the temporary one ends
    assert (temporary.street, temporary.valid_from, temporary.valid_to) == (
        "Kesätie 3",
        dt.date(2026, 3, 26),
        dt.date(2026, 8, 31),
    )


def test_a_death_leaves_the_contract_in_force_and_a_guardian_becomes_a_task(
    register: RegisterApp, people: dict[str, int]
) -> None:
    apply(register)
    with register.engine.connect() as conn:
        ends = conn.execute(
            select(contract.c.end_date).where(contract.c.person_id == people[DEAD])
        ).scalars()
        assert None in set(ends), "the contract continues until the estate ends it"
        tasks = conn.execute(select(staff_task)).all()
    assert [(t.kind, t.subject_table, t.subject_id) for t in tasks] == [
        ("population_guardian", "person", people[GUARDED])
    ]
    assert "Eeva" not in tasks[0].reason  # the task names no one; the record does


@WAYS
def test_the_changes_are_one_audited_operation(
    register: RegisterApp, people: dict[str, int], monkeypatch: pytest.MonkeyPatch, one_by_one: int
) -> None:
    monkeypatch.setattr(attributes, "ONE_BY_ONE", one_by_one)
    with register.engine.connect() as conn:
        since = conn.execute(select(func.max(audit_entry.c.seq))).scalar_one()
    apply(register)
    with register.engine.connect() as conn:
        entries = conn.execute(
            select(audit_entry.c.action, audit_entry.c.person_ids, audit_entry.c.actor).where(
                audit_entry.c.seq > since
            )
        ).all()
    changes = [e for e in entries if e.action == "change"]
    assert len(changes) == 1
    assert {int(p) for p in changes[0].person_ids.split()} == set(people.values())
    assert changes[0].actor == "system:import-population"
    assert any(e.action == "lookup" for e in entries), "the unmatched code is accounted for"


def test_the_same_file_twice_changes_nothing_and_says_so(
    register: RegisterApp, people: dict[str, int]
) -> None:
    apply(register)
    before = state(register)
    again = apply(register)
    assert again.already_applied
    assert "already applied, nothing changed" in again.describe()
    assert state(register) == before
    # The same records in another file: found already held, one by one.
    doc = json.loads(SAMPLE.read_text(encoding="utf-8"))
    with register.unit_of_work(JOB) as uow:
        other = apply_change_bytes(uow, "resent.json", json.dumps(doc).encode())
    assert (other.matched, other.changed, other.unchanged, other.conflicts) == (8, 0, 8, [])
    assert {k: v for k, v in state(register).items() if k != "population_change_file"} == {
        k: v for k, v in before.items() if k != "population_change_file"
    }


def test_a_file_with_no_match_changes_no_one(register: RegisterApp, people: dict[str, int]) -> None:
    before = state(register)
    done = apply_doc(
        register,
        [
            {"identity_code": "280368-1230", "kind": "death", "date": "2026-03-01"},
            {"identity_code": "010190-123M", "kind": "marketing_ban", "date": "2026-03-01",
             "in_force": True},
        ],
    )  # fmt: skip
    assert (done.records, done.matched, done.unmatched, done.changed) == (2, 0, 2, 0)
    after = state(register)
    assert after.pop("population_change_file") == before.pop("population_change_file") + 1
    assert after == before


def test_a_value_the_person_gave_after_the_change_is_kept_as_a_conflict(
    register: RegisterApp, clock: FakeClock
) -> None:
    pid = add(register, AWAY, last="Vanha")
    clock.set(dt.datetime(2026, 3, 28, 9, 0, tzinfo=dt.UTC))
    told = Provenance.of("customer_contact", clock(), "phone call")
    with register.unit_of_work(STAFF) as uow:
        customers.rectify_person(uow, pid, {"last_name": "Oma"}, "told us", told)
        customers.add_contact_point(
            uow,
            pid,
            ContactPointDraft(
                ContactKind.POSTAL, street="Omatie 9", postal_code="00500", post_office="Helsinki"
            ),
            told,
        )
    clock.set(APPLIED_ON)
    done = apply_doc(
        register,
        [
            {"identity_code": AWAY, "kind": "name", "date": "2026-03-20",
             "first_names": "Ville", "last_name": "Väestö"},
            {"identity_code": AWAY, "kind": "permanent_address", "date": "2026-03-25",
             "street": "Rekisterintie 1", "postal_code": "00100", "post_office": "Helsinki"},
            # After the person's word: the population register's is the newer.
            {"identity_code": AWAY, "kind": "mother_tongue", "date": "2026-03-30",
             "language": "et"},
        ],
    )  # fmt: skip
    assert [n for n, _ in done.conflicts] == [1, 2]
    assert "last_name the person gave after 2026-03-20" in done.conflicts[0][1]
    assert (done.changed, done.unchanged) == (1, 0)
    got = row(register, pid)
    assert (got.last_name, got.mother_tongue) == ("Oma", "other")
    assert [p.street for p in postal(register, pid) if p.valid_to is None] == [
        "Vanhatie 1",
        "Omatie 9",
    ]
    assert "record 1: conflict" in done.describe()


def test_a_change_dated_after_the_persons_word_is_applied(
    register: RegisterApp, clock: FakeClock
) -> None:
    pid = add(register, AWAY, last="Vanha")  # their own order, on 2026-03-03
    clock.set(APPLIED_ON)
    done = apply_doc(
        register,
        [{"identity_code": AWAY, "kind": "name", "date": "2026-03-03",
          "first_names": "Ville", "last_name": "Uusi"}],
    )  # fmt: skip
    assert (done.changed, done.conflicts) == (1, [])
    assert row(register, pid).last_name == "Uusi"


@pytest.mark.parametrize(
    ("kind", "column", "value"),
    [("non_disclosure", "non_disclosure", True),
     ("marketing_ban", "population_marketing_ban", True),
     ("death", "deceased_on", dt.date(2025, 6, 1))],
)  # fmt: skip
def test_a_flag_older_than_the_customer_relationship_is_applied(
    register: RegisterApp, clock: FakeClock, kind: str, column: str, value: Any
) -> None:
    """A turvakielto, a marketing ban or a death the population register dates before the
    person's own order is no conflict: the order said nothing of it (the first full load of
    the feed brings exactly these)."""
    pid = add(register, AWAY)  # their own order, on 2026-03-03
    clock.set(APPLIED_ON)
    record = {"identity_code": AWAY, "kind": kind, "date": "2025-06-01"}
    if kind != "death":
        record["in_force"] = True
    done = apply_doc(register, [record])
    assert (done.changed, done.conflicts) == (1, [])
    assert row(register, pid)._mapping[column] == value


def test_records_of_one_person_apply_in_the_order_of_their_dates(
    register: RegisterApp, clock: FakeClock
) -> None:
    pid = add(register, AWAY)
    clock.set(APPLIED_ON)
    done = apply_doc(
        register,
        [
            {"identity_code": AWAY, "kind": "non_disclosure", "date": "2026-03-21",
             "in_force": False},
            {"identity_code": AWAY, "kind": "non_disclosure", "date": "2026-03-20",
             "in_force": True},
        ],
    )  # fmt: skip
    assert (done.changed, done.unchanged) == (2, 0)
    assert row(register, pid).non_disclosure is False


GOOD = {"identity_code": HETU, "kind": "name", "date": "2026-03-20", "first_names": "Maija",
        "last_name": "Uusi"}  # fmt: skip
BAD_RECORDS = [
    ({"identity_code": "131052-308X", "kind": "death", "date": "2026-03-01"}, "identity_code"),
    ({"identity_code": HETU, "kind": "divorce", "date": "2026-03-01"}, "kind"),
    ({"identity_code": HETU, "kind": "name", "date": "2026-03-01", "last_name": "X"},
     "first_names"),
    ({"identity_code": HETU, "kind": "death", "date": "1.3.2026"}, "date"),
    ({"identity_code": HETU, "kind": "death", "date": "2027-01-01"}, "date"),
    ({"identity_code": HETU, "kind": "mother_tongue", "date": "2026-03-01", "language": "x"},
     "language"),
    ({"identity_code": HETU, "kind": "marketing_ban", "date": "2026-03-01", "in_force": "yes"},
     "in_force"),
    ({"identity_code": HETU, "kind": "permanent_address", "date": "2026-03-01",
      "street": "Tie 1", "postal_code": "123", "post_office": "Helsinki"}, "postal_code"),
    ({"identity_code": HETU, "kind": "name", "date": "2026-03-01", "first_names": "A" * 201,
      "last_name": "B"}, "first_names"),
    ({"identity_code": HETU, "kind": "non_disclosure", "date": "2026-03-01", "in_force": True,
      "street": "Piilotie 1"}, "street"),
    ({"identity_code": HETU, "kind": "guardianship", "date": "2026-03-01", "in_force": True,
      "guardian": {"first_names": 7}}, "guardian.first_names"),
    ({"identity_code": HETU, "kind": "guardianship", "date": "2026-03-01", "in_force": True,
      "guardian": None}, "guardian"),
    ({"identity_code": HETU, "kind": "temporary_address", "date": "2026-03-01",
      "street": "Tie 1", "postal_code": "00100", "post_office": "Helsinki",
      "valid_until": "2026-02-01"}, "valid_until"),
]  # fmt: skip


@pytest.mark.parametrize(("record", "field"), BAD_RECORDS, ids=[f for _, f in BAD_RECORDS])
def test_a_bad_record_refuses_the_whole_file_naming_record_and_field(
    register: RegisterApp, clock: FakeClock, record: dict[str, Any], field: str
) -> None:
    make_customer(register)
    clock.set(APPLIED_ON)
    before = state(register)
    with pytest.raises(InvalidInput) as err:
        apply_doc(register, [GOOD, record], name="bad.json")
    assert (err.value.where, err.value.field) == ("bad.json record 2", field)
    assert "131052" not in str(err.value), "an identity code is never echoed"
    assert state(register) == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (b"\xff\xfe", "file"),
        (b"[1, 2]", "file"),
        (b'{"format": "population-changes/1", "changes": [], "changes": []}', "changes"),
        (b'{"format": "population-changes/2", "changes": []}', "format"),
        (b'{"format": "population-changes/1", "changes": [], "delivered_at": null}',
         "delivered_at"),
        (b'{"format": "population-changes/1", "changes": [' + b"[" * 5000 + b"]" * 5000 + b"]}",
         "file"),
    ],
)  # fmt: skip
def test_a_file_that_is_not_the_format_is_refused_whole(
    register: RegisterApp, data: bytes, field: str
) -> None:
    before = state(register)
    with pytest.raises(InvalidInput) as err, register.unit_of_work(JOB) as uow:
        apply_change_bytes(uow, "odd.json", data)
    assert (err.value.where, err.value.field) == ("odd.json", field)
    assert state(register) == before


@pytest.mark.parametrize("field", ["street", "change_id"])
@pytest.mark.parametrize("ascii_only", [True, False], ids=["escaped", "as-is"])
@pytest.mark.parametrize("control", ["\x00", "\b", "\x85", "\u202e"], ids=repr)
def test_a_control_character_in_any_text_refuses_the_file_written_either_way(
    register: RegisterApp, clock: FakeClock, control: str, ascii_only: bool, field: str
) -> None:
    """A control character is refused whether the document escapes it (\\u0000, \\b) or holds
    it as it is (a C1 control, a bidi override): a document without any is read without
    looking at each text again, one with an escape is looked at text by text."""
    make_customer(register)
    clock.set(APPLIED_ON)
    before = state(register)
    record = {
        "identity_code": HETU,
        "kind": "permanent_address",
        "date": "2026-03-01",
        "street": "Tie 1",
        "postal_code": "00100",
        "post_office": "Helsinki",
    }
    record[field] = f"Tie{control}1"  # a change id is read by the reader alone
    doc = {"format": "population-changes/1", "changes": [GOOD, record]}
    data = json.dumps(doc, ensure_ascii=ascii_only).encode()
    with pytest.raises(InvalidInput) as err, register.unit_of_work(JOB) as uow:
        apply_change_bytes(uow, "bad.json", data)
    assert (err.value.where, err.value.field) == ("bad.json record 2", field)
    assert "control character" in err.value.reason
    assert state(register) == before


def test_a_file_with_escapes_but_no_control_character_is_applied(
    register: RegisterApp, clock: FakeClock
) -> None:
    pid = make_customer(register).person_id
    clock.set(APPLIED_ON)
    name = {**GOOD, "last_name": 'Ö\'Brien "Jr"'}
    done = apply_doc(register, [name])  # json.dumps escapes the Ö and the quotes
    assert done.changed == 1
    assert row(register, pid).last_name == 'Ö\'Brien "Jr"'
