"""Two server processes (each with threads) append to one chain at once: nothing is lost,
nothing is reordered, the chain verifies, and each request's entry was committed before the
request returned."""

from __future__ import annotations

import multiprocessing
import threading
from collections import defaultdict

from sqlalchemy import select

from rekisteri.adapters.schema.audit import audit_entry, audit_subject
from rekisteri.config import Settings
from rekisteri.services import audit
from rekisteri.services.unit_of_work import RegisterApp
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
