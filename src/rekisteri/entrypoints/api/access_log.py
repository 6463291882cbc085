"""The server's access log names the route, never the identifiers in it.

A person may be looked up by identity code (`/api/v1/persons/{key}`, `/api/v1/search?q=`), and a
preference-centre link carries the signature that opens the person's settings. Uvicorn's access
log writes the full path and query, so this filter masks both before a line is written (the
identity code is never in plain text in a log; a leaked log line opens no one's settings).
"""

from __future__ import annotations

import logging
import re

ACCESS_LOGGER = "uvicorn.access"
# A personal identity code, also with its century sign `+` percent-encoded in a query.
_HETU = re.compile(r"(?i)(?<![0-9A-Z])\d{6}(?:[-+A-FU-Y]|%2B)\d{3}[0-9A-Y](?![0-9A-Z])")
_LINK = re.compile(r"(/preferences/(?:confirm/|unsubscribe/)?)[^/?#\s\"]+")


def redact(text: str) -> str:
    return _LINK.sub(r"\1[link]", _HETU.sub("[henkilötunnus]", text))


class RedactIdentifiers(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def install() -> None:
    """Add the filter to the access logger once (create_app may run more than once)."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, RedactIdentifiers) for f in logger.filters):
        logger.addFilter(RedactIdentifiers())
