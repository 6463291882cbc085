"""Personal, signed, expiring links for the preference centre (P5).

A link carries a small payload (whose settings, what the link may do, until when) and an
HMAC-SHA256 over it. The signing key is derived with HKDF from the keyring's index key under
its own info string, so it is never the key of any other use, and it survives key rotation.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from rekisteri.adapters.crypto import Cipher
from rekisteri.domain.errors import Forbidden

INFO = b"rekisteri preference link v1"


class LinkKind(StrEnum):
    SETTINGS = "s"  # open and change one's settings
    UNSUBSCRIBE = "u"  # one click: withdraw one (purpose, channel)
    CONFIRM = "c"  # double opt-in: confirm an e-mail consent


@dataclass(frozen=True)
class LinkPayload:
    kind: LinkKind
    person_id: int
    expires: dt.datetime
    extra: dict[str, Any]


def _key(cipher: Cipher) -> bytes:
    return cipher.derived_key(INFO)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(cipher: Cipher, payload: LinkPayload) -> str:
    body = json.dumps(
        {
            "k": payload.kind.value,
            "p": payload.person_id,
            "e": int(payload.expires.timestamp()),
            "x": payload.extra,
        },
        separators=(",", ":"),
        sort_keys=True,
    ).encode()
    mac = hmac.new(_key(cipher), body, hashlib.sha256).digest()
    return f"{_b64(body)}.{_b64(mac)}"


def verify(cipher: Cipher, token: str, kind: LinkKind, now: dt.datetime) -> LinkPayload:
    """The payload of a genuine, unexpired link of `kind`; Forbidden otherwise."""
    try:
        body_text, mac_text = token.split(".", 1)
        body, mac = _unb64(body_text), _unb64(mac_text)
    except (ValueError, binascii.Error):
        raise Forbidden("the link is not valid") from None
    expected = hmac.new(_key(cipher), body, hashlib.sha256).digest()
    if not hmac.compare_digest(mac, expected):
        raise Forbidden("the link is not valid")
    data = json.loads(body)
    if data["k"] != kind.value:
        raise Forbidden("the link is not valid here")
    expires = dt.datetime.fromtimestamp(int(data["e"]), dt.UTC)
    if expires <= now:
        raise Forbidden("the link has expired")
    return LinkPayload(LinkKind(data["k"]), int(data["p"]), expires, dict(data["x"]))
