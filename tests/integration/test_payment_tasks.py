"""Staff tasks of payments after the import: a task whose row retention deleted is closed by
the run (not left open for ever), and a payment task's details are read for billing with the
read in the audit trail (`rekisteri task show`), on both databases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from rekisteri.adapters.schema.audit import audit_entry
from rekisteri.adapters.schema.payments import payment_quarantine
from rekisteri.catalogue import Role
from rekisteri.config import Settings, file_store_path
from rekisteri.domain.errors import InvalidInput
from rekisteri.entrypoints.cli.main import app as cli
from rekisteri.services.billing import review
from rekisteri.services.register import tasks
from rekisteri.services.rights import retention
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.cli_login import as_staff, with_login
from tests.support.clock import FakeClock
from tests.support.payments import Billed, billed_customer, notification, pay, run_import

UNKNOWN = "1234561"  # a valid Finnish reference no invoice has


def _tasks(reg: RegisterApp) -> dict[str, tasks.Task]:
    with reg.unit_of_work(Actor("test")) as uow:
        return {t.kind: t for t in tasks.listing(uow, include_done=True)}


def _imported(reg: RegisterApp, billed: Billed, tmp_path: Path) -> dict[str, tasks.Task]:
    run_import(
        reg,
        notification(
            tmp_path / "n.xml",
            pay(UNKNOWN, "BR-9", "42.00", payer_name="Tuntematon Maksaja"),
            pay(billed.open_reference, "BR-2", "200.00"),  # over: a task on the payment
        ),
    )
    return _tasks(reg)


def _last_read(reg: RegisterApp) -> tuple[str, str, str]:
    with reg.engine.connect() as conn:
        row = conn.execute(
            select(audit_entry.c.person_ids, audit_entry.c.categories, audit_entry.c.what)
            .where(audit_entry.c.action == "read")
            .order_by(audit_entry.c.seq.desc())
            .limit(1)
        ).one()
    return row.person_ids or "", row.categories, row.what


def test_retention_closes_a_task_whose_payment_it_deleted(
    register: RegisterApp, clock: FakeClock, tmp_path: Path
) -> None:
    billed = billed_customer(register, 1)
    found = _imported(register, billed, tmp_path)
    quarantined, over = found["payment_quarantined"], found["payment_over"]
    clock.advance(days=73 * 31)  # the quarantined payment's 72 months are past
    with register.unit_of_work(Actor("system:retention")) as uow:
        planned = retention.run(uow, dry_run=True)
    assert planned.counts["staff tasks closed: their row is gone"] == 0  # its row is still here
    with register.unit_of_work(Actor("system:retention")) as uow:
        done = retention.run(uow)
    with register.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(payment_quarantine)).scalar() == 0
    assert done.counts["staff tasks closed: their row is gone"] == 1
    after = _tasks(register)
    closed = after["payment_quarantined"]
    assert closed.id == quarantined.id and closed.done_by == "system:retention"
    assert closed.done_at is not None
    # The over-payment's row is kept (the customer's contract records): its task stays open.
    assert after["payment_over"].done_at is None and after["payment_over"].id == over.id
    with register.unit_of_work(Actor("system:retention")) as uow:
        again = retention.run(uow)
    assert again.counts["staff tasks closed: their row is gone"] == 0
    with register.unit_of_work(Actor("test")) as uow:
        assert [t.id for t in tasks.listing(uow)] == [over.id]


def test_a_preview_counts_a_task_whose_row_went_otherwise_and_closes_nothing(
    register: RegisterApp, tmp_path: Path
) -> None:
    """A row can go between runs (an erasure takes a person's rows and leaves their tasks to
    the run): the preview counts its task and leaves it open, the run closes it."""
    found = _imported(register, billed_customer(register, 1), tmp_path)
    quarantined = found["payment_quarantined"]
    with register.engine.begin() as conn:
        conn.execute(
            payment_quarantine.delete().where(payment_quarantine.c.id == quarantined.subject_id)
        )
    with register.unit_of_work(Actor("system:retention")) as uow:
        planned = retention.run(uow, dry_run=True)
    assert planned.counts["staff tasks closed: their row is gone"] == 1
    assert _tasks(register)["payment_quarantined"].done_at is None
    with register.unit_of_work(Actor("system:retention")) as uow:
        done = retention.run(uow)
    assert done.counts == planned.counts
    assert _tasks(register)["payment_quarantined"].done_by == "system:retention"


def test_a_tasks_payment_is_shown_and_the_read_audited(
    register: RegisterApp, tmp_path: Path
) -> None:
    billed = billed_customer(register, 1)
    found = _imported(register, billed, tmp_path)
    clerk = Actor("laskutus.liisa", Role.BILLING)
    with register.unit_of_work(clerk) as uow:
        shown = review.show_task(uow, found["payment_quarantined"].id)
    paid = shown["payment"]
    assert (paid["payer_name"], paid["amount"], paid["reason"]) == (
        "Tuntematon Maksaja",
        "42.00",
        "no invoice has this reference",
    )
    assert paid["invoice_number"] is None  # attached to nobody
    persons, categories, what = _last_read(register)
    assert persons == "" and "payment" in categories.split()
    assert what.startswith(f"task {found['payment_quarantined'].id}: payment_quarantine")
    with register.unit_of_work(clerk) as uow:
        over = review.show_task(uow, found["payment_over"].id)["payment"]
    assert (over["amount_cents"], over["excess_cents"]) == (20000, 7655)
    persons, categories, _ = _last_read(register)
    assert persons.split() == [str(billed.person_id)] and "payment" in categories.split()


def test_task_show_is_for_billing_and_says_when_the_payment_is_gone(
    register: RegisterApp, settings: Settings, clock: FakeClock, tmp_path: Path
) -> None:
    billed = billed_customer(register, 1)
    task = _imported(register, billed, tmp_path)["payment_quarantined"]
    env = with_login(
        {
            "REKISTERI_DATABASE_URL": settings.database_url,
            "REKISTERI_SECRET_KEY": settings.secret_key or "",
            "REKISTERI_FILE_STORE_DIR": str(file_store_path(settings)),
        }
    )
    runner = CliRunner()
    billing = as_staff(env, Role.BILLING)
    shown = runner.invoke(cli, ["task", "show", str(task.id)], env=billing)
    assert shown.exit_code == 0, shown.output
    assert "Tuntematon Maksaja" in shown.output and "42.00" in shown.output
    refused = runner.invoke(cli, ["task", "show", str(task.id)], env=as_staff(env, Role.MARKETING))
    assert refused.exit_code == 1 and "not allowed" in refused.output
    missing = runner.invoke(cli, ["task", "show", "999999"], env=billing)
    assert missing.exit_code != 0
    clock.advance(days=73 * 31)
    with register.unit_of_work(Actor("system:retention")) as uow:
        retention.run(uow)
    gone = runner.invoke(cli, ["task", "show", str(task.id), "--json"], env=billing)
    assert gone.exit_code == 0, gone.output
    answer = json.loads(gone.output)
    assert answer["payment"] is None and answer["task"]["done_by"] == "system:retention"


def test_only_payment_tasks_are_shown(register: RegisterApp) -> None:
    with register.unit_of_work(Actor("test")) as uow:
        task_id = tasks.open_task(uow, "address_update", "person", 1, "check the address")
    with (
        register.unit_of_work(Actor("laskutus.liisa", Role.BILLING)) as uow,
        pytest.raises(InvalidInput, match="not a payment"),
    ):
        review.show_task(uow, task_id)
