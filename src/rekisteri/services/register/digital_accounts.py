"""The digital account of the self-service ("digitaalisen tilin edellyttämät
rekisteröitymistiedot"): the login name and when it was registered, last used and closed.

Login times: the register keeps the last login only, the one time the catalogue declares
(digital_account.last_login_at). The self-service's own log holds each login for its security;
the customer register needs to know whether and when the account is in use, not every visit, so
an import of login events moves the last login forward and stores no list of them (a record's
time earlier than the stored one changes nothing, which also makes a feed sent twice a no-op).

Every write goes through the catalogue's one write path: registering through
`attributes.received`, a login or the closing through `write_attributes` (history, P12).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import select

from rekisteri.adapters import service_feeds
from rekisteri.adapters.schema.register import digital_account
from rekisteri.catalogue import Purpose
from rekisteri.domain.errors import InvalidInput, NotFound, RegisterError, RuleViolation
from rekisteri.domain.reasons import Reason, coded
from rekisteri.domain.register import Provenance
from rekisteri.domain.vocabulary import Source
from rekisteri.services.register import attributes
from rekisteri.services.register.feeds import FeedImport, at_record
from rekisteri.services.register.processing import ensure_processing_allowed
from rekisteri.services.unit_of_work import UnitOfWork

REGISTERED = ("login", "registered_at")
LOGIN = frozenset({"last_login_at"})
CLOSING = frozenset({"closed_at"})
FEED_COLUMNS = ("login", "at")


def register_account(
    uow: UnitOfWork, person_id: int, given: Mapping[str, Any], provenance: Provenance
) -> int:
    """A person's digital account (one a person; a closed one is not opened again here)."""
    unknown = [f for f in given if f not in REGISTERED]
    if unknown:
        raise InvalidInput(unknown[0], "is not a field of a digital account")
    fields = {
        f: attributes.checked(uow, digital_account, f, given.get(f), writable=REGISTERED)
        for f in REGISTERED
    }
    ensure_processing_allowed(uow, person_id, Purpose.CUSTOMER_RELATIONSHIP)
    if _account_of(uow, person_id) is not None:
        raise RuleViolation(f"person {person_id} already has a digital account")
    taken = uow.execute(
        select(digital_account.c.id).where(digital_account.c.login == fields["login"])
    ).first()
    if taken is not None:
        raise InvalidInput("login", "is another account's login")
    columns = attributes.received(uow, digital_account, fields, provenance)
    return int(
        uow.execute(
            digital_account.insert().values(
                person_id=person_id,
                source=provenance.source,
                source_detail=provenance.detail,
                received_at=provenance.received_at,
                **columns,
            )
        ).inserted_primary_key[0]
    )


def _account_of(uow: UnitOfWork, person_id: int) -> Any:
    return uow.execute(
        select(digital_account).where(digital_account.c.person_id == person_id)
    ).first()


def close_account(
    uow: UnitOfWork, person_id: int, at: Any, reason: str | None, provenance: Provenance
) -> dt.datetime:
    """Close the person's account at `at` (the self-service no longer lets it log in);
    without a `reason`, closed at the customer's request in the register's own words."""
    reason = reason or coded(Reason.ACCOUNT_CLOSED)
    row = _account_of(uow, person_id)
    if row is None:
        raise NotFound("digital account of person", person_id)
    closed = attributes.checked(uow, digital_account, "closed_at", at, writable=CLOSING)
    if closed is None:
        raise InvalidInput("closed_at", "is required")
    if closed < row.registered_at:
        raise InvalidInput("closed_at", "is before the account was registered")
    if row.closed_at is not None:
        raise RuleViolation(f"the digital account was already closed at {row.closed_at:%Y-%m-%d}")
    attributes.write_attributes(
        uow,
        digital_account,
        row.id,
        person_id,
        {"closed_at": closed},
        reason,
        provenance,
        writable=CLOSING,
    )
    return closed  # type: ignore[no-any-return]


def import_logins(uow: UnitOfWork, path: Path) -> FeedImport:
    """The self-service's login events: each account's last login moves to the latest event
    of the file that is later than the stored one. Whole or not at all."""
    records = service_feeds.read_feed(path, FEED_COLUMNS, FEED_COLUMNS)
    done = FeedImport(path.name, records=len(records))
    latest: dict[str, tuple[dt.datetime, int]] = {}
    for record in records:
        where = f"{path.name}, line {record.line}"
        try:
            login = attributes.checked(
                uow, digital_account, "login", record.fields.get("login"), writable=REGISTERED
            )
            at = attributes.checked(
                uow, digital_account, "last_login_at", record.fields.get("at"), writable=LOGIN
            )
            if at is None:
                raise InvalidInput("at", "is required")
        except InvalidInput as exc:
            # The feed's column is `at`; the attribute it is checked as is last_login_at.
            field = "at" if exc.field == "last_login_at" else exc.field
            raise InvalidInput(field, exc.reason, where=where) from None
        if login not in latest or at > latest[login][0]:
            latest[login] = (at, record.line)
    provenance = Provenance(Source.CUSTOMER_CONTACT, uow.now(), f"login feed {path.name}"[:200])
    for login, (at, line) in latest.items():
        try:
            _moved(uow, login, at, path.name, provenance, done)
        except RegisterError as exc:
            raise at_record(f"{path.name}, line {line}", exc) from None
    return done


def _moved(
    uow: UnitOfWork,
    login: str,
    at: dt.datetime,
    name: str,
    provenance: Provenance,
    done: FeedImport,
) -> None:
    row = uow.execute(select(digital_account).where(digital_account.c.login == login)).first()
    if row is None:
        raise NotFound("login", login)
    if at < row.registered_at:
        raise InvalidInput("at", "is before the account was registered")
    if row.closed_at is not None and at > row.closed_at:
        raise InvalidInput("at", "is after the account was closed")
    if row.last_login_at is not None and at <= row.last_login_at:
        done.unchanged += 1
        return
    attributes.write_attributes(
        uow,
        digital_account,
        row.id,
        row.person_id,
        {"last_login_at": at},
        coded(Reason.LOGIN_FEED, name[:200]),
        provenance,
        writable=LOGIN,
    )
    done.new += 1
