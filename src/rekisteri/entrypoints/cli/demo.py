"""demo: a synthetic register, deterministic for a seed."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

from rekisteri.entrypoints.cli.common import (
    console,
    fail,
    is_terminal,
    register,
    register_errors,
    settings,
)
from rekisteri.services.access import accounts, system_actors
from rekisteri.services.access.accounts import add_demo_users
from rekisteri.services.bootstrap import initialise
from rekisteri.services.unit_of_work import Actor, RegisterApp

if TYPE_CHECKING:
    from rekisteri.demo.traffic import DoorTraffic


def install(app: typer.Typer) -> None:
    @app.command()
    def demo(
        customers: int = typer.Option(1000, min=1, help="how many customers and prospects"),
        seed: int = typer.Option(1, help="the same seed gives the same register"),
        readings_days: int = typer.Option(
            30, min=0, help="days of consumption readings for every metering point (0: none)"
        ),
        resolution: str = typer.Option("PT1H", help="reading resolution: PT1H or PT15M"),
        datahub_dir: Path = typer.Option(
            None, help="keep the Datahub CSV files the readings are imported from here"
        ),
        doors_dir: Path = typer.Option(
            None,
            help="keep the files of the last days' traffic (Finvoice, camt.054, feeds, ban "
            "file) here",
        ),
    ) -> None:
        """Fill the register with synthetic customers (valid HETUs, GSRNs, IBANs, consents,
        contracts, moves, invoices with some late payments, contact log); the last days come
        in as files through the register's imports."""
        from rekisteri.demo.customers import generate

        initialise(settings())
        reg = register()
        _may_fill(reg)
        started = time.perf_counter()
        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            disable=not is_terminal(),
        ) as bar:
            task = bar.add_task("customers", total=customers)
            result = generate(reg, customers, seed, lambda n: bar.advance(task, n))
        elapsed = time.perf_counter() - started
        console.print(
            f"{result.customers} customers in {elapsed:.1f} s "
            f"({result.customers / elapsed:,.0f}/s); rows: "
            + ", ".join(f"{k} {v}" for k, v in result.rows.items())
        )
        assert result.traffic is not None
        _doors(reg, result.traffic, doors_dir)
        if readings_days:
            _readings(readings_days, resolution.upper(), datahub_dir, seed)
        with reg.unit_of_work(Actor.system(system_actors.DEMO)) as uow:
            staff = add_demo_users(uow)
        if staff:
            # Shown once: only argon2 hashes are stored. There is no default password.
            console.print("demo staff (passwords shown once, not stored):")
            for role, user in staff:
                console.print(
                    f"  {role.value:<17} {user.username:<22} {user.password}", markup=False
                )
            # The administrator and the DPO log in with a second factor too (TOTP).
            for _, user in staff:
                if user.second_factor is not None:
                    console.print(
                        f"  {user.username}: second factor (TOTP) secret "
                        f"{user.second_factor.secret} ({user.second_factor.uri})",
                        markup=False,
                    )
        console.print(
            "try: rekisteri login (as demo.asiakaspalvelu, say), then: rekisteri customer show "
            + result.sample_customer_numbers[0],
            markup=False,
        )
        if readings_days:
            console.print(
                "and: rekisteri consumption show " + result.sample_customer_numbers[0] + " --by day"
            )


def _may_fill(reg: RegisterApp) -> None:
    """The demo fills a fresh register (the README's first command) without a login. On a
    register that has other staff than the demo's it needs its system actor enabled: it adds
    persons and prints the demo staff's passwords, which must not be a way into a register
    in use."""
    with reg.reading(Actor.system(system_actors.DEMO)) as uow:
        names = accounts.user_names(uow)
        if set(names) <= set(accounts.DEMO_USERS.values()):
            return
    with register_errors():
        system_actors.job_actor(reg, system_actors.DEMO)


def _doors(reg: RegisterApp, traffic: DoorTraffic, directory: Path | None) -> None:
    """The last days' traffic written as the outside systems' files and imported through the
    register's own import services (demo/doors.py)."""
    from rekisteri.demo.doors import steps, through_the_doors
    from rekisteri.demo.traffic import DOOR_DAYS

    started = time.perf_counter()
    with (
        tempfile.TemporaryDirectory() as scratch,
        Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            disable=not is_terminal(),
        ) as bar,
    ):
        task = bar.add_task("the last days through the doors", total=steps(traffic))
        done = through_the_doors(
            reg, traffic, directory or Path(scratch), lambda n: bar.advance(task, n)
        )
    where = f" (files in {directory})" if directory else ""
    console.print(
        f"the last {DOOR_DAYS} days through the doors in {time.perf_counter() - started:.1f} s"
        f"{where}:",
        markup=False,
    )
    for line in done.lines:
        console.print("  " + line, markup=False)


def _readings(days: int, resolution: str, directory: Path | None, seed: int) -> None:
    """Readings written as Datahub files and imported through the import path."""
    from rekisteri.demo.readings import demo_file_count, demo_readings

    if resolution not in ("PT1H", "PT15M"):
        fail("--resolution: must be PT1H or PT15M")
    reg = register()
    started = time.perf_counter()
    with (
        tempfile.TemporaryDirectory() as scratch,
        Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            disable=not is_terminal(),
        ) as bar,
    ):
        task = bar.add_task("readings (Datahub files)", total=demo_file_count(reg))
        done = demo_readings(
            reg, directory or Path(scratch), days, resolution, seed, lambda n: bar.advance(task, n)
        )
    count = sum(d.new for d in done)
    elapsed = time.perf_counter() - started
    where = f" (files in {directory})" if directory else ""
    console.print(
        f"{count:,} readings of {days} days at {resolution} in {len(done)} Datahub files, "
        f"written and imported in {elapsed:.1f} s{where}"
    )
