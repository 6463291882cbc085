"""The public request form's guard against floods, without shutting out a real person.

Each request from the form opens a case with a legal deadline on the DPO's desk, so:
- the form carries the time it was served, signed (HMAC under a key derived from the keyring's
  index key, like the preference links): a post sooner than a person could fill it in, or with
  a forged or expired time, is refused, and the person gets the form back to send again;
- one client address (a keyed digest of it, services/access/throttle) may send only so many
  requests an hour; the count commits with the request, so a refused post counts nothing;
- past the day's alert level requests are still accepted, since a real person must get
  through, and the DPO is alerted: the desk shows each such day for a week (`alerts`), the
  server log says so when the level is passed, and each request past it is noted in the audit
  trail. No mail: the SMTP settings always have a default, so "configured" cannot be told from
  "not set up", and a person's request must not wait for a mail server.
The form's honeypot field is the entry point's: it is only a field of the page.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import logging
from enum import StrEnum
from typing import Any

from rekisteri.adapters.crypto import Cipher
from rekisteri.catalogue import Category, Source
from rekisteri.config import Settings
from rekisteri.domain.errors import Forbidden
from rekisteri.domain.register import Provenance
from rekisteri.domain.requests import ReceivedHow
from rekisteri.services.access import throttle
from rekisteri.services.rights import requests
from rekisteri.services.unit_of_work import UnitOfWork

INFO = b"rekisteri request form start v1"
log = logging.getLogger(__name__)


class Refusal(StrEnum):
    TOO_FAST = "too_fast"  # sent sooner than a person fills the form in
    STALE = "stale"  # no valid start time: forged, cut, or the form was open too long
    THROTTLED = "throttled"  # too many requests from the address this hour


class FormRefused(Forbidden):
    def __init__(self, reason: Refusal) -> None:
        super().__init__(f"the request form was refused: {reason.value}")
        self.reason = reason


def _key(cipher: Cipher) -> bytes:
    return cipher.derived_key(INFO)


def _mac(cipher: Cipher, seconds: int) -> str:
    mac = hmac.new(_key(cipher), str(seconds).encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def started(cipher: Cipher, now: dt.datetime) -> str:
    """The signed time a form is served at, for its hidden field."""
    seconds = int(now.timestamp())
    return f"{seconds}.{_mac(cipher, seconds)}"


def check_started(cipher: Cipher, settings: Settings, token: str, now: dt.datetime) -> None:
    """FormRefused unless `token` is a genuine start time old enough and not too old."""
    try:
        text, mac = token.split(".", 1)
        seconds = int(text)
        genuine = hmac.compare_digest(mac, _mac(cipher, seconds))
    except (ValueError, binascii.Error):
        genuine = False
    if not genuine:
        raise FormRefused(Refusal.STALE)
    age = now.timestamp() - seconds
    if age > settings.request_form_valid_hours * 3600:
        raise FormRefused(Refusal.STALE)
    if age < settings.request_form_min_seconds:
        raise FormRefused(Refusal.TOO_FAST)


def per_address(settings: Settings) -> throttle.Window:
    return throttle.Window(
        "request-form", dt.timedelta(hours=1), settings.request_form_per_address_hour
    )


def daily(settings: Settings) -> throttle.Window:
    return throttle.Window(
        "request-form-day", throttle.DAY, settings.request_form_daily_alert, dt.timedelta(days=7)
    )


def receive(
    uow: UnitOfWork, address: str | None, kind: str, details: dict[str, Any]
) -> requests.NewRequest:
    """Open the request (received, unverified), counted against the address and the day."""
    settings = uow.settings
    window = per_address(settings)
    if throttle.hit(uow, window, throttle.source_of(uow.cipher, address)) > window.limit:
        raise FormRefused(Refusal.THROTTLED)  # the caller's transaction rolls the count back
    done = requests.new_request(
        uow,
        None,
        kind,
        ReceivedHow.WEB_FORM,
        Provenance(Source.CUSTOMER_CONTACT, uow.now(), "self-service request form"),
        details=details,
    )
    today = throttle.hit(uow, daily(settings), throttle.ALL)
    level = settings.request_form_daily_alert
    if today > level:
        what = f"request form past its daily alert level: request {today} today (level {level})"
        uow.note_change([], [Category.RIGHTS_REQUEST], what)
        if today == level + 1:
            log.warning("%s; the DPO desk shows it", what)
    return done


def alerts(uow: UnitOfWork) -> list[tuple[dt.date, int]]:
    """The days of the last week whose form requests passed the alert level, newest first."""
    window = daily(uow.settings)
    return [
        (start.astimezone(throttle.LOCAL).date(), count)
        for start, count in throttle.over_limit(uow, window, throttle.ALL)
    ]
