"""The address a request came from, for the throttles of logins and the public request form.

X-Forwarded-For is believed only from the reverse proxies named in REKISTERI_TRUSTED_PROXIES:
anyone else can write anything in it. Each proxy appends the address it got the request from,
so the client is the nearest address, read from the right, that is not a trusted proxy; the
entries left of it may be forged. (`rekisteri serve` runs uvicorn without its own proxy-header
handling, so this is the one rule.)
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from fastapi import Request
from pydantic import IPvAnyNetwork

MAX_LENGTH = 100  # an address is short; a longer header entry is cut, not stored whole


def client_address(request: Request, trusted: Sequence[IPvAnyNetwork]) -> str | None:
    """The client's address: the peer's, or past the trusted proxies, the one they name."""
    current = request.client.host if request.client else None
    hops = [
        hop.strip()
        for header in request.headers.getlist("x-forwarded-for")
        for hop in header.split(",")
        if hop.strip()
    ]
    while current is not None and hops and _is_trusted(current, trusted):
        current = hops.pop()
    return current[:MAX_LENGTH] if current is not None else None


def _is_trusted(address: str, trusted: Sequence[IPvAnyNetwork]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False  # not an address (a test client's name, junk in a header): no proxy
    return any(ip in network for network in trusted)
