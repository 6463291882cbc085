"""How large a request body each route takes, declared in one place.

Every route takes at most `Settings.max_body_bytes` (REKISTERI_MAX_BODY_BYTES, 1 MiB) unless a
prefix of its path is in `LIMITS`. The largest request the API and the pages take now is a
person with 20 contact points and 20 permission wordings at their longest: 57 KiB in ASCII,
310 KiB with every letter an escaped `ä` (`\\u00e4`), 610 KiB with every letter an emoji; the
public request form is at most 52 KiB. `request_guard.RequestGuard` applies the limit before
anything reads the body, so it must be known from the path alone, before routing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

KiB: Final = 1024
MiB: Final = 1024 * KiB

# Path prefix (whole segments) → the largest body in bytes the routes under it take; the
# longest matching prefix wins. A route taking uploads declares its limit here, for example
# "/api/v1/imports": 200 * MiB for Datahub files sent through the API.
LIMITS: Final[Mapping[str, int]] = {
    # A month's Finvoice batch of a small retailer (a few kilobytes a message); larger
    # batches go through `rekisteri import invoices`, which streams the file.
    "/api/v1/imports/invoices": 64 * MiB,
    # A bank's camt.054 notification: 100,000 payments are some 90 MiB.
    "/api/v1/imports/payments": 128 * MiB,
    # Datahub's market events: a day's events of a retailer are a few hundred kilobytes;
    # 100,000 events (the file's bound, adapters/market_events) are some 60 MiB.
    "/api/v1/imports/market-events": 64 * MiB,
    # The population register's changes: 100,000 records are some 15 MiB (its adapter's bound).
    "/api/v1/imports/population": 64 * MiB,
}


# Call recordings sent by the phone system (routes/recordings.py): the limit is the setting
# REKISTERI_MAX_RECORDING_BYTES, put in by the app. `*` stands for one whole segment (the
# person's key).
RECORDING_UPLOADS: Final = "/api/v1/persons/*/recordings"


def _covers(prefix: str, path: str) -> bool:
    """Whether `prefix` is `path` or its leading whole segments (`*` matching any one)."""
    want = prefix.rstrip("/").split("/")
    have = path.split("/")
    if len(have) < len(want):
        return False
    return all(w == h or (w == "*" and h != "") for w, h in zip(want, have, strict=False))


def limit_for(path: str, default: int, limits: Mapping[str, int] = LIMITS) -> int:
    """The limit of the longest prefix of `path` in `limits`, or `default` when none matches."""
    matching = [p for p in limits if _covers(p, path)]
    return limits[max(matching, key=len)] if matching else default
