"""The server's log names the route, never the personal data in it.

A person may be looked up by identity code, e-mail address, phone number or anything typed in
a search box (`/api/v1/persons/{key}`, `/api/v1/search?q=`), and a preference-centre link
carries the signature that opens the person's settings. Uvicorn's access log writes the path
and query as the client sent them, so this filter decodes them first (a percent-encoded
`100186%2D387X` is the same identity code) and masks identity codes (every century sign),
e-mail addresses, phone numbers, metering points (GSRN: any run of 18 digits), IBANs, search
terms and signed links before a line is written; a decoded line break is written encoded, so
no request forges a line.

A 500 is logged by uvicorn's error logger with its traceback, whose messages may quote the
failed statement's values: the engine hides its parameters (`adapters/db.make_engine`), and this
filter masks the same identifiers in the traceback and drops the lines a database adds with a
row's values (PostgreSQL's `DETAIL:`).
"""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote

ACCESS_LOGGER = "uvicorn.access"
ERROR_LOGGER = "uvicorn.error"

# The person's links: the preference centre's signed ones, the access package's download link.
_LINK = re.compile(r"(/preferences/(?:confirm/|unsubscribe/)?|/package/)[^/?#\s\"]+")
_SEARCH = re.compile(r"([?&]q=)[^&#\s\"]*")
_MASKS = (
    (
        re.compile(r"(?i)(?<![0-9A-Z])[0-9]{6}[-+A-FU-Y][0-9]{3}[0-9A-Y](?![0-9A-Z])"),
        "henkilötunnus",
    ),
    (
        re.compile(r"(?i)(?<![0-9A-Z])[A-Z]{2}[0-9]{2}(?: ?[0-9A-Z]){11,30}(?![0-9A-Z])"),
        "tilinumero",
    ),
    (re.compile(r"(?<![0-9])[0-9]{18}(?![0-9])"), "käyttöpaikka"),
    (re.compile(r"[^\s/?&=#@\"'<>;,()\[\]]+@[^\s/?&=#@\"'<>;,()\[\]]+"), "sähköposti"),
    # International (+358..., 00358...) and national (040..., 09...) numbers, spaced or not; a
    # `+` may stand for a space in a query.
    (
        re.compile(
            r"(?<![\w+])(?:\+|00)[1-9](?:[ +-]?[0-9]){6,14}(?![0-9])"
            r"|(?<![\w.-])0[1-9](?:[ +-]?[0-9]){5,10}(?![0-9])"
        ),
        "puhelin",
    ),
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DETAIL = re.compile(r"(?m)^(DETAIL|\[parameters):.*$")


def _decoded(text: str) -> str:
    for _ in range(3):  # twice-encoded is encoded too
        once = unquote(text)
        if once == text:
            break
        text = once
    return text


def _masked(text: str) -> str:
    for pattern, name in _MASKS:
        text = pattern.sub(f"[{name}]", text)
    return text


def redact(text: str) -> str:
    """A request line's path and query with no personal data: decoded, then masked; control
    characters are written percent-encoded."""
    for _ in range(2):  # as sent (where `&`, `?` and `/` still part it), then decoded
        text = _SEARCH.sub(r"\1[haku]", _LINK.sub(r"\1[link]", text))
        text = _decoded(text)
    return _CONTROL.sub(lambda c: f"%{ord(c.group()):02X}", _masked(text))


def redact_traceback(text: str) -> str:
    return _masked(_DETAIL.sub(r"\1: [withheld]", text))


class RedactIdentifiers(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


class RedactErrors(logging.Filter):
    """The error log's messages and tracebacks, masked the same way (lines kept)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact_traceback(a) if isinstance(a, str) else a for a in record.args
            )
        if isinstance(record.msg, str):
            record.msg = redact_traceback(record.msg)
        if record.exc_info:
            # Formatted here, once, so no handler formats the unmasked exception itself.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = redact_traceback(record.exc_text)
        return True


def install() -> None:
    """Add the filters to uvicorn's loggers once (create_app may run more than once)."""
    for name, kind in ((ACCESS_LOGGER, RedactIdentifiers), (ERROR_LOGGER, RedactErrors)):
        logger = logging.getLogger(name)
        if not any(isinstance(f, kind) for f in logger.filters):
            logger.addFilter(kind())
