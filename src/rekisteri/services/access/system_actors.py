"""The named system actors jobs run as (imports, the retention run, key rotation, audit
verification, the demo on a register in use). A job acts under its actor's name in the audit
trail, and only once an administrator has enabled that actor: a job started by anyone with a
shell is refused until then. Enabling and disabling are recorded in the audit trail."""

from __future__ import annotations

from sqlalchemy import select, update

from rekisteri.adapters.schema.access import system_actor
from rekisteri.domain.errors import Forbidden, InvalidInput
from rekisteri.services.unit_of_work import Actor, RegisterApp, UnitOfWork

IMPORT_DATAHUB = "system:import-datahub"
IMPORT_BANS = "system:import-bans"
IMPORT_CONTACTS = "system:import-contacts"
IMPORT_FEEDBACK = "system:import-feedback"
IMPORT_LOGINS = "system:import-logins"
IMPORT_INVOICES = "system:import-invoices"
IMPORT_PAYMENTS = "system:import-payments"
IMPORT_MARKET_EVENTS = "system:import-market-events"
IMPORT_TRADE_REGISTER = "system:import-trade-register"
IMPORT_ADDRESS_CHANGES = "system:import-address-changes"
IMPORT_POPULATION = "system:import-population"
RETENTION = "system:retention"
KEY_ROTATION = "system:key-rotation"
AUDIT_VERIFY = "system:audit-verify"
DEMO = "system:demo"
BACKUP = "system:backup"
MAIL = "system:mail"
PACKAGES = "system:packages"
ARCHIVE = "system:archive"

# Every job's actor and what it does (the names are a contract: scripts and cron lines enable
# them by name).
KNOWN: dict[str, str] = {
    IMPORT_DATAHUB: "imports Datahub consumption readings (rekisteri import datahub)",
    IMPORT_BANS: "imports the ASML marketing-ban register (rekisteri import bans)",
    IMPORT_CONTACTS: "imports the customer-service system's contact feed "
    "(rekisteri import contacts)",
    IMPORT_FEEDBACK: "imports the survey system's feedback feed (rekisteri import feedback)",
    IMPORT_LOGINS: "imports the self-service's login events (rekisteri import logins)",
    IMPORT_INVOICES: "imports the billing system's Finvoice invoices (rekisteri import invoices)",
    IMPORT_PAYMENTS: "applies the bank's camt.054 payment notifications (rekisteri import "
    "payments)",
    MAIL: "sends the queued mail to persons and retries what failed (rekisteri mail send)",
    PACKAGES: "deletes access packages whose download link expired from the file store "
    "(rekisteri request expire-packages)",
    IMPORT_MARKET_EVENTS: "applies Datahub's market events to sites, metering points and "
    "contracts (rekisteri import market-events)",
    IMPORT_TRADE_REGISTER: "applies the trade register's company data (rekisteri import "
    "trade-register)",
    IMPORT_ADDRESS_CHANGES: "applies a mover service's address changes (rekisteri import "
    "address-changes)",
    IMPORT_POPULATION: "applies the population register's changes (rekisteri import population)",
    RETENTION: "applies the retention rules (rekisteri retention run)",
    KEY_ROTATION: "re-encrypts sensitive values under a new key (rekisteri keys rotate)",
    AUDIT_VERIFY: "walks the audit trail's hash chain (rekisteri audit verify)",
    BACKUP: "writes an encrypted backup of the whole register (rekisteri backup)",
    ARCHIVE: "copies the readings and contract periods to the readings archive "
    "(rekisteri archive sync) and writes back the consumption job's totals "
    "(rekisteri archive totals)",
    DEMO: "adds synthetic persons and demo staff to a register that has other staff "
    "(rekisteri demo)",
}


class SystemActorDisabled(Forbidden):
    def __init__(self, name: str) -> None:
        super().__init__(
            f"the job's system actor {name} is not enabled; an administrator enables it with "
            f"`rekisteri user system-actor enable {name}`"
        )
        self.name = name


def _known(name: str) -> str:
    if name not in KNOWN:
        raise InvalidInput("name", f"{name[:60]!r} is no system actor; known: {', '.join(KNOWN)}")
    return name


def set_enabled(uow: UnitOfWork, name: str, enabled: bool) -> bool:
    """Enable or disable a job's actor; False when it already was so. The change is one entry
    of the audit trail, naming the administrator."""
    _known(name)
    now, by = uow.now(), uow.actor.name
    was = uow.execute(
        select(system_actor.c.enabled).where(system_actor.c.name == name)
    ).scalar_one_or_none()
    if was is not None and bool(was) == enabled:
        return False
    values = {"enabled": enabled, "changed_at": now, "changed_by": by}
    if was is None:
        uow.execute(system_actor.insert().values(name=name, **values))
    else:
        uow.execute(update(system_actor).where(system_actor.c.name == name).values(**values))
    uow.note_change((), (), f"system actor {name} {'enabled' if enabled else 'disabled'}")
    return True


def listing(uow: UnitOfWork) -> list[dict[str, object]]:
    rows = {r.name: r for r in uow.execute(select(system_actor))}
    return [
        {
            "name": name,
            "enabled": bool(rows[name].enabled) if name in rows else False,
            "changed_at": rows[name].changed_at if name in rows else None,
            "changed_by": rows[name].changed_by if name in rows else None,
            "does": does,
        }
        for name, does in KNOWN.items()
    ]


def is_enabled(uow: UnitOfWork, name: str) -> bool:
    found = uow.execute(
        select(system_actor.c.enabled).where(system_actor.c.name == _known(name))
    ).scalar_one_or_none()
    return bool(found)


def job_actor(reg: RegisterApp, name: str) -> Actor:
    """The actor a job runs as; SystemActorDisabled unless an administrator enabled it."""
    with reg.reading(Actor.system(name)) as uow:
        enabled = is_enabled(uow, name)
    if not enabled:
        raise SystemActorDisabled(name)
    return Actor.system(name)
