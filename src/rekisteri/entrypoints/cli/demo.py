"""demo: a synthetic register, deterministic for a seed."""

from __future__ import annotations

import time

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

from rekisteri.entrypoints.cli.common import console, is_terminal, register, settings
from rekisteri.services.accounts import add_demo_users
from rekisteri.services.bootstrap import initialise
from rekisteri.services.unit_of_work import Actor


def install(app: typer.Typer) -> None:
    @app.command()
    def demo(
        customers: int = typer.Option(1000, min=1, help="how many customers and prospects"),
        seed: int = typer.Option(1, help="the same seed gives the same register"),
    ) -> None:
        """Fill the register with synthetic customers (valid HETUs, GSRNs, IBANs, consents,
        contracts, moves, invoices with some late payments, contact log)."""
        from rekisteri.services.demo import generate  # Faker is slow to import; only here

        initialise(settings())
        reg = register()
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
        console.print("try: rekisteri customer show " + result.sample_customer_numbers[0])
        with reg.unit_of_work(Actor("demo")) as uow:
            staff = add_demo_users(uow)
        if staff:
            # Shown once: only argon2 hashes are stored. There is no default password.
            console.print("demo staff (passwords shown once, not stored):")
            for role, user in staff:
                console.print(
                    f"  {role.value:<17} {user.username:<22} {user.password}", markup=False
                )
