"""Audited reads, changes and refusals from threads of one process (run in child processes by
the concurrency test, so several processes append to one chain at once)."""

from __future__ import annotations

import threading

from rekisteri.catalogue import Category, Purpose, Role
from rekisteri.config import Settings
from rekisteri.services.access.audit import record_denied
from rekisteri.services.bootstrap import open_register
from rekisteri.services.register.person_view import customer_view
from rekisteri.services.unit_of_work import Actor


def work(url: str, secret_key: str, person_ids: list[int], name: str, threads: int, n: int) -> int:
    """Each thread reads n times (every fifth a change, every seventh a refusal); entries are
    named `name/thread/i` so the test can check each thread's order. Returns entries written."""
    reg = open_register(Settings(database_url=url, secret_key=secret_key))
    errors: list[BaseException] = []

    def one_thread(t: int) -> None:
        actor = Actor(f"{name}-{t}", Role.CUSTOMER_SERVICE, purpose=Purpose.CUSTOMER_RELATIONSHIP)
        try:
            for i in range(n):
                pid = person_ids[(t + i) % len(person_ids)]
                what = f"{name}/{t}/{i}"
                if i % 7 == 6:
                    record_denied(reg, actor, [Category.IDENTITY], [pid], what)
                elif i % 5 == 4:
                    with reg.unit_of_work(actor) as uow:
                        uow.note_change([pid], [Category.CONTACT], what)
                else:
                    with reg.reading(actor) as uow:
                        customer_view(uow, pid, Role.CUSTOMER_SERVICE)
                        uow.note_read([pid], [], what)  # same entry: "customer view; what"
        except BaseException as exc:  # surfaced to the parent
            errors.append(exc)

    pool = [threading.Thread(target=one_thread, args=(t,)) for t in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    reg.engine.dispose()
    if errors:
        raise errors[0]
    return threads * n
