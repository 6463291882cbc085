"""The transfers outside the EU/EEA the privacy statement names (P10), read from the recipient
register, so the statement's transfer paragraph says what the register does.

A recipient's country and safeguard are checked when it is registered and at every disclosure
(domain/transfers.py); here they are only read. The recipient table holds organisations, not
persons, so reading it is not an audited read and needs no key.
"""

from __future__ import annotations

from sqlalchemy import Connection, inspect, select

from rekisteri.adapters import db
from rekisteri.adapters.schema.disclosure import recipient
from rekisteri.config import Settings
from rekisteri.domain.errors import RuleViolation
from rekisteri.domain.transfers import EU_EEA, Safeguard, check_transfer
from rekisteri.services.statement.recipients import Transfer
from rekisteri.services.unit_of_work import RegisterApp


def transfers_in(connection: Connection) -> tuple[Transfer, ...]:
    """The active recipients outside the EU/EEA that may receive data, by name.

    One whose safeguard does not hold (none, or a US adequacy without a Data Privacy Framework
    listing, stored before that rule) receives nothing at a disclosure, so nothing goes to it."""
    rows = connection.execute(
        select(
            recipient.c.name, recipient.c.country, recipient.c.safeguard, recipient.c.safeguard_ref
        )
        .where(recipient.c.active, recipient.c.country.not_in(sorted(EU_EEA)))
        .order_by(recipient.c.name)
    )
    found = []
    for r in rows:
        guard = Safeguard(r.safeguard) if r.safeguard else None
        try:
            check_transfer(r.name, r.country, guard, r.safeguard_ref)
        except RuleViolation:
            continue
        found.append(Transfer(r.name, r.country, str(r.safeguard), r.safeguard_ref))
    return tuple(found)


def register_transfers(reg: RegisterApp) -> tuple[Transfer, ...]:
    with reg.engine.connect() as connection:
        return transfers_in(connection)


def configured_transfers(settings: Settings) -> tuple[Transfer, ...]:
    """The transfers of the configured register, for a command that has no register open.

    A register that does not exist yet (no SQLite file, no recipient table) has no recipients,
    so it transfers nothing; reading never creates the database."""
    database = db.sqlite_file(settings.database_url)
    if database is not None and not database.exists():
        return ()
    engine = db.make_engine(settings.database_url)
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table(recipient.name):
                return ()
            return transfers_in(connection)
    finally:
        engine.dispose()
