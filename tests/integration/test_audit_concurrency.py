"""Two server processes (each with threads) append to one chain at once: nothing is lost,
nothing is reordered, the chain verifies, and each request's entry was committed before the
request returned."""

from __future__ import annotations

import multiprocessing
import threading
from collections import defaultdict

import pytest
from sqlalchemy import select, text

from rekisteri.adapters.audit_appender import AuditNotWritten
from rekisteri.adapters.schema.audit import audit_entry, audit_subject
from rekisteri.catalogue import Purpose, Role
from rekisteri.config import Settings
from rekisteri.services.access import audit
from rekisteri.services.register.person_view import customer_view
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.audit_load import work
from tests.support.registered import add_person

THREADS, EACH = 3, 14


def test_two_processes_and_threads_keep_one_chain(
    register: RegisterApp, settings: Settings
) -> None:
    people = [add_person(register, n) for n in range(3)]
    secret = settings.secret_key
    assert secret
    spawn = multiprocessing.get_context("spawn")
    with spawn.Pool(2) as pool:
        children = [
            pool.apply_async(work, (settings.database_url, secret, people, name, THREADS, EACH))
            for name in ("p1", "p2")
        ]
        # and threads of this process too, meanwhile
        here = threading.Thread(
            target=work, args=(settings.database_url, secret, people, "p0", THREADS, EACH)
        )
        here.start()
        written = sum(child.get(timeout=300) for child in children)
        here.join()
    written += THREADS * EACH

    verdict = audit.verify_trail(register)
    assert verdict.ok, verdict
    assert verdict.checked == len(people) + written

    with register.engine.connect() as conn:
        rows = conn.execute(select(audit_entry).order_by(audit_entry.c.seq)).mappings().all()
        subjects = conn.execute(select(audit_subject.c.seq)).scalars().all()
    assert len(subjects) == len(rows)  # one person each
    # every thread's entries are all there, once, in the order the thread made them
    seen: dict[str, list[int]] = defaultdict(list)
    kinds: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for row in rows[len(people) :]:
        name, t, i = row["what"].rsplit("; ", 1)[-1].split("/")
        seen[f"{name}/{t}"].append(int(i))
        kinds[name].add((row["action"], row["outcome"]))
    assert set(seen) == {f"p{p}/{t}" for p in range(3) for t in range(THREADS)}
    assert all(order == list(range(EACH)) for order in seen.values()), seen
    expected = {("read", "allowed"), ("change", "allowed"), ("read", "denied")}
    assert all(k == expected for k in kinds.values())


def _refuse_audit_entries(register: RegisterApp, refuse: bool) -> None:
    """A database that will not take audit entries (a full disk, a broken link, ...)."""
    with register.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            if refuse:
                conn.execute(
                    text(
                        "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
                        "$$ BEGIN RAISE EXCEPTION 'audit refused'; END $$"
                    )
                )
                conn.execute(
                    text(
                        "CREATE TRIGGER refuse BEFORE INSERT ON audit_entry "
                        "FOR EACH ROW EXECUTE FUNCTION refuse()"
                    )
                )
            else:
                conn.execute(text("DROP TRIGGER refuse ON audit_entry"))
        elif refuse:
            conn.execute(
                text(
                    "CREATE TRIGGER refuse BEFORE INSERT ON audit_entry "
                    "BEGIN SELECT RAISE(ABORT, 'audit refused'); END"
                )
            )
        else:
            conn.execute(text("DROP TRIGGER refuse"))


def test_no_audit_no_data(register: RegisterApp) -> None:
    person = add_person(register)
    before = audit.verify_trail(register).checked
    _refuse_audit_entries(register, True)
    actor = Actor("maija", Role.CUSTOMER_SERVICE, purpose=Purpose.CUSTOMER_RELATIONSHIP)
    seen = []
    with pytest.raises(AuditNotWritten):
        with register.reading(actor) as uow:
            view = customer_view(uow, person, Role.CUSTOMER_SERVICE)
        seen.append(view)  # never reached: the data does not leave the block
    assert seen == []
    _refuse_audit_entries(register, False)
    # the writer recovers, and the failed batch left nothing behind
    with register.reading(actor) as uow:
        customer_view(uow, person, Role.CUSTOMER_SERVICE)
    verdict = audit.verify_trail(register)
    assert verdict.ok and verdict.checked == before + 1
